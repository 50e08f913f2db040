from stopship.model.order import Line, Party, Route
from stopship.rules.catalogue import load_ruleset

from .helpers import fired, order, run

IC = Line("8542.31.0000".replace(".", ""), 10, 5.0)  # tier 1
BEARING = Line("8482105000", 10, 5.0)  # tier 3.B
SCREW = Line("731815", 10, 1.0)  # not CHPL


def _to(country: str, *lines: Line, eus: bool = True):
    buyer = Party("buyer", "Buyer Co", country, website="b.com")
    return order(buyer, Party("ship_to", "Buyer Co", country), lines=list(lines),
                 country=country, end_user_statement=eus)


CASES = [
    # (destination, lines, end-user statement, expected rules), why
    ("DE", [IC], False, {}),  # partner: CHPL exempt, no statement needed
    ("CH", [IC], False, {}),
    ("CL", [SCREW], False, {}),  # not a CHPL item
    ("CL", [BEARING], False, {"R-B1": "review"}),  # tier 3 needs no statement
    ("CL", [IC], True, {"R-B1": "review"}),
    ("CL", [IC], False, {"R-B1": "review", "R-B2": "hold"}),
    ("AE", [SCREW], True, {"R-B3": "review"}),
    ("RU", [SCREW], True, {"R-B3": "hold"}),
    ("BY", [IC], True, {"R-B1": "review", "R-B3": "hold"}),
]


def test_chpl_and_country_rules():
    for dest, lines, eus, want in CASES:
        assert fired(_to(dest, *lines, eus=eus)) == want, (dest, lines, eus)


def test_chpl_matches_on_first_six_digits_with_tier_weight():
    d = run(_to("CL", Line("85423100", 1, 1.0), Line("8482.10".replace(".", ""), 1, 1.0)))
    b1 = next(f for f in d.fired if f.id == "R-B1")
    notes = [e.note for e in b1.evidence if e.field.startswith("lines")]
    assert notes == ["CHPL 854231 tier 1 (weight 1)", "CHPL 848210 tier 3.B (weight 0.4)"]
    # weights add to the risk score on top of severity points (medium = 2)
    assert [f.id for f in d.fired] == ["R-B1"]  # a statement is on file: no R-B2
    assert abs(d.risk_score - (2 + 1.4)) < 1e-9


def test_b1_min_weight_and_partner_exemption_are_tunable():
    strict = load_ruleset({"rules": {"R-B1": {"params": {"min_weight": 0.5}}}})
    assert fired(_to("CL", BEARING), ruleset=strict) == {}
    everywhere = load_ruleset({"rules": {"R-B1": {"params": {"exempt_partner_destinations": False}}}})
    assert fired(_to("DE", BEARING), ruleset=everywhere) == {"R-B1": "review"}


def test_transit_and_payer_countries_count_for_b3():
    o = _to("DE", SCREW)
    o.route.transit = ["GE"]
    assert fired(o) == {"R-B3": "review"}
    o = _to("DE", SCREW)
    o.payment.payer_country = "HK"
    assert set(fired(o)) == {"R-B3", "R-B4", "R-D1"}


def test_country_sets_can_be_tuned():
    rs = load_ruleset({"country_sets": {"transshipment": {"remove": ["AE"]}}})
    assert fired(_to("AE", SCREW), ruleset=rs) == {}


def test_b4_destination_differs_from_placed_or_paid():
    o = _to("DE", SCREW)
    o.route = Route("US", "DE", "CL")
    d = run(o)
    assert [f.id for f in d.fired] == ["R-B4"]
    assert "placed in DE" in d.fired[0].message and "paid from DE" in d.fired[0].message
    o.placed_in = "CL"
    o.payment.payer_country = "CL"
    assert "R-B4" not in fired(o)
