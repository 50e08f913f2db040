"""Token alignment between two prepared names: which query word met which list word, how.

Steps, each claiming tokens the earlier ones left: identical tokens; identical skeleton
keys (a transliteration or romanisation variant); an acronym standing for several
words; a word written joined on one side and split on the other; then the best
remaining pairs by edit distance (typos), abbreviation prefixes (organisations) and
initials (people). Numbers only ever meet identical numbers. A query read from a script
that writes no short vowels (``skeletal``: Arabic, Hebrew) also meets a word with the same
consonants whose vowels fit (``matching.prepared.skeletal_fit``), and the Arabic article's
spellings. A query read from Chinese characters (``pinyin``) never meets a different word
written in pinyin syllables by a fold, a typo or a join (``distinct_pinyin``: zhu / zhou).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import OSA

from stopship.matching.prepared import (
    ACRONYM_STOPWORDS,
    ARABIC_ARTICLES,
    article_compound,
    distinct_pinyin,
    is_patronymic,
    skeletal_fit,
    skeletal_key,
    skeletal_similarity,
    token_key,
)
from stopship.memo import entries


@dataclass(slots=True)
class Pair:
    """Query token positions ``q`` met list token positions ``c`` with similarity ``sim``."""

    q: tuple[int, ...]
    c: tuple[int, ...]
    sim: float
    how: str  # exact | transliteration | acronym | joined | split | typo | abbreviation | initial


@dataclass(slots=True)
class Alignment:
    pairs: list[Pair] = field(default_factory=list)
    q_free: list[int] = field(default_factory=list)
    c_free: list[int] = field(default_factory=list)


_ABD = frozenset({"abd", "abdu", "abdul", "abdel", "abdal", "abdol", "abdur"})


_PATRONYMIC_END = re.compile(r"(?:[oeaiuy]?v)?(?:ich|ych|itch|itsch|itsj|itsh|its|ic)$")
_VOWELS = frozenset("aeiouy")


@lru_cache(maxsize=entries(65536))
def _patronymic_root(token: str) -> str:
    """The father's name inside a patronymic, as a key: ``uladzimiravich`` and
    ``vladimirovich`` both give ``vladimir`` (Uladzimir is listed as Vladimir)."""
    return token_key(_PATRONYMIC_END.sub("", token))


def _vowels_dropped(short: str, long: str) -> bool:
    """``short`` is ``long`` without one or two of its inner vowels (same first and last
    letter, at least four letters): how scripts without short vowels render a name
    (putn / putin)."""
    n, m = len(short), len(long)
    if n < 4 or not 0 < m - n <= 2 or short[0] != long[0] or short[-1] != long[-1]:
        return False
    i = 0
    for ch in long:
        if i < n and short[i] == ch:
            i += 1
        elif ch not in _VOWELS:
            return False
    return i == n


def allowed_edits(length: int) -> int:
    """Typos tolerated in a word of ``length`` letters: none below 5, one below 9, else two."""
    if length < 5:
        return 0
    return 1 if length < 9 else 2


def typo_similarity(dist: int, length: int) -> float:
    """Similarity credited to a word with ``dist`` typos: one typo in a short word costs
    more than in a long one."""
    factor = 0.7 if length >= 8 else 1.3
    return 1.0 - factor * dist / max(length, 1)


def _indel_or_swap(a: str, b: str) -> bool:
    """One inserted, dropped or swapped letter (not a substitution: KIM is not KIN)."""
    if a[0] != b[0] or OSA.distance(a, b, score_cutoff=1) > 1:
        return False
    return len(a) != len(b) or sorted(a) == sorted(b)


def is_abbreviation(short: str, long: str) -> bool:
    """``res`` / ``trdg`` / ``mgmt`` abbreviate ``research`` / ``trading`` / ``management``:
    same first letter, and the short form's letters appear in order in the long word."""
    if len(short) < 3 or len(long) < len(short) + 2 or short[0] != long[0] or short.isdigit():
        return False
    if long.startswith(short) or (short.endswith("s") and long.startswith(short[:-1])):
        return True
    # a consonant skeleton ending like the word: trdg, mgmt, intl, svcs, assn, dept
    if len(short) < 4 or short[-1] != long[-1] or sum(ch in "aeiouy" for ch in short[1:]) > 1:
        return False
    pos = 0
    for ch in short:
        pos = long.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True


