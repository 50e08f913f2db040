"""Seeded generator of orders: labelled cases that exercise every rule (each fires where it
should and stays silent in a near miss; clean orders to partner countries clear), and bulk
random orders for the benchmark. Listed parties come from the list entities passed in
(the tests use real entries cut from the shared lists); everything else is invented by a
seeded Faker, so the same seed gives the same orders."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from anyascii import anyascii
from faker import Faker

from stopship.model import Entity
from stopship.model.order import Change, Line, Order, Owner, Party, Payment, PriorOrder, Route
from stopship.rules.catalogue import default_ruleset

LOCALES = {"DE": "de_DE", "FR": "fr_FR", "GB": "en_GB", "US": "en_US", "JP": "ja_JP",
           "IT": "it_IT", "NL": "nl_NL", "CL": "es_CL", "KZ": "ru_RU", "AE": "ar_AE",
           "HK": "zh_TW", "TR": "tr_TR", "IN": "en_IN", "CN": "zh_CN", "RU": "ru_RU",
           "BR": "pt_BR", "SG": "en_GB", "AM": "hy_AM", "KR": "ko_KR", "IE": "en_IE", "CH": "de_CH"}
FORMS = {"DE": "GmbH", "FR": "SARL", "GB": "Ltd", "US": "Inc.", "JP": "K.K.", "IT": "S.p.A.",
         "NL": "B.V.", "CL": "SpA", "KZ": "TOO", "AE": "LLC", "HK": "Limited", "TR": "A.S.",
         "IN": "Pvt Ltd", "CN": "Co., Ltd.", "RU": "OOO", "BR": "Ltda", "RS": "d.o.o.",
         "SG": "Pte Ltd", "AM": "LLC", "KR": "Co., Ltd.", "IE": "Ltd", "CH": "AG"}
CALLING = {"DE": "49", "FR": "33", "GB": "44", "US": "1", "JP": "81", "IT": "39", "NL": "31",
           "CL": "56", "KZ": "7", "AE": "971", "HK": "852", "TR": "90", "IN": "91", "CN": "86",
           "RU": "7", "BR": "55", "RS": "381", "SG": "65", "AM": "374", "KR": "82", "IE": "353",
           "CH": "41"}
SECTORS = ["Messtechnik", "Instruments", "Automation", "Precision", "Industrial Systems",
           "Elektronik", "Machinery", "Engineering", "Controls", "Sensorik"]
PARTNERS = ["DE", "FR", "GB", "US", "JP", "IT", "NL", "KR"]
OTHERS = ["CL", "KZ", "AE", "HK", "TR", "IN", "CN", "BR", "RS", "SG", "AM"]
PLAIN_HS = ["8481.80.9000", "7318.15", "847989", "9032.89.40", "3926.90.97", "850110",
            "8413.91.00", "9405.40"]
CHPL_HS = {"1": ["8542.31.0000", "854232", "8542.33.00", "854239"],
           "2": ["8517.62", "852691", "853224", "854800"],
           "3.A": ["850440", "8536.90", "854129", "852990"],
           "3.B": ["8482.10.50", "848230", "901380"],
           "4.A": ["903020", "853400"], "4.B": ["845961"]}


@dataclass(slots=True)
class Company:
    name: str
    country: str
    address: str
    phone: str
    email: str
    website: str
    incorporated_on: date
    line_of_business: str

    def party(self, role: str, **changes: object) -> Party:
        party = Party(role=role, name=self.name, country=self.country, address=self.address,
                      schema="organization", email=self.email, phone=self.phone,
                      website=self.website, incorporated_on=self.incorporated_on,
                      line_of_business=self.line_of_business)
        return replace(party, **changes) if changes else party  # type: ignore[arg-type]


@dataclass(slots=True)
class Case:
    """A labelled order: the rules expected to fire (exactly) and the decision."""

    name: str
    order: Order
    rules: frozenset[str]
    decision: str


class Maker:
    """Seeded source of invented companies, lines and orders."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self._fakers: dict[str, Faker] = {}
        self._seed = seed
        self._n = 0
        self.bands = default_ruleset().ref.price_bands

    def faker(self, country: str) -> Faker:
        if country not in self._fakers:
            fk = Faker(LOCALES.get(country, "en_US"))
            fk.seed_instance(self._seed + len(self._fakers))
            self._fakers[country] = fk
        return self._fakers[country]

    def company(self, country: str, sector: str | None = None,
                lob: str = "industrial machinery manufacturing") -> Company:
        fk = self.faker(country)
        self._n += 1
        surname = anyascii(fk.last_name()).replace("'", "")
        sector = sector or self.rng.choice(SECTORS)
        name = f"{surname} {sector} {FORMS.get(country, 'Ltd')}"
        slug = "".join(ch for ch in f"{surname}{sector}".lower() if ch.isalnum())[:20] + str(self._n)
        tld = {"GB": "co.uk", "US": "com", "JP": "co.jp"}.get(country, country.lower())
        street = anyascii(fk.street_address()).replace("\n", ", ")
        city = anyascii(fk.postcode())  # (Faker's city() depends on the hash seed)
        phone = f"+{CALLING.get(country, '1')} {self.rng.randint(20, 99)} {self.rng.randint(1000000, 9999999)}"
        return Company(name=name, country=country, address=f"{street}, {city}", phone=phone,
                       email=f"sales@{slug}.{tld}", website=f"www.{slug}.{tld}",
                       incorporated_on=date(self.rng.randint(1985, 2015), self.rng.randint(1, 12),
                                            self.rng.randint(1, 28)),
                       line_of_business=lob)

    def line(self, tier: str | None = None) -> Line:
        if tier is None:
            hs = self.rng.choice(PLAIN_HS)
        else:
            hs = self.rng.choice(CHPL_HS[tier])
        digits = "".join(ch for ch in hs if ch.isdigit())
        low, high = self.bands.get(digits[:6], (20.0, 900.0))
        price = round(self.rng.uniform(low, high), 2)
        return Line(hs_code=digits, quantity=float(self.rng.randint(1, 200)), unit_price=price,
                    part_number=f"P-{self.rng.randint(10000, 99999)}",
                    manufacturer=self.rng.choice(["Acmetronic", "Vistell", "Norvalis", "Quantex"]),
                    description="component")

    def base(self, oid: str, country: str = "DE", tiers: Sequence[str | None] = (None, None),
             order_date: date = date(2024, 3, 4)) -> Order:
        """A clean order: one customer in ``country`` as buyer, ship-to and end user, a
        forwarder, wire payment from home, an end-user statement, a long history."""
        buyer = self.company(country)
        forwarder = self.company(country, sector="Spedition")
        parties = [buyer.party("buyer", customer_since=date(2014, 5, 2)),
                   buyer.party("ship_to"), buyer.party("end_user"),
                   forwarder.party("freight_forwarder")]
        return Order(id=oid, order_date=order_date, currency="USD", parties=parties,
                     lines=[self.line(t) for t in tiers],
                     route=Route(ship_from="US", ship_to=country, final_destination=country),
                     payment=Payment(payer_country=country, method="wire", terms="net30"),
                     end_user_statement=True, end_use="production test equipment",
                     ship_date=order_date + timedelta(days=21))


