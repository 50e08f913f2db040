"""Japanese: text holding kana (with any kanji mixed in) to Hepburn romaji, through pykakasi.

anyascii reads kana one character at a time, so a contracted sound comes out as two
syllables (ショイグ shiyoigu, リョウ riyou) and ヴィ as vui; pykakasi reads them as Hepburn
does (shoigu, ryou, vi) and gives kanji their Japanese readings. The second rendering
writes long vowels as passports do (Tarou -> Taro, Yuuko -> Yuko).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_LONG = re.compile(r"(?<=o)u|(?<=([aeiu]))\1")


@lru_cache(maxsize=1)
def _kakasi() -> Any:
    import pykakasi  # loads its dictionaries (about half a second): only when kana appear

    return pykakasi.kakasi()


def romanize_japanese(text: str) -> list[str]:
    """Hepburn reading of ``text``, a space between the words pykakasi finds (山田太郎 yamada
    tarou; characters it does not read pass unchanged), then the same with long vowels
    written once (passport style), when that differs."""
    words = [part["hepburn"] or part["orig"] for part in _kakasi().convert(text)]
    hepburn = re.sub(r" +", " ", " ".join(words)).strip()
    passport = _LONG.sub("", hepburn)
    return [hepburn, passport] if passport != hepburn else [hepburn]
