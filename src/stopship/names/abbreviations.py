"""Abbreviations and inflected forms of company-name words, folded to one canonical token.

``resources/names/abbreviations.yaml`` maps a canonical word to its abbreviations and
variants (``communication: [comm, comms, communications, commun]``), so ``GUANGZHOU HAIGE
COMM GRP`` and ``Guangzhou Haige Communications Group`` give the same tokens.  An
abbreviation may also stand for several words (``imp/exp`` -> ``import export``).
"""

from __future__ import annotations

from functools import lru_cache

from stopship.names.data import load_yaml


@lru_cache(maxsize=1)
def table() -> dict[str, tuple[str, ...]]:
    """token -> canonical token(s)."""
    data = load_yaml("abbreviations.yaml")
    out: dict[str, tuple[str, ...]] = {}
    for canon, forms in (data.get("words") or {}).items():
        target = tuple(str(canon).lower().split())
        for form in forms or ():
            out.setdefault(str(form).lower(), target)
        if len(target) == 1:
            out.setdefault(target[0], target)
    return out


@lru_cache(maxsize=1)
def generic_words() -> frozenset[str]:
    """Canonical tokens that are weak evidence in company names (trading, group ...)."""
    data = load_yaml("generic_words.yaml")
    words: set[str] = set()
    for group in (data.get("words") or {}).values():
        for w in group or ():
            words.add(str(w).lower())
    tab = table()
    return frozenset(t for w in words for t in tab.get(w, (w,)))


def expand(tokens: list[str]) -> list[str]:
    """Tokens with abbreviations and inflected forms replaced by canonical words."""
    tab = table()
    out: list[str] = []
    for t in tokens:
        rep = tab.get(t)
        if rep is None:
            out.append(t)
        else:
            out.extend(rep)
    return out
