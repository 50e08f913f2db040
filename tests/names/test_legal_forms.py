"""Legal forms as data: the table loads, forms are found wherever they belong, never alone."""

from __future__ import annotations

import pytest

from stopship.names import legal_form_family, strip_legal_forms
from stopship.names.legal_forms import table

STRIP = [
    (["ooo", "romashka"], ["romashka"], ["llc"]),
    (["romashka", "co", "ltd"], ["romashka"], ["co_ltd"]),
    (["sanayi", "ve", "ticaret", "ltd", "sti"], [], ["tr_san_tic", "tr_ltd"]),
    (["abc", "ith", "ihr", "san", "ve", "tic", "ltd", "sti"], ["abc"], ["tr_san_tic", "tr_san_tic", "tr_ltd"]),
    (["ao", "radio", "ao", "plant"], ["radio", "ao", "plant"], ["jsc"]),  # inner AO kept
    (["emirates", "trading", "fze"], ["emirates", "trading"], ["fze"]),
    (["alpha", "fz", "llc"], ["alpha"], ["fzco"]),
    (["sinopec", "pte", "ltd"], ["sinopec"], ["pte_ltd"]),
    (["petronas", "sdn", "bhd"], ["petronas"], ["sdn_bhd"]),
    (["toyota", "kabushiki", "kaisha"], ["toyota"], ["kk"]),
    (["federal", "state", "unitary", "enterprise", "almaz"], ["almaz"], ["fgup"]),
    (["tovarystvo", "z", "obmezhenoiu", "vidpovidalnistiu", "alfa"], ["alfa"], ["tov"]),
    # real SDN names: a short word opening the name after a form is not a form itself
    (["joint", "stock", "company", "rt", "tekhpriemka"], ["rt", "tekhpriemka"], ["jsc"]),
    (["ao", "kb", "arsenal"], ["kb", "arsenal"], ["jsc"]),
    (["as", "romashka"], ["as", "romashka"], []),
    (["aab"], ["aab"], []),  # short forms compare as written, not by key (AAB is no AB)
]


@pytest.mark.parametrize(("tokens", "rest", "forms"), STRIP)
def test_strip(tokens: list[str], rest: list[str], forms: list[str]) -> None:
    assert strip_legal_forms(tokens) == (rest, forms)


def test_table_is_large_and_consistent() -> None:
    tab = table()
    assert len(tab.classes) >= 80
    assert sum(len(c.forms) for c in tab.classes.values()) >= 800
    families = {c.family for c in tab.classes.values()}
    assert families <= {"limited", "stock", "partnership", "sole", "state", "nonprofit",
                        "cooperative", "branch", "other"}


def test_families() -> None:
    assert legal_form_family("pjsc") == legal_form_family("cjsc") == "stock"
    assert legal_form_family("llc") == legal_form_family("gmbh") == "limited"
    assert legal_form_family("unknown") == "unknown"
