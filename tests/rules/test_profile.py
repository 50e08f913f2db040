from datetime import date

import pytest

from stopship.model.order import Line, Party, PriorOrder
from stopship.rules.catalogue import default_ruleset
from stopship.rules.profile import domain_country, phone_countries

from .helpers import fired, order

IC = Line("854231", 10, 5.0)
REF = default_ruleset().ref


@pytest.mark.parametrize(("phone", "want"), [
    ("+49 30 1234567", ("49", ("DE",))),
    ("0049 30 1234567", ("49", ("DE",))),
    ("+971-4-555-0199", ("971", ("AE",))),
    ("+7 495 123 45 67", ("7", ("RU", "KZ"))),
    ("+1 212 555 0100", ("1", REF.calling_codes["1"])),
    ("030 1234567", None),  # national format: no country code to read
])
def test_phone_countries(phone, want):
    assert phone_countries(phone, REF) == want


@pytest.mark.parametrize(("domain", "want"), [
    ("firma.de", "DE"), ("shop.co.uk", "GB"), ("old.su", "RU"), ("startup.io", None),
    ("company.com", None), ("x.com.tr", "TR"),
])
def test_domain_country(domain, want):
    assert domain_country(domain, REF) == want


def _buyer(**kw) -> Party:
    base = {"website": "www.firma.de", "email": "info@firma.de", "phone": "+49 30 1234567",
            "customer_since": date(2015, 1, 1)}
    return Party("buyer", "Firma Muster GmbH", "DE", **{**base, **kw})


def test_c1_only_with_chpl_items_and_after_cutoff():
    assert fired(order(_buyer(incorporated_on=date(2022, 3, 1)), lines=[IC])) == {"R-C1": "review"}
    assert fired(order(_buyer(incorporated_on=date(2022, 2, 24)), lines=[IC])) == {}
    assert fired(order(_buyer(incorporated_on=date(2023, 3, 1)))) == {}


def test_c2_history_signals():
    o = order(_buyer(), lines=[IC])
    o.history = [PriorOrder("P1", date(2021, 5, 1), 1000, 0)]
    assert fired(o) == {"R-C2": "review"}  # first CHPL order after the cut-off
    o.history = [PriorOrder("P1", date(2021, 5, 1), 1000, 100),
                 PriorOrder("P2", date(2023, 12, 1), 1000, 400)]
    assert fired(o) == {"R-C2": "review"}  # 400 + 50 >= 3 x 100
    o.history[0].chpl_value = 200
    assert fired(o) == {}  # 450 < 600
    o.history = []  # no history: nothing to compare
    assert fired(o) == {}


def test_c3_needs_two_signals_and_skips_people():
    assert fired(order(_buyer(website=None, email="a@gmail.com"))) == {"R-C3": "review"}
    assert fired(order(_buyer(website=None, address="Apt. 12, 5 Main St"))) == {"R-C3": "review"}
    assert fired(order(_buyer(website=None, address_type="residential"))) == {"R-C3": "review"}
    assert fired(order(_buyer(website=None))) == {}
    person = _buyer(website=None, email="a@gmail.com", schema="person")
    assert fired(order(person)) == {}


def test_c4_line_of_business():
    assert fired(order(_buyer(line_of_business="Bakery and catering"), lines=[IC])) == \
        {"R-C4": "review"}
    assert fired(order(_buyer(line_of_business="telecom equipment"), lines=[IC])) == {}
    assert fired(order(_buyer(line_of_business="something unusual"), lines=[IC])) == {}
    assert fired(order(_buyer(line_of_business="bakery"))) == {}  # no CHPL line


def test_c5_contacts_of_another_country():
    assert fired(order(_buyer(phone="+90 212 555 0101"))) == {"R-C5": "review"}
    assert fired(order(_buyer(website="www.firma.com.tr"))) == {"R-C5": "review"}
    assert fired(order(_buyer(email="info@firma.kz"))) == {"R-C5": "review"}
    assert fired(order(_buyer(website="www.firma.com", email="x@firma.io"))) == {}


def test_c6_intermediary_consignee_and_free_trade_zone():
    fwd = Party("ship_to", "Baltic Freight Forwarding GmbH", "DE", website="bff.de")
    assert fired(order(_buyer(), fwd)) == {"R-C6": "review"}
    user = Party("end_user", "Stadtwerke Bremen", "DE", website="swb.de")
    assert fired(order(_buyer(), fwd, user)) == {}
    assert fired(order(_buyer(address="Plot 5, JAFZA South, Dubai"))) == {"R-C6": "review"}
    assert fired(order(_buyer(address_type="free_trade_zone"))) == {"R-C6": "review"}
