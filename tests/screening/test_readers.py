"""Reading customer files: every format, and bad rows reported per row."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from stopship.errors import InputError
from stopship.screening.readers import read_records

HEADER = b"id,name,schema,country,dob,identifiers\n"


def test_csv_with_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(
        HEADER
        + b'1,"OOO Romashka",Company,Russia,,INN 7707083893; IMO 9123456\n'
        + b"2,\xff\xfeBroken,,,,\n"
        + b"3\n"
        + b'4,"' + b"A" * 10_000 + b'",,,,\n'
    )
    rows = list(read_records(path))
    assert [r.line for r in rows] == [2, 3, 4, 5]
    first = rows[0].record
    assert first is not None and first.name == "OOO Romashka" and first.schema == "Company"
    assert first.identifiers == ["INN 7707083893", "IMO 9123456"]
    assert rows[1].error == "name is not valid UTF-8"
    assert rows[2].error is not None and "missing column" in rows[2].error
    assert rows[3].error is None  # length is judged by the engine, which reports it


def test_no_name_column_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("id,company_id\n1,2\n", "utf-8")
    with pytest.raises(InputError, match="no name column"):
        list(read_records(path))


def test_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "a", "name": "Putin", "identifiers": ["INN 1", "IMO 2"]})
                    + "\nnot json\n", "utf-8")
    rows = list(read_records(path))
    assert rows[0].record is not None and rows[0].record.identifiers == ["INN 1", "IMO 2"]
    assert rows[1].error is not None and rows[1].error.startswith("invalid JSON")


def test_xlsx_and_parquet(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["ID", "Name", "Country"])
    ws.append([7, "Rosneft", "RU"])
    wb.save(tmp_path / "in.xlsx")
    rows = list(read_records(tmp_path / "in.xlsx"))
    assert rows[0].record is not None and rows[0].record.id == "7"
    pq.write_table(pa.table({"id": ["x"], "name": ["Sberbank"]}), tmp_path / "in.parquet")
    rows = list(read_records(tmp_path / "in.parquet"))
    assert rows[0].record is not None and rows[0].record.name == "Sberbank"


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    class Stdin:
        buffer = io.BytesIO(HEADER + b"1,Rosneft,,,,\n")

    monkeypatch.setattr("sys.stdin", Stdin)
    rows = list(read_records("-"))
    assert rows[0].record is not None and rows[0].record.name == "Rosneft"


def test_missing_file() -> None:
    with pytest.raises(InputError, match="not found"):
        list(read_records("/nonexistent/file.csv"))
