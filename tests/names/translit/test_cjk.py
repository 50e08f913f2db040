"""Chinese romanisation: what counts as pinyin."""

from __future__ import annotations

import pytest

from stopship.names.translit.cjk import is_pinyin


@pytest.mark.parametrize(("word", "expected"), [
    ("zhou", True), ("guoying", True), ("xian", True), ("jianping", True), ("ng", True),
    ("yee", False), ("lee", False),  # a syllable after the first never opens with a vowel
    ("cheong", False), ("technology", False), ("j", False), ("", False),
])
def test_is_pinyin(word: str, expected: bool) -> None:
    assert is_pinyin(word) is expected
