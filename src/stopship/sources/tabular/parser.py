"""Generic tabular lists (CSV, XLSX, JSON) read through a mapping file.

This is how a user loads a BIS letter list, an internal deny list, or any list without
its own parser; stopship's shipped mappings in ``mappings/`` load the 2026 eCFR extract of
the Entity List, the MEU list and the Denied Persons List. Pass the mapping with
``TabularSource(mapping=path)`` (``get_source("tabular", mapping=path)``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from stopship.csvquote import Lines
from stopship.errors import ConfigError, InputError, Location
from stopship.model import Address, Entity, Provenance, normalise_schema
from stopship.model.countries import to_code
from stopship.sources.base import ParseReport, Source, file_sha256
from stopship.sources.tabular.mapping import FieldSpec, Mapping, load_mapping
from stopship.sources.textio import decode, logical_name, read_bytes

MAPPINGS = Path(__file__).parent / "mappings"
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

Row = dict[str, Any]


class TabularSource(Source):
    """A list in a CSV, XLSX or JSON file, described by a mapping YAML file."""

    meta_file = Path(__file__).parent / "source.yaml"

    def __init__(self, mapping: str | Path | Mapping | None = None) -> None:
        super().__init__()
        if mapping is None:
            raise ConfigError("the tabular source needs a mapping file: "
                              "TabularSource(mapping=Path('my_list.yaml'))")
        self.mapping = mapping if isinstance(mapping, Mapping) else load_mapping(mapping)

    def parse(self, files: Sequence[Path], report: ParseReport) -> Iterator[Entity]:
        m = self.mapping
        for path in files:
            path = Path(path)
            prov_file, sha = logical_name(path), file_sha256(path)
            seen: set[str] = set()
            for line, row in self._rows(path, report):
                report.rows_read[str(path)] += 1
                if row is None:
                    continue
                entity = self._entity(row, path, line, report)
                if entity is None:
                    continue
                if entity.native_id in seen:
                    report.skip(path, line, m.id_field or "id", "duplicate id")
                    continue
                seen.add(entity.native_id)
                entity.provenance = Provenance(prov_file, sha, line)
                report.entities[entity.list_id] += 1
                yield entity

    # -- reading rows ----------------------------------------------------------------
    def _rows(self, path: Path, report: ParseReport) -> Iterator[tuple[int, Row | None]]:
        fmt = self.mapping.format
        if fmt == "csv":
            return self._csv_rows(path, report)
        if fmt == "xlsx":
            return self._xlsx_rows(path)
        return self._json_rows(path, report)

    def _check_columns(self, path: Path, header: list[str]) -> None:
        for column in sorted(self.mapping.columns()):
            if column.split(".")[0] not in header:
                raise InputError(f"missing column {column!r} named in mapping "
                                 f"{self.mapping.path.name}", Location(str(path), 1, column))

    def _csv_rows(self, path: Path, report: ParseReport) -> Iterator[tuple[int, Row | None]]:
        decoded = decode(read_bytes(path), self.mapping.encoding)
        delimiter = self.mapping.delimiter
        lines = Lines(io.StringIO(decoded.text, newline=""))
        reader = csv.reader(lines, delimiter=delimiter)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise InputError("empty file: no header row", Location(str(path), 1)) from None
        except csv.Error as exc:
            raise InputError(f"malformed CSV header: {exc}", Location(str(path), 1)) from exc
        if opened := lines.end_record(delimiter):
            raise opened.error(str(path), [])  # the header cell is the swallowed text
        self._check_columns(path, header)
        while True:
            start = lines.count + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                lines.end_record(delimiter)
                report.skip(path, start, None, f"malformed CSV: {exc}")
                yield start, None
                continue
            if opened := lines.end_record(delimiter):
                # The csv module reads a quote left open as a field running to the end of
                # the file, swallowing every row after it: refuse the file, whatever strict.
                raise opened.error(str(path), header)
            line, end = start, lines.count
            if not any(c.strip() for c in cells):
                continue
            if decoded.bad_lines.intersection(range(line, end + 1)):
                report.skip(path, line, None, f"invalid {self.mapping.encoding} byte sequence")
                yield line, None
            elif len(cells) > len(header):
                report.skip(path, line, None,
                            f"row has {len(cells)} cells, the header has {len(header)}")
                yield line, None
            else:
                yield line, dict(zip(header, cells + [""] * (len(header) - len(cells)),
                                     strict=True))

    def _xlsx_rows(self, path: Path) -> Iterator[tuple[int, Row | None]]:
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(read_bytes(path)), read_only=True,
                                          data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on a broken file
            raise InputError(f"cannot open XLSX workbook: {exc}", Location(str(path))) from exc
        try:
            name = self.mapping.sheet
            if name is not None and name not in book.sheetnames:
                raise InputError(f"no sheet {name!r} (sheets: {book.sheetnames})",
                                 Location(str(path), None, "sheet"))
            sheet = book[name] if name else book.worksheets[0]
            rows = sheet.iter_rows(values_only=True)
            first = next(rows, None)
            if first is None:
                raise InputError("empty sheet: no header row", Location(str(path), 1))
            header = ["" if h is None else str(h).strip() for h in first]
            self._check_columns(path, header)
            for line, values in enumerate(rows, start=2):
                if all(v is None or str(v).strip() == "" for v in values):
                    continue
                yield line, {h: v for h, v in zip(header, values, strict=False) if h}
        finally:
            book.close()

    def _json_rows(self, path: Path, report: ParseReport) -> Iterator[tuple[int, Row | None]]:
        decoded = decode(read_bytes(path), "utf-8")
        if decoded.bad_lines:
            raise InputError("invalid UTF-8 byte sequence in JSON",
                             Location(str(path), min(decoded.bad_lines)))
        try:
            doc: Any = json.loads(decoded.text)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg}", Location(str(path), exc.lineno)) from exc
        walked: list[str] = []
        for key in self.mapping.json_path:
            walked.append(key)
            if not isinstance(doc, dict) or key not in doc:
                raise InputError(f"no {'.'.join(walked)!r} in the JSON document",
                                 Location(str(path), None, ".".join(walked)))
            doc = doc[key]
        if not isinstance(doc, list):
            raise InputError("the JSON path does not lead to an array of records",
                             Location(str(path), None, ".".join(walked) or None))
        for index, item in enumerate(doc, start=1):
            if not isinstance(item, dict):
                report.skip(path, index, None, "record is not a JSON object")
                yield index, None
            else:
                yield index, item

    # -- building entities -------------------------------------------------------------
    def _entity(self, row: Row, path: Path, line: int, report: ParseReport) -> Entity | None:
        m = self.mapping
        name_spec = m.fields["name"]
        name = _text(_get(row, name_spec.column))
        if not name:
            report.skip(path, line, name_spec.column, "empty name")
            return None
        schema = m.schema
        if m.schema_field:
            raw = _text(_get(row, m.schema_field))
            schema = m.schema_values.get(raw.lower()) or normalise_schema(raw, m.schema)
            if schema is None:
                report.skip(path, line, m.schema_field, f"unknown schema {raw!r}")
                return None
        assert schema is not None
        country_text = _text(_get(row, m.fields["country"].column)) if "country" in m.fields \
            else ""
        country = to_code(country_text)
        native_id = self._native_id(row, name, country or country_text)
        if not native_id:
            report.skip(path, line, m.id_field, "empty id")
            return None
        entity = Entity(list_id=m.list_id, native_id=native_id, schema=schema)
        entity.add_name(name, "primary")
        for alias in self._values(row, "aliases", entity):
            entity.add_name(alias, "alias")
        if country:
            entity.add_country(country, "country")
        elif country_text:
            entity.add_property("country_text", country_text)
        for text in self._values(row, "address", entity):
            address = _address(text, country)
            if address is not None and address not in entity.addresses:
                entity.addresses.append(address)
        entity.programs = list(dict.fromkeys(self._values(row, "programs", entity)))
        if "remarks" in m.fields:
            entity.remarks = _text(_get(row, m.fields["remarks"].column)) or None
        if "listed_on" in m.fields:
            listed = _text(_get(row, m.fields["listed_on"].column))
            entity.listed_on = listed if _ISO_DATE.match(listed) else None
            if listed and entity.listed_on is None:
                entity.add_property("listed_on_text", listed)
        self._flags(row, entity)
        for key, column in m.properties_from.items():
            for value in _as_list(_get(row, column)):
                entity.add_property(key, value)
        for role, column in m.dates_from.items():
            for value in _as_list(_get(row, column)):
                if _ISO_DATE.match(value):
                    entity.add_date(role, value)
                else:
                    entity.add_property(f"{role}_date_text", value)
        for ident in m.identifiers:
            for value in _as_list(_get(row, ident.column)):
                entity.add_identifier(ident.scheme, value, ident.country)
        return entity

    def _flags(self, row: Row, entity: Entity) -> None:
        m = self.mapping
        entity.flags.update(m.flags)
        if "federal_register" in m.fields:
            fr = _text(_get(row, m.fields["federal_register"].column))
            if fr:
                entity.flags["federal_register"] = fr
        for key, column in m.flags_from.items():
            value = _text(_get(row, column))
            if value:
                entity.flags[key] = value
        for rule in m.flag_rules:
            if rule.pattern.search(_text(_get(row, rule.column))):
                entity.flags[rule.flag] = rule.value
        if m.letter_type:
            entity.flags["letter_type"] = m.letter_type
            entity.flags["letter_received"] = m.letter_received

    def _values(self, row: Row, key: str, entity: Entity) -> list[str]:
        spec = self.mapping.fields.get(key)
        if spec is None:
            return []
        return _split(_get(row, spec.column), spec, entity, key)

    def _native_id(self, row: Row, name: str, country: str) -> str:
        m = self.mapping
        if m.id_field:
            return _text(_get(row, m.id_field))
        parts = []
        for key in m.id_generate:
            if key == "name":
                parts.append(name)
            elif key == "country":
                parts.append(country)
            else:
                parts.append(" ".join(_as_list(_get(row, m.fields[key].column))))
        return stable_id(*parts)


def stable_id(*parts: str) -> str:
    """A 16-hex-digit id from normalised text (NFKC, case-folded, spaces collapsed):
    the same list file always gives the same ids."""
    norm = "|".join(" ".join(unicodedata.normalize("NFKC", p).casefold().split()) for p in parts)
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


def _address(text: str, country: str | None) -> Address | None:
    """One address of a joined address cell: drop a leading "and", a trailing full stop
    after a word (not after an abbreviation like "St."); the country is the last comma
    part when it names one ("..., Hong Kong."), else the entry's country."""
    text = re.sub(r"^(?:and|or)\b,?\s*", "", text).strip(" ,;")
    text = re.sub(r"(\w{4,})\.$", r"\1", text)
    if not text:
        return None
    last = to_code(text.rsplit(",", 1)[-1].strip(" ."))
    return Address(full=text, country=last or country)


def _get(row: Row, column: str) -> Any:
    value: Any = row
    for part in column.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())[:10]
    return " ".join(str(value).split())


def _as_list(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [t for t in (_text(v) for v in items) if t]


def _split(value: Any, spec: FieldSpec, entity: Entity, key: str) -> list[str]:
    out: list[str] = []
    for text in _as_list(value):
        if spec.strip is not None:
            for note in spec.strip.findall(text):
                entity.add_property(f"{key}_note", note if isinstance(note, str) else note[0])
            text = spec.strip.sub(" ", text)
        if spec.split is not None:
            pieces = spec.split.split(text)
        elif spec.separator:
            pieces = text.split(spec.separator)
        else:
            pieces = [text]
        out.extend(p for p in (_text(x).strip(" ;") for x in pieces) if p)
    return out
