"""Write audit events for an auditor: JSONL (one event a line) or CSV.

CSV cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return) are neutralised with a leading apostrophe.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, TextIO

from stopship.audit.chain import AuditEvent
from stopship.errors import InputError, Location

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ["seq", "at", "actor", "action", "subject_type", "subject_id", "lists",
               "rules_version", "details", "prev_hash", "hash"]


def neutralise_cell(value: Any) -> str:
    """Text a spreadsheet shows as text, never evaluates."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def neutralise_row(values: Iterable[Any]) -> list[str]:
    return [neutralise_cell(v) for v in values]


def write_jsonl(events: Iterable[AuditEvent], out: TextIO) -> int:
    count = 0
    for event in events:
        out.write(json.dumps(event.as_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


def write_csv(events: Iterable[AuditEvent], out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for event in events:
        data = event.as_dict()
        row = []
        for col in CSV_COLUMNS:
            value = data[col]
            if isinstance(value, dict):
                value = json.dumps(value, ensure_ascii=False, sort_keys=True)
            row.append(value)
        writer.writerow(neutralise_row(row))
        count += 1
    return count


def export(events: Iterable[AuditEvent], out: TextIO, fmt: str) -> int:
    """Write events as ``csv`` or ``jsonl``; returns how many were written."""
    if fmt == "jsonl":
        return write_jsonl(events, out)
    if fmt == "csv":
        return write_csv(events, out)
    raise InputError(f"unknown export format {fmt!r}: use csv or jsonl", Location(field="format"))
