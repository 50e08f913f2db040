"""Hebrew script to latin, as Hebrew writes foreign names (ולדימיר פוטין -> vladimir putin).

Hebrew script writes most vowels with the letters ו (o/u) and י (i), and none at all
for many a/e sounds. The rendering reads ו and י as vowels inside a word and as the
consonants v and y at its start (וו is v), פ as p at the start of a word and f
elsewhere, and the geresh letters ג׳ צ׳ ז׳ as j, ch, zh. Missing a/e vowels are left
missing: the matcher's typo tolerance absorbs one (vldimir ~ vladimir).
Reading rules from the Academy of the Hebrew Language's 2011 romanisation rules
(transliteration of Hebrew to Latin, simplified).
"""

from __future__ import annotations

import re

_GERESH = {"ג": "j", "צ": "ch", "ץ": "ch", "ז": "zh", "ת": "th", "ד": "dh", "ח": "kh"}
_LETTERS = {
    "א": "a", "ב": "b", "ג": "g", "ד": "d", "ה": "h", "ז": "z", "ח": "kh", "ט": "t",
    "כ": "k", "ך": "kh", "ל": "l", "מ": "m", "ם": "m", "נ": "n", "ן": "n", "ס": "s",
    "ע": "", "ף": "f", "צ": "ts", "ץ": "ts", "ק": "k", "ר": "r", "ש": "sh", "ת": "t",
}
_WORD = re.compile(r"[\u05d0-\u05ea\u05f0-\u05f2'׳\"״\u0591-\u05c7]+")
_MARKS = re.compile(r"[\u0591-\u05c7\"״]")


def _word(word: str) -> str:
    word = _MARKS.sub("", word).replace("׳", "'")
    out: list[str] = []
    i, n = 0, len(word)
    while i < n:
        ch = word[i]
        nxt = word[i + 1] if i + 1 < n else ""
        if nxt == "'" and ch in _GERESH:
            out.append(_GERESH[ch])
            i += 2
            continue
        if ch == "'":
            i += 1
            continue
        if ch in "ו\u05f0":
            if word[i:i + 2] == "וו" or ch == "\u05f0":
                out.append("v")
                i += 2 if ch == "ו" else 1
                continue
            out.append("v" if i == 0 else "u")
        elif ch in "י\u05f1\u05f2":
            out.append("y" if i == 0 else "i")
        elif ch == "פ":
            out.append("p" if i == 0 else "f")
        elif ch == "ה" and i == n - 1 and i > 0:
            out.append("a")
        elif ch == "א" and i == n - 1 and i > 0:
            out.append("a")
        elif ch == "א":
            out.append("a" if i == 0 else "")
        else:
            out.append(_LETTERS.get(ch, ""))
        i += 1
    return "".join(out)


def romanize_hebrew(text: str) -> list[str]:
    """The text with its Hebrew words in latin (other characters unchanged)."""
    return [_WORD.sub(lambda m: _word(m.group(0)), text)]
