"""The customer master: records read from CSV/XLSX or the API, stored with their name as
the screening engine prepares it (``stopship.cases.prepared``) and with short blocking
keys (so re-screening can find the customers a changed list entry could match)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from anyascii import anyascii
from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection

from stopship.cases.bulk import insert_rows, next_ids, one_of, update_rows
from stopship.cases.prepared import PREPARED_VERSION, Encoder
from stopship.cases.tables import customer_keys, customers
from stopship.cases.util import dumps, loads, now
from stopship.csvquote import Lines, column_name, swallowed, swallowed_reason
from stopship.errors import InputError, Location, Problem, ValidationError
from stopship.screening.types import QueryRecord

COLUMN_ALIASES = {
    "external_id": ("external_id", "id", "customer_id", "customer id", "number", "ref"),
    "name": ("name", "customer", "customer_name", "customer name", "company", "full_name"),
    "schema": ("schema", "type", "kind", "entity_type"),
    "country": ("country", "country_code", "iso2"),
    "dob": ("dob", "birth_date", "date_of_birth", "birthdate"),
    "address": ("address", "addr"),
    "identifiers": ("identifiers", "ids", "identifier", "tax_id", "registration"),
}
_TOKEN = re.compile(r"[a-z0-9]+")
# headers of fields that hold one line (an address may hold several)
_ONE_LINE = frozenset(a for f in ("external_id", "name", "schema", "country", "dob")
                      for a in COLUMN_ALIASES[f])


@dataclass(slots=True)
class CustomerRecord:
    external_id: str
    name: str
    schema: str | None = None
    country: str | None = None
    dob: str | None = None
    address: str | None = None
    identifiers: list[str] = field(default_factory=list)

    def query(self, customer_id: int | None = None) -> QueryRecord:
        return QueryRecord(id=str(customer_id if customer_id is not None else self.external_id),
                           name=self.name, schema=self.schema, country=self.country,
                           dob=self.dob, address=self.address,
                           identifiers=list(self.identifiers))


def name_keys(name: str) -> set[str]:
    """Blocking keys of a name: the first four letters of each token of three or more
    characters, after transliteration (``Kiriyenko`` and ``Kirienko`` share ``kiri``).
    The same function runs on customer names and on changed list entries."""
    tokens = _TOKEN.findall(anyascii(name or "").lower())
    return {t[:4] for t in tokens if len(t) >= 3}


def record_from_row(row: dict[str, Any], location: Location) -> CustomerRecord:
    lowered = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    values: dict[str, Any] = {}
    for target, aliases in COLUMN_ALIASES.items():
        for alias in aliases:
            if alias in lowered and lowered[alias] not in (None, ""):
                values[target] = str(lowered[alias]).strip()
                break
    if not values.get("name"):
        raise InputError("customer has no name", Location(location.file, location.line, "name"))
    if not values.get("external_id"):
        raise InputError("customer has no id", Location(location.file, location.line, "id"))
    if len(values["name"]) > 500:
        raise InputError("name longer than 500 characters",
                         Location(location.file, location.line, "name"))
    country = values.get("country")
    if country and not re.fullmatch(r"[A-Za-z]{2}", country):
        raise InputError(f"country {country!r} is not an ISO alpha-2 code",
                         Location(location.file, location.line, "country"))
    idents = [s.strip() for s in re.split(r"[;|]", values.get("identifiers", "")) if s.strip()]
    return CustomerRecord(
        external_id=values["external_id"], name=values["name"],
        schema=(values.get("schema") or None) and values["schema"].lower(),
        country=country.upper() if country else None, dob=values.get("dob"),
        address=values.get("address"), identifiers=idents)


def read_rows(data: bytes, filename: str) -> Iterator[tuple[int, dict[str, Any] | Problem]]:
    """(line, row) pairs of a CSV or XLSX file given as bytes; the line is where the row
    starts. A CSV record whose quote is never closed (the csv module would read the rest
    of the file into it) comes as a Problem naming the line and column of the quote."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [str(h or "").strip() for h in next(rows, ())]
        for number, values in enumerate(rows, start=2):
            if values and any(v not in (None, "") for v in values):
                yield number, dict(zip(header, values, strict=False))
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("customer file is not UTF-8 text", Location(file=filename)) from exc
    lines = Lines(io.StringIO(text))
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        return
    if opened := lines.end_record():
        raise opened.error(filename, [])
    one_line = [i for i, h in enumerate(header) if h.strip().lower() in _ONE_LINE]
    for values in reader:
        start, last = lines.record_start, lines.count
        if opened := lines.end_record():
            yield start, Problem(opened.reason(header) + "; none of them was imported",
                                 Location(filename, opened.line, opened.column(header)))
        elif last > start and (at := swallowed(values, one_line)) is not None:
            column = column_name(header, at)
            yield start, Problem(swallowed_reason(column, start, last)
                                 + "; none of them was imported",
                                 Location(filename, start, column))
        elif any(v.strip() for v in values):
            yield start, dict(zip(header, values, strict=False))