def _entity(listed: Sequence[Entity], pred: Callable[[Entity], bool], what: str) -> Entity:
    for entity in listed:
        if pred(entity):
            return entity
    raise ValueError(f"no listed entity for {what}")


def _listed_party(entity: Entity, role: str) -> Party:
    country = entity.countries[0].code if entity.countries else None
    return Party(role=role, name=entity.caption, country=country, schema=entity.schema)


def rule_cases(listed: Sequence[Entity], seed: int = 7) -> list[Case]:
    """One or more labelled orders per rule, a near miss per rule, and clean orders."""
    mk = Maker(seed)
    cases: list[Case] = []
    n = 0

    def add(name: str, order: Order, rules: set[str], decision: str) -> None:
        cases.append(Case(name, order, frozenset(rules), decision))

    def new(country: str = "DE", tiers: Sequence[str | None] = (None, None)) -> Order:
        nonlocal n
        n += 1
        return mk.base(f"GEN-{n:04d}", country, tiers)

    def by_list(list_id: str, meu: bool | None = None) -> Entity:
        return _entity(listed, lambda e: e.list_id == list_id and e.schema == "organization"
                       and (meu is None or bool(e.flags.get("meu")) == meu), list_id)

    def letter(kind: str) -> Entity:
        return _entity(listed, lambda e: e.flags.get("letter_type") == kind, kind)

    # clean orders to partner countries, with and without CHPL items
    for country in PARTNERS:
        add(f"clean-{country}", new(country), set(), "clear")
    for country, tiers in (("DE", ("1", None)), ("JP", ("2", "3.A")), ("US", ("3.B",)),
                           ("FR", ("4.A", None))):
        add(f"clean-chpl-{country}", new(country, tiers), set(), "clear")

    # R-A1 list hits act by list; R-A3 military end users
    for list_id, action in (("us_ofac_sdn", "hold"), ("us_bis_dpl", "hold"),
                            ("us_bis_uvl", "review")):
        o = new()
        o.parties.append(_listed_party(by_list(list_id), "notify_party"))
        add(f"A1-{list_id}", o, {"R-A1"}, action)
    o = new()
    o.parties[3] = _listed_party(by_list("us_bis_el", meu=False), "freight_forwarder")
    add("A1-entity-list-forwarder", o, {"R-A1"}, "hold")
    for list_id in ("us_bis_el", "us_bis_meu"):
        o = new()
        o.parties.append(_listed_party(by_list(list_id, meu=True), "notify_party"))
        add(f"A3-{list_id}-meu", o, {"R-A1", "R-A3"}, "hold")
    # R-A2 letters act by type
    for kind, action in (("supplier_list", "review"), ("project_guardian", "hold"),
                         ("is_informed", "hold"), ("red_flag", "review")):
        o = new()
        o.parties.append(_listed_party(letter(kind), "notify_party"))
        add(f"A2-{kind}", o, {"R-A2"}, action)
    # R-A4 owners
    people = [e for e in listed if e.list_id == "us_ofac_sdn"]
    person = _entity(people, lambda e: e.schema == "person", "sdn person")
    company = _entity(people, lambda e: e.schema == "organization" and e.countries[0].code == "HK",
                      "sdn company")
    o = new()
    o.parties[0].owners = [Owner(person.caption, 30, "RU", "person"),
                           Owner(company.caption, 25, "HK", "organization")]
    add("A4-aggregate-55", o, {"R-A4"}, "hold")
    o = new()
    o.parties[0].owners = [Owner(person.caption, 20, "RU", "person"), Owner("Hanna Vogel", 80, "DE")]
    add("A4-minority-20", o, {"R-A4"}, "review")
    o = new()
    o.parties[0].owners = [Owner("Hanna Vogel", 60, "DE"), Owner("Jonas Vogel", 40, "DE")]
    add("A4-silent-clean-owners", o, set(), "clear")
    # R-A5 shared contact details: review, never hold
    sdn_web = _entity(listed, lambda e: "website" in e.properties, "entity with website")
    el_addr = by_list("us_bis_el", meu=False)
    o = new()
    o.parties.append(Party(role="notify_party", name="Sirinyali Travel Agency", country="TR",
                           address=el_addr.addresses[0].full.split(";")[0]))
    add("A5-shared-address", o, {"R-A5"}, "review")
    o = new()
    o.parties[3] = replace(o.parties[3], website=sdn_web.properties["website"][0].upper())
    add("A5-shared-website", o, {"R-A5"}, "review")
    pg = letter("supplier_list")
    o = new()
    o.parties.append(Party(role="notify_party", name="Wing Tat Agency", country="HK",
                           phone=pg.properties["phone"][0].replace(" ", "-")))
    add("A5-shared-phone", o, {"R-A5"}, "review")
    o = new()
    o.parties.append(Party(role="notify_party", name="Wing Tat Agency", country="HK",
                           address="Flat 14, 2/F, Wing Tat Commercial Building, 97 Bonham Strand"))
    add("A5-silent-same-building", o, set(), "clear")

    # R-B1, R-B2: CHPL outside the partner countries
    add("B1-tier3B-chile", new("CL", ("3.B",)), {"R-B1"}, "review")
    add("B2-tier1-chile-no-eus", _set(new("CL", ("1", None)), end_user_statement=False),
        {"R-B1", "R-B2"}, "hold")
    add("B2-silent-tier1-chile-with-eus", new("CL", ("1", None)), {"R-B1"}, "review")
    add("B2-silent-tier1-japan-no-eus", _set(new("JP", ("1",)), end_user_statement=False),
        set(), "clear")
    # R-B3: transshipment points and embargoed destinations
    add("B3-kazakhstan", new("KZ"), {"R-B3"}, "review")
    o = new()
    o.route.transit = ["AE"]
    add("B3-transit-uae", o, {"R-B3"}, "review")
    add("B3-russia-embargoed", new("RU"), {"R-B3"}, "hold")
    # R-B4: final destination differs from where placed / paid
    o = new()
    o.route.final_destination = "CL"
    add("B4-final-chile", o, {"R-B4"}, "review")
    o = new()
    o.placed_in = "DE"
    add("B4-silent-same-country", o, set(), "clear")

    # R-C1 .. R-C6
    o = new("DE", ("3.A",))
    for p in o.parties[:3]:
        p.incorporated_on = date(2022, 9, 1)
    o.parties[0].customer_since = None
    add("C1-new-company-chpl", o, {"R-C1"}, "review")
    o = new("DE")
    o.parties[0].incorporated_on = date(2022, 9, 1)
    add("C1-silent-no-chpl", o, set(), "clear")
    o = new("DE", ("3.A",))
    o.parties[0].customer_since = date(2023, 2, 1)
    add("C2-first-order-2023", o, {"R-C2"}, "review")
    o = new("DE", ("3.A",))
    o.history = [PriorOrder("H1", date(2021, 6, 1), 5000.0, 0.0, hs6=["848180"]),
                 PriorOrder("H2", date(2023, 6, 1), 8000.0, 3000.0, hs6=["850440"])]
    add("C2-first-chpl-order", o, {"R-C2"}, "review")
    o = new("DE", ("3.A",))
    o.history = [PriorOrder("H1", date(2021, 6, 1), 10000.0, 2000.0, hs6=["850440"]),
                 PriorOrder("H2", date(2023, 9, 1), 30000.0, 30000.0, hs6=["850440"])]
    add("C2-volume-rise", o, {"R-C2"}, "review")
    o = new("DE", ("3.A",))
    o.history = [PriorOrder("H1", date(2021, 6, 1), 50000.0, 40000.0, hs6=["850440"]),
                 PriorOrder("H2", date(2023, 9, 1), 30000.0, 30000.0, hs6=["850440"])]
    add("C2-silent-steady-volume", o, set(), "clear")
    o = new()
    o.parties[0] = replace(o.parties[0], email="kunde.bestellung@gmail.com", website=None)
    add("C3-freemail-no-website", o, {"R-C3"}, "review")
    o = new()
    o.parties[0] = replace(o.parties[0], email="kunde.bestellung@gmail.com")
    add("C3-silent-one-signal", o, set(), "clear")
    o = new("DE", ("1",))
    o.parties[0].line_of_business = "furniture retail"
    add("C4-furniture-buys-ics", o, {"R-C4"}, "review")
    o = new("DE", ("1",))
    o.parties[0].line_of_business = "electronics distribution"
    add("C4-silent-electronics", o, set(), "clear")
    o = new()
    o.parties[0] = replace(o.parties[0], phone="+971 4 555 0199")
    add("C5-uae-phone-german-buyer", o, {"R-C5"}, "review")
    o = new()
    o.parties[0] = replace(o.parties[0], email="zakaz@promsnab.ru")
    add("C5-ru-email-domain", o, {"R-C5"}, "review")
    o = new()
    fwd = mk.company("DE", sector="Logistics")
    o.parties = [o.parties[0], fwd.party("ship_to"), o.parties[3]]
    add("C6-forwarder-consignee-no-end-user", o, {"R-C6"}, "review")
    o = new()
    o.parties[1] = replace(o.parties[1], name=fwd.name)
    add("C6-silent-end-user-named", o, set(), "clear")
    o = new("IE")
    o.parties[1] = replace(o.parties[1], address="Unit 4, Shannon Free Zone, Shannon, Co. Clare")
    add("C6-free-trade-zone", o, {"R-C6"}, "review")

    # R-D1 .. R-D5
    o = new()
    payer = mk.company("DE")
    o.parties.append(payer.party("payer"))
    add("D1-payer-not-buyer", o, {"R-D1"}, "review")
    o = new()
    o.payment.payer_country = "CH"
    add("D1-third-country", o, {"R-D1", "R-B4"}, "review")
    o = new()
    o.changes = [Change("ship_to", date(2024, 3, 14), "Stuttgart", "Hamburg")]
    add("D2-late-ship-to-change", o, {"R-D2"}, "review")
    o = new()
    o.changes = [Change("ship_to", date(2024, 3, 1), "Stuttgart", "Hamburg")]
    add("D2-silent-change-before-order", o, set(), "clear")
    o = new("DE", ("1",))
    o.lines[0].unit_price = 5000.0
    add("D3-price-above-band", o, {"R-D3"}, "review")
    o = new("DE", (None,))
    o.lines[0].quantity, o.lines[0].unit_price = 100.0, 250.0
    o.payment.method = "cash"
    add("D3-cash-large-order", o, {"R-D3"}, "review")
    o = new("DE", (None,))
    o.lines[0].quantity, o.lines[0].unit_price = 10.0, 50.0
    o.payment.method = "cash"
    add("D3-silent-small-cash", o, set(), "clear")
    o = new("DE", ("3.A",))
    o.shipments = 4
    add("D4-four-shipments", o, {"R-D4"}, "review")
    o = new("DE", ("3.A",))
    o.lines[0].quantity, o.lines[0].unit_price = 10.0, 20.0
    code = o.lines[0].hs_code[:6]
    d0 = o.order_date or date(2024, 3, 4)
    o.history = [PriorOrder("H1", d0 - timedelta(days=12), 900.0, 900.0, hs6=[code]),
                 PriorOrder("H2", d0 - timedelta(days=5), 800.0, 800.0, hs6=[code])]
    add("D4-small-orders-in-a-row", o, {"R-D4"}, "review")
    o = new("DE", ("3.A",))
    o.shipments = 2
    add("D4-silent-two-shipments", o, set(), "clear")
    o = new()
    o.declined_services = ["installation", "training"]
    add("D5-declines-installation", o, {"R-D5"}, "review")
    o = new()
    o.end_use_refused = True
    add("D5-refuses-end-use", o, {"R-D5"}, "review")

    # a typical diversion pattern: many flags at once
    o = new("AE", ("1", "2", "3.A"))
    o.end_user_statement = False
    o.parties[0] = replace(o.parties[0], name="Falcon Components Trading FZE", email="falcon.trd@mail.ru",
                           website=None, incorporated_on=date(2022, 6, 1), customer_since=date(2022, 8, 1),
                           address="Office 318, Ajman Free Zone, Ajman")
    o.parties = [o.parties[0], replace(o.parties[0], role="ship_to"), o.parties[3]]
    o.payment.payer_country = "HK"
    o.payment.method = "wire"
    add("pattern-uae-trading-fze", o, {"R-B1", "R-B2", "R-B3", "R-B4", "R-C1", "R-C2", "R-C3",
                                       "R-C5", "R-C6", "R-D1"}, "hold")
    return cases


