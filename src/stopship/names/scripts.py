"""Script detection: the dominant ISO 15924 script of a text."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# (first code point, last code point, ISO 15924 code), sorted; letters outside are looked up
# through their Unicode name.
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x024F, "Latn"),
    (0x0370, 0x03FF, "Grek"),
    (0x0400, 0x052F, "Cyrl"),
    (0x0530, 0x058F, "Armn"),
    (0x0590, 0x05FF, "Hebr"),
    (0x0600, 0x06FF, "Arab"),
    (0x0750, 0x077F, "Arab"),
    (0x08A0, 0x08FF, "Arab"),
    (0x0900, 0x097F, "Deva"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x10A0, 0x10FF, "Geor"),
    (0x1100, 0x11FF, "Hang"),
    (0x1C80, 0x1C8F, "Cyrl"),
    (0x1C90, 0x1CBF, "Geor"),
    (0x1E00, 0x1EFF, "Latn"),
    (0x1F00, 0x1FFF, "Grek"),
    (0x2D00, 0x2D2F, "Geor"),
    (0x2DE0, 0x2DFF, "Cyrl"),
    (0x3040, 0x309F, "Kana"),  # hiragana counted with kana (both Japanese syllabaries)
    (0x30A0, 0x30FF, "Kana"),
    (0x3130, 0x318F, "Hang"),
    (0x31F0, 0x31FF, "Kana"),
    (0x3400, 0x4DBF, "Hani"),
    (0x4E00, 0x9FFF, "Hani"),
    (0xA640, 0xA69F, "Cyrl"),
    (0xAC00, 0xD7AF, "Hang"),
    (0xF900, 0xFAFF, "Hani"),
    (0xFB50, 0xFDFF, "Arab"),
    (0xFE70, 0xFEFF, "Arab"),
    (0xFF66, 0xFF9F, "Kana"),
    (0x20000, 0x2FA1F, "Hani"),
)

_NAME_PREFIX = {
    "LATIN": "Latn", "CYRILLIC": "Cyrl", "GREEK": "Grek", "ARMENIAN": "Armn",
    "GEORGIAN": "Geor", "ARABIC": "Arab", "HEBREW": "Hebr", "HANGUL": "Hang",
    "CJK": "Hani", "HIRAGANA": "Kana", "KATAKANA": "Kana", "THAI": "Thai",
}


@lru_cache(maxsize=4096)
def char_script(ch: str) -> str:
    """ISO 15924 code of one character; ``Zyyy`` for digits, punctuation and symbols."""
    cp = ord(ch)
    if cp < 0x41:
        return "Zyyy"
    if cp < 0x80:
        return "Latn" if ch.isalpha() else "Zyyy"
    if not ch.isalpha():
        return "Zyyy"
    lo, hi = 0, len(_RANGES) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        start, end, code = _RANGES[mid]
        if cp < start:
            hi = mid - 1
        elif cp > end:
            lo = mid + 1
        else:
            return code
    name = unicodedata.name(ch, "")
    return _NAME_PREFIX.get(name.split(" ", 1)[0], "Zyyy")


def script_counts(text: str) -> dict[str, int]:
    """Number of letters per script (``Zyyy`` characters are not counted)."""
    return dict(_script_counts(text))


@lru_cache(maxsize=1024)  # a name's script is detected, then read again to romanise it
def _script_counts(text: str) -> tuple[tuple[str, int], ...]:
    counts: dict[str, int] = {}
    for ch in text:
        code = char_script(ch)
        if code != "Zyyy":
            counts[code] = counts.get(code, 0) + 1
    return tuple(counts.items())


def detect_script(text: str) -> str:
    """The dominant script of ``text`` (most letters; ties go to the non-Latin script).

    Japanese text mixing kana and kanji reports ``Kana`` whenever it holds any kana, since
    Chinese text never does; ``Zyyy`` when there is no letter at all.
    """
    if text.isascii():
        return "Latn" if any(ch.isalpha() for ch in text) else "Zyyy"
    counts = script_counts(text)
    if not counts:
        return "Zyyy"
    if "Kana" in counts and "Hani" in counts:
        return "Kana"
    return max(counts.items(), key=lambda kv: (kv[1], kv[0] != "Latn"))[0]


def is_latin(text: str) -> bool:
    """True when every letter of ``text`` is Latin (or there is no letter)."""
    return all(char_script(ch) in ("Latn", "Zyyy") for ch in text)
