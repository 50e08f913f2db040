"""Legal forms (company types) as data: recognise and strip them from a token sequence.

``resources/names/legal_forms.yaml`` groups forms by equivalence class (``llc`` holds LLC,
OOO, ООО, TOO, OsOO, TOV, L.L.C., "obshchestvo s ogranichennoy otvetstvennostyu" ...).  Every
form is prepared with the same romanisation and tokenisation as names, so the Cyrillic and
latin spellings of a form become the same token sequence.  Forms written in scripts without
spaces (Chinese, Japanese, Korean) are removed from the original text before romanisation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from stopship.names.data import load_yaml
from stopship.names.scripts import char_script


@dataclass(frozen=True, slots=True)
class LegalFormClass:
    """One equivalence class of legal forms."""

    id: str
    label: str
    family: str
    countries: tuple[str, ...]
    forms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Table:
    classes: dict[str, LegalFormClass]
    phrases: dict[tuple[str, ...], str]  # token sequence -> class id
    edge_only: frozenset[tuple[str, ...]]  # short forms only stripped at the start or end
    leading: frozenset[tuple[str, ...]]  # short forms that may also be stripped at the start
    first: dict[str, int]  # first key of a form -> longest form starting with it
    native: re.Pattern[str] | None  # forms in scripts without spaces
    native_ids: dict[str, str]


_SPLIT = re.compile(r"[^0-9a-z]+")
_APOSTROPHES = re.compile(r"['’‘`ʼʻ´ʹʺ]")
_NO_SPACE_SCRIPTS = ("Hani", "Kana", "Hang", "Thai")


def _key_sequences(text: str) -> set[tuple[str, ...]]:
    """Key sequences of every romanisation of a form (so ``ООО`` gives ``ooo``).

    Tokens of up to four letters are kept as written rather than folded to keys: keys fold
    doubled letters and digraphs, which would make ``AAB`` an ``AB``."""
    # Local imports: the translit package and variants import this module's siblings.
    from stopship.names.translit import romanize
    from stopship.names.variants import token_key

    out: set[tuple[str, ...]] = set()
    for rendering in romanize(text.replace("-", " ")):
        rendering = _APOSTROPHES.sub("", rendering)
        toks = [t for t in _SPLIT.split(rendering) if t]
        keys = tuple(t if len(t) <= 4 else token_key(t) for t in toks)
        if keys:
            out.add(keys)
    return out


@lru_cache(maxsize=1)
def table() -> _Table:
    """The legal-form table, built once from the YAML file."""
    data = load_yaml("legal_forms.yaml")
    classes: dict[str, LegalFormClass] = {}
    phrases: dict[tuple[str, ...], str] = {}
    native: dict[str, str] = {}
    anywhere = {k for w in data.get("anywhere") or () for k in _key_sequences(str(w))}
    leading = frozenset(k for w in data.get("leading") or () for k in _key_sequences(str(w)))
    edge_only: set[tuple[str, ...]] = set()
    for cid, spec in (data.get("classes") or {}).items():
        forms = tuple(str(f) for f in spec.get("forms") or ())
        cls = LegalFormClass(
            id=str(cid),
            label=str(spec.get("label", cid)),
            family=str(spec.get("family", cid)),
            countries=tuple(str(c) for c in spec.get("countries") or ()),
            forms=forms,
        )
        classes[cls.id] = cls
        for form in forms:
            if any(char_script(ch) in _NO_SPACE_SCRIPTS for ch in form):
                native.setdefault(form, cls.id)
                continue
            for seq in _key_sequences(form):
                phrases.setdefault(seq, cls.id)
                short = len(seq) == 1 and len(seq[0]) <= 3
                if (short or all(len(k) <= 2 for k in seq)) and seq not in anywhere:
                    edge_only.add(seq)
    first: dict[str, int] = {}
    for seq in phrases:
        first[seq[0]] = max(first.get(seq[0], 0), len(seq))
    pattern = None
    if native:
        alts = sorted(native, key=len, reverse=True)
        pattern = re.compile("|".join(re.escape(a) for a in alts))
    return _Table(classes, phrases, frozenset(edge_only), leading, first, pattern, native)


def strip_native(text: str) -> tuple[str, list[str]]:
    """Remove legal forms written in scripts without spaces (有限公司, 株式会社, 주식회사)
    from ``text``; returns (rest, class ids found)."""
    tab = table()
    if tab.native is None:
        return text, []
    found: list[str] = []

    def repl(m: re.Match[str]) -> str:
        found.append(tab.native_ids[m.group(0)])
        return " "

    rest = tab.native.sub(repl, text)
    return rest, found


def strip_legal_forms(tokens: Sequence[str]) -> tuple[list[str], list[str]]:
    """(remaining tokens, legal-form class ids) of a latin token sequence.

    Forms are recognised on skeleton keys, so spelling variants of a spelled-out form
    (``otvetstvennostyu`` / ``otvetstvennostiu``) are found too; the longest form wins at each
    position.  Short one-token forms (AO, AG, SA, IP, Co ...) are removed only at the end of
    the name, or at its start for the forms written in front of names (AO, OOO, PT, IP ...),
    repeatedly, since inside a name they are often words or initials.
    """
    from stopship.names.variants import token_key

    tab = table()
    toks = list(tokens)
    # Short tokens are compared as written, longer ones by key (see ``_key_sequences``).
    keys = [t if len(t) <= 4 else token_key(t) for t in toks]
    n = len(toks)
    found: list[str] = []
    keep = [True] * n
    i = 0
    while i < n:
        longest = tab.first.get(keys[i], 0)
        for size in range(min(longest, n - i), 0, -1):
            seq = tuple(keys[i:i + size])
            cid = tab.phrases.get(seq)
            if cid is None or (seq in tab.edge_only
                               and not _at_edge(keep, i, i + size, seq in tab.leading)):
                continue
            for j in range(i, i + size):
                keep[j] = False
            found.append(cid)
            i += size
            break
        else:
            i += 1
    # Short forms uncovered at either end by the first pass (``Romashka Co Ltd AO``).
    lo, hi = 0, n
    while True:
        while lo < hi and not keep[lo]:
            lo += 1
        while hi > lo and not keep[hi - 1]:
            hi -= 1
        if lo < hi and (keys[hi - 1],) in tab.phrases:
            found.append(tab.phrases[(keys[hi - 1],)])
            keep[hi - 1] = False
        elif lo < hi and (keys[lo],) in tab.phrases and (
                (keys[lo],) not in tab.edge_only or (keys[lo],) in tab.leading):
            found.append(tab.phrases[(keys[lo],)])
            keep[lo] = False
        else:
            break
    return [t for t, k in zip(toks, keep, strict=True) if k], found


def _at_edge(keep: list[bool], start: int, end: int, leading: bool) -> bool:
    """At the end of the name, or at its start for forms written in front of names."""
    return not any(keep[end:]) or (leading and not any(keep[:start]))


def legal_form_family(class_id: str) -> str:
    """The family of a class (``pjsc`` and ``cjsc`` are both ``jsc``); unknown ids pass."""
    cls = table().classes.get(class_id)
    return cls.family if cls else class_id


def legal_form_label(class_id: str) -> str:
    """A readable label for a class id (for explanations)."""
    cls = table().classes.get(class_id)
    return cls.label if cls else class_id
