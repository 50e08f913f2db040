"""trade.gov Consolidated Screening List: the CSV download and the JSON the live API serves.

Every CSL ``source`` value becomes its own stopship list (``us_bis_el``, ``us_ofac_sdn``,
...; the mapping is data in ``source.yaml``). The native id is the CSL ``_id`` (a stable
hash the CSL assigns per row); OFAC's entity number is kept as
``flags.source_entity_number``. Both forms are first read into a ``CslRecord``, then one
function builds the entity, so a row and its JSON twin give the same entity.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from stopship.csvquote import Lines, column_name, swallowed, swallowed_reason
from stopship.errors import InputError, Location
from stopship.model import Entity, Provenance
from stopship.model.countries import to_code
from stopship.sources.base import ParseReport, Source, file_sha256
from stopship.sources.textio import decode, logical_name, logical_suffix, read_bytes
from stopship.sources.trade_csl.fields import (
    SCALAR_FIELDS,
    CslId,
    CslRecord,
    address_from_json,
    address_from_text,
    birth_dates,
    clean_alias,
    id_from_json,
    id_from_text,
    iso_date,
    split_list,
    text,
)

_ABBREVIATION = re.compile(r"\(([^)]+)\)")


class TradeCslSource(Source):
    """Parser for the CSL ``consolidated.csv`` / ``.tsv`` / ``.json`` (also ``.gz``)."""

    meta_file = Path(__file__).parent / "source.yaml"

    def __init__(self) -> None:
        super().__init__()
        extra = self.meta.extra
        self.separator: str = extra.get("separator", "; ")
        self.required: list[str] = list(extra.get("required_columns", ["_id", "source", "name"]))
        self.by_source: dict[str, str] = {}
        self.by_abbreviation: dict[str, str] = {}
        for list_id, info in self.meta.lists.items():
            self.by_source[str(info["csl_source"]).strip().lower()] = list_id
            self.by_abbreviation[str(info["abbreviation"]).strip().lower()] = list_id
        self.types: dict[str, str] = {k.lower(): v for k, v in extra.get("types", {}).items()}
        self.untyped_default: str = extra.get("untyped_default", "organization")
        self.person_evidence: list[str] = list(extra.get("person_evidence", []))
        meu = extra.get("meu", {})
        self.meu_lists = set(meu.get("lists", ["us_bis_meu"]))
        self.meu_pattern = re.compile(meu.get("footnote3_pattern", r"734\.9\s*\(g\)\s*,?\s*3"))
        self.meu_fields: list[str] = list(meu.get("fields", ["license_requirement"]))
        self.id_types: dict[str, str] = dict(extra.get("id_types", {}))
        self.property_types: dict[str, str] = dict(extra.get("property_types", {}))
        self.date_types: dict[str, str] = dict(extra.get("date_types", {}))
        self.property_prefixes: dict[str, str] = dict(extra.get("property_prefixes", {}))

    # -- files ---------------------------------------------------------------------
    def parse(self, files: Sequence[Path], report: ParseReport) -> Iterator[Entity]:
        for path in files:
            path = Path(path)
            data = read_bytes(path)
            prov_file, sha = logical_name(path), file_sha256(path)
            seen: set[str] = set()  # entity ids: OFAC rows share an _id across SDN/SSI/CAP
            suffix = logical_suffix(path)
            if suffix == ".json" or (suffix not in (".csv", ".tsv") and data.lstrip()[:1] in b"[{"):
                records = self._json_records(path, data, report)
            else:
                records = self._csv_records(path, data, report, "\t" if suffix == ".tsv" else ",")
            for line, record in records:
                report.rows_read[str(path)] += 1
                entity = self._entity(record, path, line, report)
                if entity is None:
                    continue
                if entity.id in seen:
                    report.skip(path, line, "_id", "duplicate id")
                    continue
                seen.add(entity.id)
                entity.provenance = Provenance(prov_file, sha, line)
                report.entities[entity.list_id] += 1
                yield entity

    def _csv_records(self, path: Path, data: bytes, report: ParseReport,
                     delimiter: str) -> Iterator[tuple[int, CslRecord | None]]:
        decoded = decode(data, "utf-8")
        lines = Lines(io.StringIO(decoded.text, newline=""))
        reader = csv.reader(lines, delimiter=delimiter)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise InputError("empty file: no header row", Location(str(path), 1)) from None
        if opened := lines.end_record(delimiter):
            raise opened.error(str(path), [])  # the header cell is the swallowed text
        for column in self.required:
            if column not in header:
                raise InputError(f"missing column {column!r} (is this a CSL file?)",
                                 Location(str(path), 1, column))
        while True:
            start = lines.count + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                lines.end_record(delimiter)
                report.rows_read[str(path)] += 1
                report.skip(path, start, None, f"malformed CSV: {exc}")
                continue
            if opened := lines.end_record(delimiter):
                # The csv module reads a quote left open as a field running to the end of
                # the file, swallowing every row after it: refuse the file, whatever strict.
                raise opened.error(str(path), header)
            line, end = start, lines.count
            if end > line and (at := swallowed(row, (), delimiter, min_width=8)) is not None:
                # a stray quote further down closed a quote opened here: the rows between
                # sit inside one value; refuse the file rather than lose them
                column = column_name(header, at)
                raise InputError(swallowed_reason(column, line, end),
                                 Location(str(path), line, column))
            if not any(cell.strip() for cell in row):
                continue
            if decoded.bad_lines.intersection(range(line, end + 1)):
                report.rows_read[str(path)] += 1
                report.skip(path, line, None, "invalid UTF-8 byte sequence")
                continue
            if len(row) != len(header):
                report.rows_read[str(path)] += 1
                report.skip(path, line, None,
                            f"row has {len(row)} cells, the header has {len(header)}")
                continue
            yield line, self._record_from_csv(dict(zip(header, row, strict=True)))

    def _json_records(self, path: Path, data: bytes,
                      report: ParseReport) -> Iterator[tuple[int, CslRecord | None]]:
        decoded = decode(data, "utf-8")
        if decoded.bad_lines:
            line = min(decoded.bad_lines)
            raise InputError("invalid UTF-8 byte sequence in JSON", Location(str(path), line))
        try:
            doc = json.loads(decoded.text)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg}", Location(str(path), exc.lineno)) from exc
        results = doc.get("results") if isinstance(doc, dict) else doc
        if not isinstance(results, list):
            raise InputError("expected a JSON array or an object with a 'results' array",
                             Location(str(path), None, "results"))
        for index, item in enumerate(results, start=1):
            if not isinstance(item, dict):
                report.rows_read[str(path)] += 1
                report.skip(path, index, None, "result is not a JSON object")
                continue
            yield index, self._record_from_json(item)

    # -- records -------------------------------------------------------------------
    def _record_from_csv(self, row: dict[str, str]) -> CslRecord:
        sep = self.separator
        ids = [i for part in split_list(row.get("ids"), sep) if (i := id_from_text(part))]
        return CslRecord(
            id=text(row.get("_id")), source=text(row.get("source")), name=text(row.get("name")),
            type=text(row.get("type")), entity_number=text(row.get("entity_number")),
            programs=split_list(row.get("programs"), sep), title=text(row.get("title")),
            addresses=[address_from_text(a) for a in split_list(row.get("addresses"), sep)],
            alt_names=split_list(row.get("alt_names"), sep),
            citizenships=split_list(row.get("citizenships"), sep),
            nationalities=split_list(row.get("nationalities"), sep),
            dates_of_birth=split_list(row.get("dates_of_birth"), sep),
            places_of_birth=split_list(row.get("places_of_birth"), sep),
            ids=ids,
            scalars={k: v for k in SCALAR_FIELDS if (v := text(row.get(k)))},
        )

    def _record_from_json(self, item: dict[str, Any]) -> CslRecord:
        sep = self.separator
        addresses = [a for v in item.get("addresses") or [] if (a := address_from_json(v))]
        ids = [i for v in item.get("ids") or [] if (i := id_from_json(v))]
        return CslRecord(
            id=text(item.get("_id") or item.get("id")), source=text(item.get("source")),
            name=text(item.get("name")), type=text(item.get("type")),
            entity_number=text(item.get("entity_number")),
            programs=split_list(item.get("programs"), sep), title=text(item.get("title")),
            addresses=addresses, alt_names=split_list(item.get("alt_names"), sep),
            citizenships=split_list(item.get("citizenships"), sep),
            nationalities=split_list(item.get("nationalities"), sep),
            dates_of_birth=split_list(item.get("dates_of_birth"), sep),
            places_of_birth=split_list(item.get("places_of_birth"), sep),
            ids=ids,
            scalars={k: v for k in SCALAR_FIELDS if (v := text(item.get(k)))},
        )

    def list_id_for(self, source: str) -> str | None:
        """The stopship list id for a CSL ``source`` value, or None when unknown."""
        key = source.strip().lower()
        if key in self.by_source:
            return self.by_source[key]
        for abbreviation in _ABBREVIATION.findall(key):
            if abbreviation.strip() in self.by_abbreviation:
                return self.by_abbreviation[abbreviation.strip()]
        return None

    # -- entity --------------------------------------------------------------------
    def _entity(self, rec: CslRecord | None, path: Path, line: int,
                report: ParseReport) -> Entity | None:
        if rec is None:
            return None
        list_id = self.list_id_for(rec.source)
        if list_id is None:
            report.skip(path, line, "source", f"unknown CSL source {rec.source!r}")
            return None
        if not rec.id:
            report.skip(path, line, "_id", "empty id")
            return None
        if not rec.name:
            report.skip(path, line, "name", "empty name")
            return None
        schema, inferred = self._schema(rec)
        if schema is None:
            report.skip(path, line, "type", f"unknown CSL type {rec.type!r}")
            return None
        entity = Entity(list_id=list_id, native_id=rec.id, schema=schema)
        entity.add_name(rec.name, "primary")
        for alias in rec.alt_names:
            entity.add_name(clean_alias(alias), "alias")
        entity.programs = list(dict.fromkeys(rec.programs))
        self._flags(entity, rec, inferred)
        for address in rec.addresses:
            if address not in entity.addresses:
                entity.addresses.append(address)
            entity.add_country(address.country, "address")
        for role, values in (("citizenship", rec.citizenships),
                             ("nationality", rec.nationalities)):
            for value in values:
                code = to_code(value)
                if code:
                    entity.add_country(code, role)
                else:
                    entity.add_property(role, value)
        for value in rec.dates_of_birth:
            dates, note = birth_dates(value)
            for date in dates:
                entity.add_date("birth", date)
            entity.add_property("birth_date_text", note)
        for place in rec.places_of_birth:
            entity.add_property("birth_place", place)
            entity.add_country(to_code(place.rsplit(",", 1)[-1]), "birth")
        self._vessel(entity, rec)
        for ident in rec.ids:
            self._identifier(entity, ident)
        entity.add_property("title", rec.title)
        entity.add_property("csl_type", rec.type)
        entity.add_property("source_url", rec.scalars.get("source_information_url"))
        entity.add_property("source_list_url", rec.scalars.get("source_list_url"))
        entity.remarks = rec.scalars.get("remarks")
        entity.listed_on = rec.scalars.get("start_date")
        return entity

    def _schema(self, rec: CslRecord) -> tuple[str | None, bool]:
        if rec.type:
            return self.types.get(rec.type.lower()), False
        evidence = any(getattr(rec, name, None) for name in self.person_evidence)
        return ("person" if evidence else self.untyped_default), True

    def _flags(self, entity: Entity, rec: CslRecord, inferred: bool) -> None:
        flags, scalars = entity.flags, rec.scalars
        if rec.entity_number:
            flags["source_entity_number"] = rec.entity_number
        for key in ("license_requirement", "license_policy", "start_date", "end_date",
                    "standard_order"):
            if scalars.get(key):
                flags[key] = scalars[key]
        if scalars.get("federal_register_notice"):
            flags["federal_register"] = scalars["federal_register_notice"]
        marked = any(self.meu_pattern.search(scalars.get(k, "")) for k in self.meu_fields)
        if entity.list_id in self.meu_lists or marked:
            flags["meu"] = True
        if inferred:
            flags["schema_inferred"] = True

    def _vessel(self, entity: Entity, rec: CslRecord) -> None:
        scalars = rec.scalars
        for key in ("call_sign", "vessel_type", "gross_tonnage", "gross_registered_tonnage",
                    "vessel_owner"):
            entity.add_property(key, scalars.get(key))
        flag = scalars.get("vessel_flag")
        if flag:
            code = to_code(flag)
            if code:
                entity.add_country(code, "flag")
            else:
                entity.add_property("vessel_flag", flag)

    def _identifier(self, entity: Entity, ident: CslId) -> None:
        kind, value = ident.type, ident.number
        if kind in self.property_types:
            entity.add_property(self.property_types[kind], value)
            return
        for prefix, key in self.property_prefixes.items():
            if kind.startswith(prefix):
                entity.add_property(key, value)
                return
        if kind in self.date_types:
            date = iso_date(value)
            if date:
                entity.add_date(self.date_types[kind], date)
            else:
                entity.add_property(f"{self.date_types[kind]}_date_text", value)
            return
        scheme = self.id_types.get(kind, "other")
        if scheme == "imo" and value:
            value = re.sub(r"^IMO\s*", "", value, flags=re.I)
        notes = [kind]
        if ident.issue_date:
            notes.append(f"issued {ident.issue_date}")
        if ident.expiration_date:
            notes.append(f"expires {ident.expiration_date}")
        notes.extend(f"date {d}" for d in ident.dates)
        country = to_code(ident.country) if ident.country else None
        entity.add_identifier(scheme, value, country, "; ".join(notes))
