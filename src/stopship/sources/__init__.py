"""List sources: one sub-package per official format, each with the same ``Source``
interface (``sources/base.py``) and its metadata file beside the parser.

The registry maps a source id to its class by dotted path so that no parser imports
another and loading one source does not import them all.
"""

from __future__ import annotations

import importlib

from stopship.errors import ConfigError
from stopship.sources.base import ParseReport, SkippedRow, Source, SourceMeta

REGISTRY: dict[str, str] = {
    "us_ofac_sdn": "stopship.sources.ofac_sdn.parser:OfacSdnSource",
    "us_trade_csl": "stopship.sources.trade_csl.parser:TradeCslSource",
    "un_sc": "stopship.sources.un_sc.parser:UnScSource",
    "tabular": "stopship.sources.tabular.parser:TabularSource",
    "ftm": "stopship.sources.ftm.parser:FtmSource",
}


def get_source(source_id: str, **kwargs: object) -> Source:
    """Instantiate the source registered as ``source_id``."""
    try:
        target = REGISTRY[source_id]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise ConfigError(f"unknown source {source_id!r}; known sources: {known}") from None
    module_name, class_name = target.split(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls(**kwargs)  # type: ignore[no-any-return]


__all__ = ["REGISTRY", "ParseReport", "SkippedRow", "Source", "SourceMeta", "get_source"]
