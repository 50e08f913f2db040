"""Cyrillic romanisation in several systems, with Ukrainian, Belarusian, Kazakh and Kyrgyz
letters.

Systems (tables written from the published standards):
- ``bgn``: BGN/PCGN 1947 for Russian (the style of the US and UK lists: Yuriy, Shcherbakov);
  Ukrainian names follow the Ukrainian national system of 2010 (Oleksandr, Zhytomyr).
- ``icao``: ICAO Doc 9303 part 3 (machine readable passports: Iurii, Shcherbakov).
- ``gost``: GOST 7.79-2000 system B / ISO 9 in ASCII (Jurij, Shherbakov is not used: the
  plain-ASCII reading of ISO 9 diacritics is given instead: Scerbakov).
- ``german``: German Duden style (Juri, Schtscherbakow).
- ``french``: French usage (Iouri, Chtcherbakov).
- ``simple``: popular English spelling (Yuri, Yury, Dmitry).
"""

from __future__ import annotations

import re
from collections.abc import Callable

_VOWELS = "аеёиоуыэюяіїєәөұүў"
_CYR_LETTERS = "а-яёіїєґўәғқңөұүһјљњћђџѓќѕӣҳҷӯ"

# Letters shared by every system (lowercase only: input is lowercased first).
_BASE: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
    # Ukrainian / Belarusian
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "w",
    # Kazakh / Kyrgyz / Tajik / Bashkir / Tatar
    "ә": "a", "ғ": "gh", "қ": "q", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h",
    "ӣ": "i", "ҳ": "h", "ҷ": "j", "ӯ": "u", "ҫ": "s", "ҙ": "z", "ӑ": "a", "ӗ": "e",
    "ҡ": "q", "ҝ": "g", "ӏ": "",
    # Serbian / Macedonian
    "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c", "ђ": "dj", "џ": "dz", "ѓ": "gj", "ќ": "kj",
    "ѕ": "dz",
    # apostrophes inside words (Ukrainian, Belarusian) vanish
    "'": "", "’": "", "ʼ": "",
}

_SYSTEMS: dict[str, dict[str, str]] = {
    "bgn": {},
    "icao": {"й": "i", "ъ": "ie", "ю": "iu", "я": "ia", "ё": "e", "ї": "i", "є": "ie"},
    "gost": {"й": "j", "х": "h", "ц": "c", "ч": "c", "ш": "s", "щ": "sc", "ж": "z",
             "ю": "ju", "я": "ja", "ё": "jo", "э": "e", "ъ": "", "ы": "y", "є": "je",
             "ї": "ji"},
    "german": {"в": "w", "ж": "sch", "з": "s", "й": "j", "х": "ch", "ц": "z", "ч": "tsch",
               "ш": "sch", "щ": "schtsch", "ю": "ju", "я": "ja", "ё": "jo", "є": "je",
               "ы": "y"},
    "french": {"ж": "j", "й": "i", "у": "ou", "х": "kh", "ч": "tch", "ш": "ch",
               "щ": "chtch", "ю": "iou", "я": "ia", "ё": "io", "ы": "y"},
    "simple": {"й": "y", "ё": "yo"},
}

_START = rf"(?:(?<![{_CYR_LETTERS}])|(?<=[{_VOWELS}ъь]))"
_END = rf"(?![{_CYR_LETTERS}])"

# Context rules per system: (pattern over lowercase Cyrillic, latin replacement).
_RULES: dict[str, list[tuple[str, str]]] = {
    "bgn": [(_START + "е", "ye"), (_START + "ё", "yo"), (r"(?<=[бвгдзклмнпрстфхцчшщ])ё", "ë")],
    "icao": [],
    "gost": [],
    "german": [(_START + "е", "je"), ("ий" + _END, "i"), ("ый" + _END, "y"),
               (rf"(?<=[{_VOWELS}])с(?=[{_VOWELS}])", "ss")],
    "french": [("ий" + _END, "i"), ("ый" + _END, "y"), (rf"(?<=[{_VOWELS}])с(?=[{_VOWELS}])", "ss"),
               (r"г(?=[еиы])", "gu"), ("кс", "x")],
    "simple": [("ий" + _END, "y"), ("ый" + _END, "y"), ("ьев", "yev"), ("ьи", "yi")],
}
# The BGN "ë" above is only a marker for "yo" after consonants; it is folded right away.
_POST = {"bgn": (("ë", "yo"),)}

