"""Arabic-script romanisation (Arabic, Persian, Urdu, Pashto letters).

Arabic writing leaves out short vowels, so letter-by-letter transliteration gives skeletons
(``mhmd``).  Words found in ``resources/names/arabic_words.yaml`` (aligned from the UN list's
original-script names) get their usual latin spelling; the article ``al-`` is split off and
the rest looked up; other words are transliterated letter by letter with long vowels
(alif, waw, ya) read as vowels.
"""

from __future__ import annotations

import re
from functools import lru_cache

from stopship.memo import entries
from stopship.names.data import load_yaml

_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640\u06d6-\u06ed]")
# Letter forms folded before lookup (hamza carriers, Persian ya/kaf, ta marbuta, alif maqsura).
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ی": "ي", "ى": "ي", "ک": "ك",
                       "ة": "ه", "ۀ": "ه", "ؤ": "و", "ئ": "ي", "ہ": "ه", "ۃ": "ه", "ۂ": "ه", "ګ": "گ"})
_LETTERS = str.maketrans({
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ء": "", "ؤ": "u", "ئ": "i", "ب": "b",
    "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z",
    "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f",
    "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "w", "ي": "y", "ى": "a",
    "ة": "a", "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ک": "k", "ی": "i", "ۀ": "a",
    "ڤ": "v", "ٹ": "t", "ڈ": "d", "ڑ": "r", "ں": "n", "ھ": "h", "ے": "e", "ۆ": "o", "ێ": "e",
    "٠": "0", "١": "1", "٢": "2", "٣": "3", "٤": "4", "٥": "5", "٦": "6", "٧": "7", "٨": "8",
    # Urdu and Pashto letters
    "ہ": "h", "ۃ": "a", "ۂ": "h", "ګ": "g", "ځ": "z", "څ": "s", "ښ": "sh", "ږ": "zh", "ډ": "d",
    "ړ": "r", "ټ": "t", "ڼ": "n", "ې": "e", "ۍ": "ai",
    "٩": "9", "۰": "0", "۱": "1", "۲": "2", "۳": "3", "۴": "4", "۵": "5", "۶": "6", "۷": "7",
    "۸": "8", "۹": "9", "،": ",", "؛": ";", "؟": "?",
})
_WORD = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]+")


@lru_cache(maxsize=1)
def _words() -> dict[str, str]:
    data = load_yaml("arabic_words.yaml")
    table: dict[str, str] = {}
    for section in ("extra", "words"):
        for k, v in (data.get(section) or {}).items():
            table.setdefault(str(k), str(v))
            table.setdefault(str(k).translate(_FOLD), str(v))
    return table


def _letters(word: str) -> str:
    """Letter-by-letter reading with waw / ya between consonants or after a final one
    read as u / i."""
    out = word.translate(_LETTERS)
    out = re.sub(r"(?<=[^aeiouwy])w(?=[^aeiouwy]|$)", "u", out)
    out = re.sub(r"(?<=[^aeiouwy])y(?=[^aeiouwy]|$)", "i", out)
    return out


@lru_cache(maxsize=entries(65536))
def romanize_word(word: str) -> str:
    word = _DIACRITICS.sub("", word)
    table = _words()
    hit = table.get(word) or table.get(word.translate(_FOLD))
    if hit:
        return hit
    for prefix, latin in (("ال", "al-"), ("وال", "wal-"), ("بال", "bil-")):
        if word.startswith(prefix) and len(word) > len(prefix) + 1:
            rest = word[len(prefix):]
            hit = table.get(rest) or table.get(rest.translate(_FOLD))
            return latin + (hit or _letters(rest))
    return _letters(word)


# Compounds with Allah and al-Din, usually written as one word in latin (Aminullah,
# Sirajuddin), and the Persian / Pashto lineage words zadeh ("born of") and khel ("clan"),
# often written apart in Arabic script and joined in latin (آخوند زاده Akhundzada, شهيد خيل
# Shahidkhel); "Abd al-Rahman" is the names layer's to fold.
_COMPOUNDS = (
    (re.compile(r"\b([a-z]{2,}) allah\b"), r"\1ullah"),
    (re.compile(r"\b([a-z]{2,}) al-din\b"), r"\1uddin"),
    (re.compile(r"\b(?!abd )([a-z]{2,}) al-rahman\b"), r"\1urrahman"),
    (re.compile(r"\b([a-z]{2,}) zad[ae]?h?\b"), r"\1zada"),
    (re.compile(r"\b([a-z]{2,}) kh[eiy]l\b"), r"\1khel"),
)


def _joined_compounds(rendering: str) -> str:
    for pattern, repl in _COMPOUNDS:
        rendering = pattern.sub(repl, rendering)
    return rendering


def romanize_arabic(text: str) -> list[str]:
    """Renderings of text holding Arabic-script words: dictionary-assisted first, the same
    with Allah / al-Din / zadeh / khel compounds joined (``aminullah``, ``akhundzada``),
    then letter by letter."""
    text = _DIACRITICS.sub("", text)
    first = _WORD.sub(lambda m: romanize_word(m.group(0)), text)
    bare = _WORD.sub(lambda m: _letters(m.group(0)), text)
    # Foreign names written in Arabic use ف for v and ب for p (فلاديمير بوتين).
    foreign = _WORD.sub(lambda m: _letters(m.group(0)).replace("f", "v").replace("b", "p"), text)
    out = [first]
    for extra in (_joined_compounds(first), foreign, bare):
        if extra not in out:
            out.append(extra)
    return out
