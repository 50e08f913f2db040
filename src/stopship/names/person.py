"""Person-name structure: given names, family name, patronymic, initials.

Best effort, from the prepared tokens and the original text:
- ``SURNAME, Given Patronymic`` (comma inversion) and an all-capitals word in a mixed-case
  name (``KIM Jong Un``, ``PUTIN Vladimir``) mark the family name;
- patronymics by their endings (-ovich, -evich, -ovna, -evna, -ich, -ichna, -ovych, -ivna,
  and the Turkic ogly / uly / kyzy / qizi words) and the Arabic ``bin`` / ``ibn`` / ``bint`` /
  ``ben`` + father's name;
- particles (al, el, van, von, de, da, di, del, der, la, le, bin ...) stay with the name
  that follows them;
- one-letter tokens are initials;
- names from scripts that write the family name first (Chinese, Korean, Japanese), and
  Russian order with a final patronymic (``Putin Vladimir Vladimirovich``), put it first;
  otherwise the last word is the family name.
"""

from __future__ import annotations

import re

from stopship.names.types import PersonName, PreparedName

_PATRONYMIC_END = re.compile(
    r"(?:ovich|evich|ovych|evych|ovitch|evitch|owitsch|ewitsch|owitsj|ewitsj|ovits|evits|vitsh|"
    r"avich|ovic|evic|ovna|evna|ivna|"
    r"ichna|inichna|yevich|yevna|ievich|ievna|ich)$"
)
_TURKIC_PATRONYMIC = frozenset({"ogly", "ogli", "oglu", "uly", "uli", "ulu", "kyzy", "kizi",
                                "qizi", "gyzy", "kyzi"})
_ARABIC_FILIATION = frozenset({"bin", "ibn", "bint", "ben", "binti", "bte", "bt"})
_PARTICLES = frozenset({"al", "el", "ul", "van", "von", "de", "da", "di", "del", "della",
                        "der", "den", "dos", "das", "du", "la", "le", "ter", "ten", "abu",
                        "bou", "mac", "st", "san"})
_FAMILY_FIRST_SCRIPTS = frozenset({"Hani", "Hang", "Kana"})


def _is_patronymic(token: str) -> bool:
    return len(token) > 5 and bool(_PATRONYMIC_END.search(token))


def _latin_words(text: str) -> list[str]:
    from stopship.names.normalize import prepare

    return list(prepare(text, "person").tokens) if text.strip() else []


def _caps_family(original: str) -> list[str]:
    """Words written in capitals in a name that also has lower-case words."""
    words = [w for w in re.split(r"[\s,]+", original) if any(c.isalpha() for c in w)]
    if not any(any(c.islower() for c in w) for w in words):
        return []
    caps = [w for w in words if sum(c.isalpha() for c in w) > 1 and not any(c.islower() for c in w)]
    if not caps or len(caps) == len(words):
        return []
    return [t for w in caps for t in _latin_words(w)]


def person_parts(name: PreparedName) -> PersonName:
    """The best-effort structure of a prepared person name."""
    tokens = name.tokens
    if not tokens:
        return PersonName((), (), (), (), ())
    family: list[str] = []
    rest: list[str] = list(tokens)
    original = name.original
    if original.count(",") == 1:
        head, tail = original.split(",")
        fam = _latin_words(head)
        if fam and _latin_words(tail):
            family = fam
            rest = _latin_words(tail)
    if not family:
        fam = _caps_family(original)
        n = len(fam)
        starts = [i for i in range(len(tokens) - n + 1) if n and list(tokens[i:i + n]) == fam]
        if starts:
            family = fam
            rest = list(tokens[:starts[-1]]) + list(tokens[starts[-1] + n:])
    patronymic: list[str] = []
    initials: list[str] = []
    given: list[str] = []
    i = 0
    while i < len(rest):
        t = rest[i]
        if t in _ARABIC_FILIATION and i + 1 < len(rest):
            patronymic.extend(rest[i:i + 2])
            i += 2
            continue
        if t in _TURKIC_PATRONYMIC and given:
            patronymic.append(given.pop())
            patronymic.append(t)
        elif len(t) == 1 and t.isalpha():
            initials.append(t)
        elif _is_patronymic(t) and (given or family or i > 0):
            patronymic.append(t)
        else:
            given.append(t)
        i += 1
    if (not family and len(patronymic) >= 4 and rest and rest[-1] == patronymic[-1]
            and patronymic[-2] in _ARABIC_FILIATION):
        family = patronymic[-2:]  # a final ``bin X`` is the family name (bin Laden)
        del patronymic[-2:]
    if not family and given:
        if name.script in _FAMILY_FIRST_SCRIPTS or (
            patronymic and rest and rest[-1] == patronymic[-1] and len(given) >= 2
        ):
            family = [given.pop(0)]
        else:
            family = [given.pop()]
            while given and given[-1] in _PARTICLES:
                family.insert(0, given.pop())
    return PersonName(tuple(given), tuple(family), tuple(patronymic), tuple(initials), tokens)
