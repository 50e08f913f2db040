"""Chinese (to pinyin syllables, grouped into words) and Korean (Revised Romanization plus the
spellings people actually use) romanisation.

Pinyin readings come from anyascii (one reading per character, tones dropped).  Chinese text
has no spaces, so syllables are grouped: known multi-syllable words first (place names and
the frequent words of company names, ``resources/names/zh_words.yaml``), then pairs, which is
how most two-character words of company names fall.  A short name starting with a common
surname is grouped the way people write Chinese personal names: ``xi jinping``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from stopship.memo import entries
from stopship.names.data import load_yaml

_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F))


def is_han(ch: str) -> bool:
    cp = ord(ch)
    return any(a <= cp <= b for a, b in _HAN_RANGES)


def is_hangul(ch: str) -> bool:
    cp = ord(ch)
    return 0xAC00 <= cp <= 0xD7AF or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F


@dataclass(frozen=True, slots=True)
class _ZhData:
    words: dict[str, str]  # word -> latin spelling
    translations: dict[str, str]  # word -> English
    surnames: frozenset[str]
    longest: int


@lru_cache(maxsize=1)
def _zh_data() -> _ZhData:
    data = load_yaml("zh_words.yaml")
    words = {str(k): str(v) for k, v in (data.get("words") or {}).items()}
    translations = {str(k): str(v) for k, v in (data.get("translations") or {}).items()}
    surnames = frozenset(str(s) for s in data.get("surnames") or ())
    longest = max((len(w) for w in (*words, *translations)), default=1)
    return _ZhData(words, translations, surnames, longest)


@lru_cache(maxsize=entries(65536))
def pinyin(ch: str) -> str:
    """The (toneless, lowercase) pinyin syllable anyascii gives for one Han character."""
    return anyascii(ch).lower()


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    """Every toneless pinyin syllable anyascii gives for the CJK Unified Ideographs (about
    400; longer readings of a few Japanese-only characters are left out)."""
    readings = (anyascii(chr(cp)).lower() for cp in range(0x4E00, 0xA000))
    return frozenset(r for r in readings if r.isalpha() and len(r) <= 6)


@lru_cache(maxsize=entries(65536))
def is_pinyin(word: str) -> bool:
    """``word`` is one or more pinyin syllables written together (``zhou``, ``guoying``).
    Only the first may begin with a vowel, as pinyin writes an apostrophe before any other
    (``xi'an``): ``yee`` or ``lee`` is no pinyin."""
    syllables = _syllables()
    n = len(word)
    reach = [True] + [False] * n  # reach[k]: word[:k] splits into syllables
    for end in range(1, n + 1):
        reach[end] = any(reach[start] and word[start:end] in syllables
                         and (start == 0 or word[start] not in "aeiou")
                         for start in range(max(0, end - 6), end))
    return n > 0 and reach[n]


def _known(data: _ZhData, piece: str) -> bool:
    return piece in data.words or piece in data.translations


def _segment(run: str, person: bool | None) -> list[str]:
    """Split a run of Han characters into words: dictionary words first (longest match),
    otherwise two characters at a time; a short name opening with a common surname is read
    as surname + given name."""
    data = _zh_data()
    n = len(run)
    if (person is not False and 2 <= n <= 4 and run[0] in data.surnames
            and not _known(data, run) and not _known(data, run[:2])
            and (person or n <= 3)):
        return [run[0], run[1:]]
    out: list[str] = []
    i = 0
    while i < n:
        for size in range(min(data.longest, n - i), 1, -1):
            if _known(data, run[i:i + size]):
                out.append(run[i:i + size])
                i += size
                break
        else:
            nxt = any(_known(data, run[i + 1:i + 1 + k]) for k in range(2, data.longest + 1))
            size = 1 if (i + 1 >= n or nxt) else 2
            out.append(run[i:i + size])
            i += size
    return out


def _pinyin_word(word: str) -> str:
    return _zh_data().words.get(word) or "".join(pinyin(c) for c in word)


def romanize_han(text: str, person: bool | None = None) -> list[str]:
    """Renderings of text holding Han characters: words in pinyin (``guangzhou haige tongxin
    jituan``) first, then frequent company words translated (``guangzhou haige
    communication group``), one syllable per token, and every run joined into one token."""
    data = _zh_data()
    outs: list[list[str]] = [[], [], [], []]
    run: list[str] = []

    def flush() -> None:
        if not run:
            return
        words = _segment("".join(run), person)
        syllables = [pinyin(c) for c in run]
        outs[0].append(" " + " ".join(_pinyin_word(w) for w in words) + " ")
        outs[1].append(" " + " ".join(data.translations.get(w) or _pinyin_word(w)
                                      for w in words) + " ")
        outs[2].append(" " + " ".join(syllables) + " ")
        outs[3].append(" " + "".join(syllables) + " ")
        run.clear()

    for ch in text:
        if is_han(ch):
            run.append(ch)
            continue
        flush()
        for out in outs:
            out.append(ch)
    flush()
    return ["".join(out) for out in outs]


@lru_cache(maxsize=1)
def _ko_data() -> tuple[dict[str, list[str]], dict[str, str]]:
    data = load_yaml("ko_names.yaml")
    surnames = {str(k): [str(x) for x in v] for k, v in (data.get("surnames") or {}).items()}
    syllables = {str(k): str(v) for k, v in (data.get("popular_syllables") or {}).items()}
    return surnames, syllables


_FINALS = {"g": "k", "d": "t", "b": "p"}


@lru_cache(maxsize=entries(16384))
def _rr(ch: str) -> str:
    """Revised Romanization of one syllable read alone: initial ㄹ is r, final ㄱ ㄷ ㅂ are
    k t p (anyascii writes l and g d b)."""
    syl = anyascii(ch).lower()
    if syl.startswith("l"):
        syl = "r" + syl[1:]
    if len(syl) > 1 and syl[-1] in _FINALS and not syl.endswith("ng"):
        syl = syl[:-1] + _FINALS[syl[-1]]
    return syl


# Korean writes a foreign consonant cluster or final consonant with the vowel 으 (eu):
# 블라디미르 beul-ra-di-mi-reu is Vladimir, 가스프롬 ga-seu-peu-rom Gazprom.
_EPENTHETIC_EU = re.compile(r"(?<=[bcdfghjklmnprstvz])eu")


def _foreign(rr_word: str) -> str:
    """A long Hangul word's Revised Romanization read as a foreign word: the epenthetic eu
    dropped, ㄹ+ㄹ (lr) read as one l (``beulradimireu`` -> ``bladimir``)."""
    return _EPENTHETIC_EU.sub("", rr_word).replace("lr", "l")


def romanize_hangul(text: str) -> list[str]:
    """Renderings of Korean text: popular spelling (``kim jong un``), the same with the given
    name joined (``kim jongun``), Revised Romanization (``gim jeongeun``), and, when a word
    reads as a loanword (``_loanword``), the foreign reading of every such word
    (``bladimir putin``: Russian names and companies written in Hangul).

    A word of two to four syllables opening with a common surname is read as surname +
    given name; other words are written as one word in Revised Romanization.
    """
    surnames, popular = _ko_data()
    out_pop: list[str] = []
    out_join: list[str] = []
    out_rr: list[str] = []
    out_foreign: list[str] = []
    loanwords = False
    for word in text.split():
        if not all(is_hangul(c) for c in word):
            rr = anyascii(word).lower()
            out_pop.append(rr)
            out_join.append(rr)
            out_rr.append(rr)
            out_foreign.append(rr)
            continue
        rr_syl = [_rr(c) for c in word]
        whole = "".join(rr_syl)
        loan = _loanword(word, surnames)
        loanwords |= loan
        out_foreign.append(_foreign(whole) if loan else whole)
        if 2 <= len(word) <= 4 and word[0] in surnames:
            sur = surnames[word[0]][0]
            given = [popular.get(s, s) for s in rr_syl[1:]]
            out_pop.append(" ".join([sur, *given]))
            out_join.append(sur + " " + "".join(given))
            out_rr.append(rr_syl[0] + " " + "".join(rr_syl[1:]))
        else:
            out_pop.append("".join(rr_syl))
            out_join.append("".join(rr_syl))
            out_rr.append("".join(rr_syl))
    out = [" ".join(out_pop), " ".join(out_join), " ".join(out_rr)]
    if loanwords:
        out.append(" ".join(out_foreign))
    return out


def _loanword(word: str, surnames: dict[str, list[str]]) -> bool:
    """A Hangul word long enough to be a foreign name rather than a Korean one: four or
    more syllables, or three that do not open with a Korean surname (박근혜 is a name)."""
    return len(word) >= 4 or (len(word) == 3 and word[0] not in surnames)


def korean_surname_spellings(hangul: str) -> list[str]:
    """The usual latin spellings of one Korean surname syllable (first = most common)."""
    return list(_ko_data()[0].get(hangul, ()))
