"""Letters: screening the user's customer file against the high-risk parties."""

from __future__ import annotations

from pathlib import Path

from stopship.intelligence.letters import screen_customers, unreadable_sentence


def test_unreadable_customer_rows_are_listed_not_screened(tmp_path: Path) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text('id,name,country\nC1,Acme Widgets GmbH,DE\nC2\nC5,,DE\nC6,GmbH,DE\n'
                         'C3,"Open quote GmbH,DE\nC4,Other Co,FR\n', "utf-8")
    check = screen_customers(customers, [])
    assert (check.found, check.screened) == ([], 1)
    lines = [line for line, _why in check.unreadable]
    assert lines == [3, 4, 5, 6]
    reasons = dict(check.unreadable)
    assert "missing column" in reasons[3]
    assert reasons[4] == "empty name" and reasons[5] == "name is only a legal form"
    assert "unterminated quote" in reasons[6]


def test_the_letter_names_the_rows_it_does_not_cover() -> None:
    text = unreadable_sentence([(3, "empty name"), (9, "name is not valid UTF-8")])
    assert text.startswith("2 rows of your customer file could not be screened")
    assert "line 3: empty name; line 9: name is not valid UTF-8" in text
    many = unreadable_sentence([(n, "empty name") for n in range(2, 30)], shown=5)
    assert many.startswith("28 rows") and "and 23 more" in many
