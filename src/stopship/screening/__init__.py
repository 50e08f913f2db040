"""Screening: query records in, hits with explanations out (the ``Screener`` contract).

The engine is imported lazily so that ``stopship.screening.types`` stays light for the
modules that only need the contract."""

from __future__ import annotations

from typing import Any

from stopship.screening.types import Explanation, Hit, QueryRecord, Screener

_LAZY = {
    "Outcome": "stopship.screening.engine",
    "ScreeningEngine": "stopship.screening.engine",
    "build_screener": "stopship.screening.engine",
    "open_screener": "stopship.screening.open",
    "screen_file": "stopship.screening.batch",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)


__all__ = ["Explanation", "Hit", "QueryRecord", "Screener", *_LAZY]
