"""Romanisation of any script into lowercase latin renderings.

``romanize`` returns every plausible rendering, the default first.  Each script has its own
module (Japanese kana through jaconv); whatever no module handles goes through anyascii.
Latin letters with diacritics are read as the scholarly transliterations use them (š -> sh,
č -> ch, ž -> zh) before anyascii strips the rest.
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

from stopship.memo import entries
from stopship.names.scripts import script_counts
from stopship.names.translit.arabic import romanize_arabic
from stopship.names.translit.cjk import romanize_han, romanize_hangul
from stopship.names.translit.cyrillic import romanize_cyrillic
from stopship.names.translit.hebrew import romanize_hebrew
from stopship.names.translit.japanese import romanize_japanese

# Latin letters whose diacritic carries a sound that plain ASCII spells with two letters
# (ISO 9 / Czech / Croatian / Turkish / German / Nordic usage).
_LATIN_DIGRAPHS = str.maketrans({
    "š": "sh", "Š": "sh", "č": "ch", "Č": "ch", "ž": "zh", "Ž": "zh", "ŝ": "shch", "Ŝ": "shch",
    "ĉ": "ch", "Ĉ": "ch", "ş": "sh", "Ş": "sh", "ç": "ch", "Ç": "ch", "ğ": "g", "Ğ": "g",
    "ä": "ae", "Ä": "ae", "ö": "oe", "Ö": "oe", "ü": "ue", "Ü": "ue", "ß": "ss", "æ": "ae",
    "Æ": "ae", "ø": "oe", "Ø": "oe", "å": "aa", "Å": "aa", "û": "yu", "â": "ya",
    "ı": "i", "İ": "i", "ł": "l", "Ł": "l", "đ": "dj", "Đ": "dj", "ʹ": "", "ʺ": "",
    "'": "", "’": "", "‘": "", "`": "", "ʼ": "", "ʻ": "", "´": "",
})
# The same letters read plainly (how an ASCII keyboard drops the marks).
_LATIN_PLAIN = str.maketrans({
    "ä": "a", "Ä": "a", "ö": "o", "Ö": "o", "ü": "u", "Ü": "u", "ß": "ss", "û": "u", "â": "a",
    "ç": "c", "Ç": "c", "ş": "s", "Ş": "s", "ŝ": "s", "Ŝ": "s",
    "'": "", "’": "", "‘": "", "`": "", "ʼ": "", "ʻ": "", "´": "",
})


# Digraphs of other scripts that anyascii reads letter by letter.
_SCRIPT_DIGRAPHS = (
    ("ու", "u"), ("Ու", "U"), ("ՈՒ", "U"),  # Armenian
    ("ου", "ou"), ("ού", "ou"), ("Ου", "Ou"), ("ΟΥ", "OU"), ("Ού", "Ou"),  # Greek
    ("μπ", "b"), ("Μπ", "B"), ("γκ", "g"), ("ντ", "nt"),
)


def _latin(text: str) -> list[str]:
    if not text.isascii():
        for a, b in _SCRIPT_DIGRAPHS:
            if a in text:
                text = text.replace(a, b)
    first = anyascii(text.translate(_LATIN_DIGRAPHS)).lower()
    if text.isascii():
        return [first]
    second = anyascii(text.translate(_LATIN_PLAIN)).lower()
    return [first, second] if second != first else [first]


_GEORGIAN_NOMINATIVE = re.compile(r"(?<=[a-z]{3}[bcdfghjklmnpqrstvwxz])i\b")


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for x in items:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


@lru_cache(maxsize=entries(8192))
def _romanize(text: str, person: bool | None) -> tuple[str, ...]:
    if text.isascii():
        return (text.lower(),)
    counts = script_counts(text)
    renderings = [text]
    if "Cyrl" in counts:
        renderings = [r for t in renderings for r in romanize_cyrillic(t)]
    if "Kana" in counts:
        renderings = [r for t in renderings for r in romanize_japanese(t)]
    if "Hani" in counts and "Kana" not in counts:
        renderings = [r for t in renderings for r in romanize_han(t, person)]
    if "Hang" in counts:
        renderings = [r for t in renderings for r in romanize_hangul(t)]
    if "Arab" in counts:
        renderings = [r for t in renderings for r in romanize_arabic(t)]
    if "Hebr" in counts:
        renderings = [r for t in renderings for r in romanize_hebrew(t)]
    out = [r for t in renderings for r in _latin(t)]
    if "Grek" in counts and "ντ" in text:
        # ντ is also how Greek writes a foreign d (Βλαντίμιρ Vladimir)
        out += _latin(text.replace("ντ", "δ"))[:1]
    if "Geor" in counts:
        # Georgian adds the nominative -i to names ending in a consonant (პუტინი Putini).
        out += [_GEORGIAN_NOMINATIVE.sub("", r.replace("'", "")) for r in out[:1]]
    return tuple(_dedupe(out)[:12])


def romanize(text: str, person: bool | None = None) -> list[str]:
    """All plausible lowercase latin renderings of ``text``, the default first.

    ``person`` tells the Chinese reader how to group syllables (``True``: surname + given
    name; ``False``: two-syllable words; ``None``: guess).
    """
    return list(_romanize(text, person))
