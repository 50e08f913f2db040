import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from stopship.cli.main import app

FIXTURES = Path(__file__).parents[1] / "fixtures" / "orders"

ENTITIES = str(FIXTURES / "listed_entities.jsonl")
GENERATED = str(FIXTURES / "generated.jsonl")
runner = CliRunner()


def _run(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input, catch_exceptions=False)


@pytest.mark.parametrize("command", [
    ["orders"], ["orders", "screen"], ["orders", "explain"], ["rules"], ["rules", "list"],
    ["rules", "show"],
])
def test_every_command_has_help(command):
    result = _run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage" in result.output and len(result.output) > 100


def test_screen_jsonl_to_stdout_with_summary():
    result = _run("orders", "screen", GENERATED, "--entities", ENTITIES)
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    expected = json.loads((FIXTURES / "generated_expected.json").read_text("utf-8"))
    assert len(lines) == len(expected)
    assert all(d["decision"] == expected[d["order_id"]]["decision"] for d in lines)
    assert all(d["rules_version"] and d["list_versions"] for d in lines)
    assert "hold" in result.stderr and "top rules" in result.stderr


def test_screen_csv_xlsx_html(tmp_path):
    out = tmp_path / "d.csv"
    assert _run("orders", "screen", GENERATED, "--entities", ENTITIES, "-o", str(out),
                "-f", "csv").exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert {"order_id", "decision", "rule_id", "evidence", "clears_when"} <= set(rows[0])
    assert any(r["rule_id"] == "R-A1" and "us_ofac_sdn:16884" in r["evidence"] for r in rows)
    xlsx = tmp_path / "d.xlsx"
    assert _run("orders", "screen", GENERATED, "--entities", ENTITIES, "-o", str(xlsx),
                "-f", "xlsx").exit_code == 0
    book = load_workbook(xlsx)
    assert book.sheetnames == ["decisions", "fired_rules"]
    assert book["decisions"].max_row == 67
    html = tmp_path / "d.html"
    assert _run("orders", "screen", GENERATED, "--entities", ENTITIES, "-o", str(html),
                "-f", "html").exit_code == 0
    page = html.read_text("utf-8")
    assert page.startswith("<!doctype html>") and "R-B2" in page and "GEN-0001" in page


def test_screen_flat_csv_input(tmp_path):
    result = _run("orders", "screen", str(FIXTURES / "orders.csv"), "--entities", ENTITIES)
    assert result.exit_code == 0
    decisions = {json.loads(x)["order_id"]: json.loads(x) for x in result.stdout.splitlines()
                 if x.startswith("{")}
    assert decisions["CSV-1"]["decision"] == "hold"  # tier 1 to Turkey, no statement
    assert decisions["CSV-2"]["decision"] == "clear"


def test_invalid_input_reports_every_problem(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "X", "parties": [{"role": "buyer"}],
                               "lines": [{"hs_code": "12"}]}) + "\n")
    result = _run("orders", "screen", str(bad), "--entities", ENTITIES)
    assert result.exit_code == 1
    assert "parties[0].name" in result.stderr and "lines[0].hs_code" in result.stderr
    lenient = _run("orders", "screen", str(bad), "--entities", ENTITIES, "--skip-invalid")
    assert lenient.exit_code == 0 and "skipped" in lenient.stderr


def test_screen_without_lists_says_what_to_do(tmp_path):
    result = _run("--data-dir", str(tmp_path), "orders", "screen", GENERATED)
    assert result.exit_code == 1
    assert "lists load" in result.stderr


def test_explain_one_order(tmp_path):
    expected = json.loads((FIXTURES / "generated_expected.json").read_text("utf-8"))
    oid = next(k for k, v in expected.items() if v["case"] == "pattern-uae-trading-fze")
    line = next(x for x in open(GENERATED, encoding="utf-8") if f'"{oid}"' in x)
    path = tmp_path / "order.json"
    path.write_text(line)
    result = _run("orders", "explain", str(path), "--entities", ENTITIES)
    assert result.exit_code == 0
    assert "HOLD" in result.stdout and "R-B2" in result.stdout and "clears when" in result.stdout
    as_json = _run("orders", "explain", str(path), "--entities", ENTITIES, "--json")
    assert json.loads(as_json.stdout)["decision"] == "hold"


def test_rules_list_show_and_config(tmp_path):
    listing = _run("rules", "list")
    assert listing.exit_code == 0 and "R-A1" in listing.stdout and "R-D5" in listing.stdout
    shown = _run("rules", "show", "R-B1")
    assert shown.exit_code == 0 and "Common High Priority List" in shown.stdout
    assert "exempt_partner_destinations" in shown.stdout
    assert _run("rules", "show", "R-Z9").exit_code == 1
    config = tmp_path / "rules.yaml"
    config.write_text("rules:\n  R-B2:\n    enabled: false\n")
    shown = _run("rules", "show", "R-B2", "--rules-config", str(config))
    assert "enabled: no" in shown.stdout
    result = _run("orders", "screen", GENERATED, "--entities", ENTITIES, "--rules-config",
                  str(config))
    assert '"R-B2"' not in result.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  R-B2:\n    action: block\n")
    failed = _run("rules", "list", "--rules-config", str(bad))
    assert failed.exit_code == 1 and "rules.R-B2" in failed.stderr


def test_screen_against_lists_loaded_in_the_store(tmp_path):
    from collections import defaultdict

    from stopship.model import Entity
    from stopship.store import ListStore

    by_list = defaultdict(list)
    for line in open(ENTITIES, encoding="utf-8"):
        entity = Entity.from_dict(json.loads(line))
        by_list[entity.list_id].append(entity)
    with ListStore.open(tmp_path) as store:
        for list_id, entities in by_list.items():
            store.load(list_id, entities)
    result = _run("--data-dir", str(tmp_path), "orders", "screen", GENERATED)
    assert result.exit_code == 0, result.stderr
    decisions = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    expected = json.loads((FIXTURES / "generated_expected.json").read_text("utf-8"))
    assert all(d["decision"] == expected[d["order_id"]]["decision"] for d in decisions)
    assert set(decisions[0]["list_versions"]) == set(by_list)