def parse_file(data: bytes, filename: str) -> tuple[list[CustomerRecord], list[Problem]]:
    """All good records and a problem (with file, line, field) for each bad row."""
    records: list[CustomerRecord] = []
    problems: list[Problem] = []
    for line, row in read_rows(data, filename):
        if isinstance(row, Problem):
            problems.append(row)
            continue
        try:
            records.append(record_from_row(row, Location(filename, line)))
        except InputError as exc:
            problems.append(Problem(exc.message, exc.location))
    return records, problems


def read_file(path: Path) -> list[CustomerRecord]:
    records, problems = parse_file(path.read_bytes(), str(path))
    if problems:
        raise ValidationError(problems, str(path))
    return records


BATCH = 20_000  # records looked up and written together
_COLUMNS = ("id", "external_id", "name", "schema", "country", "dob", "address", "identifiers",
            "key_count", "prepared", "prepared_version", "created_at", "updated_at")
_UPDATED = ("name", "schema", "country", "dob", "address", "identifiers", "key_count",
            "prepared", "prepared_version", "updated_at")


def _values(rec: CustomerRecord) -> dict[str, Any]:
    return {"name": rec.name, "schema": rec.schema, "country": rec.country, "dob": rec.dob,
            "address": rec.address, "identifiers": dumps(rec.identifiers)}


def upsert(conn: Connection, records: Iterable[CustomerRecord], processes: int = 1
           ) -> list[tuple[int, bool]]:
    """Insert or update customers by external id; returns (id, changed) for each record,
    in order (a repeated external id updates the row its first occurrence wrote).
    Unchanged records are not rewritten (and need no re-screening). Records go in
    batches: one lookup of the known ones, their names prepared (``prepared.Encoder``,
    in ``processes`` forked workers for large imports) and the rows written in bulk
    (``stopship.cases.bulk``)."""
    records = list(records)
    # into an empty table, only the external ids this import wrote need looking up
    existing = conn.execute(select(customers.c.id).limit(1)).first() is not None
    if existing and conn.dialect.name == "postgresql" and len(records) > BATCH:
        # statistics of a table just filled may still say it is empty, and a plan for
        # an empty table scans it whole for every lookup
        conn.exec_driver_sql("ANALYZE customers")
    written: set[str] = set()
    out: list[tuple[int, bool]] = []
    with Encoder(processes) as encoder:
        for batch in _batches(records):
            out += _upsert_batch(conn, batch, encoder, existing, written)
    return out


def _batches(records: Iterable[CustomerRecord]) -> Iterator[list[CustomerRecord]]:
    """Batches of at most ``BATCH`` records with distinct external ids, in order."""
    batch: list[CustomerRecord] = []
    ids: set[str] = set()
    for rec in records:
        if len(batch) >= BATCH or rec.external_id in ids:
            yield batch
            batch, ids = [], set()
        batch.append(rec)
        ids.add(rec.external_id)
    if batch:
        yield batch


