from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stopship.model.order import Line, Order, Party, normalise_hs, normalise_role

HS_CASES = [
    ("8542.31.0000", "8542310000"),
    ("8542 31", "854231"),
    ("854231", "854231"),
    (854231, "854231"),
    ("HS 8517-62-00", "85176200"),
    ("85423", None),  # five digits: too short
    ("85423100001", None),  # eleven digits: too long
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("raw", "want"), HS_CASES)
def test_normalise_hs(raw, want):
    assert normalise_hs(raw) == want


@given(st.text(alphabet="0123456789 .-/", min_size=0, max_size=20))
def test_normalise_hs_keeps_only_digits_and_is_idempotent(raw):
    out = normalise_hs(raw)
    if out is not None:
        assert out.isdigit() and 6 <= len(out) <= 10
        assert normalise_hs(out) == out


@pytest.mark.parametrize(("raw", "want"), [
    ("buyer", "buyer"), ("Consignee", "ship_to"), ("ship-to", "ship_to"), ("Ship To", "ship_to"),
    ("bill_to", "buyer"), ("End User", "end_user"), ("forwarder", "freight_forwarder"),
    ("Notify Party", "notify_party"), ("intermediate consignee", "intermediate_consignee"),
    ("auditor", None),
])
def test_normalise_role(raw, want):
    assert normalise_role(raw) == want


def test_line_hs6_and_value():
    line = Line(hs_code="8542310000", quantity=10, unit_price=2.5)
    assert line.hs6 == "854231"
    assert line.value == 25.0
    assert Line(hs_code="854231").value is None


def test_order_helpers_and_to_dict_leave_out_empty_values():
    order = Order(id="O1", order_date=date(2024, 1, 2),
                  parties=[Party("buyer", "A GmbH", "DE"), Party("ship_to", "B", "AE")],
                  lines=[Line("854231", 2, 3.0), Line("731815", 1, None)])
    assert order.party("ship_to").name == "B"
    assert order.party("payer") is None
    assert [p.name for p in order.parties_in("buyer", "ship_to")] == ["A GmbH", "B"]
    assert order.total_value == 6.0
    data = order.to_dict()
    assert data["order_date"] == "2024-01-02"
    assert "owners" not in data["parties"][0]
    assert "unit_price" not in data["lines"][1]
