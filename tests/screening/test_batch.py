"""Screening a whole file into each report format."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from stopship.screening.batch import screen_file
from stopship.screening.engine import ScreeningEngine
from stopship.screening.writers import guess_format, neutralise

INPUT = (
    "id,name,schema,country,identifiers\n"
    '1,"ООО ""Сетелем Банк""",company,RU,\n'
    "2,=HYPERLINK(\"http://x\"),,,\n"
    "3,,,,\n"
    "4,LLC,,,\n"
    "5,Vladimir Putin,person,Russia,\n"
    "6,Ocean Carrier,vessel,,IMO 8018900\n"
    "7,Nobody Special Zzyzx,,,\n"
    "8,=MCST JSC,,,\n"
)


@pytest.fixture()
def source(tmp_path: Path) -> Path:
    path = tmp_path / "customers.csv"
    path.write_text(INPUT, "utf-8")
    return path


def test_jsonl(engine: ScreeningEngine, source: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    summary = screen_file(engine, source, str(out), processes=1)
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    hits = [r for r in rows if "entity_id" in r]
    errors = {r["query_id"]: r["error"] for r in rows if "error" in r}
    assert {"1", "5", "6", "8"} <= {r["query_id"] for r in hits}
    assert errors["3"] == "empty name"
    assert errors["4"] == "name is only a legal form"
    for r in hits:
        assert {"query_id", "entity_id", "list", "source_id", "name", "score",
                "explanation"} <= set(r)
    assert summary["records"] == 8 and summary["alerts"] >= 4 and summary["unscreened"] >= 2
    assert summary["records_per_second"] > 0


def test_csv_neutralises_formulas(engine: ScreeningEngine, source: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    screen_file(engine, source, str(out), processes=2)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert all((r["query_name"] or "x")[0] not in "=+-@" for r in rows)
    assert any(r["query_name"].startswith("'=MCST") for r in rows)


def test_xlsx_grouped_and_neutralised(engine: ScreeningEngine, source: Path,
                                      tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    screen_file(engine, source, str(out))
    wb = load_workbook(out)
    values = [c.value for row in wb["Alerts"].iter_rows() for c in row if c.value]
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    assert any(isinstance(v, str) and "met list name" in v for v in values)
    assert wb["Unscreened rows"].max_row >= 3


def test_html_report(engine: ScreeningEngine, source: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.html"
    screen_file(engine, source, str(out))
    text = out.read_text("utf-8")
    assert "met list name" in text and "Rows not screened" in text
    assert "<script" not in text.lower()
    assert "PUTIN" in text


def test_unterminated_quote_is_reported_not_lost(engine: ScreeningEngine,
                                                tmp_path: Path) -> None:
    source = tmp_path / "customers.csv"
    source.write_text("id,name,country\n1,Vladimir Putin,RU\n"
                      '2,"Ocean Carrier,\n3,MCST JSC,RU\n4,Nobody Special Zzyzx,\n', "utf-8")
    for kind in ("jsonl", "html"):
        out = tmp_path / f"out.{kind}"
        summary = screen_file(engine, source, str(out), processes=1)
        assert (summary["records"], summary["unscreened"]) == (2, 1)
        text = out.read_text("utf-8")
        assert "unterminated quote" in text and "lines 3-5" in text
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text("utf-8").splitlines()]
    [bad] = [r for r in rows if "error" in r]
    assert bad["query_id"] == "2" and bad["line"] == 3
    assert "column 'name'" in bad["error"]


def test_helpers() -> None:
    assert neutralise("=1+1") == "'=1+1" and neutralise("@x") == "'@x" and neutralise(3) == 3
    assert guess_format("a.xlsx", None) == "xlsx" and guess_format("-", None) == "jsonl"
