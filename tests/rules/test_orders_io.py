import json
from datetime import date

import pytest
from openpyxl import Workbook

from stopship.errors import ValidationError
from stopship.rules.orders_io import flat_columns, parse_order, read_orders

from .conftest import FIXTURES

GOOD = {
    "id": "PO-1", "order_date": "2024-05-02", "currency": "EUR", "end_user_statement": True,
    "parties": [
        {"role": "buyer", "name": "Kessler Messtechnik GmbH", "country": "Germany",
         "owners": [{"name": "Anna Kessler", "share": 100}]},
        {"role": "Consignee", "name": "Kessler Messtechnik GmbH", "country": "DE"},
    ],
    "lines": [{"hs_code": "8542.31.00", "quantity": 5, "unit_price": 12.5}],
    "route": {"ship_from": "US", "ship_to": "DE", "transit": ["NL"]},
    "payment": {"payer_country": "DE", "method": "wire"},
}


def test_parse_good_order_converts_types():
    order, problems = parse_order(GOOD)
    assert problems == []
    assert order is not None
    assert order.order_date == date(2024, 5, 2)
    assert order.parties[0].country == "DE"
    assert order.parties[1].role == "ship_to"
    assert order.parties[0].owners[0].share == 100.0
    assert order.lines[0].hs_code == "85423100"
    assert order.route.transit == ["NL"]


def test_round_trip_through_to_dict():
    order, _ = parse_order(GOOD)
    assert order is not None
    again, problems = parse_order(json.loads(json.dumps(order.to_dict())))
    assert problems == [] and again == order


def test_every_problem_is_reported_at_once_with_field_paths():
    bad = {
        "id": "PO-2", "order_date": "02/05/2024", "colour": "red",
        "parties": [{"role": "auditor", "name": "X", "country": "Atlantis"},
                    {"role": "buyer", "owners": [{"name": "Y", "share": 150}]}],
        "lines": [{"hs_code": "8542", "quantity": "many"}, {"unit_price": -1}],
        "payment": {"method": "barter"},
        "shipments": 0,
    }
    order, problems = parse_order(bad, "orders.json", 3)
    assert order is None
    fields = {p.location.field for p in problems}
    assert fields >= {"order_date", "colour", "parties[0].role", "parties[0].country",
                      "parties[1].name", "parties[1].owners[0].share", "lines[0].hs_code",
                      "lines[0].quantity", "lines[1].hs_code", "lines[1].unit_price",
                      "payment.method", "shipments"}
    assert all(p.location.file == "orders.json" and p.location.line == 3 for p in problems)


def test_missing_parties_and_lines_are_problems():
    _, problems = parse_order({"id": "X", "parties": [], "lines": []})
    assert {p.location.field for p in problems} == {"parties", "lines"}


def test_read_jsonl_reports_problems_of_every_line(tmp_path):
    path = tmp_path / "orders.jsonl"
    lines = [json.dumps(GOOD), "{not json", json.dumps({**GOOD, "id": "PO-3", "currency": 5,
                                                         "lines": [{"hs_code": "12"}]}),
             json.dumps(GOOD)]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValidationError) as err:
        read_orders(path)
    where = [(p.location.line, p.location.field) for p in err.value.problems]
    assert (2, None) in where
    assert (3, "lines[0].hs_code") in where
    assert (4, "id") in where  # duplicate id
    lenient = read_orders(path, strict=False)
    assert [o.id for o in lenient.orders] == ["PO-1"]
    assert len(lenient.problems) == len(err.value.problems)


def test_read_json_array_and_wrapped(tmp_path):
    one = tmp_path / "one.json"
    one.write_text(json.dumps(GOOD))
    many = tmp_path / "many.json"
    many.write_text(json.dumps({"orders": [GOOD, {**GOOD, "id": "PO-9"}]}))
    assert [o.id for o in read_orders(one).orders] == ["PO-1"]
    assert [o.id for o in read_orders(many).orders] == ["PO-1", "PO-9"]


