"""Letters: screening the user's customer file against the high-risk parties."""

from __future__ import annotations

from pathlib import Path

from stopship.intelligence.letters import screen_customers


def test_unreadable_customer_rows_are_not_screened(tmp_path: Path) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text('id,name,country\nC1,Acme Widgets GmbH,DE\nC2\n'
                         'C3,"Open quote GmbH,DE\nC4,Other Co,FR\n', "utf-8")
    found, screened = screen_customers(customers, [])
    assert (found, screened) == ([], 1)
