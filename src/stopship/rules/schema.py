"""The order format, declared once: the reader validates against these field specs and
``json_schema()`` publishes them as JSON Schema (``docs/order.schema.json``;
``python -m stopship.rules.schema`` rewrites it)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stopship.model.order import CHANGEABLE, PAYMENT_METHODS, ROLE_ALIASES, ROLES, SERVICES

SCHEMA_ID = "https://stopship.dev/schema/order-1.json"
ADDRESS_TYPES = ("business", "residential", "free_trade_zone", "unknown")


@dataclass(frozen=True, slots=True)
class F:
    """One field: ``kind`` is string, country, date, number, integer, boolean, hs, enum,
    strings (list of strings), object (a nested spec name) or objects (list of them)."""

    kind: str
    description: str
    required: bool = False
    enum: tuple[str, ...] = ()
    of: str | None = None  # nested object spec for object/objects
    minimum: float | None = None
    maximum: float | None = None


SPECS: dict[str, dict[str, F]] = {
    "order": {
        "id": F("string", "Your order number; unique in a file.", required=True),
        "order_date": F("date", "Date the order was placed (YYYY-MM-DD)."),
        "currency": F("string", "ISO 4217 code of unit prices (USD, EUR...)."),
        "parties": F("objects", "Every party of the order, one per role.", required=True, of="party"),
        "lines": F("objects", "The order lines.", required=True, of="line"),
        "route": F("object", "Countries the goods travel through.", of="route"),
        "payment": F("object", "Who pays, from where, how.", of="payment"),
        "end_user_statement": F("boolean", "A signed end-user statement is on file."),
        "placed_in": F("country", "Country the order was placed from (default: the buyer's)."),
        "ship_date": F("date", "Requested ship date."),
        "end_use": F("string", "Stated end use."),
        "end_use_refused": F("boolean", "The customer refused to state the end use or end user."),
        "declined_services": F("strings", "Services the customer declined.", enum=SERVICES),
        "shipments": F("integer", "Partial shipments the customer asked for.", minimum=1),
        "changes": F("objects", "Changes made after the order was placed (R-D2).", of="change"),
        "history": F("objects", "The customer's earlier orders (R-C2, R-D4).", of="prior_order"),
        "reference": F("object", "Free data of yours, carried along, never screened.", of=None),
    },
    "party": {
        "role": F("enum", "Role in the order.", required=True,
                  enum=(*ROLES, *sorted(ROLE_ALIASES))),
        "name": F("string", "Name as on the order.", required=True),
        "country": F("country", "Country: ISO code or name."),
        "address": F("string", "Address in one line."),
        "schema": F("enum", "person or organization, when known.",
                    enum=("person", "organization", "individual", "company", "entity")),
        "email": F("string", "E-mail address."),
        "phone": F("string", "Phone number, best with +country code."),
        "website": F("string", "Web site or domain."),
        "identifiers": F("strings", "Identifiers as text, e.g. 'INN 7707083893'."),
        "incorporated_on": F("date", "Date of incorporation."),
        "customer_since": F("date", "Date of the customer's first order."),
        "line_of_business": F("string", "What the party does, in a few words."),
        "address_type": F("enum", "Kind of address, when known.", enum=ADDRESS_TYPES),
        "owners": F("objects", "Direct owners and shares (for the 50% rule).", of="owner"),
    },
    "owner": {
        "name": F("string", "Owner's name.", required=True),
        "share": F("number", "Share held, in percent.", required=True, minimum=0, maximum=100),
        "country": F("country", "Owner's country."),
        "schema": F("enum", "person or organization.", enum=("person", "organization")),
    },
    "line": {
        "hs_code": F("hs", "HS/HTS code, 6 to 10 digits, any punctuation.", required=True),
        "quantity": F("number", "Quantity (default 1).", minimum=0),
        "unit_price": F("number", "Price per unit in the order currency.", minimum=0),
        "eccn": F("string", "Export Control Classification Number (e.g. 3A991, EAR99)."),
        "part_number": F("string", "Manufacturer part number."),
        "manufacturer": F("string", "Manufacturer or brand."),
        "description": F("string", "Goods description."),
    },
    "route": {
        "ship_from": F("country", "Country the goods leave from."),
        "ship_to": F("country", "Country of the ship-to address."),
        "final_destination": F("country", "Country of final destination."),
        "transit": F("countries", "Transit countries."),
    },
    "payment": {
        "payer_country": F("country", "Country the payment comes from."),
        "method": F("enum", "Payment method.", enum=PAYMENT_METHODS),
        "terms": F("string", "Payment terms (prepaid, net30...)."),
    },
    "change": {
        "field": F("enum", "What changed.", required=True, enum=CHANGEABLE),
        "changed_on": F("date", "When.", required=True),
        "old": F("string", "Value before."),
        "new": F("string", "Value after."),
    },
    "prior_order": {
        "id": F("string", "Order number.", required=True),
        "order_date": F("date", "Order date.", required=True),
        "value": F("number", "Order value.", minimum=0),
        "chpl_value": F("number", "Value of its CHPL lines.", minimum=0),
        "ship_to": F("string", "Ship-to party or country."),
        "hs6": F("strings", "HS-6 codes ordered."),
    },
}

_KIND: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "country": {"type": "string", "description": "ISO 3166 alpha-2/alpha-3 code or a country name"},
    "date": {"type": "string", "format": "date"},
    "number": {"type": "number"},
    "integer": {"type": "integer"},
    "boolean": {"type": "boolean"},
    "hs": {"type": ["string", "integer"], "pattern": "^\\D*(\\d\\D*){6,10}$"},
    "strings": {"type": "array", "items": {"type": "string"}},
    "countries": {"type": "array", "items": {"type": "string"}},
}


def _prop(spec: F) -> dict[str, Any]:
    if spec.kind == "object":
        out: dict[str, Any] = {"$ref": f"#/$defs/{spec.of}"} if spec.of else {"type": "object"}
    elif spec.kind == "objects":
        out = {"type": "array", "items": {"$ref": f"#/$defs/{spec.of}"}}
    elif spec.kind == "enum":
        out = {"type": "string", "enum": list(spec.enum)}
    elif spec.kind == "strings" and spec.enum:
        out = {"type": "array", "items": {"type": "string", "enum": list(spec.enum)}}
    else:
        out = dict(_KIND[spec.kind])
    if spec.minimum is not None:
        out["minimum"] = spec.minimum
    if spec.maximum is not None:
        out["maximum"] = spec.maximum
    out["description"] = spec.description
    return out


def _object(name: str) -> dict[str, Any]:
    fields = SPECS[name]
    obj: dict[str, Any] = {"type": "object",
                           "properties": {k: _prop(v) for k, v in fields.items()},
                           "additionalProperties": False}
    required = [k for k, v in fields.items() if v.required]
    if required:
        obj["required"] = required
    return obj


def json_schema() -> dict[str, Any]:
    """The published JSON Schema of one order."""
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
              "title": "stopship order",
              "description": "One order to screen: parties, lines, route and payment. "
                             "A file holds one order, a JSON array of orders, or JSON lines.",
              **_object("order"),
              "$defs": {name: _object(name) for name in SPECS if name != "order"}}
    schema["properties"]["parties"]["minItems"] = 1
    schema["properties"]["lines"]["minItems"] = 1
    return schema


def write(path: Path) -> None:
    path.write_text(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n", "utf-8")


if __name__ == "__main__":  # pragma: no cover
    write(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/order.schema.json"))
