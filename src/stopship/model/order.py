"""An order as a compliance team screens it before it ships: parties, lines, route, payment.

Plain dataclasses with slots. Reading and validating orders from JSON, CSV or XLSX lives in
``stopship.rules.orders_io``; this module only holds the typed data and a few pure helpers
(HS-code normalisation, ``to_dict``) that every stage shares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# Party roles, as the order says them. ``ship_to`` is the consignee.
ROLES = (
    "buyer",
    "ship_to",
    "intermediate_consignee",
    "end_user",
    "freight_forwarder",
    "payer",
    "notify_party",
)
ROLE_ALIASES = {
    "consignee": "ship_to",
    "ship-to": "ship_to",
    "shipto": "ship_to",
    "bill_to": "buyer",
    "bill-to": "buyer",
    "customer": "buyer",
    "sold_to": "buyer",
    "intermediate": "intermediate_consignee",
    "intermediate-consignee": "intermediate_consignee",
    "end-user": "end_user",
    "enduser": "end_user",
    "forwarder": "freight_forwarder",
    "freight-forwarder": "freight_forwarder",
    "notify": "notify_party",
    "notify-party": "notify_party",
}
PAYMENT_METHODS = (
    "wire",
    "letter_of_credit",
    "card",
    "cash",
    "crypto",
    "cheque",
    "open_account",
    "third_party",
    "other",
)
SERVICES = ("installation", "training", "warranty", "maintenance")
CHANGEABLE = ("ship_to", "payment", "payer", "route", "end_user", "final_destination")

_NON_DIGIT = re.compile(r"\D+")


def normalise_role(value: str) -> str | None:
    """``Consignee`` -> ``ship_to``; None when the role is unknown."""
    key = value.strip().lower().replace(" ", "_")
    if key in ROLES:
        return key
    return ROLE_ALIASES.get(key) or ROLE_ALIASES.get(key.replace("_", "-"))


def normalise_hs(value: str | int | None) -> str | None:
    """Digits of an HS/HTS code: ``8542.31.0000`` -> ``8542310000``. None when it does not
    have 6 to 10 digits after dropping every non-digit."""
    if value is None:
        return None
    digits = _NON_DIGIT.sub("", str(value))
    if 6 <= len(digits) <= 10:
        return digits
    return None


@dataclass(slots=True)
class Owner:
    """A direct owner of a party and its share in percent (0-100), for the 50% rule."""

    name: str
    share: float
    country: str | None = None
    schema: str | None = None  # person / organization when known


@dataclass(slots=True)
class Party:
    """One party of an order in one role. ``country`` is an ISO alpha-2 code."""

    role: str
    name: str
    country: str | None = None
    address: str | None = None
    schema: str | None = None  # person / organization / None (unknown)
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    identifiers: list[str] = field(default_factory=list)
    incorporated_on: date | None = None
    customer_since: date | None = None
    line_of_business: str | None = None
    address_type: str | None = None  # business / residential / free_trade_zone / unknown
    owners: list[Owner] = field(default_factory=list)


@dataclass(slots=True)
class Line:
    """One order line. ``hs_code`` holds only digits (6 to 10); ``hs6`` its first six."""

    hs_code: str
    quantity: float = 1.0
    unit_price: float | None = None
    eccn: str | None = None
    part_number: str | None = None
    manufacturer: str | None = None
    description: str | None = None

    @property
    def hs6(self) -> str:
        return self.hs_code[:6]

    @property
    def value(self) -> float | None:
        return None if self.unit_price is None else self.unit_price * self.quantity


@dataclass(slots=True)
class Route:
    """Countries (ISO alpha-2) the goods travel through."""

    ship_from: str | None = None
    ship_to: str | None = None
    final_destination: str | None = None
    transit: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Payment:
    payer_country: str | None = None
    method: str | None = None  # one of PAYMENT_METHODS
    terms: str | None = None  # e.g. prepaid, net30


@dataclass(slots=True)
class Change:
    """A change made to an order after it was placed (R-D2)."""

    field: str  # one of CHANGEABLE
    changed_on: date
    old: str | None = None
    new: str | None = None


@dataclass(slots=True)
class PriorOrder:
    """A summary of an earlier order of the same customer (R-C2, R-D4)."""

    id: str
    order_date: date
    value: float = 0.0
    chpl_value: float = 0.0
    ship_to: str | None = None  # ship-to party name or country
    hs6: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Order:
    id: str
    order_date: date | None = None
    currency: str | None = None
    parties: list[Party] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    route: Route = field(default_factory=Route)
    payment: Payment = field(default_factory=Payment)
    end_user_statement: bool = False
    placed_in: str | None = None  # country where the order was placed (default: buyer's)
    ship_date: date | None = None  # requested ship date
    end_use: str | None = None
    end_use_refused: bool = False
    declined_services: list[str] = field(default_factory=list)
    shipments: int = 1  # number of partial shipments the customer asked for
    changes: list[Change] = field(default_factory=list)
    history: list[PriorOrder] = field(default_factory=list)
    reference: dict[str, Any] = field(default_factory=dict)  # free user data, never screened

    def parties_in(self, *roles: str) -> list[Party]:
        return [p for p in self.parties if p.role in roles]

    def party(self, role: str) -> Party | None:
        for p in self.parties:
            if p.role == role:
                return p
        return None

    @property
    def total_value(self) -> float:
        return sum(line.value or 0.0 for line in self.lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, the same shape ``orders_io`` reads (empty values left out)."""
        return _plain(self)


def _plain(obj: Any) -> Any:
    if isinstance(obj, date):
        return obj.isoformat()
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    slots = getattr(obj, "__slots__", None)
    if slots:
        out: dict[str, Any] = {}
        for key in slots:
            value = getattr(obj, key)
            if value is None or value == [] or value == {}:
                continue
            plain = _plain(value)
            if plain == {}:
                continue
            out[key] = plain
        return out
    return obj
