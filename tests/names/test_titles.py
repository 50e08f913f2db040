"""Titles and honorifics around person names (resources/names/titles.yaml)."""

from __future__ import annotations

import pytest

from stopship.names import prepare
from stopship.names.titles import is_office, strip_titles

# (name, schema, tokens after preparation, titles removed, why)
CASES = [
    ("Presidente Putin", None, ("putin",), ("presidente",), "Spanish office before a surname"),
    ("Президент Путин", None, ("putin",), ("prezident",), "Cyrillic office"),
    ("Putyin elnök", None, ("putyin",), ("elnoek",), "Hungarian office after the name"),
    ("الرئيس بوتين", None, ("butin",), ("al-reyes",), "Arabic office, matched as written"),
    ("Mr John Smith", None, ("john", "smith"), ("mr",), "honorific"),
    ("Sheikh Hamad bin Khalifa", "person", ("hamad", "bin", "khalifa"), ("sheikh",), "honorific"),
    ("General Mark Milley", "person", ("mark", "milley"), ("general",), "rank of a person"),
    ("MULLAH ABBAS", None, ("mullah", "abbas"), (), "an honorific before one word stays"),
    ("General Electric", None, ("general", "electric"), (), "General opens company names"),
    ("SHEIKH, Ahmed", "person", ("sheikh", "ahmed"), (), "the surname before a comma is no title"),
    ("Reyes GmbH", None, ("reyes",), (), "Reyes is a surname, whatever Arabic reads as reyes"),
    ("President", None, ("president",), (), "a name made only of a title is kept"),
]


@pytest.mark.parametrize(("name", "schema", "tokens", "titles", "why"), CASES,
                         ids=[c[-1] for c in CASES])
def test_titles_removed(name: str, schema: str | None, tokens: tuple[str, ...],
                        titles: tuple[str, ...], why: str) -> None:
    p = prepare(name, schema)
    assert p.tokens == tokens, why
    assert p.titles == titles, why


def test_the_name_with_its_title_stays_a_variant() -> None:
    assert "president hotel" in prepare("President Hotel").variants


def test_offices_and_honorifics() -> None:
    assert is_office("presidente") and is_office("prezident") and is_office("al-reyes")
    assert not is_office("mr") and not is_office("sheikh")


def test_companies_keep_their_words() -> None:
    assert prepare("President Hotel", "organization").tokens == ("president", "hotel")


def test_strip_titles_never_empties() -> None:
    assert strip_titles(["mr", "president"], person=True) == (["mr", "president"], [])
