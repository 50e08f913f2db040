"""The one door from matching and the index to name preparation.

Everything that compares names (the index at build and query time, the scorer) calls
``prepare_name`` here, so list names and queries pass through exactly the same steps.
It delegates to ``stopship.names.prepare``; while that package is absent (it is built
in parallel), a deliberately small private fallback keeps the engine usable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from anyascii import anyascii

from stopship.memo import entries

try:  # pragma: no cover - exercised whichever way the tree is
    from stopship import names as _names

    _real_prepare: Any = getattr(_names, "prepare", None)
except ImportError:  # pragma: no cover
    _real_prepare = None


@dataclass(slots=True)
class Prepared:
    """What matching needs of a name: tokens (lowercase ascii, legal forms removed,
    abbreviations expanded), per-token skeleton keys, legal forms, numbers, variants."""

    original: str
    latin: str
    tokens: tuple[str, ...]
    keys: tuple[str, ...]
    legal_forms: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()
    script: str = "Latn"
    extra: dict[str, Any] = field(default_factory=dict)
    titles: tuple[str, ...] = ()  # titles removed from a person's name (President, Mr)


def using_fallback() -> bool:
    """True while ``stopship.names`` is not available and the fallback is in use."""
    return _real_prepare is None


def prepare_name(text: str, schema: str | None = None) -> Prepared:
    """Prepare one name (query or list) for indexing and comparison."""
    return _prepare_cached(text, schema)


@lru_cache(maxsize=entries(30_000))  # batch workers see few repeats: the parent removed them
def _prepare_cached(text: str, schema: str | None) -> Prepared:
    if _real_prepare is not None:
        try:
            pn = _real_prepare(text, schema=schema)
        except TypeError:
            pn = _real_prepare(text)
        tokens = tuple(pn.tokens)
        keys = tuple(pn.keys) if len(pn.keys) == len(tokens) else tuple(_skeleton(t) for t in tokens)
        return Prepared(
            original=text,
            latin=pn.latin,
            tokens=tokens,
            keys=keys,
            legal_forms=tuple(str(x) for x in (pn.legal_forms or ())),
            numbers=tuple(str(x) for x in (pn.numbers or ())),
            variants=tuple(str(v) for v in (pn.variants or ()) if v),
            script=str(getattr(pn, "script", "Latn") or "Latn"),
            titles=tuple(getattr(pn, "titles", ()) or ()),
        )
    return _fallback(text)


# -- minimal private fallback (only while stopship.names is absent) -----------------
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_LEGAL = {
    "llc": "llc", "ooo": "llc", "too": "llc", "osoo": "llc", "ltd": "ltd", "limited": "ltd",
    "jsc": "jsc", "ao": "jsc", "oao": "jsc", "ojsc": "jsc", "zao": "jsc", "cjsc": "jsc",
    "pao": "jsc", "pjsc": "jsc", "inc": "inc", "incorporated": "inc", "corp": "corp",
    "corporation": "corp", "gmbh": "gmbh", "ag": "ag", "fze": "fze", "fzco": "fze",
    "plc": "plc", "llp": "llp", "co": "co", "company": "co",
}
_LEGAL_PHRASES = (
    ("limited liability company", "llc"), ("joint stock company", "jsc"),
    ("obshchestvo s ogranichennoy otvetstvennostyu", "llc"),
    ("obshchestvo s ogranichennoi otvetstvennostiu", "llc"),
    ("aktsionernoe obshchestvo", "jsc"), ("co ltd", "ltd"),
)
_ABBREV = {
    "intl": "international", "tech": "technology", "techn": "technology",
    "comm": "communications", "grp": "group", "mfg": "manufacturing", "elec": "electronics",
}


def _skeleton(token: str) -> str:
    t = token
    for a, b in (("schtsch", "shch"), ("tsch", "ch"), ("sch", "sh"), ("w", "v"), ("kh", "h"),
                 ("tz", "ts"), ("iy", "y"), ("ii", "y"), ("yu", "u"), ("iu", "u"), ("ya", "a"),
                 ("ia", "a"), ("ye", "e"), ("j", "y"), ("ph", "f"), ("ck", "k")):
        t = t.replace(a, b)
    out: list[str] = []
    for ch in t:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def _fallback(text: str) -> Prepared:
    latin = " " + _NON_ALNUM.sub(" ", anyascii(text).lower()).strip() + " "
    forms: list[str] = []
    for phrase, canon in _LEGAL_PHRASES:
        if f" {phrase} " in latin:
            latin = latin.replace(f" {phrase} ", " ")
            forms.append(canon)
    words = []
    for w in latin.split():
        if w in _LEGAL:
            forms.append(_LEGAL[w])
        else:
            words.append(_ABBREV.get(w, w))
    numbers = tuple(w for w in words if w.isdigit())
    tokens = tuple(words)
    return Prepared(text, " ".join(tokens), tokens, tuple(_skeleton(t) for t in tokens),
                    tuple(forms), numbers)


# The skeleton key of one token (same folding as ``Prepared.keys``): the names layer's own
# function and its one cache; ``word_key`` is the same without the cache, for a word met
# once (two words joined).
token_key: Callable[[str], str]
word_key: Callable[[str], str]
consonant_frame: Callable[[str], tuple[str, int]]
# latin spellings of the Arabic article (the names layer's table)
ARABIC_ARTICLES: frozenset[str] = frozenset()
if _real_prepare is not None:
    token_key, word_key = _names.token_key, _names.word_key
    consonant_frame = _names.consonant_frame
    ARABIC_ARTICLES = _names.ARABIC_ARTICLES
else:  # pragma: no cover - only while stopship.names is absent
    token_key = word_key = _skeleton

    def consonant_frame(key: str) -> tuple[str, int]:
        return re.sub(r"(.)\1+", r"\1", re.sub("[aeiou]", "", key)), 0


def distinct_pinyin(a: str, b: str) -> bool:
    """Two different words both written in pinyin syllables (``zhu`` / ``zhou``, ``guiying``
    / ``guoying``) that the name-equivalence table does not group (Chen / Chan / Tan are
    one name): for a query read from Chinese characters, whose pinyin is exact, they are
    different characters, whatever a spelling fold or a one-letter difference suggests."""
    if a == b or _real_prepare is None:
        return False
    return _names.is_pinyin(a) and _names.is_pinyin(b) and not _names.equivalent(a, b)

# Scripts that write no short vowels: a query read from them meets a list word by its
# consonants too (``consonant_frame``).
SKELETAL_SCRIPTS = frozenset({"Arab", "Hebr"})
# The shortest consonant key that retrieves or aligns on its own, and the shortest word.
MIN_CONSONANTS = 2
MIN_SKELETAL_WORD = 3


def skeletal_key(token: str, key: str) -> str:
    """The consonants (``consonant_frame``) of a word long enough to be compared by
    them, else ''."""
    if len(token) < MIN_SKELETAL_WORD or token.isdigit():
        return ""
    c = consonant_frame(key)[0]
    return c if len(c) >= MIN_CONSONANTS else ""


def skeletal_blocks(token: str, key: str) -> tuple[str, ...]:
    """The index keys of a list word for queries read from scripts without short vowels:
    ``~`` + its consonants, and ``^`` + them too when it begins with a vowel (a query word
    that begins with one, an alif, can only meet such a word: see ``skeletal_fit``)."""
    cons = skeletal_key(token, key)
    if not cons:
        return ()
    return ("~" + cons, "^" + cons) if consonant_frame(key)[1] & 1 else ("~" + cons,)


def skeletal_probe(token: str, key: str) -> str:
    """The index key a query word read from such a script looks up: the narrower of its
    ``skeletal_blocks``, or '' for a word too short to be compared by its consonants."""
    blocks = skeletal_blocks(token, key)
    return blocks[-1] if blocks else ""


def skeletal_fit(q_token: str, q_key: str, c_token: str, c_key: str) -> bool:
    """A query word read from a script without short vowels meets a list word: the same
    consonants (``skeletal_key``), and every gap where the query writes a vowel (a long
    vowel: alif, waw, ya) holds one in the list word too (``asil`` is not ``salih``)."""
    cons = skeletal_key(q_token, q_key)
    if not cons or cons != skeletal_key(c_token, c_key):
        return False
    return not consonant_frame(q_key)[1] & ~consonant_frame(c_key)[1]


def skeletal_similarity(consonants: str, words: int = 2) -> float:
    """What a skeletal fit counts for: the fewer consonants, the more names share them;
    a query of one word (``words``) has no other word to confirm it."""
    n = len(consonants)
    sim = 0.9 if n >= 4 else 0.85 if n == 3 else 0.75
    return sim if words > 1 else min(sim, 0.75)


def article_compound(second: str) -> bool:
    """A word read from Arabic script that begins with the article or is Allah (``aldin``,
    ``allah``): the two words before it are often written as one in latin (Sirajuddin,
    Aminullah). Only such pairs are compared joined by their consonants."""
    return second.startswith("al") and len(second) > 3


ACRONYM_STOPWORDS = frozenset(
    {"of", "the", "and", "for", "de", "la", "le", "du", "des", "del", "di", "da", "y", "et", "und",
     "fur", "im", "in", "on", "at", "a", "an", "s", "i"}
)


def acronym(tokens: tuple[str, ...]) -> str:
    """Initials of the name's significant words (``moscow center of sparc technologies``
    -> ``mcst``); empty when the name has fewer than four such words."""
    words = [t for t in tokens if t not in ACRONYM_STOPWORDS and not t.isdigit()]
    if len(words) < 4 or len(words) > 8:
        return ""  # three-letter acronyms collide with too many short words
    return "".join(w[0] for w in words)


def with_variants(prep: Prepared, limit: int = 3) -> list[Prepared]:
    """The prepared name followed by its alternative renderings, each as a Prepared."""
    out = [prep]
    seen = {prep.keys}
    for variant in prep.variants[: limit * 2]:
        tokens = tuple(variant.split())
        keys = tuple(token_key(t) for t in tokens)
        if not tokens or keys in seen:
            continue  # same skeleton keys: nothing new to find or to score
        seen.add(keys)
        out.append(Prepared(prep.original, variant, tokens, keys, prep.legal_forms,
                            prep.numbers, (), prep.script, titles=prep.titles))
        if len(out) > limit:
            break
    return out


_PATRONYMIC = re.compile(
    r"(ovich|evich|ovych|evych|ich|itch|itsch|itsj|itsh|ovits|evits|ovna|evna|owna|ewna|ichna|"
    r"oglu|ogly|kyzy|qizi)$")


@lru_cache(maxsize=entries(100_000))
def is_patronymic(token: str) -> bool:
    """Russian/Ukrainian/Turkic patronymic endings (``Vladimirovich``, ``Ivanovna``, ``oglu``)."""
    return len(token) > 5 and bool(_PATRONYMIC.search(token))


def legal_family(form: str) -> str:
    """The family of a legal-form class (``pjsc`` and ``jsc`` are both ``stock``)."""
    if _real_prepare is not None:
        fn = getattr(_names, "legal_form_family", None)
        if fn is not None:
            return str(fn(form))
    return form


@lru_cache(maxsize=1)
def _generic_words() -> frozenset[str]:
    if _real_prepare is None:
        return frozenset()
    try:
        from stopship.names.abbreviations import generic_words

        return frozenset(str(w).lower() for w in generic_words())
    except ImportError:  # pragma: no cover
        return frozenset()


@lru_cache(maxsize=entries(4096))
def is_office(title: str) -> bool:
    """A title the names layer removed that is an office held by one person at a time
    (``president``), as opposed to an honorific (``mr``, ``sheikh``)."""
    if _real_prepare is None:
        return False
    try:
        from stopship.names.titles import is_office as names_is_office
    except ImportError:  # pragma: no cover
        return False
    return bool(names_is_office(title))


def is_generic_word(token: str) -> bool:
    """A word the names layer lists as generic in organisation names (``npo``, ``group``,
    ``trading``): never evidence on its own, however rare it is in the lists."""
    return token in _generic_words()
