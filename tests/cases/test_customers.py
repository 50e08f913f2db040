from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy.engine import Engine

from stopship.cases import customers as cust

CSV = b"""id,name,country,type,identifiers
C1,Alpha Trading LLC,AE,organization,INN 7707083893
C2,,RU,organization,
C3,Ivan Petrov,RUS,person,
C4,Kirienko Sergei,RU,person,
"""


def test_parse_csv_reports_bad_rows_with_location() -> None:
    records, problems = cust.parse_file(CSV, "customers.csv")
    assert [r.external_id for r in records] == ["C1", "C4"]
    assert records[0].identifiers == ["INN 7707083893"]
    where = [(p.location.line, p.location.field) for p in problems]
    assert where == [(3, "name"), (4, "country")]


def test_a_quote_never_closed_is_one_problem_not_lost_rows() -> None:
    data = CSV.replace(b"C3,Ivan Petrov", b'C3,"Ivan Petrov')
    records, problems = cust.parse_file(data, "customers.csv")
    assert [r.external_id for r in records] == ["C1"]  # C4 went into the open quote
    assert [(p.location.line, p.location.field) for p in problems] == [(3, "name"), (4, "name")]
    assert "never closed" in problems[1].message and "lines 4-5" in problems[1].message


def test_a_quote_closed_by_a_stray_quote_is_one_problem_not_a_name() -> None:
    data = CSV.replace(b"C2,,RU", b'C2,"Beta,RU').replace(b"C4,Kirienko", b'C4,Kiri"enko')
    records, problems = cust.parse_file(data, "customers.csv")
    assert [r.external_id for r in records] == ["C1"]  # C3 and C4 were inside C2's name
    [problem] = problems
    assert (problem.location.line, problem.location.field) == (3, "name")
    assert "lines 3-5 were read as one record" in problem.message


def test_parse_xlsx() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Customer ID", "Customer Name", "Country"])
    sheet.append(["X1", "Beta Components Ltd", "hk"])
    buf = io.BytesIO()
    book.save(buf)
    records, problems = cust.parse_file(buf.getvalue(), "master.xlsx")
    assert not problems
    assert records[0].name == "Beta Components Ltd" and records[0].country == "HK"


@pytest.mark.parametrize("a, b", [
    ("Kiriyenko", "Kirienko"),
    ("Кириенко Сергей", "Kirienko Sergei"),
    ("ALPHA TRADING", "alpha trading llc"),
])
def test_name_keys_shared_by_variants(a: str, b: str) -> None:
    assert cust.name_keys(a) & cust.name_keys(b)


@given(st.text(max_size=60))
def test_name_keys_are_short_and_stable(name: str) -> None:
    keys = cust.name_keys(name)
    assert keys == cust.name_keys(name)
    assert all(3 <= len(k) <= 4 for k in keys)


def test_upsert_only_marks_changes(engine: Engine) -> None:
    records, _ = cust.parse_file(CSV, "c.csv")
    with engine.begin() as conn:
        first = cust.upsert(conn, records)
        again = cust.upsert(conn, records)
        records[0].name = "Alpha Trading FZE"
        third = cust.upsert(conn, records)
        items, total = cust.list_customers(conn, q="alpha")
    assert [c for _, c in first] == [True, True]
    assert [c for _, c in again] == [False, False]
    assert [c for _, c in third] == [True, False]
    assert total == 1 and items[0]["name"] == "Alpha Trading FZE"