def _acronym_pairs(qt: tuple[str, ...], ct: tuple[str, ...], qfree: list[int],
                   cfree: list[int], pairs: list[Pair], flip: bool) -> None:
    words = [j for j in cfree if ct[j] not in ACRONYM_STOPWORDS and not ct[j].isdigit()]
    if len(words) < 4:
        return  # three-letter acronyms collide with too many short words
    initials = "".join(ct[j][0] for j in words)
    for i in list(qfree):
        tok = qt[i]
        if tok.isalpha() and len(tok) >= 4 and tok == initials:
            qfree.remove(i)
            span = [j for j in cfree if words[0] <= j <= words[-1]]
            for j in span:
                cfree.remove(j)
            pair = Pair((i,), tuple(span), 0.95, "acronym")
            if flip:
                pair = Pair(pair.c, pair.q, pair.sim, pair.how)
            pairs.append(pair)
            return


@lru_cache(maxsize=1)
def _forms() -> dict[str, tuple[str, ...]]:
    """Abbreviation / inflection -> canonical word(s), from the names layer."""
    try:
        from stopship.names.abbreviations import table
    except ImportError:  # pragma: no cover
        return {}
    return table()


def _spells(whole: str, first: str, second: str) -> bool:
    """``whole`` is ``first`` + ``second`` written as one word, where a word that the names
    layer expanded (``techn`` -> ``technology``) may stand as it was written
    (``technopolis`` = ``techn`` + ``opolis``)."""
    if whole == first + second:
        return True
    if len(whole) <= len(second) + 2 or not whole.endswith(second):
        return False
    head = whole[: len(whole) - len(second)]
    return _forms().get(head) == (first,)


def _joined_pairs(qk: tuple[str, ...], ck: tuple[str, ...], qt: tuple[str, ...],
                  ct: tuple[str, ...], qfree: list[int], cfree: list[int],
                  pairs: list[Pair], flip: bool, skeletal: bool = False,
                  pinyin: bool = False) -> None:
    for i in list(qfree):
        for j in range(len(ct) - 1):
            if j not in cfree or j + 1 not in cfree:
                continue
            if _spells(qt[i], ct[j], ct[j + 1]) or (
                    qk[i] == ck[j] + ck[j + 1]
                    and not (pinyin and distinct_pinyin(qt[i], ct[j] + ct[j + 1]))):
                sim = 0.97
            elif (skeletal and flip and article_compound(ct[j + 1])
                  and skeletal_fit(ct[j] + ct[j + 1], ck[j] + ck[j + 1], qt[i], qk[i])):
                # two query words read from Arabic, the second with the article or Allah,
                # written as one list word (jlal aldin / jalaluddin)
                sim = skeletal_similarity(skeletal_key(qt[i], qk[i]))  # list word's
            else:
                continue
            qfree.remove(i)
            cfree.remove(j)
            cfree.remove(j + 1)
            pair = Pair((i,), (j, j + 1), sim, "joined")
            if flip:
                pair = Pair(pair.c, pair.q, pair.sim, "split")
            pairs.append(pair)
            break


def align(qt: tuple[str, ...], qk: tuple[str, ...], ct: tuple[str, ...], ck: tuple[str, ...],
          person: bool = False, skeletal: bool = False, pinyin: bool = False) -> Alignment:
    """Align query tokens/keys with list tokens/keys (see module docstring). ``skeletal``:
    the query was read from a script that writes no short vowels (Arabic, Hebrew), so a
    query word missing one or two inner vowels of a list word met it (putn ~ putin).
    ``pinyin``: the query was read from Chinese characters."""
    pairs: list[Pair] = []
    qfree = list(range(len(qt)))
    cfree = list(range(len(ct)))
    # 1-2: identical tokens, then identical keys
    for how, qs, cs in (("exact", qt, ct), ("transliteration", qk, ck)):
        for i in list(qfree):
            for j in cfree:
                if qs[i] == cs[j] and qs[i]:
                    if how != "exact" and pinyin and distinct_pinyin(qt[i], ct[j]):
                        continue
                    qfree.remove(i)
                    cfree.remove(j)
                    pairs.append(Pair((i,), (j,), 1.0 if how == "exact" else 0.98, how))
                    break
    if qfree and cfree:
        _acronym_pairs(qt, ct, qfree, cfree, pairs, flip=False)
        _acronym_pairs(ct, qt, cfree, qfree, pairs, flip=True)
    if qfree and len(cfree) >= 2:
        _joined_pairs(qk, ck, qt, ct, qfree, cfree, pairs, False, skeletal, pinyin)
    if cfree and len(qfree) >= 2:
        _joined_pairs(ck, qk, ct, qt, cfree, qfree, pairs, True, skeletal, pinyin)
    if qfree and cfree:
        _fuzzy_pairs(qt, qk, ct, ck, qfree, cfree, pairs, person, skeletal, pinyin)
    return Alignment(pairs, qfree, cfree)


