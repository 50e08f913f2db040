"""person_parts(): structure of real list names (OFAC SDN / UN spellings)."""

from __future__ import annotations

import pytest

from stopship.names import person_parts, prepare

# (name, given, family, patronymic, initials)
CASES = [
    ("PUTIN, Vladimir Vladimirovich", ("vladimir",), ("putin",), ("vladimirovich",), ()),
    ("Vladimir Vladimirovich Putin", ("vladimir",), ("putin",), ("vladimirovich",), ()),
    ("Putin Vladimir Vladimirovich", ("vladimir",), ("putin",), ("vladimirovich",), ()),
    ("Путин Владимир Владимирович", ("vladimir",), ("putin",), ("vladimirovich",), ()),
    ("KIM Jong Un", ("jong", "un"), ("kim",), (), ()),
    ("김정은", ("jong", "un"), ("kim",), (), ()),
    ("ROTENBERG, Arkadiy Romanovich", ("arkadiy",), ("rotenberg",), ("romanovich",), ()),
    ("V. V. Putin", (), ("putin",), (), ("v", "v")),
    ("Ilham Heydar oglu Aliyev", ("ilham",), ("aliyev",), ("heydar", "oglu"), ()),
    ("Usama bin Muhammad bin Awad BIN LADIN", ("usama",), ("bin", "ladin"),
     ("bin", "muhammad", "bin", "awad"), ()),
    ("Ludwig van Beethoven", ("ludwig",), ("van", "beethoven"), (), ()),
    ("Умаров Доку Хаматович", ("doku",), ("umarov",), ("khamatovich",), ()),
]


@pytest.mark.parametrize(("name", "given", "family", "patronymic", "initials"), CASES)
def test_person_parts(name: str, given: tuple[str, ...], family: tuple[str, ...],
                      patronymic: tuple[str, ...], initials: tuple[str, ...]) -> None:
    parts = person_parts(prepare(name, "person"))
    assert (parts.given, parts.family, parts.patronymic, parts.initials) == (
        given, family, patronymic, initials)


def test_abd_al_compounds_agree() -> None:
    a = prepare("Abd al-Rahman", "person")
    b = prepare("Abdul Rahman", "person")
    c = prepare("Abdurrahman", "person")
    assert a.keys == b.keys == c.keys == ("abdalrahman",)
    assert person_parts(a).tokens == a.tokens


def test_joined_and_split_korean_given_names() -> None:
    split = prepare("Kim Jong Un", "person")
    hyphen = prepare("Kim Jong-un", "person")
    assert split.keys == hyphen.keys
    assert "kim jongun" in hyphen.variants


def test_empty_name() -> None:
    assert person_parts(prepare("", "person")).tokens == ()
