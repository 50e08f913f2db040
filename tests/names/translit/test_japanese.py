"""Japanese kana read as Hepburn does (contracted sounds, ヴ, long vowels)."""

from __future__ import annotations

import pytest

from stopship.names import prepare
from stopship.names.translit.japanese import romanize_japanese


@pytest.mark.parametrize(("text", "renderings"), [
    ("ショイグ", ["shoigu"]),                  # anyascii: shiyoigu (small ョ read as yo)
    ("リョウ", ["ryou", "ryo"]),               # the passport writes the long vowel once
    ("ヤマダ タロウ", ["yamada tarou", "yamada taro"]),
    ("山田 たろう", ["yamada tarou", "yamada taro"]),  # kanji beside kana read in Japanese
    ("ウラジーミロヴィチ", ["urajiimirovichi", "urajimirovichi"]),  # ヴィ is vi, not vui
])
def test_hepburn_then_passport_spelling(text: str, renderings: list[str]) -> None:
    assert romanize_japanese(text) == renderings


def test_japanese_company_keeps_its_legal_form_apart() -> None:
    prep = prepare("カワサキ重工業株式会社")
    assert prep.tokens == ("kawasaki", "juukougyou") and prep.legal_forms == ("kk",)
