"""Titles and honorifics around person names, as data: recognise and strip them.

``resources/names/titles.yaml`` lists offices and honorifics (President / Presidente /
Президент / رئيس, Mr / Mrs / Sheikh ...) in every script; they are prepared with the same
romanisation and tokenisation as names.  ``strip_titles`` removes them from the start and the
end of a token sequence, never the last word of a name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from stopship.names.data import load_yaml

_SPLIT = re.compile(r"[^0-9a-z]+")
_APOSTROPHES = re.compile(r"['’‘`ʼʻ´ʹʺ]")


def _sequences(text: str) -> set[tuple[str, ...]]:
    """Token sequences of every romanisation of a title."""
    from stopship.names.translit import romanize

    out: set[tuple[str, ...]] = set()
    for rendering in romanize(text.replace("-", " ")):
        toks = tuple(t for t in _SPLIT.split(_APOSTROPHES.sub("", rendering.lower())) if t)
        if toks:
            out.add(toks)
    return out


def _skeletal(word: str) -> bool:
    """Written in a script without short vowels (Arabic, Hebrew): such titles are matched
    as written, since their romanisations collide with names (رئيس read ``reyes``)."""
    return any("\u0590" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" for ch in word)


def _words(person: bool) -> list[str]:
    data = load_yaml("titles.yaml")
    words = [str(w) for w in (data.get("offices") or []) + (data.get("titles") or [])]
    if person:
        words += [str(w) for w in data.get("person_only") or ()]
    return words


@lru_cache(maxsize=2)
def _table(person: bool) -> tuple[frozenset[tuple[str, ...]], int, frozenset[str]]:
    """(title sequences, longest sequence, first tokens) for a person / unknown schema."""
    seqs = frozenset(s for w in _words(person) if not _skeletal(w) for s in _sequences(w))
    longest = max((len(s) for s in seqs), default=0)
    return seqs, longest, frozenset(s[0] for s in seqs)


@lru_cache(maxsize=2)
def _native(person: bool) -> tuple[frozenset[tuple[str, ...]], int]:
    """Arabic / Hebrew titles as word sequences of the original script."""
    seqs = frozenset(tuple(w.split()) for w in _words(person) if _skeletal(w))
    return seqs, max((len(s) for s in seqs), default=0)


def strip_native_titles(text: str, person: bool) -> tuple[str, list[str]]:
    """(text without leading / trailing Arabic or Hebrew titles, the titles removed, in
    latin); used before romanisation. Same rules as ``strip_titles``."""
    seqs, longest = _native(person)
    words = text.split()
    kept, found = strip_titles(words, person, (seqs, longest, frozenset(s[0] for s in seqs)))
    if not found:
        return text, []
    from stopship.names.translit import romanize

    return " ".join(kept), [romanize(f)[0] for f in found]


@lru_cache(maxsize=1)
def _offices() -> frozenset[str]:
    data = load_yaml("titles.yaml")
    words = [str(w) for w in data.get("offices") or ()]
    out = {" ".join(s) for w in words if not _skeletal(w) for s in _sequences(w)}
    out.update(w for w in words if _skeletal(w))
    from stopship.names.translit import romanize

    out.update(romanize(w)[0] for w in words if _skeletal(w))
    return frozenset(out)


def is_office(title: str) -> bool:
    """Whether a removed title (as ``strip_titles`` returns it) is an office held by one
    person at a time (President, Президент), not an honorific (Mr, Sheikh)."""
    return title in _offices()


def _is_office_seq(words: list[str]) -> list[bool]:
    offices = _offices()
    return [" ".join(words[i:j]) in offices
            for i in range(len(words)) for j in range(i + 1, len(words) + 1)]


def _match(tokens: Sequence[str], start: int, seqs: frozenset[tuple[str, ...]],
           longest: int, backwards: bool = False) -> int:
    """Length of the longest title starting (or, backwards, ending) at ``start``."""
    for size in range(min(longest, len(tokens)), 0, -1):
        part = tokens[start:start + size] if not backwards else tokens[start - size + 1:start + 1]
        if len(part) == size and tuple(part) in seqs:
            return size
    return 0


def strip_titles(tokens: Sequence[str], person: bool,
                 table: tuple[frozenset[tuple[str, ...]], int, frozenset[str]] | None = None
                 ) -> tuple[list[str], list[str]]:
    """(tokens without leading / trailing titles, the titles removed).

    ``person`` adds the titles that also open company names (General, Doctor, Colonel).
    A name made only of titles is returned unchanged, and so is an honorific before a
    single word (``Mr SMITH``); an office before a single word is removed."""
    seqs, longest, firsts = table if table is not None else _table(person)
    toks = list(tokens)
    if len(toks) < 2 or not any(t in firsts for t in toks):
        return toks, []
    lo, hi = 0, len(toks)
    while lo < hi - 1:
        size = _match(toks[:hi], lo, seqs, longest)
        if not size or lo + size >= hi:
            break
        lo += size
    while hi - 1 > lo:
        size = _match(toks[:hi], hi - 1, seqs, longest, backwards=True)
        if not size or hi - size <= lo:
            break
        hi -= size
    if lo == 0 and hi == len(toks):
        return toks, []
    removed_words = toks[:lo] + toks[hi:]
    if hi - lo < 2 and not any(_is_office_seq(removed_words)):
        # an honorific before a lone word (MULLAH ABBAS, Mr SMITH) stays: without it the
        # name would be a bare surname; an office (Presidente Putin) names one person
        return toks, []
    removed = [" ".join(toks[:lo]), " ".join(toks[hi:])]
    return toks[lo:hi], [r for r in removed if r]