def _upsert_batch(conn: Connection, batch: list[CustomerRecord], encoder: Encoder,
                  existing: bool, written: set[str]) -> list[tuple[int, bool]]:
    """One batch of ``upsert``: look up the records that may exist (all of them when the
    table had rows before the import, else those this import wrote already), then
    write the new and changed ones. ``written`` gains the batch's external ids."""
    stamp = now()
    known: dict[str, Any] = {}
    external = [r.external_id for r in batch]
    ask = external if existing else [e for e in external if e in written]
    for start in range(0, len(ask), 500):
        for stored in conn.execute(select(customers).where(
                one_of(conn, customers.c.external_id, ask[start:start + 500]))):
            known[stored.external_id] = stored
    written.update(external)
    fresh: list[CustomerRecord] = []
    changed: list[tuple[int, CustomerRecord]] = []
    ids: list[int | None] = []
    flags: list[bool] = []
    for rec in batch:
        row = known.get(rec.external_id)
        if row is None:
            fresh.append(rec)
            ids.append(None)
            flags.append(True)
            continue
        was = any(getattr(row, k) != v for k, v in _values(rec).items())
        ids.append(int(row.id))
        flags.append(was)
        if was:
            changed.append((int(row.id), rec))
    forms = encoder.encode([r.query() for r in fresh] + [r.query(c) for c, r in changed])
    new_ids = next_ids(conn, customers, len(fresh))
    keys: list[tuple[int, str]] = []
    rows = []
    for cid, rec, form in zip(new_ids, fresh, forms, strict=False):
        names = sorted(name_keys(rec.name))
        keys += [(cid, k) for k in names]
        v = _values(rec)
        rows.append((cid, rec.external_id, v["name"], v["schema"], v["country"], v["dob"],
                     v["address"], v["identifiers"], len(names), form, PREPARED_VERSION,
                     stamp, stamp))
    insert_rows(conn, customers, _COLUMNS, rows)
    if changed:
        touched = [cid for cid, _r in changed]
        for start in range(0, len(touched), 500):
            conn.execute(delete(customer_keys).where(
                customer_keys.c.customer_id.in_(touched[start:start + 500])))
        updates = []
        for (cid, rec), form in zip(changed, forms[len(fresh):], strict=True):
            names = sorted(name_keys(rec.name))
            keys += [(cid, k) for k in names]
            v = _values(rec)
            updates.append((v["name"], v["schema"], v["country"], v["dob"], v["address"],
                            v["identifiers"], len(names), form, PREPARED_VERSION, stamp, cid))
        update_rows(conn, customers, _UPDATED, "id", updates)
    insert_rows(conn, customer_keys, ("customer_id", "key"), keys)
    fresh_ids = iter(new_ids)
    return [(cid if cid is not None else next(fresh_ids), flag)
            for cid, flag in zip(ids, flags, strict=True)]


def row_to_record(row: Any) -> CustomerRecord:
    return CustomerRecord(external_id=row.external_id, name=row.name, schema=row.schema,
                          country=row.country, dob=row.dob, address=row.address,
                          identifiers=loads(row.identifiers, []))


def get(conn: Connection, customer_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(customers).where(customers.c.id == customer_id)).first()
    if row is None:
        return None
    data = dict(row._mapping)
    data["identifiers"] = loads(row.identifiers, [])
    return data


def list_customers(conn: Connection, limit: int = 100, offset: int = 0,
                   q: str | None = None) -> tuple[list[dict[str, Any]], int]:
    query = select(customers)
    count = select(func.count()).select_from(customers)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(func.lower(customers.c.name).like(like))
        count = count.where(func.lower(customers.c.name).like(like))
    rows = conn.execute(query.order_by(customers.c.id).limit(limit).offset(offset))
    items = []
    for row in rows:
        data = dict(row._mapping)
        data["identifiers"] = loads(row.identifiers, [])
        items.append(data)
    return items, int(conn.execute(count).scalar_one())