# b and v: one sound in Spanish (Bladimir), one letter in Korean and older Japanese
# transcriptions (블라디미르 bladimir): a first-letter difference a typo may still cover
_BV = frozenset({"bv", "vb"})


def _fuzzy_pairs(qt: tuple[str, ...], qk: tuple[str, ...], ct: tuple[str, ...],
                 ck: tuple[str, ...], qfree: list[int], cfree: list[int], pairs: list[Pair],
                 person: bool, skeletal: bool = False, pinyin: bool = False) -> None:
    options: list[tuple[float, int, int, str]] = []
    for i in qfree:
        a, ak = qt[i], qk[i]
        for j in cfree:
            b, bk = ct[j], ck[j]
            if a.isdigit() or b.isdigit():
                continue
            if len(a) == 1 or len(b) == 1:
                if person and a[0] == b[0]:
                    options.append((0.9, i, j, "initial"))
                continue
            if person and (a in _ABD and bk.startswith("abdal") and len(b) > 5
                           or b in _ABD and ak.startswith("abdal") and len(a) > 5):
                # 'Abd standing for a whole Abd al-X compound (Abd AL-HUMAYQANI)
                options.append((0.9, i, j, "initial"))
                continue
            if is_patronymic(a) and is_patronymic(b) and (
                    ak[:4] == bk[:4] or _patronymic_root(a) == _patronymic_root(b)):
                options.append((0.9, i, j, "transliteration"))
                continue
            if skeletal and _vowels_dropped(a, b):
                # a script that writes no short vowels (Arabic, Hebrew): putn ~ putin
                options.append((0.93, i, j, "transliteration"))
                continue
            if skeletal and skeletal_fit(a, ak, b, bk):
                # the same consonants (mtsdq / motassadeq, tiq / attiq: ayn is not written)
                options.append((skeletal_similarity(skeletal_key(a, ak), len(qt)), i, j,
                                "transliteration"))
                continue
            if skeletal and a == "al" and b in ARABIC_ARTICLES:
                options.append((0.95, i, j, "transliteration"))  # al / el, ad-, as-
                continue
            if pinyin and distinct_pinyin(a, b):
                continue  # two different characters' readings, not a typo
            if a[0] != b[0] and ak[:1] != bk[:1] and a[0] + b[0] not in _BV:
                continue  # neither a typo we accept nor an abbreviation
            limit = allowed_edits(min(len(a), len(b)))
            if abs(len(a) - len(b)) > max(limit, 1) and not person:
                if is_abbreviation(a, b) or is_abbreviation(b, a):
                    options.append((0.85, i, j, "abbreviation"))
                continue
            if not limit and min(len(a), len(b)) == 4 and _indel_or_swap(a, b):
                options.append((typo_similarity(1, max(len(a), len(b))), i, j, "typo"))
                continue
            if limit:
                dist = OSA.distance(a, b, score_cutoff=limit)
                folded = 0
                if dist > limit and ak[:1] == bk[:1] and a[:1] == b[:1]:
                    # a typo on top of a spelling difference (gertz / gueros: gerts / geros)
                    # counts one typo more than the keys show
                    dist, folded = OSA.distance(ak, bk, score_cutoff=limit), 1
                if dist <= limit:
                    options.append((typo_similarity(dist + folded, max(len(a), len(b))), i, j,
                                    "typo"))
                    continue
            if not person and (is_abbreviation(a, b) or is_abbreviation(b, a)):
                options.append((0.85, i, j, "abbreviation"))
    options.sort(key=lambda o: -o[0])
    for sim, i, j, how in options:
        if i in qfree and j in cfree:
            qfree.remove(i)
            cfree.remove(j)
            pairs.append(Pair((i,), (j,), sim, how))
