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


OPEN_QUOTE = (HEADER
              + b"1,Rosneft,Company,RU,,\n"
              + b'2,"Sberbank\nof Russia",Company,RU,,\n'
              + b'3,"Gazprom,Company,RU,,\n'  # the quote is never closed: it swallows 4 and 5
              + b"4,Rostec,Company,RU,,\n"
              + b"5,Vladimir Putin,Person,RU,,\n")


def test_unterminated_quote_is_a_bad_row_naming_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(OPEN_QUOTE)
    rows = list(read_records(path))
    assert [(r.line, r.record and r.record.name) for r in rows[:2]] == [
        (2, "Rosneft"), (3, "Sberbank\nof Russia")]  # the line a record starts on
    [bad] = rows[2:]
    assert bad.line == 5 and bad.record is not None and bad.record.id == "3"
    assert bad.error is not None and "unterminated quote" in bad.error
    assert "column 'name'" in bad.error and "lines 5-7" in bad.error


def test_quote_closed_by_a_stray_quote_further_down_is_a_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(HEADER
                     + b"1,Rosneft,Company,RU,,\n"
                     + b'2,"Gazprom,Company,RU,,\n'  # opens a quote ...
                     + b"3,Rostec,Company,RU,,\n"
                     + b'4,Vladimir" Putin,Person,RU,,\n'  # ... that a stray quote closes
                     + b"5,Almaz-Antey,Company,RU,,\n")
    rows = list(read_records(path))
    assert [r.line for r in rows] == [2, 3, 6]
    bad = rows[1]
    assert bad.record is not None and bad.record.id == "2" and bad.record.name == ""
    assert bad.error is not None and "lines 3-5 were read as one record" in bad.error
    assert "'name'" in bad.error
    assert rows[2].record is not None and rows[2].record.name == "Almaz-Antey"


def test_unterminated_quote_on_the_last_line_and_from_stdin(monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    class Stdin:
        buffer = io.BytesIO(HEADER + b'1,Rosneft,,,,\n2,Gazprom,,RU,,"INN 7736050003')

    monkeypatch.setattr("sys.stdin", Stdin)
    rows = list(read_records("-"))
    assert rows[0].error is None
    assert rows[1].line == 3 and rows[1].record is not None and rows[1].record.id == "2"
    assert rows[1].error is not None
    assert "column 'identifiers'" in rows[1].error and "line 3 " in rows[1].error


def test_unterminated_quote_in_the_header_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(b'id,"name,country\n1,Rosneft,RU\n')
    with pytest.raises(InputError, match="unterminated quote") as err:
        list(read_records(path))
    assert (err.value.location.line, err.value.location.field) == (1, "column 2")


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
