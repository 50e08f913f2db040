"""The mapping file that tells the tabular source how to read a CSV, XLSX or JSON list.

A mapping is YAML (shipped examples in ``mappings/``)::

    list: {id: us_bis_el, title: Entity List, publisher: BIS, date: 2026-07-09, url: ...}
    format: json            # csv | xlsx | json
    json_path: entities     # dotted path to the array of records (json only)
    encoding: utf-8         # csv only; delimiter: "," ; sheet: Sheet1 (xlsx only)
    schema: organization    # constant schema; or schema_field (+ schema_values)
    id: {field: entity_id}  # or {generate: [name, country]}: stable hash, same file -> same ids
    fields:
      name: name                                   # required
      aliases: {field: aliases, separator: ";"}     # JSON arrays need no separator
      country: country
      address: {field: address, split: '\\s*;\\s*(?:and\\b,?\\s*)?'}
      programs: {field: programs, separator: ";"}
      remarks: notes
      listed_on: effective_date
      federal_register: federal_register           # -> flags.federal_register
    flags_from: {license_requirement: notes}       # column -> flags key
    properties_from: {status: status}              # column -> entity.properties key
    dates_from: {birth: dob}                       # role -> column
    identifiers: [{field: inn, scheme: tax_id, country: RU}]
    flags: {meu: true}                             # constant flags
    flag_rules: [{field: notes, pattern: '734\\.9\\(g\\),?3', flag: meu, value: true}]
    letter: {type: supplier_list, received: 2024-07-15}

Every problem raises ConfigError naming the mapping file and the key.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from stopship.errors import ConfigError, Location
from stopship.model import SCHEMAS, normalise_schema

FORMATS = ("csv", "xlsx", "json")
LETTER_TYPES = ("supplier_list", "project_guardian", "red_flag", "is_informed")
FIELD_KEYS = ("name", "aliases", "country", "address", "programs", "remarks", "listed_on",
              "federal_register", "schema")
TOP_KEYS = {"list", "format", "json_path", "encoding", "delimiter", "sheet", "schema",
            "schema_field", "schema_values", "id", "fields", "flags_from", "properties_from",
            "dates_from", "identifiers", "flags", "flag_rules", "letter", "description"}
_LIST_ID = re.compile(r"^[a-z][a-z0-9_]{1,62}$")


@dataclass(frozen=True)
class FieldSpec:
    """Where one entity field comes from: a column (or JSON key, dotted for nesting),
    split by ``separator`` (literal) or ``split`` (regex); ``strip`` (regex) removes text
    (kept as a note) before splitting."""

    column: str
    separator: str | None = None
    split: re.Pattern[str] | None = None
    strip: re.Pattern[str] | None = None


@dataclass(frozen=True)
class IdentifierSpec:
    column: str
    scheme: str
    country: str | None = None


@dataclass(frozen=True)
class FlagRule:
    column: str
    pattern: re.Pattern[str]
    flag: str
    value: Any = True


@dataclass
class Mapping:
    path: Path
    list_id: str
    title: str
    publisher: str | None
    list_date: str | None
    url: str | None
    format: str
    json_path: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ","
    sheet: str | None = None
    schema: str | None = None
    schema_field: str | None = None
    schema_values: dict[str, str] = field(default_factory=dict)
    id_field: str | None = None
    id_generate: list[str] = field(default_factory=lambda: ["name", "country"])
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    flags_from: dict[str, str] = field(default_factory=dict)
    properties_from: dict[str, str] = field(default_factory=dict)
    dates_from: dict[str, str] = field(default_factory=dict)
    identifiers: list[IdentifierSpec] = field(default_factory=list)
    flags: dict[str, Any] = field(default_factory=dict)
    flag_rules: list[FlagRule] = field(default_factory=list)
    letter_type: str | None = None
    letter_received: str | None = None

    def columns(self) -> set[str]:
        """Every column the mapping reads (top-level part of dotted JSON keys)."""
        cols = {spec.column for spec in self.fields.values()}
        cols.update(self.flags_from.values(), self.properties_from.values(),
                    self.dates_from.values(), (i.column for i in self.identifiers),
                    (r.column for r in self.flag_rules))
        if self.id_field:
            cols.add(self.id_field)
        if self.schema_field:
            cols.add(self.schema_field)
        return cols


class _Reader:
    """Validating accessors that name the mapping file and the key on every error."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, message: str) -> ConfigError:
        return ConfigError(message, Location(str(self.path), None, key))

    def mapping(self, value: Any, key: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(key, f"{key} must be a mapping")
        return value

    def string(self, value: Any, key: str, required: bool = False) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.fail(key, f"{key} is required")
            return None
        if isinstance(value, dt.date):
            return value.isoformat()
        if not isinstance(value, str | int | float):
            raise self.fail(key, f"{key} must be text")
        return str(value).strip()

    def regex(self, value: Any, key: str) -> re.Pattern[str] | None:
        text = self.string(value, key)
        if text is None:
            return None
        try:
            return re.compile(text)
        except re.error as exc:
            raise self.fail(key, f"{key} is not a valid regular expression: {exc}") from exc

    def date(self, value: Any, key: str) -> str | None:
        text = self.string(value, key)
        if text is None:
            return None
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            raise self.fail(key, f"{key} must be a date YYYY-MM-DD, not {text!r}") from None

    def field_spec(self, value: Any, key: str) -> FieldSpec:
        if isinstance(value, str):
            return FieldSpec(column=value)
        spec = self.mapping(value, key)
        unknown = set(spec) - {"field", "separator", "split", "strip"}
        if unknown:
            raise self.fail(f"{key}.{sorted(unknown)[0]}", f"unknown key {sorted(unknown)[0]!r}")
        column = self.string(spec.get("field"), f"{key}.field", required=True)
        assert column is not None
        return FieldSpec(column, self.string(spec.get("separator"), f"{key}.separator"),
                         self.regex(spec.get("split"), f"{key}.split"),
                         self.regex(spec.get("strip"), f"{key}.strip"))

    def columns(self, value: Any, key: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, column in self.mapping(value, key).items():
            text = self.string(column, f"{key}.{name}", required=True)
            assert text is not None
            out[str(name)] = text
        return out


def load_mapping(path: str | Path) -> Mapping:
    """Read and validate a mapping file; ConfigError names the file and the bad key."""
    path = Path(path)
    r = _Reader(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read mapping file: {exc.strerror or exc}",
                          Location(str(path))) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(f"mapping file is not valid YAML: {exc}", Location(str(path), line)) \
            from exc
    data = r.mapping(data, "(top level)")
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise r.fail(unknown[0], f"unknown key {unknown[0]!r}; known keys: {sorted(TOP_KEYS)}")

    info = r.mapping(data.get("list"), "list")
    list_id = r.string(info.get("id"), "list.id", required=True)
    assert list_id is not None
    if not _LIST_ID.match(list_id):
        raise r.fail("list.id", f"list.id {list_id!r} must be lower-case letters, digits, '_'")
    fmt = (r.string(data.get("format"), "format", required=True) or "").lower()
    if fmt not in FORMATS:
        raise r.fail("format", f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    mapping = Mapping(
        path=path, list_id=list_id,
        title=r.string(info.get("title"), "list.title") or list_id,
        publisher=r.string(info.get("publisher"), "list.publisher"),
        list_date=r.date(info.get("date"), "list.date"),
        url=r.string(info.get("url"), "list.url"), format=fmt,
        encoding=r.string(data.get("encoding"), "encoding") or "utf-8",
        delimiter=r.string(data.get("delimiter"), "delimiter") or ",",
        sheet=r.string(data.get("sheet"), "sheet"),
    )
    json_path = r.string(data.get("json_path"), "json_path")
    mapping.json_path = json_path.split(".") if json_path else []

    schema = r.string(data.get("schema"), "schema")
    if schema is not None:
        mapping.schema = normalise_schema(schema)
        if mapping.schema is None:
            raise r.fail("schema", f"schema must be one of {', '.join(SCHEMAS)}, not {schema!r}")
    mapping.schema_field = r.string(data.get("schema_field"), "schema_field")
    for raw, target in r.columns(data.get("schema_values"), "schema_values").items():
        norm = normalise_schema(target)
        if norm is None:
            raise r.fail(f"schema_values.{raw}", f"{target!r} is not a schema")
        mapping.schema_values[raw.strip().lower()] = norm
    if mapping.schema is None and mapping.schema_field is None:
        raise r.fail("schema", "give a constant schema or a schema_field")

    ident = data.get("id")
    explicit_generate = False
    if isinstance(ident, str):
        mapping.id_field = ident
    else:
        spec = r.mapping(ident, "id")
        mapping.id_field = r.string(spec.get("field"), "id.field")
        if "generate" in spec:
            gen = spec["generate"]
            if not isinstance(gen, list) or not gen or not all(isinstance(g, str) for g in gen):
                raise r.fail("id.generate", "id.generate must be a list of field names")
            mapping.id_generate = gen
            explicit_generate = True

    fields = r.mapping(data.get("fields"), "fields")
    for key, value in fields.items():
        if key not in FIELD_KEYS:
            raise r.fail(f"fields.{key}", f"unknown entity field {key!r}; known: {FIELD_KEYS}")
        mapping.fields[key] = r.field_spec(value, f"fields.{key}")
    if "name" not in mapping.fields:
        raise r.fail("fields.name", "fields.name is required")
    if not explicit_generate:
        mapping.id_generate = [k for k in ("name", "country") if k in mapping.fields]
    for gen in mapping.id_generate:
        if gen not in mapping.fields:
            raise r.fail("id.generate", f"id.generate names {gen!r}, which is not in fields")

    mapping.flags_from = r.columns(data.get("flags_from"), "flags_from")
    mapping.properties_from = r.columns(data.get("properties_from"), "properties_from")
    mapping.dates_from = r.columns(data.get("dates_from"), "dates_from")
    mapping.flags = dict(r.mapping(data.get("flags"), "flags"))
    idents = data.get("identifiers") or []
    if not isinstance(idents, list):
        raise r.fail("identifiers", "identifiers must be a list")
    for n, item in enumerate(idents):
        key = f"identifiers[{n}]"
        spec = r.mapping(item, key)
        column = r.string(spec.get("field"), f"{key}.field", required=True)
        scheme = r.string(spec.get("scheme"), f"{key}.scheme", required=True)
        assert column is not None and scheme is not None
        mapping.identifiers.append(
            IdentifierSpec(column, scheme, r.string(spec.get("country"), f"{key}.country")))
    rules = data.get("flag_rules") or []
    if not isinstance(rules, list):
        raise r.fail("flag_rules", "flag_rules must be a list")
    for n, item in enumerate(rules):
        key = f"flag_rules[{n}]"
        spec = r.mapping(item, key)
        column = r.string(spec.get("field"), f"{key}.field", required=True)
        flag = r.string(spec.get("flag"), f"{key}.flag", required=True)
        pattern = r.regex(spec.get("pattern"), f"{key}.pattern")
        if pattern is None:
            raise r.fail(f"{key}.pattern", f"{key}.pattern is required")
        assert column is not None and flag is not None
        mapping.flag_rules.append(FlagRule(column, pattern, flag, spec.get("value", True)))

    if data.get("letter") is not None:
        letter = r.mapping(data.get("letter"), "letter")
        kind = r.string(letter.get("type"), "letter.type", required=True)
        if kind not in LETTER_TYPES:
            raise r.fail("letter.type", f"letter.type must be one of {', '.join(LETTER_TYPES)}, "
                                        f"not {kind!r}")
        mapping.letter_type = kind
        mapping.letter_received = r.date(letter.get("received"), "letter.received")
        if mapping.letter_received is None:
            raise r.fail("letter.received", "letter.received (YYYY-MM-DD) is required")
    if fmt == "json" and not mapping.json_path and data.get("json_path") is not None:
        raise r.fail("json_path", "json_path is empty")
    return mapping
