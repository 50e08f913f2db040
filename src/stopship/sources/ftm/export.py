"""Export list entities as FollowTheMoney entities (dicts ready for JSON lines).

person -> Person, organization -> Organization (Company when it has a KPP or BIK, which
only Company carries; LegalEntity when the list gave no type and the loader guessed it),
vessel -> Vessel, aircraft -> Airplane. Each value goes to the FtM
property named in ``source.yaml``, and only when the target schema has that property.
A structured address also becomes an ``Address`` entity referenced by ``addressEntity``.

What FtM cannot carry is listed here, and the round-trip test checks everything else:
- name script, language and quality; ``original`` names come back as ``alias``;
- an identifier's country and note; schemes with no FtM property (``other``, ...), and
  schemes the target schema lacks (a passport on an organization);
- countries whose role the schema lacks (nationality on an organization) and the role
  ``address`` (the address itself keeps its country);
- properties without an FtM property; provenance (where the entity was read from).
List id, native id, flags and listing date travel in the extra top-level key
``"stopship"``, which FtM tools ignore and ``FtmSource`` reads back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Any

from stopship.model import Address, Entity
from stopship.sources.ftm.parser import EXTENSION_KEY, tables

_NAME_PROPS = {"primary": "name", "alias": "alias", "original": "alias", "weak": "weakAlias",
               "former": "previousName"}


def ftm_id(entity: Entity) -> str:
    """The FtM id of an exported entity: ``<list>-<native id>``, unique across lists."""
    return f"{entity.list_id}-{entity.native_id}"


def ftm_schema(entity: Entity) -> str:
    """The FtM schema of ``entity``; LegalEntity (a party of unknown kind) when the list
    gave no type and the loader guessed one (``flags.schema_inferred``)."""
    t = tables()
    schema = t.export_schemas[entity.schema]
    if entity.flags.get("schema_inferred") and schema == "Organization":
        # LegalEntity lacks a few of Organization's properties: keep Organization when
        # an identifier needs one of them (a CAGE code, an IMO number)
        legal = set(t.thing_props) | set(t.schema_props["LegalEntity"])
        reverse = _reverse(t.identifiers)
        if all(reverse.get(i.scheme) in legal for i in entity.identifiers
               if reverse.get(i.scheme) in t.schema_props[schema]):
            return "LegalEntity"
    if schema == "Organization":
        reverse = _reverse(t.identifiers)
        if any(reverse.get(i.scheme) in t.company_only for i in entity.identifiers):
            return "Company"
    return schema


def export_ftm(entities: Iterable[Entity]) -> Iterator[dict[str, Any]]:
    """FtM-shaped dicts for ``entities`` (Address entities follow the party using them)."""
    for entity in entities:
        yield from entity_to_ftm(entity)


def entity_to_ftm(entity: Entity) -> list[dict[str, Any]]:
    t = tables()
    schema = ftm_schema(entity)
    allowed = set(t.thing_props) | set(t.schema_props.get(schema, []))
    props: dict[str, list[str]] = {}

    def put(prop: str | None, value: str | None) -> None:
        if prop and value and prop in allowed:
            values = props.setdefault(prop, [])
            if value not in values:
                values.append(value)

    for name in entity.names:
        put(_NAME_PROPS.get(name.kind, "alias"), name.value)
    country_props = _reverse(t.countries)
    for country in entity.countries:
        put(country_props.get(country.role), country.code)
    id_props = _reverse(t.identifiers)
    for ident in entity.identifiers:
        prop = id_props.get(ident.scheme)
        if schema == "Airplane" and ident.scheme == t.airplane_registration_scheme:
            prop = "registrationNumber"
        put(prop, ident.value)
    date_props = _reverse(t.dates)
    for date in entity.dates:
        put(date_props.get(date.role), date.value)
    prop_names = _reverse(t.properties)
    for key, values in entity.properties.items():
        for value in values:
            put(prop_names.get(key), value)
    for program in entity.programs:
        put("program", program)
    put("notes", entity.remarks)

    main: dict[str, Any] = {"id": ftm_id(entity), "schema": schema, "properties": props,
                            "datasets": [entity.list_id], "caption": entity.caption}
    extension: dict[str, Any] = {"list_id": entity.list_id, "native_id": entity.native_id}
    if entity.flags:
        extension["flags"] = dict(entity.flags)
    if entity.listed_on:
        extension["listed_on"] = entity.listed_on
    main[EXTENSION_KEY] = extension
    out = [main]
    for address in entity.addresses:
        put("address", address.full)
        if _structured(address):
            node = _address_entity(main["id"], address, entity.list_id)
            put("addressEntity", node["id"])
            out.append(node)
    return out


def _structured(address: Address) -> bool:
    return any((address.street, address.city, address.postal_code, address.region,
                address.country))


def _address_entity(owner: str, address: Address, list_id: str) -> dict[str, Any]:
    digest = hashlib.sha1(repr(
        (address.full, address.street, address.city, address.postal_code, address.region,
         address.country)).encode("utf-8")).hexdigest()[:12]
    props = {"full": [address.full]}
    for prop, value in (("street", address.street), ("city", address.city),
                        ("postalCode", address.postal_code), ("region", address.region),
                        ("country", address.country)):
        if value:
            props[prop] = [value]
    return {"id": f"{owner}-addr-{digest}", "schema": "Address", "properties": props,
            "datasets": [list_id], "caption": address.full}


def _reverse(table: dict[str, str]) -> dict[str, str]:
    """stopship key -> the first FtM property that maps to it."""
    out: dict[str, str] = {}
    for prop, key in table.items():
        out.setdefault(key, prop)
    return out
