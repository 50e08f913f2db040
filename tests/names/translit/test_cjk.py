"""Chinese romanisation: what counts as pinyin."""

from __future__ import annotations

import pytest

from stopship.names.translit.cjk import is_pinyin, romanize_hangul


@pytest.mark.parametrize(("word", "expected"), [
    ("zhou", True), ("guoying", True), ("xian", True), ("jianping", True), ("ng", True),
    ("yee", False), ("lee", False),  # a syllable after the first never opens with a vowel
    ("cheong", False), ("technology", False), ("j", False), ("", False),
])
def test_is_pinyin(word: str, expected: bool) -> None:
    assert is_pinyin(word) is expected


@pytest.mark.parametrize(("text", "foreign"), [
    ("블라디미르 푸틴", "bladimir putin"),  # beulradimireu: epenthetic eu, ㄹㄹ one l
    ("가스프롬", "gasprom"),                 # Gazprom
    ("로스아톰", "rosatom"),                 # opens with the surname 로, but four syllables
])
def test_hangul_loanwords_get_a_foreign_reading(text: str, foreign: str) -> None:
    assert romanize_hangul(text)[-1] == foreign


@pytest.mark.parametrize("text", ["박근혜", "김정은"])
def test_korean_names_get_no_foreign_reading(text: str) -> None:
    assert len(romanize_hangul(text)) == 3
