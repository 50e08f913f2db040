"""Import FollowTheMoney entities (JSON lines, as OpenSanctions publishes them).

Person, Organization, Company, LegalEntity, PublicBody, Vessel and Airplane become list
entities in the list given by ``FtmSource(list_id=...)`` (default ``ftm``); the native id
is the FtM id. Address entities are read to resolve ``addressEntity`` references; every
other schema (Sanction, Ownership, ...) is counted as skipped. Which FtM property feeds
which entity field is data in ``source.yaml``, shared with ``export.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from stopship.model import Address, Entity, Provenance
from stopship.model.countries import to_code
from stopship.sources.base import ParseReport, Source, SourceMeta, file_sha256
from stopship.sources.textio import decode, logical_name, read_bytes

META_FILE = Path(__file__).parent / "source.yaml"
EXTENSION_KEY = "stopship"  # our extra top-level key: list id, flags, listing date


@dataclass(frozen=True)
class FtmTables:
    """The property tables of ``source.yaml``."""

    schemas: dict[str, str]
    export_schemas: dict[str, str]
    company_only: list[str]
    names: dict[str, str]
    countries: dict[str, str]
    identifiers: dict[str, str]
    dates: dict[str, str]
    properties: dict[str, str]
    thing_props: list[str]
    schema_props: dict[str, list[str]]
    airplane_registration_scheme: str


@lru_cache(maxsize=1)
def tables() -> FtmTables:
    extra = SourceMeta.load(META_FILE).extra
    return FtmTables(**{k: extra[k] for k in FtmTables.__dataclass_fields__})


class FtmSource(Source):
    """FtM JSON lines (``.jsonl``, ``.ftm.json``, also ``.gz``) into one stopship list."""

    meta_file = META_FILE

    def __init__(self, list_id: str | None = None) -> None:
        super().__init__()
        self.list_id = list_id or str(self.meta.extra.get("default_list_id", "ftm"))
        self.tables = tables()

    def parse(self, files: Sequence[Path], report: ParseReport) -> Iterator[Entity]:
        for path in files:
            path = Path(path)
            prov_file, sha = logical_name(path), file_sha256(path)
            records = list(self._records(path, report))
            addresses = {r["id"]: r for _, r in records if r.get("schema") == "Address"}
            seen: set[str] = set()
            for line, record in records:
                schema = str(record.get("schema") or "")
                if schema not in self.tables.schemas:
                    if schema != "Address":
                        report.skip(path, line, "schema", f"schema {schema or '(none)'} "
                                    "is not a list entity")
                    continue
                entity = self._entity(record, path, line, report, addresses)
                if entity is None:
                    continue
                if entity.id in seen:
                    report.skip(path, line, "id", "duplicate id")
                    continue
                seen.add(entity.id)
                entity.provenance = Provenance(prov_file, sha, line)
                report.entities[entity.list_id] += 1
                yield entity

    def _records(self, path: Path, report: ParseReport) -> Iterator[tuple[int, dict[str, Any]]]:
        decoded = decode(read_bytes(path), "utf-8")
        lines = decoded.text.split("\n")
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            report.rows_read[str(path)] += 1
            if number in decoded.bad_lines:
                report.skip(path, number, None, "invalid UTF-8 byte sequence")
                continue
            try:
                record = json.loads(text)
            except json.JSONDecodeError as exc:
                report.skip(path, number, None, f"invalid JSON: {exc.msg}")
                continue
            if not isinstance(record, dict):
                report.skip(path, number, None, "line is not a JSON object")
                continue
            if not isinstance(record.get("properties", {}), dict):
                report.skip(path, number, "properties", "properties is not an object")
                continue
            yield number, record

    def _entity(self, record: dict[str, Any], path: Path, line: int, report: ParseReport,
                addresses: dict[str, dict[str, Any]]) -> Entity | None:
        t = self.tables
        native_id = str(record.get("id") or "").strip()
        if not native_id:
            report.skip(path, line, "id", "empty id")
            return None
        props: dict[str, Any] = record.get("properties") or {}
        values = {k: _values(v) for k, v in props.items()}
        if not values.get("name"):
            report.skip(path, line, "properties.name", "no name")
            return None
        ftm_schema = str(record["schema"])
        extension = record.get(EXTENSION_KEY)
        if not isinstance(extension, dict):
            extension = {}
        entity = Entity(list_id=str(extension.get("list_id") or self.list_id),
                        native_id=str(extension.get("native_id") or native_id),
                        schema=t.schemas[ftm_schema])
        for prop, kind in t.names.items():
            for value in values.get(prop, []):
                entity.add_name(value, kind)
        for prop, role in t.countries.items():
            for value in values.get(prop, []):
                code = to_code(value)
                if code:
                    entity.add_country(code, role)
                else:
                    entity.add_property(f"{role}_text", value)
        for prop, scheme in t.identifiers.items():
            if prop == "registrationNumber" and ftm_schema == "Airplane":
                scheme = t.airplane_registration_scheme
            for value in values.get(prop, []):
                if scheme == "imo":
                    value = re.sub(r"^IMO\s*", "", value, flags=re.I)
                entity.add_identifier(scheme, value)
        for prop, role in t.dates.items():
            for value in values.get(prop, []):
                entity.add_date(role, value[:10])
        for prop, key in t.properties.items():
            for value in values.get(prop, []):
                entity.add_property(key, value)
        for ref in values.get("addressEntity", []):
            target = addresses.get(ref)
            if target is None:
                report.notes.append(f"{path}:{line}: addressEntity {ref!r} not in the file")
                continue
            address = _address(target)
            if address is not None and address not in entity.addresses:
                entity.addresses.append(address)
        for text in values.get("address", []):
            if all(a.full != text for a in entity.addresses):
                entity.addresses.append(Address(full=text))
        entity.programs = list(dict.fromkeys(values.get("program", [])))
        entity.remarks = "\n".join(values.get("notes", [])) or None
        if extension:
            entity.flags.update(extension.get("flags") or {})
            entity.listed_on = extension.get("listed_on")
        else:
            for key in ("datasets", "first_seen", "last_seen"):
                for value in _values(record.get(key)):
                    entity.add_property(f"ftm_{key}", value)
        return entity


def _values(value: Any) -> list[str]:
    """FtM property values: a list of strings (a lone string is tolerated)."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        text = " ".join(str(item).split())
        if text and text not in out:
            out.append(text)
    return out


def _address(record: dict[str, Any]) -> Address | None:
    props = record.get("properties") or {}

    def first(prop: str) -> str | None:
        vals = _values(props.get(prop))
        return vals[0] if vals else None

    full = first("full")
    if not full:
        parts = [first(p) for p in ("street", "city", "region", "postalCode", "country")]
        full = ", ".join(p for p in parts if p)
    if not full:
        return None
    country = first("country")
    return Address(full=full, street=first("street"), city=first("city"),
                   postal_code=first("postalCode"), region=first("region"),
                   country=to_code(country) if country else None)
