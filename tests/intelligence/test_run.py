"""`run`: every output of a trace run, and the high-risk list loading back as a letter list."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest
from openpyxl import load_workbook

from stopship.intelligence.generate import GenerateReport
from stopship.intelligence.listed import ListContext
from stopship.intelligence.reference import INTEL
from stopship.intelligence.run import RunResult, run
from stopship.sources.base import ParseReport


@pytest.fixture(scope="module")
def result(generated: tuple[Path, GenerateReport], sample_lists: ListContext,
           tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    folder, _ = generated
    out = tmp_path_factory.mktemp("trace-run")
    with (folder / "truth" / "planted_intermediaries.csv").open() as fh:
        planted = next(csv.DictReader(fh))
    customers = out / "customers.csv"
    customers.write_text("id,name,country\nC1,Acme Widgets GmbH,DE\n"
                         f"C2,\"{planted['canonical_name'].upper()}\",{planted['country']}\n",
                         encoding="utf-8")
    return run([folder / "records"], out / "result", sample_lists, customers=customers,
               min_score=40)


def test_high_risk_csv_columns_and_spellings(result: RunResult) -> None:
    with (result.output / "high_risk_parties.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert rows and len(rows) == result.high_risk
    assert list(rows[0]) == ["party_id", "primary_name", "spellings", "country", "address",
                             "score", "rank", "indicators", "contributions",
                             "evidence_record_count", "evidence_record_ids"]
    assert [int(r["rank"]) for r in rows] == sorted(int(r["rank"]) for r in rows)
    assert all(float(r["score"]) >= 40 for r in rows)
    assert any(";" in r["spellings"] for r in rows)
    assert int(rows[0]["evidence_record_count"]) > 0
    wb = load_workbook(result.output / "high_risk_parties.xlsx", read_only=True)
    assert wb.active is not None
    assert sum(1 for _ in wb["high_risk_parties"].iter_rows()) == len(rows) + 1


def test_high_risk_csv_loads_back_as_a_supplier_list(result: RunResult) -> None:
    from stopship.sources.tabular.parser import TabularSource
    source = TabularSource(INTEL / "high_risk_parties_mapping.yaml")
    report = ParseReport()
    entities = list(source.parse([result.output / "high_risk_parties.csv"], report))
    assert len(entities) == result.high_risk and not report.skipped
    first = entities[0]
    assert first.flags.get("letter_type") == "supplier_list"
    assert first.native_id.startswith("PTY-")
    assert len(first.names) >= 2             # every spelling becomes a name


def test_letters_network_and_report(result: RunResult) -> None:
    assert result.letters
    letter = result.letters[0]
    html = (letter / "letter.html").read_text()
    assert "Common High Priority List" in html and "lines.csv" in html
    assert (letter / "letter.pdf").read_bytes().startswith(b"%PDF")
    with (letter / "lines.csv").open() as fh:
        lines = list(csv.DictReader(fh))
    assert lines and all(r["date"] >= "2022-02-24" and r["russian_buyer"] for r in lines)
    named = [p for p in result.letters if "Your customers on this list" in
             (p / "letter.html").read_text() and "C2" in (p / "letter.html").read_text()]
    assert named, "the planted customer is named in at least one letter"
    graph = nx.read_graphml(result.output / "network" / "network.graphml")
    kinds = {d["kind"] for _, d in graph.nodes(data=True)}
    assert kinds == {"manufacturer", "intermediary", "buyer"}
    bridges = json.loads((result.output / "network" / "bridges.json").read_text())
    assert bridges and bridges[0]["betweenness"] >= bridges[-1]["betweenness"]
    svgs = list((result.output / "network" / "neighbourhoods").glob("*.svg"))
    assert svgs and svgs[0].read_text().startswith("<svg")
    summary = (result.output / "summary.html").read_text()
    assert summary.count("<svg") >= 4 and "24 Feb 2022" in summary
