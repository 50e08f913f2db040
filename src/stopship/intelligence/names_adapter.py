"""The names layer as the trace jobs use it: ``stopship.names.prepare`` (romanisation, legal
forms, skeleton keys) plus a supplement for trade-record habits (abbreviations such as INTL,
register forms such as LLP/TOO, from ``resolution.yaml``). When the names layer is missing a
small private fallback does the same job so the analysis still runs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from stopship.intelligence.reference import INTEL, load_yaml

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class NameParts:
    """What resolution needs of a name: comparable text, tokens and blocking keys."""

    text: str                 # latin, lowercase, no legal forms, abbreviations expanded
    tokens: tuple[str, ...]
    keys: tuple[str, ...]     # romanisation-variant skeleton key per token


@lru_cache(maxsize=1)
def settings() -> dict[str, object]:
    return load_yaml(INTEL / "resolution.yaml")


@lru_cache(maxsize=1)
def _real_prepare():  # type: ignore[no-untyped-def]
    try:
        from stopship.names import prepare
    except ImportError:
        return None
    return prepare


def using_names_layer() -> bool:
    return _real_prepare() is not None


def skeleton(token: str) -> str:
    """First letter + consonants without repeats: folds vowel typos and doubled letters."""
    if not token:
        return token
    body = re.sub(r"[aeiouy]", "", token[1:])
    out = token[0]
    for ch in body:
        if ch != out[-1]:
            out += ch
    return out


@lru_cache(maxsize=1)
def _fallback_tables() -> tuple[tuple[tuple[str, ...], ...], dict[str, str]]:
    conf = settings()
    forms = sorted((tuple(str(f).split()) for f in conf["fallback_legal_forms"]),  # type: ignore[attr-defined]
                   key=len, reverse=True)
    abbr = {str(k): str(v) for k, v in conf["fallback_abbreviations"].items()}  # type: ignore[attr-defined]
    return tuple(forms), abbr


def normalise_text(text: str) -> list[str]:
    words = _NON_ALNUM.sub(" ", anyascii(text).lower()).split()
    _, abbr = _fallback_tables()
    out: list[str] = []
    for w in words:
        out.extend(abbr.get(w, w).split())
    return out


def _strip_forms(words: list[str]) -> list[str]:
    forms, _ = _fallback_tables()
    # drop legal forms from the end (and a trailing run of them)
    changed = True
    while changed and len(words) > 1:
        changed = False
        for form in forms:
            n = len(form)
            if n < len(words) and tuple(words[-n:]) == form:
                words = words[:-n]
                changed = True
                break
    return words


def _fallback(name: str) -> NameParts:
    tokens = tuple(_strip_forms(normalise_text(name)))
    return NameParts(" ".join(tokens), tokens, tuple(skeleton(t) for t in tokens))


_LETTER_RUN = re.compile(r"\b(?:[A-Za-z][.\s]\s*){1,4}[A-Za-z]\b\.?")
_WORD = re.compile(r"[A-Za-z]+")


def pre_normalise(name: str) -> str:
    """Trade-record habits fixed before anything else: dotted or spaced acronyms joined
    (``F.Z.E.``, ``L L C`` -> ``FZE``, ``LLC``) and abbreviations expanded (``Intl``)."""
    _, abbr = _fallback_tables()
    text = _LETTER_RUN.sub(lambda m: re.sub(r"[.\s]", "", m.group(0)) + " ", name)
    return _WORD.sub(lambda m: abbr.get(m.group(0).lower(), m.group(0)), text).strip()


def name_parts(name: str) -> NameParts:
    name = pre_normalise(name)
    prepare = _real_prepare()
    if prepare is None:
        return _fallback(name)
    p = prepare(name)
    # The names layer romanises, drops legal forms and gives the skeleton keys; trade records
    # add abbreviations and register forms it may not know, so the same supplement applies.
    _, abbr = _fallback_tables()
    words: list[str] = []
    for t in p.tokens or normalise_text(name):
        words.extend(abbr.get(t, t).split())
    tokens = tuple(_strip_forms(words)) or tuple(words)
    key_of = dict(zip(p.tokens, p.keys, strict=False))
    keys = tuple(key_of.get(t) or skeleton(t) for t in tokens)
    return NameParts(" ".join(tokens), tokens, keys)


def address_text(address: str | None) -> str:
    return " ".join(normalise_text(address or ""))