def _set(order: Order, **changes: object) -> Order:
    for key, value in changes.items():
        setattr(order, key, value)
    return order


def random_orders(n: int, seed: int = 1, listed: Sequence[Entity] = (), pool_size: int = 5000,
                  listed_rate: float = 0.01) -> Iterator[Order]:
    """``n`` random orders of 3 to 6 parties and 1 to 20 lines (for the benchmark). Parties
    come from a pool of ``pool_size`` invented companies (customers repeat), with a few
    listed names mixed in."""
    mk = Maker(seed)
    rng = mk.rng
    countries = PARTNERS * 4 + OTHERS
    pool = [mk.company(rng.choice(countries)) for _ in range(pool_size)]
    forwarders = [mk.company(rng.choice(countries), sector="Logistics") for _ in range(200)]
    tiers: list[str | None] = [None] * 14 + list(CHPL_HS)
    for k in range(n):
        buyer = rng.choice(pool)
        parties = [buyer.party("buyer", customer_since=date(2015, 1, 1))]
        parties.append(buyer.party("ship_to") if rng.random() < 0.7 else rng.choice(pool).party("ship_to"))
        parties.append(rng.choice(forwarders).party("freight_forwarder"))
        for role in ("end_user", "intermediate_consignee", "notify_party"):
            if len(parties) < 6 and rng.random() < 0.4:
                parties.append(rng.choice(pool).party(role))
        if listed and rng.random() < listed_rate:
            parties[-1] = _listed_party(rng.choice(list(listed)), parties[-1].role)
        dest = parties[1].country
        yield Order(id=f"B{k:07d}", order_date=date(2024, 1, 1) + timedelta(days=k % 365),
                    currency="USD", parties=parties,
                    lines=[mk.line(rng.choice(tiers)) for _ in range(rng.randint(1, 20))],
                    route=Route(ship_from="US", ship_to=dest, final_destination=dest),
                    payment=Payment(payer_country=buyer.country, method="wire"),
                    end_user_statement=rng.random() < 0.6)
