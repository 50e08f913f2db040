"""Read customer records from CSV, XLSX, Parquet or JSONL (``-`` is stdin).

Columns: ``id``, ``name`` and optionally ``schema``, ``country``, ``dob``, ``address``,
``identifiers`` (header names are matched case-insensitively, with a few common
synonyms). A row that cannot be read becomes a ``Row`` with an error, never an
exception: the batch goes on. A file without a name column is an InputError.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stopship.csvquote import Lines, OpenQuote, swallowed, swallowed_reason
from stopship.errors import InputError, Location
from stopship.screening.types import QueryRecord

SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "record_id", "customer_id", "query_id", "key", "ref"),
    "name": ("name", "full_name", "party_name", "company", "customer", "customer_name"),
    "schema": ("schema", "type", "kind", "entity_type"),
    "country": ("country", "country_code", "nationality", "jurisdiction"),
    "dob": ("dob", "date_of_birth", "birth_date", "birthdate"),
    "address": ("address", "full_address"),
    "identifiers": ("identifiers", "identifier", "ids", "id_numbers", "registration"),
}
MAX_FIELD = 10_000
# bytes that were not UTF-8, as the surrogate escapes of errors="surrogateescape"
UNDECODED = re.compile("[\udc80-\udcff]")


@dataclass(slots=True)
class Row:
    """One input row: its 1-based line (or row) number, the record, or why it is unusable."""

    line: int
    record: QueryRecord | None
    error: str | None = None


def _columns(header: Iterable[Any], source: str) -> dict[str, int]:
    names = [str(h or "").strip().lower().replace(" ", "_") for h in header]
    found: dict[str, int] = {}
    for field, options in SYNONYMS.items():
        for option in options:
            if option in names:
                found[field] = names.index(option)
                break
    if "name" not in found:
        raise InputError(
            "no name column: the input needs a header with at least `name` (and `id`); "
            f"found {', '.join(n for n in names if n) or 'nothing'}", Location(source, 1, "name"))
    return found


def _clean(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return text.strip()


def _valid(text: str) -> str:
    """``text`` with undecodable bytes (surrogate escapes) replaced by ``?``."""
    return text if text.isascii() else text.encode("utf-8", "replace").decode("utf-8")


_OPTIONAL = ("schema", "country", "dob", "address", "identifiers")


def _row(values: list[Any], cols: dict[str, int], line: int) -> Row:
    n = len(values)
    at = cols.get("id")
    rid = (_clean(values[at]) if at is not None and at < n else "") or f"row-{line}"
    if n <= max(cols.values()):
        missing = [f for f, i in cols.items() if i >= n]
        return Row(line, QueryRecord(rid, ""), f"missing column(s): {', '.join(missing)}")
    at = cols.get("name")
    name = _clean(values[at]) if at is not None else ""
    if not name.isascii() and UNDECODED.search(name):
        return Row(line, QueryRecord(rid, ""), "name is not valid UTF-8")
    # schema, country, dob, address, identifiers: None when absent or empty
    extra: list[str | None] = []
    for field in _OPTIONAL:
        at = cols.get(field)
        value = _clean(values[at]) if at is not None else ""
        extra.append(_valid(value)[:MAX_FIELD] if value else None)
    schema, country, dob, address, idents = extra
    record = QueryRecord(
        _valid(rid), name, schema, country, dob, address,
        [p.strip() for p in idents.split(";") if p.strip()] if idents else [],
    )
    return Row(line, record)


def _read_csv(text: Iterable[str], source: str) -> Iterator[Row]:
    lines = Lines(text)
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise InputError(f"cannot read the CSV header: {exc}", Location(source, 1)) from exc
    if opened := lines.end_record():
        raise opened.error(source, [])  # the header cell is the swallowed text
    cols = _columns(header, source)
    while True:
        line = lines.count + 1  # where the record starts
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            lines.end_record()
            yield Row(line, None, f"unreadable CSV row: {exc}")
            continue
        if opened := lines.end_record():
            # The csv module read the rest of the file into the field the quote opened:
            # report those lines as one bad row rather than lose them without a word.
            yield _unclosed(values, cols, header, opened)
            continue
        if not any(map(str.strip, values)):
            continue
        if lines.count > line and (bad := _swallowed(values, cols, line, lines.count)):
            yield bad
            continue
        yield _row(values, cols, line)


_ONE_LINE = ("id", "name", "schema", "country", "dob")


def _swallowed(values: list[str], cols: dict[str, int], line: int, last: int) -> Row | None:
    """A record read over lines ``line``-``last`` that holds rows of its own (a quote
    closed by a stray quote further down: ``csvquote.swallowed``), as one bad row."""
    one_line = {cols[f]: f for f in _ONE_LINE if f in cols}
    at = swallowed(values, one_line)
    if at is None:
        return None
    field = one_line.get(at) or next((f for f, i in cols.items() if i == at), f"column {at + 1}")
    index = cols.get("id")
    rid = values[index].split("\n")[0] if index is not None and index < len(values) else ""
    return Row(line, QueryRecord(_bad_row_id(rid, line), ""),
               swallowed_reason(field, line, last) + "; none of them was screened")


def _bad_row_id(text: str, line: int) -> str:
    """The id of a refused row as written (cut, undecodable bytes as ``?``), or row-N."""
    rid = _clean(text)[:200].encode("utf-8", "replace").decode("utf-8")
    return rid or f"row-{line}"


def _unclosed(values: list[str], cols: dict[str, int], header: list[str],
              opened: OpenQuote) -> Row:
    index = cols.get("id")
    rid = values[index] if index is not None and index < opened.field else ""
    return Row(opened.line, QueryRecord(_bad_row_id(rid, opened.line), ""),
               f"{opened.reason(header)}; none of them was screened")


def _read_jsonl(lines: Iterable[str], source: str) -> Iterator[Row]:
    cols: dict[str, int] | None = None
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
            if not isinstance(obj, dict):
                raise ValueError("not a JSON object")
        except ValueError as exc:
            yield Row(n, None, f"invalid JSON: {exc}")
            continue
        keys = list(obj.keys())
        try:
            cols = _columns(keys, source)
        except InputError as exc:
            yield Row(n, QueryRecord(str(obj.get("id", f"row-{n}")), ""), exc.message)
            continue
        values = [obj.get(k) for k in keys]
        values = ["; ".join(map(str, v)) if isinstance(v, list) else v for v in values]
        yield _row(values, cols, n)


def _read_xlsx(path: Path, source: str) -> Iterator[Row]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return
        cols = _columns(header, source)
        for n, values in enumerate(rows, start=2):
            if values is None or not any(v is not None and str(v).strip() for v in values):
                continue
            yield _row(list(values), cols, n)
    finally:
        wb.close()


def _read_parquet(path: Path, source: str) -> Iterator[Row]:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    header = pf.schema_arrow.names
    cols = _columns(header, source)
    n = 1
    for batch in pf.iter_batches(batch_size=10_000):
        columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
        for values in zip(*columns, strict=False):
            n += 1
            yield _row(list(values), cols, n)


def read_records(source: str | Path, fmt: str | None = None) -> Iterator[Row]:
    """Rows of a customer file; ``-`` reads stdin (CSV, or JSONL if it starts with ``{``)."""
    name = str(source)
    if name == "-":
        data = sys.stdin.buffer.read().decode("utf-8", "surrogateescape")
        kind = fmt or ("jsonl" if data.lstrip().startswith("{") else "csv")
        lines = io.StringIO(data, newline="")
        yield from (_read_jsonl(lines, "<stdin>") if kind == "jsonl" else _read_csv(lines, "<stdin>"))
        return
    path = Path(source)
    if not path.exists():
        raise InputError("file not found", Location(name))
    kind = fmt or path.suffix.lower().lstrip(".")
    if kind in ("xlsx", "xlsm"):
        yield from _read_xlsx(path, name)
    elif kind in ("parquet", "pq"):
        yield from _read_parquet(path, name)
    elif kind in ("jsonl", "ndjson", "json"):
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:
            yield from _read_jsonl(handle, name)
    else:
        with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
            yield from _read_csv(handle, name)
