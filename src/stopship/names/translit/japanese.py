"""Japanese kana to Hepburn romaji, through jaconv (MIT; pykakasi, which also reads kanji,
is GPL and was left out for that reason).

anyascii reads kana one character at a time, so a contracted sound comes out as two
syllables (ショイグ shiyoigu, リョウ riyou) and ヴィ as vui; jaconv reads them as Hepburn
does (shoigu, ryou, vi). The long-vowel mark ー doubles its vowel (プーチン puuchin), and the
second rendering writes long vowels once, as passports do (Tarou -> Taro, Yuuko -> Yuko).
Kanji are left to the Chinese reader.
"""

from __future__ import annotations

import re

import jaconv

_LONG_MARK = re.compile(r"([aeiou])-")
_LONG = re.compile(r"(?<=o)u|(?<=([aeiu]))\1")


def romanize_japanese(text: str) -> list[str]:
    """Hepburn reading of the kana in ``text`` (other characters pass unchanged), then the
    same with long vowels written once (passport style), when that differs."""
    hepburn = _LONG_MARK.sub(r"\1\1", jaconv.kana2alphabet(jaconv.kata2hira(text)))
    passport = _LONG.sub("", hepburn)
    return [hepburn, passport] if passport != hepburn else [hepburn]
