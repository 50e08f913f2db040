"""Text folding shared by the keyword, contact and line-of-business rules."""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: ``"Apt. 5, Улица"`` ->
    ``"apt 5 ulitsa"``. Keyword lists and order values are compared in this form."""
    return " ".join(_NON_ALNUM.sub(" ", anyascii(text).lower()).split())


@lru_cache(maxsize=256)
def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![0-9a-z])(?:{alternatives})(?![0-9a-z])")


def has_word(folded: str, words: tuple[str, ...]) -> str | None:
    """One of ``words`` (each already folded) found as whole words in ``folded`` (the
    leftmost, longest first), or None."""
    if not words:
        return None
    found = _pattern(words).search(folded)
    return found.group(0) if found else None
