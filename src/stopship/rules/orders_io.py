"""Read orders from JSON (one order, an array, or ``{"orders": [...]}``), JSON lines, or the
flat CSV/XLSX layout (one row per order line, order and party columns repeated), validating
against ``rules.schema.SPECS``. Every problem of a file is collected, with its line and field
path (``parties[1].country``), and reported at once."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from stopship.csvquote import Lines, column_name, swallowed, swallowed_reason
from stopship.errors import Location, Problem, ValidationError
from stopship.model.countries import to_code
from stopship.model.entity import normalise_schema
from stopship.model.order import (
    Change,
    Line,
    Order,
    Owner,
    Party,
    Payment,
    PriorOrder,
    Route,
    normalise_hs,
    normalise_role,
)
from stopship.rules.schema import SPECS, F

FORMATS = ("json", "jsonl", "csv", "xlsx")
REQUIRED = {name: tuple(k for k, f in fields.items() if f.required) for name, fields in SPECS.items()}
FLAT_ORDER = ("order_id", "order_date", "currency", "end_user_statement", "placed_in",
              "ship_date", "end_use", "end_use_refused", "declined_services", "shipments")
FLAT_ROUTE = ("ship_from", "ship_to", "final_destination", "transit")
FLAT_PAYMENT = ("payer_country", "method", "terms")
FLAT_PARTY = ("name", "country", "address", "schema", "email", "phone", "website",
              "identifiers", "incorporated_on", "customer_since", "line_of_business",
              "address_type", "owners")
FLAT_LINE = ("hs_code", "quantity", "unit_price", "eccn", "part_number", "manufacturer",
             "description")
FLAT_ROLES = ("buyer", "ship_to", "intermediate_consignee", "end_user", "freight_forwarder",
              "payer", "notify_party")


@dataclass(slots=True)
class OrdersRead:
    orders: list[Order] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _Checker:
    """Converts one raw order mapping, collecting problems instead of stopping."""

    def __init__(self, file: str | None, line: int | None) -> None:
        self.file, self.line = file, line
        self.problems: list[Problem] = []

    def bad(self, path: str, message: str) -> None:
        self.problems.append(Problem(message, Location(self.file, self.line, path)))

    def obj(self, spec_name: str, raw: Any, path: str) -> dict[str, Any] | None:
        if not isinstance(raw, dict):
            self.bad(path or spec_name, f"expected an object, got {type(raw).__name__}")
            return None
        specs = SPECS[spec_name]
        out: dict[str, Any] = {}
        for key, value in raw.items():
            spec = specs.get(key)
            if spec is None:
                self.bad(_join(path, key), f"unknown field {key!r}")
                continue
            if value is None or value == "" or value == []:
                continue
            converted = self.value(spec, value, _join(path, key))
            if converted is not None:
                out[key] = converted
        for key in REQUIRED[spec_name]:
            if raw.get(key) in (None, "", []):
                self.bad(_join(path, key), "required")
        return out

    def value(self, spec: F, value: Any, path: str) -> Any:
        kind = spec.kind
        if kind == "string" and type(value) is str:
            return value.strip()
        if kind == "number" and type(value) is float and spec.maximum is None \
                and (spec.minimum is None or value >= spec.minimum):
            return value
        if kind == "string":
            return str(value).strip() if not isinstance(value, dict | list) else self._type(path, value, "text")
        if kind == "country":
            code = to_code(str(value))
            if code is None:
                self.bad(path, f"unknown country {value!r}")
            return code
        if kind == "countries":
            items = _as_list(value)
            codes = [self.value(F("country", ""), v, f"{path}[{k}]") for k, v in enumerate(items)]
            return [c for c in codes if c]
        if kind == "date":
            return self._date(value, path)
        if kind in ("number", "integer"):
            return self._number(spec, value, path)
        if kind == "boolean":
            return self._bool(value, path)
        if kind == "hs":
            hs = normalise_hs(value)
            if hs is None:
                self.bad(path, f"HS code {value!r} does not have 6 to 10 digits")
            return hs
        if kind == "enum":
            text = str(value).strip().lower().replace(" ", "_").replace("-", "_")
            if path.endswith(".role"):
                role = normalise_role(str(value))
                if role is None:
                    self.bad(path, f"unknown role {value!r}; use one of {', '.join(spec.enum[:7])}")
                return role
            if path.endswith(".schema"):
                schema = normalise_schema(text)
                if schema is None:
                    self.bad(path, f"unknown schema {value!r}")
                return schema
            if text not in spec.enum:
                self.bad(path, f"{value!r} is not one of {', '.join(spec.enum)}")
                return None
            return text
        if kind == "strings":
            items = [str(v).strip() for v in _as_list(value) if str(v).strip()]
            if spec.enum:
                for k, item in enumerate(items):
                    if item.lower() not in spec.enum:
                        self.bad(f"{path}[{k}]", f"{item!r} is not one of {', '.join(spec.enum)}")
                items = [i.lower() for i in items if i.lower() in spec.enum]
            return items
        if kind == "object":
            if spec.of is None:
                return value if isinstance(value, dict) else self._type(path, value, "an object")
            return self.obj(spec.of, value, path)
        if kind == "objects":
            if not isinstance(value, list):
                return self._type(path, value, "a list")
            assert spec.of is not None
            objs = [self.obj(spec.of, v, f"{path}[{k}]") for k, v in enumerate(value)]
            return [o for o in objs if o is not None]
        raise AssertionError(kind)  # pragma: no cover

    def _type(self, path: str, value: Any, wanted: str) -> None:
        self.bad(path, f"expected {wanted}, got {type(value).__name__}")

    def _date(self, value: Any, path: str) -> date | None:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            self.bad(path, f"date {value!r} is not YYYY-MM-DD")
            return None

    def _number(self, spec: F, value: Any, path: str) -> float | int | None:
        try:
            number = float(str(value).replace(",", "")) if not isinstance(value, int | float) else value
        except ValueError:
            self.bad(path, f"{value!r} is not a number")
            return None
        if isinstance(number, bool):
            self.bad(path, f"{value!r} is not a number")
            return None
        if spec.minimum is not None and number < spec.minimum:
            self.bad(path, f"{value!r} is below {spec.minimum:g}")
        if spec.maximum is not None and number > spec.maximum:
            self.bad(path, f"{value!r} is above {spec.maximum:g}")
        if spec.kind == "integer":
            if float(number) != int(number):
                self.bad(path, f"{value!r} is not a whole number")
            return int(number)
        return float(number)

    def _bool(self, value: Any, path: str) -> bool | None:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "yes", "y", "1"):
            return True
        if text in ("false", "no", "n", "0"):
            return False
        self.bad(path, f"{value!r} is not true or false")
        return None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return [v for v in str(value).split(";") if v.strip()]


def parse_order(raw: Any, file: str | None = None, line: int | None = None) -> tuple[Order | None, list[Problem]]:
    """One raw mapping to an Order, or None with every problem found."""
    checker = _Checker(file, line)
    data = checker.obj("order", raw, "")
    if data is not None:
        for key in ("parties", "lines"):
            if key in data and not data[key]:
                checker.bad(key, "at least one is required")
    if checker.problems or data is None:
        return None, checker.problems
    return _build(data), []


def _build(d: dict[str, Any]) -> Order:
    parties = [Party(owners=[Owner(**o) for o in p.pop("owners", [])], **p) for p in d.pop("parties")]
    lines = [Line(**ln) for ln in d.pop("lines")]
    route = Route(**d.pop("route", {}))
    payment = Payment(**d.pop("payment", {}))
    changes = [Change(**c) for c in d.pop("changes", [])]
    history = [PriorOrder(**h) for h in d.pop("history", [])]
    return Order(parties=parties, lines=lines, route=route, payment=payment, changes=changes,
                 history=history, **d)


# -- files -------------------------------------------------------------------------
def detect_format(path: str | Path) -> str:
    name = str(path).lower()
    for ext, fmt in ((".jsonl", "jsonl"), (".ndjson", "jsonl"), (".json", "json"),
                     (".csv", "csv"), (".xlsx", "xlsx")):
        if name.endswith(ext):
            return fmt
    return "jsonl"


def read_orders(source: str | Path, fmt: str | None = None, strict: bool = True) -> OrdersRead:
    """Read every order of a file (``-`` is stdin). ``strict``: raise ValidationError with
    every problem if any order is invalid; otherwise return the valid orders and the problems."""
    name = str(source)
    fmt = fmt or detect_format(name)
    result = OrdersRead()
    seen: dict[str, int | None] = {}
    for raw, line, problems in _raw_records(source, fmt):
        result.problems.extend(problems)
        if raw is None:
            continue
        order, problems = parse_order(raw, name, line)
        result.problems.extend(problems)
        if order is None:
            continue
        if order.id in seen:
            result.problems.append(Problem(f"duplicate order id {order.id!r}",
                                           Location(name, line, "id")))
            continue
        seen[order.id] = line
        result.orders.append(order)
    if strict and result.problems:
        raise ValidationError(result.problems, subject=name)
    return result


def _text(source: str | Path) -> str:
    if str(source) == "-":
        return sys.stdin.read()
    return Path(source).read_text("utf-8-sig")


RawRecord = tuple[dict[str, Any] | None, int | None, list[Problem]]


def _raw_records(source: str | Path, fmt: str) -> Iterator[RawRecord]:
    name = str(source)
    if fmt not in FORMATS:
        yield None, None, [Problem(f"unknown format {fmt!r}; use {', '.join(FORMATS)}", Location(name))]
        return
    if fmt == "jsonl":
        for n, text in enumerate(_text(source).splitlines(), 1):
            if not text.strip():
                continue
            try:
                yield json.loads(text), n, []
            except json.JSONDecodeError as exc:
                yield None, n, [Problem(f"invalid JSON: {exc.msg}", Location(name, n))]
        return
    if fmt == "json":
        try:
            data = json.loads(_text(source))
        except json.JSONDecodeError as exc:
            yield None, exc.lineno, [Problem(f"invalid JSON: {exc.msg}", Location(name, exc.lineno))]
            return
        if isinstance(data, dict) and isinstance(data.get("orders"), list):
            data = data["orders"]
        for raw in data if isinstance(data, list) else [data]:
            yield raw, None, []
        return
    rows = _csv_rows(source, name) if fmt == "csv" else _xlsx_rows(source)
    yield from _from_flat(rows, name)


# columns that hold one line (addresses, descriptions and end uses may hold several)
_ONE_LINE_ENDS = ("_id", "_name", "_country", "_schema", "_email", "_phone", "_date",
                  "currency", "_code", "_eccn", "_number")
# a flat row: (line where it starts, its cells by header name, the problem it has if any)
FlatRow = tuple[int, dict[str, Any], "Problem | None"]


def _csv_rows(source: str | Path, name: str) -> Iterator[FlatRow]:
    """The CSV's rows by header name. A record whose quote is never closed (the csv module
    would read the rest of the file into it) comes back as a problem, not as a row."""
    lines = Lines(io.StringIO(_text(source)))
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        return
    if opened := lines.end_record():
        raise ValidationError([Problem(opened.reason([]), Location(name, opened.line))])
    one_line = [i for i, h in enumerate(header) if h.strip().endswith(_ONE_LINE_ENDS)]
    for values in reader:
        start, last = lines.record_start, lines.count
        if opened := lines.end_record():
            yield start, {}, Problem(opened.reason(header) + "; no order was read from them",
                                     Location(name, opened.line, opened.column(header)))
            continue
        if last > start and (at := swallowed(values, one_line)) is not None:
            column = column_name(header, at)
            yield start, {}, Problem(swallowed_reason(column, start, last)
                                     + "; no order was read from them",
                                     Location(name, start, column))
            continue
        if any(v.strip() for v in values):
            yield start, dict(zip(header, values, strict=False)), None


def _xlsx_rows(source: str | Path) -> Iterator[FlatRow]:
    from openpyxl import load_workbook

    book = load_workbook(source, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    for n, values in enumerate(rows, 2):
        if values and any(v not in (None, "") for v in values):
            yield n, dict(zip(header, values, strict=False)), None
    book.close()


def _from_flat(rows: Iterator[FlatRow], name: str) -> Iterator[RawRecord]:
    """Group flat rows by ``order_id`` (rows of one order must be adjacent) into raw orders."""
    current: dict[str, Any] | None = None
    first_line: int | None = None
    for n, row, problem in rows:
        if problem is not None:
            yield None, n, [problem]
            continue
        row = {str(k).strip().lower(): v for k, v in row.items() if k}
        oid = str(row.get("order_id") or "").strip()
        if not oid:
            yield None, n, [Problem("order_id is empty", Location(name, n, "order_id"))]
            continue
        if current is None or current["id"] != oid:
            if current is not None:
                yield current, first_line, []
            current, first_line = _flat_order(row, oid), n
        line = {k: row.get(f"line_{k}") for k in FLAT_LINE if row.get(f"line_{k}") not in (None, "")}
        if line:
            current["lines"].append(line)
    if current is not None:
        yield current, first_line, []


def _flat_order(row: dict[str, Any], oid: str) -> dict[str, Any]:
    def pick(keys: tuple[str, ...], prefix: str) -> dict[str, Any]:
        return {k: row[f"{prefix}{k}"] for k in keys if row.get(f"{prefix}{k}") not in (None, "")}

    raw: dict[str, Any] = {"id": oid, **pick(FLAT_ORDER[1:], "")}
    raw["route"] = pick(FLAT_ROUTE, "route_")
    raw["payment"] = pick(FLAT_PAYMENT, "payment_")
    raw["parties"] = []
    for role in FLAT_ROLES:
        party = pick(FLAT_PARTY, f"{role}_")
        if party:
            party["role"] = role
            if "owners" in party:
                party["owners"] = _flat_owners(str(party["owners"]))
            raw["parties"].append(party)
    raw["lines"] = []
    return raw


def _flat_owners(text: str) -> list[dict[str, Any]]:
    """``"Name A: 30; Name B: 25"`` -> owners with shares."""
    owners = []
    for part in text.split(";"):
        if not part.strip():
            continue
        name, _, share = part.rpartition(":")
        owners.append({"name": name.strip() or share.strip(), "share": share.strip() if name else ""})
    return owners


def flat_columns() -> list[str]:
    """The columns of the flat CSV/XLSX layout, in order."""
    cols = list(FLAT_ORDER)
    cols += [f"route_{k}" for k in FLAT_ROUTE] + [f"payment_{k}" for k in FLAT_PAYMENT]
    cols += [f"{r}_{k}" for r in FLAT_ROLES for k in FLAT_PARTY]
    cols += [f"line_{k}" for k in FLAT_LINE]
    return cols


def write_jsonl(orders: list[Order], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for order in orders:
            fh.write(json.dumps(order.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