def test_read_flat_csv_fixture():
    read = read_orders(FIXTURES / "orders.csv")
    assert [o.id for o in read.orders] == ["CSV-1", "CSV-2"]
    first = read.orders[0]
    assert len(first.lines) == 2
    assert {p.role for p in first.parties} == {"buyer", "ship_to", "freight_forwarder"}
    assert first.end_user_statement is False
    assert first.parties[0].owners[0].name == "Ivan Petrov"
    assert first.parties[0].owners[0].share == 30.0
    assert first.route.transit == ["TR", "GE"]


def test_flat_csv_with_a_quote_never_closed_reports_the_lines_it_swallowed(tmp_path):
    good = (FIXTURES / "orders.csv").read_text("utf-8")
    header, *rows = good.splitlines(keepends=True)
    # CSV-1's rows, then a CSV-2 row whose buyer name opens a quote that never closes
    csv1 = [r for r in rows if r.startswith("CSV-1")]
    bad = "CSV-2,2024-04-11,USD,no" + ',"Unclosed Trading' + "\n"
    path = tmp_path / "orders.csv"
    path.write_text(header + "".join(csv1) + bad + "".join(csv1).replace("CSV-1", "CSV-3"))
    read = read_orders(path, strict=False)
    assert [o.id for o in read.orders] == ["CSV-1"]
    [problem] = read.problems
    line = 2 + len(csv1)
    assert problem.location.line == line and problem.location.field == "placed_in"
    assert "never closed" in problem.message and f"lines {line}-" in problem.message
    with pytest.raises(ValidationError):
        read_orders(path)


def test_flat_csv_with_a_quote_closed_by_a_stray_quote_reports_the_lines(tmp_path):
    good = (FIXTURES / "orders.csv").read_text("utf-8")
    header, *rows = good.splitlines(keepends=True)
    csv1 = [r for r in rows if r.startswith("CSV-1")]
    opened = "CSV-2,2024-04-11,USD,no" + ',"Unclosed Trading' + "\n"
    closer = 'CSV-3,2024-04-12,US"D,no\n'  # a stray quote closes it two lines down
    path = tmp_path / "orders.csv"
    path.write_text(header + "".join(csv1) + opened + "".join(csv1).replace("CSV-1", "CSV-4")
                    + closer)
    read = read_orders(path, strict=False)
    assert [o.id for o in read.orders] == ["CSV-1"]
    [problem] = read.problems
    line = 2 + len(csv1)
    assert problem.location.line == line and problem.location.field == "placed_in"
    assert f"lines {line}-{line + len(csv1) + 1} were read as one record" in problem.message


def test_read_flat_xlsx(tmp_path):
    book = Workbook()
    sheet = book.active
    cols = ["order_id", "order_date", "buyer_name", "buyer_country", "ship_to_name",
            "ship_to_country", "line_hs_code", "line_quantity", "line_unit_price"]
    sheet.append(cols)
    sheet.append(["X-1", date(2024, 2, 1), "Alpha Ltd", "GB", "Alpha Ltd", "GB", 854231, 2, 9.5])
    sheet.append(["X-1", date(2024, 2, 1), "Alpha Ltd", "GB", "Alpha Ltd", "GB", "8482.10", 1, 3])
    sheet.append(["X-2", "2024-02-03", "Beta", "Nowhere", None, None, "12", None, None])
    path = tmp_path / "orders.xlsx"
    book.save(path)
    read = read_orders(path, strict=False)
    assert [o.id for o in read.orders] == ["X-1"]
    assert [ln.hs_code for ln in read.orders[0].lines] == ["854231", "848210"]
    assert read.orders[0].order_date == date(2024, 2, 1)
    fields = {(p.location.line, p.location.field) for p in read.problems}
    assert (4, "parties[0].country") in fields and (4, "lines[0].hs_code") in fields


def test_flat_columns_cover_every_role():
    cols = flat_columns()
    assert "order_id" in cols and "line_hs_code" in cols
    for role in ("buyer", "ship_to", "intermediate_consignee", "end_user",
                 "freight_forwarder", "payer", "notify_party"):
        assert f"{role}_name" in cols


def test_generated_orders_round_trip_through_json():
    from stopship.rules.generate import random_orders

    for order in random_orders(40, seed=4, pool_size=30):
        again, problems = parse_order(json.loads(json.dumps(order.to_dict())))
        assert problems == [] and again == order
