"""The one entry point that turns a name into comparable parts: ``prepare``.

List names and queries go through exactly the same steps:

1. clean: Unicode NFKC, control / format / surrogate characters dropped, at most
   ``MAX_CHARS`` characters kept;
2. legal forms written in scripts without spaces (有限公司, 株式会社) are cut out;
3. romanise (every plausible rendering; the first is the default);
4. tokenise: lowercase ASCII words, apostrophes dropped, other punctuation splits;
5. numbers: ``No. 2`` / ``№ 2`` / ``#2`` -> ``2``; roman numerals (``III``) -> digits;
6. titles stripped from person names and names of unknown schema (``titles.yaml``:
   President, Presidente, Президент, Mr, Sheikh ...; never from ``SURNAME, Given``);
7. legal forms stripped (``legal_forms.yaml``), abbreviations expanded
   (``abbreviations.yaml``), one skeleton key per token (``variants.token_key``).

Variants (other romanisation systems, the name with its title, Arabic ``Abd`` compounds
left unjoined, Baltic case endings folded, French ``ch`` read as ш) are alternative
renderings for recall.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from stopship.memo import entries
from stopship.names import abbreviations, legal_forms, titles
from stopship.names.scripts import detect_script
from stopship.names.translit import romanize
from stopship.names.types import PreparedName
from stopship.names.variants import token_key

MAX_CHARS = 1000
"""Longer inputs are cut: no real name is this long, and the matcher reports them."""

_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_APOSTROPHES = re.compile(r"['’‘`ʼʻ´ʹʺ]")
_SPLIT = re.compile(r"[^0-9a-z]+")
_NUMBER_SIGN = re.compile(r"(?:№|#|n°|nº|n\.º)\s*", re.IGNORECASE)
_NUMBER_CUES = frozenset({"no", "nr", "num", "number", "nomer", "n"})
_ROMAN = {
    "ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8", "ix": "9",
    "xii": "12", "xiii": "13", "xiv": "14", "xv": "15", "xvi": "16", "xvii": "17",
    "xviii": "18", "xix": "19", "xx": "20",
}
_PERSON = "person"
_NO_LEGAL_FORMS = frozenset({"person", "vessel", "aircraft"})


class _Kept(dict[int, "str | None"]):
    """For ``str.translate``: each character met so far -> itself, or None when its
    category is dropped (looked up once per character, not once per occurrence)."""

    def __missing__(self, code: int) -> str | None:
        ch = chr(code)
        kept = None if unicodedata.category(ch) in _DROP_CATEGORIES else ch
        if len(self) > 20_000:
            self.clear()  # a text of rare characters cannot grow it without end
        self[code] = kept
        return kept


_KEPT = _Kept()


def clean(text: str) -> str:
    """NFKC, without control/format/surrogate/private characters, at most ``MAX_CHARS``."""
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text.translate(_KEPT))
    elif not text.isprintable():
        text = "".join(ch for ch in text if ch.isprintable())
    return text


def tokenize(latin: str) -> list[str]:
    """Lowercase ASCII words of a romanised string."""
    latin = _APOSTROPHES.sub("", latin.lower())
    return [t for t in _SPLIT.split(latin) if t]


def _numbers(tokens: list[str], schema: str | None) -> tuple[list[str], list[str]]:
    """(tokens with number cues dropped and numerals normalised, numbers)."""
    # Number cues (No, Nr, #) are dropped when the next kept token is a number; decided from
    # the right so that runs of cues (``# N 2``) go at once and the result is stable.
    kept: list[str] = []
    for i in range(len(tokens) - 1, -1, -1):
        t = tokens[i]
        if t in _NUMBER_CUES and i > 0 and kept and kept[-1][:1].isdigit():
            continue
        if schema != _PERSON and t in _ROMAN and i > 0:
            t = _ROMAN[t]
        elif t.isdigit():
            t = t.lstrip("0") or "0"
        kept.append(t)
    kept.reverse()
    numbers = [t for t in kept if t[:1].isdigit() or t[-1:].isdigit()]
    return kept, numbers


_ABD = frozenset({"abd", "abdu", "abdul", "abdel", "abdal", "abdol", "abdoul", "abdur", "abdus"})
# latin spellings of the Arabic article, assimilated or not (al-Din, ad-Din, el, ul, et)
ARABIC_ARTICLES = frozenset({"al", "el", "ul", "ol", "il", "ar", "ur", "as", "us", "ad", "ud",
                             "an", "un", "at", "ut", "et", "az", "uz", "ash", "ush", "ed", "er",
                             "es", "en", "ez"})


def _join_compounds(tokens: list[str]) -> list[str]:
    """Join Arabic ``Abd al-X`` / ``Abdul X`` / ``Abdel X`` compounds into one token, so every
    spelling yields one word (``abdalrahman``, ``abdulrahman``) whose key is the same."""
    if not _ABD.intersection(tokens):
        return tokens
    out: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        t = tokens[i]
        if t in _ABD and i + 1 < n and not tokens[i + 1].isdigit():
            if tokens[i + 1] in ARABIC_ARTICLES and i + 2 < n:
                out.append(t + tokens[i + 1] + tokens[i + 2])
                i += 3
                continue
            out.append(t + tokens[i + 1])
            i += 2
            continue
        out.append(t)
        i += 1
    return out


_BALTIC_END = re.compile(r"(?<=[a-z]{3}[bcdfghklmnprstvz])(?:as|is|ys|us|s)$")


def _baltic(tokens: list[str]) -> list[str] | None:
    """Lithuanian / Latvian nominative endings folded (``Vladimiras Putinas``, ``Vladimirs
    Putins`` -> ``vladimir putin``) when at least two words carry one; else None."""
    folded = [_BALTIC_END.sub("", t) for t in tokens]
    if sum(a != b for a, b in zip(tokens, folded, strict=True)) < 2:
        return None
    return folded


_FRENCH_SH = re.compile(r"(?<!t)ch")


def _french(tokens: list[str]) -> list[str] | None:
    """Russian names romanised the French way write ш as ``ch`` (Chougaïev, Chostakovitch:
    Shugayev, Shostakovich), which the skeleton key cannot tell from English ``ch`` (ч). When
    the name shows the French system elsewhere (``ou`` for у, ``tch`` for ч), the reading with
    ``sh``; else None."""
    if not any("ou" in t or "tch" in t for t in tokens):
        return None
    read = [_FRENCH_SH.sub("sh", t) for t in tokens]
    return read if read != tokens else None


@lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    """Company words long enough to be recognised when written split in two (abbreviation
    table words and one-word legal forms: ``techn ology``, ``corpo ration``)."""
    words = set(abbreviations.table())
    words.update(seq[0] for seq in legal_forms.table().phrases if len(seq) == 1)
    return frozenset(w for w in words if len(w) >= 7 and w.isalpha())


def _join_split_words(tokens: list[str]) -> list[str]:
    """Join two adjacent tokens that together spell a known company word while the second
    is no word of its own (``TECHN OLOGY`` -> ``technology``)."""
    known, words = _known_words(), abbreviations.table()
    out: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        if i + 1 < n and tokens[i] + tokens[i + 1] in known and tokens[i + 1] not in words:
            out.append(tokens[i] + tokens[i + 1])
            i += 2
            continue
        out.append(tokens[i])
        i += 1
    return out


def _render(rendering: str, schema: str | None, strip_titles: bool = False, join: bool = True
            ) -> tuple[list[str], list[str], list[str], list[str]]:
    """(latin tokens, legal forms, numbers, titles) of one romanised rendering."""
    tokens = tokenize(_NUMBER_SIGN.sub(" no ", rendering))
    if schema != _PERSON and len(tokens) > 1:
        tokens = _join_split_words(tokens)
    forms: list[str] = []
    if schema not in _NO_LEGAL_FORMS:
        tokens, forms = legal_forms.strip_legal_forms(tokens)
    found: list[str] = []
    if strip_titles:
        tokens, found = titles.strip_titles(tokens, schema == _PERSON)
    tokens, numbers = _numbers(tokens, schema)
    return (_join_compounds(tokens) if join else tokens), forms, numbers, found


def _raw_keys(rendering: str) -> tuple[str, ...]:
    return tuple(token_key(t) for t in tokenize(rendering))


# Screening keeps its own cache of prepared names (matching.prepared); this one only spares
# a caller that prepares the same name twice in a row, so it stays small.
@lru_cache(maxsize=entries(4096))
def prepare(text: str, schema: str | None = None) -> PreparedName:
    """Prepare one name (list name or query) for indexing and comparison."""
    original = text
    text = clean(text)
    script = detect_script(text)
    native_forms: list[str] = []
    if script in ("Hani", "Kana", "Hang"):
        text, native_forms = legal_forms.strip_native(text)
    strip = schema in (None, _PERSON) and "," not in text
    native_titles: list[str] = []
    if strip and script in ("Arab", "Hebr"):
        text, native_titles = titles.strip_native_titles(text, schema == _PERSON)
    renderings = romanize(text, True if schema == _PERSON else None)
    if schema != _PERSON and script != "Hani":
        renderings = [r.replace("-", " ") for r in renderings] + [
            r.replace("-", "") for r in renderings if "-" in r
        ]
    else:
        renderings = renderings + [r.replace("-", "") for r in renderings if "-" in r]
    latin_tokens, forms, numbers, found = _render(renderings[0], schema, strip)
    found = native_titles + found
    tokens = tuple(latin_tokens if schema == _PERSON else abbreviations.expand(latin_tokens))
    keys = tuple(token_key(t) for t in tokens)
    variants: list[str] = []
    seen = {" ".join(tokens)}

    def add(vt: list[str]) -> None:
        v = " ".join(vt if schema == _PERSON else abbreviations.expand(vt))
        if v and v not in seen:
            seen.add(v)
            variants.append(v)

    # A rendering whose words fold to the same keys as the default one adds nothing to
    # compare (``with_variants`` drops it): skip its full preparation (most of the cost).
    # Worth checking only for the many renderings of Cyrillic (several systems).
    main_keys = _raw_keys(renderings[0]) if len(renderings) > 3 else None
    for rendering in renderings[1:]:
        if main_keys is None or _raw_keys(rendering) != main_keys:
            add(_render(rendering, schema, strip)[0])
    if schema != "organization" and script == "Latn":
        if found:  # the name with its title: "President Hotel" may be a company
            add(_render(renderings[0], schema)[0])
        if _ABD.intersection(tokenize(renderings[0])):  # "Abd AZZOUZ": Abd may stand alone
            add(_render(renderings[0], schema, strip, join=False)[0])
        baltic = _baltic(latin_tokens)
        if baltic is not None:
            add(baltic)
        french = _french(latin_tokens)
        if french is not None:
            add(french)
    all_forms = tuple(dict.fromkeys([*native_forms, *forms]))
    return PreparedName(
        original=original,
        script=script,
        latin=" ".join(latin_tokens),
        tokens=tokens,
        keys=keys,
        legal_forms=all_forms,
        numbers=tuple(numbers),
        variants=tuple(variants),
        schema=schema,
        titles=tuple(found),
    )
