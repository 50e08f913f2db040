from datetime import date

from stopship.model.order import Change, Line, Party, PriorOrder
from stopship.rules.catalogue import load_ruleset

from .helpers import fired, order

BUYER = Party("buyer", "Firma Muster GmbH", "DE", website="firma.de")
IC = Line("854231", 10, 5.0)


def test_d1_payer():
    assert fired(order(BUYER, Party("payer", "Firma Muster GmbH", "DE", website="firma.de"))) == {}
    assert fired(order(BUYER, Party("payer", "FIRMA MUSTER GMBH.", "DE", website="firma.de"))) == {}
    assert fired(order(BUYER, Party("payer", "Other Holding AG", "DE", website="o.de"))) == \
        {"R-D1": "review"}


def test_d2_changes_after_placing_within_the_window():
    o = order(BUYER, changes=[Change("payment", date(2024, 3, 20), "wire", "card")],
              ship_date=date(2024, 3, 25))
    assert fired(o) == {"R-D2": "review"}
    rs = load_ruleset({"rules": {"R-D2": {"params": {"max_days_before_ship": 3}}}})
    assert fired(o, ruleset=rs) == {}
    o.changes[0].changed_on = date(2024, 3, 23)
    assert fired(o, ruleset=rs) == {"R-D2": "review"}


def test_d3_price_band_uses_the_currency():
    o = order(BUYER, lines=[Line("854231", 1, 1500.0)])
    assert fired(o) == {"R-D3": "review"}  # > 3 x 400 USD
    o.currency = "JPY"
    assert fired(o) == {}  # 1500 JPY is about 10 USD
    o.currency = "XXX"
    assert fired(o) == {}  # unknown currency: no comparison


def test_d4_split_shipments_need_chpl_items():
    assert fired(order(BUYER, lines=[IC], shipments=3)) == {"R-D4": "review"}
    assert fired(order(BUYER, shipments=5)) == {}
    o = order(BUYER, lines=[IC], history=[PriorOrder("A", date(2024, 2, 20), 500, 500, hs6=["854231"]),
                                          PriorOrder("B", date(2024, 1, 1), 500, 500, hs6=["854231"])])
    assert fired(o) == {}  # one of the two is outside the 30-day window


def test_d5_declined_services_and_refusals():
    assert fired(order(BUYER, declined_services=["warranty"])) == {"R-D5": "review"}
    assert fired(order(BUYER, declined_services=["maintenance"])) == {}
    assert fired(order(BUYER, end_use_refused=True)) == {"R-D5": "review"}
