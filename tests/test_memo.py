"""Memo table sizes come from one budget, ``$STOPSHIP_CACHE_SCALE``."""

from __future__ import annotations

import subprocess
import sys

import pytest

from stopship import memo, settings
from stopship.errors import ConfigError


def test_entries_scale_with_a_floor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memo, "SCALE", 0.5)
    assert memo.entries(200_000) == 100_000
    assert memo.entries(100) == memo.FLOOR
    monkeypatch.setattr(memo, "SCALE", 1.0)
    assert memo.entries(200_000) == 200_000


@pytest.mark.parametrize("raw", ["abc", "0", "-1", "inf", "nan", ""])
def test_cache_scale_must_be_a_positive_number(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(settings.ENV_CACHE_SCALE, raw)
    if raw == "":
        assert settings.cache_scale() == 1.0  # unset or empty: the default
        return
    with pytest.raises(ConfigError, match=settings.ENV_CACHE_SCALE):
        settings.cache_scale()


def test_the_scale_reaches_the_screening_caches() -> None:
    code = ("from stopship.matching import prepared; "
            "print(prepared._prepare_cached.cache_info().maxsize)")
    sizes = []
    for scale in ("1", "0.1"):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, env={"STOPSHIP_CACHE_SCALE": scale, "PATH": ""})
        sizes.append(int(out.stdout))
    assert sizes == [30_000, 3_000]
