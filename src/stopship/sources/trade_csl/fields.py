"""Field-level readers for CSL values, shared by its CSV and JSON forms.

Both forms are first turned into one plain ``CslRecord`` so that one function builds the
entity: the CSV's ``;``-joined cells and the JSON's arrays and objects meet here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from stopship.model import Address
from stopship.model.countries import to_code

_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")


@dataclass
class CslId:
    """One entry of the CSL ``ids`` field. ``dates`` holds dates the CSV gives without
    saying which is which (one date: issue or expiry)."""

    type: str
    number: str | None = None
    country: str | None = None
    issue_date: str | None = None
    expiration_date: str | None = None
    dates: list[str] = field(default_factory=list)


@dataclass
class CslRecord:
    """One CSL row, whichever form it came in."""

    id: str
    source: str
    name: str
    type: str = ""
    entity_number: str = ""
    programs: list[str] = field(default_factory=list)
    title: str = ""
    addresses: list[Address] = field(default_factory=list)
    alt_names: list[str] = field(default_factory=list)
    citizenships: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    dates_of_birth: list[str] = field(default_factory=list)
    places_of_birth: list[str] = field(default_factory=list)
    ids: list[CslId] = field(default_factory=list)
    scalars: dict[str, str] = field(default_factory=dict)  # every other non-empty column


SCALAR_FIELDS = (
    "federal_register_notice", "start_date", "end_date", "standard_order",
    "license_requirement", "license_policy", "call_sign", "vessel_type", "gross_tonnage",
    "gross_registered_tonnage", "vessel_flag", "vessel_owner", "remarks",
    "source_list_url", "source_information_url",
)


def text(value: Any) -> str:
    """A cell or JSON value as stripped text ('' for None)."""
    if value is None:
        return ""
    return " ".join(str(value).split())


def split_list(value: Any, sep: str) -> list[str]:
    """A JSON array or a ``sep``-joined CSV cell as a list of non-empty texts."""
    if value is None:
        return []
    if isinstance(value, list):
        items = [text(v) for v in value]
    else:
        items = [text(v) for v in str(value).split(sep.strip())]
    return [item for item in items if item]


def clean_alias(value: str) -> str:
    """The Entity List joins its last alias with "and": "A; and B"."""
    return re.sub(r"^and\s+", "", value).strip()


def address_from_text(value: str) -> Address:
    """A CSV address: the CSL joins street, city, state, postal code and country code
    with ", "; only the trailing country code can be told apart reliably."""
    parts = [p.strip() for p in value.split(",")]
    country = to_code(parts[-1]) if parts and _COUNTRY_CODE.match(parts[-1]) else None
    return Address(full=value, country=country)


def address_from_json(value: Any) -> Address | None:
    """A JSON address object ``{address, city, state, postal_code, country}``."""
    if isinstance(value, str):
        return address_from_text(text(value)) if text(value) else None
    if not isinstance(value, dict):
        return None
    street, city = text(value.get("address")), text(value.get("city"))
    region, postal = text(value.get("state")), text(value.get("postal_code"))
    country = text(value.get("country"))
    full = ", ".join(p for p in (street, city, region, postal, country) if p)
    if not full:
        return None
    return Address(
        full=full, street=street or None, city=city or None, postal_code=postal or None,
        region=region or None, country=to_code(country),
    )


def id_from_text(value: str) -> CslId | None:
    """A CSV id: "[country, ][expiration date, ][issue date, ]number, type" - the CSV
    writes the expiry before the issue date (checked against OFAC's own remarks)."""
    bits = [b.strip() for b in value.split(", ")]
    if not bits or not bits[-1]:
        return None
    ident = CslId(type=bits[-1])
    rest = bits[:-1]
    if rest and _COUNTRY_CODE.match(rest[0]) and len(rest) > 1:
        ident.country = rest.pop(0)
    dates: list[str] = []
    while len(rest) > 1 and _ISO_DATE.match(rest[0]) and len(rest[0]) == 10:
        dates.append(rest.pop(0))
    if len(dates) == 2:
        ident.expiration_date, ident.issue_date = dates
    else:
        ident.dates = dates
    ident.number = ", ".join(rest) or None
    return ident


def id_from_json(value: Any) -> CslId | None:
    if not isinstance(value, dict) or not text(value.get("type")):
        return None
    return CslId(
        type=text(value.get("type")),
        number=text(value.get("number")) or None,
        country=text(value.get("country")) or None,
        issue_date=text(value.get("issue_date")) or None,
        expiration_date=text(value.get("expiration_date")) or None,
    )


_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


def iso_date(value: str | None) -> str | None:
    """``2008-09-17``, ``17 Sep 2008``, ``Sep 2008`` or ``2008`` as a partial ISO date."""
    if not value:
        return None
    value = value.strip()
    if _ISO_DATE.match(value):
        return value
    match = re.match(r"^(?:(\d{1,2})\s+)?([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$", value)
    if match and match.group(2).lower() in _MONTHS:
        month = _MONTHS[match.group(2).lower()]
        if match.group(1):
            return f"{match.group(3)}-{month:02d}-{int(match.group(1)):02d}"
        return f"{match.group(3)}-{month:02d}"
    return None


def birth_dates(value: str) -> tuple[list[str], str | None]:
    """CSL birth dates: ``1973-03-25``, ``1967``, ``circa 1955``, ``1962 to 1964``.
    Returns the ISO dates and, when the text said more than a date, the text."""
    if _ISO_DATE.match(value):
        return [value], None
    circa = re.match(r"^(?:circa|approximately|about)\s+(\d{4})$", value, re.I)
    if circa:
        return [circa.group(1)], value
    span = re.match(r"^(\d{4}(?:-\d{2}-\d{2})?)\s+to\s+(\d{4}(?:-\d{2}-\d{2})?)$", value)
    if span:
        return [span.group(1), span.group(2)], value
    return [], value
