"""Japanese kana read as Hepburn does (contracted sounds, ヴ, long vowels)."""

from __future__ import annotations

import pytest

from stopship.names import prepare
from stopship.names.translit.japanese import romanize_japanese


@pytest.mark.parametrize(("text", "renderings"), [
    ("ショイグ", ["shoigu"]),                  # anyascii: shiyoigu (small ョ read as yo)
    ("リョウ", ["ryou", "ryo"]),               # the passport writes the long vowel once
    ("ヤマダ タロウ", ["yamada tarou", "yamada taro"]),
    ("プーチン", ["puuchin", "puchin"]),         # ー doubles its vowel
    ("ウラジーミロヴィチ", ["urajiimirovichi", "urajimirovichi"]),  # ヴィ is vi, not vui
])
def test_hepburn_then_passport_spelling(text: str, renderings: list[str]) -> None:
    assert romanize_japanese(text) == renderings


def test_japanese_company_keeps_its_legal_form_apart() -> None:
    prep = prepare("カワサキ株式会社")
    assert prep.tokens == ("kawasaki",) and prep.legal_forms == ("kk",)
