"""The list entity: one party on one restricted-party list, with everything the list says.

Plain dataclasses with slots: cheap to build by the hundred thousand, easy to turn
into JSON (``to_dict``/``from_dict``) for the store, the API and exports. Richer
validation lives at the API edge, not here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

SCHEMAS = ("person", "organization", "vessel", "aircraft")

_SCHEMA_ALIASES = {
    "person": "person",
    "individual": "person",
    "organization": "organization",
    "organisation": "organization",
    "company": "organization",
    "legalentity": "organization",
    "entity": "organization",
    "publicbody": "organization",
    "vessel": "vessel",
    "ship": "vessel",
    "aircraft": "aircraft",
    "airplane": "aircraft",
}

# Kinds of name, strongest first.
NAME_KINDS = ("primary", "alias", "original", "weak", "former")
# Roles a country can play for an entity.
COUNTRY_ROLES = (
    "country",  # the list's own country field (jurisdiction / location)
    "nationality",
    "citizenship",
    "birth",
    "address",
    "registration",
    "flag",
)


def normalise_schema(value: str | None, default: str | None = None) -> str | None:
    """Map ``Person``, ``individual``, ``Company``, ``LegalEntity``... to one of SCHEMAS."""
    if value is None or not str(value).strip():
        return default
    return _SCHEMA_ALIASES.get(str(value).strip().lower().replace("_", "").replace(" ", ""), default)


@dataclass(slots=True)
class Name:
    """One name of an entity. ``kind`` is primary, alias, original, weak or former;
    ``script`` is an ISO 15924 code when known (Latn, Cyrl, Arab, Hani...);
    ``quality`` keeps the list's own grading (UN: Good, Low)."""

    value: str
    kind: str = "primary"
    script: str | None = None
    lang: str | None = None
    quality: str | None = None


@dataclass(slots=True)
class Country:
    """An ISO 3166-1 alpha-2 code (or the list's text where it has no code) and its role."""

    code: str
    role: str = "country"


@dataclass(slots=True)
class Address:
    full: str
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    country: str | None = None  # ISO alpha-2 where known


@dataclass(slots=True)
class Identifier:
    """A typed identifier. ``scheme`` is a registry key (inn, ogrn, kpp, imo, mmsi, swift,
    passport, national_id, tax_id, registration, lei, duns, cage, aircraft_serial, ...)."""

    scheme: str
    value: str
    country: str | None = None
    note: str | None = None


@dataclass(slots=True)
class DateFact:
    """A partial date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) with its role: birth,
    listed, start, end, incorporated, death."""

    role: str
    value: str


@dataclass(slots=True)
class Provenance:
    file: str
    sha256: str
    line: int | None = None


@dataclass(slots=True)
class Entity:
    """One party on one list. ``id`` is ``<list_id>:<native_id>`` and stable across loads."""

    list_id: str
    native_id: str
    schema: str
    names: list[Name] = field(default_factory=list)
    countries: list[Country] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    dates: list[DateFact] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    flags: dict[str, Any] = field(default_factory=dict)
    properties: dict[str, list[str]] = field(default_factory=dict)
    listed_on: str | None = None
    remarks: str | None = None
    provenance: Provenance | None = None

    @property
    def id(self) -> str:
        return f"{self.list_id}:{self.native_id}"

    @property
    def caption(self) -> str:
        for name in self.names:
            if name.kind == "primary":
                return name.value
        return self.names[0].value if self.names else self.native_id

    def add_property(self, key: str, value: str | None) -> None:
        if value is None:
            return
        value = str(value).strip()
        if not value:
            return
        values = self.properties.setdefault(key, [])
        if value not in values:
            values.append(value)

    def add_name(self, value: str | None, kind: str = "alias", **kw: Any) -> None:
        if value is None:
            return
        value = " ".join(str(value).split())
        if not value:
            return
        for existing in self.names:
            if existing.value == value and existing.kind == kind:
                return
        self.names.append(Name(value, kind, **kw))

    def add_country(self, code: str | None, role: str = "country") -> None:
        if not code:
            return
        for existing in self.countries:
            if existing.code == code and existing.role == role:
                return
        self.countries.append(Country(code, role))

    def add_identifier(self, scheme: str, value: str | None, country: str | None = None,
                       note: str | None = None) -> None:
        if value is None or not str(value).strip():
            return
        ident = Identifier(scheme, str(value).strip(), country, note)
        if ident not in self.identifiers:
            self.identifiers.append(ident)

    def add_date(self, role: str, value: str | None) -> None:
        if value and DateFact(role, value) not in self.dates:
            self.dates.append(DateFact(role, value))

    # -- serialisation -------------------------------------------------------------
    def to_dict(self, with_provenance: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "list_id": self.list_id,
            "native_id": self.native_id,
            "schema": self.schema,
            "names": [_compact(n) for n in self.names],
            "countries": [_compact(c) for c in self.countries],
            "addresses": [_compact(a) for a in self.addresses],
            "identifiers": [_compact(i) for i in self.identifiers],
            "dates": [_compact(d) for d in self.dates],
            "programs": list(self.programs),
            "flags": dict(self.flags),
            "properties": {k: list(v) for k, v in self.properties.items()},
            "listed_on": self.listed_on,
            "remarks": self.remarks,
        }
        if with_provenance and self.provenance is not None:
            data["provenance"] = _compact(self.provenance)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        prov = data.get("provenance")
        return cls(
            list_id=data["list_id"],
            native_id=data["native_id"],
            schema=data["schema"],
            names=[Name(**n) for n in data.get("names", [])],
            countries=[Country(**c) for c in data.get("countries", [])],
            addresses=[Address(**a) for a in data.get("addresses", [])],
            identifiers=[Identifier(**i) for i in data.get("identifiers", [])],
            dates=[DateFact(**d) for d in data.get("dates", [])],
            programs=list(data.get("programs", [])),
            flags=dict(data.get("flags", {})),
            properties={k: list(v) for k, v in data.get("properties", {}).items()},
            listed_on=data.get("listed_on"),
            remarks=data.get("remarks"),
            provenance=Provenance(**prov) if prov else None,
        )

    def content_hash(self) -> str:
        """Hash of what the list says about the entity, without where it was read from:
        two loads of the same content hash equal even if the file moved or lines shifted."""
        blob = json.dumps(self.to_dict(with_provenance=False), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _compact(obj: Any) -> dict[str, Any]:
    return {k: getattr(obj, k) for k in obj.__slots__ if getattr(obj, k) is not None}