# Ukrainian national system (2010): position-dependent є ї й ю я, г as h, и as y.
_UK_TABLE = {"г": "h", "и": "y", "і": "i", "ґ": "g", "є": "ie", "ї": "i", "й": "i",
             "ю": "iu", "я": "ia", "щ": "shch", "х": "kh", "ц": "ts"}
_WORD_START = rf"(?<![{_CYR_LETTERS}'’ʼ])"
_UK_RULES = [(_WORD_START + "є", "ye"), (_WORD_START + "ї", "yi"), (_WORD_START + "й", "y"),
             (_WORD_START + "ю", "yu"), (_WORD_START + "я", "ya"), ("зг", "zgh")]
# Belarusian (BGN/PCGN 1979): г as h, ў as w, і as i.
_BE_TABLE = {"г": "h", "ў": "w", "і": "i", "е": "ie", "ё": "io", "ю": "iu", "я": "ia"}
_BE_RULES = [(_START + "е", "ye"), (_START + "ё", "yo"), (_START + "ю", "yu"),
             (_START + "я", "ya")]

_Compiled = tuple[re.Pattern[str] | None, dict[str, str], dict[int, str]]


def _compile(rules: list[tuple[str, str]], table: dict[str, str]) -> _Compiled:
    pattern = re.compile("|".join(f"(?P<r{i}>{p})" for i, (p, _) in enumerate(rules))) if rules else None
    repl = {f"r{i}": r for i, (_, r) in enumerate(rules)}
    trans = {ord(k): v for k, v in table.items()}
    return pattern, repl, trans


def _make(system: str) -> _Compiled:
    table = dict(_BASE)
    table.update(_SYSTEMS[system])
    return _compile(_RULES[system], table)


_COMPILED: dict[str, _Compiled] = {name: _make(name) for name in _SYSTEMS}
_COMPILED["uk"] = _compile(_UK_RULES, {**_BASE, **_UK_TABLE})
_COMPILED["be"] = _compile(_BE_RULES, {**_BASE, **_BE_TABLE})


def _apply(text: str, compiled: _Compiled) -> str:
    pattern, repl, trans = compiled
    if pattern is not None:
        sub: Callable[[re.Match[str]], str] = lambda m: repl[m.lastgroup or ""]  # noqa: E731
        text = pattern.sub(sub, text)
    return text.translate(trans)


_UK_ONLY = frozenset("іїєґ")
_BE_ONLY = frozenset("ў")


def language_hint(text: str) -> str:
    """A guess of the language behind Cyrillic text from letters only it uses:
    ``uk``, ``be``, ``kk`` (Kazakh), ``ky`` (Kyrgyz) or ``ru`` (the default)."""
    letters = set(text.lower())
    if letters & _BE_ONLY:
        return "be"
    if letters & set("әғқұһ"):
        return "kk"
    if letters & _UK_ONLY:
        return "be" if letters & set("ыэ") else "uk"
    if letters & set("ңөү"):
        return "ky"
    return "ru"


SYSTEMS = tuple(_SYSTEMS)


def transliterate(text: str, system: str = "bgn") -> str:
    """Romanise (lowercased) Cyrillic ``text`` in one system; other characters pass."""
    out = _apply(text.lower(), _COMPILED[system])
    for a, b in _POST.get(system, ()):
        out = out.replace(a, b)
    return out


def romanize_cyrillic(text: str) -> list[str]:
    """All renderings of Cyrillic ``text``, the default (BGN/PCGN, or the national system
    for Ukrainian and Belarusian) first, without duplicates."""
    low = text.lower()
    lang = language_hint(low)
    out: list[str] = []
    if lang in ("uk", "be"):
        out.append(_apply(low, _COMPILED[lang]))
    for system in SYSTEMS:
        out.append(transliterate(low, system))
    seen: set[str] = set()
    return [x for x in out if not (x in seen or seen.add(x))]  # type: ignore[func-returns-value]
