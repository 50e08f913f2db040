from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy.engine import Engine

from stopship import audit
from stopship.errors import InputError


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+1+1", "'+1+1"),
    ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"),
    ("ACME LLC", "ACME LLC"),
    (None, ""),
    (3, "3"),
])
def test_neutralise_cell(value: object, expected: str) -> None:
    assert audit.neutralise_cell(value) == expected


def test_export_csv_and_jsonl(engine: Engine) -> None:
    with engine.begin() as conn:
        audit.append(conn, "=cmd|' /C calc'!A0", "screening", details={"name": "@evil"})
        audit.append(conn, "bob", "decision", subject_type="alert", subject_id=7)
    with engine.connect() as conn:
        out = io.StringIO()
        assert audit.export(audit.iter_events(conn), out, "csv") == 2
        rows = list(csv.DictReader(io.StringIO(out.getvalue())))
        assert rows[0]["actor"].startswith("'=")
        assert rows[1]["subject_id"] == "7"
        out = io.StringIO()
        audit.export(audit.iter_events(conn), out, "jsonl")
        lines = [json.loads(line) for line in out.getvalue().splitlines()]
        assert lines[0]["details"] == {"name": "@evil"}  # JSONL keeps the data as is
        assert lines[1]["prev_hash"] == lines[0]["hash"]
        with pytest.raises(InputError):
            audit.export([], io.StringIO(), "xml")
