"""`stopship lists ...`: help texts, loading the bundled data with the counts of the
shared data README, show/diff/export, and bad input at the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from stopship.cli.main import app

runner = CliRunner()
FIXTURES = Path(__file__).parents[1] / "fixtures" / "store"
DPL = FIXTURES / "bis_dpl_excerpt.json"
MAPPINGS = Path(__file__).parents[2] / "src" / "stopship" / "sources" / "tabular" / "mappings"

# Entities per list after `lists load --bundled` (shared data README; the DPL has 564
# rows of which 2 repeat an earlier row exactly, and the CSL repeats one CAP row).
EXPECTED = {
    "us_ofac_sdn": 14965, "us_bis_el": 3409, "us_bis_meu": 70, "us_bis_dpl": 562,
    "un_sc": 1003,
    "us_bis_uvl": 201, "us_state_isn": 163, "us_state_dtc": 727, "us_ofac_ssi": 290,
    "us_ofac_cap": 52, "us_ofac_cmic": 68, "us_ofac_plc": 78, "us_ofac_fse": 3,
    "us_ofac_nsmbs": 17,
}


def _run(data_dir: Path, *args: str) -> Any:
    return runner.invoke(app, ["--data-dir", str(data_dir), *args], catch_exceptions=False)


@pytest.mark.parametrize("command", [
    ["lists"], ["lists", "load"], ["lists", "update"], ["lists", "show"], ["lists", "diff"],
    ["lists", "export"],
])
def test_every_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output and len(result.output) > 200


# The tests using the bundled store run in one xdist worker (`--dist loadgroup`), so
# the bundled lists are loaded once.
BUNDLED = pytest.mark.xdist_group("cli_lists_bundled")


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    data_dir = tmp_path_factory.mktemp("bundled")
    result = _run(data_dir, "lists", "load", "--bundled", "--json")
    assert result.exit_code == 0, result.output
    return data_dir, json.loads(result.stdout)


@BUNDLED
def test_load_bundled_counts(bundled: tuple[Path, dict[str, Any]]) -> None:
    data_dir, summary = bundled
    assert summary["ok"]
    loaded = {r["list_id"]: r["entities"] for d in summary["datasets"] for r in d["lists"]}
    assert loaded == EXPECTED
    by_id = {d["dataset"]: d for d in summary["datasets"]}
    assert by_id["us_bis_dpl"]["rows_read"] == 564
    assert by_id["us_bis_dpl"]["skipped_by_reason"] == {"duplicate id": 2}
    assert by_id["us_trade_csl"]["not_taken"] == {"us_ofac_sdn": 10026, "us_bis_el": 2001,
                                                  "us_bis_dpl": 462, "us_bis_meu": 71}
    assert by_id["un_sc"]["lists"][0]["counts"] == {"person": 730, "organization": 273}

    shown = _run(data_dir, "lists", "show", "--json")
    assert shown.exit_code == 0
    current = {i["list_id"]: i["current"] for i in json.loads(shown.stdout)}
    assert {k: v["entity_count"] for k, v in current.items()} == EXPECTED
    assert all(v["version"] == 1 and v["status"] == "complete" for v in current.values())
    assert current["us_ofac_sdn"]["list_date"] == "2024-05"
    assert current["un_sc"]["source_id"] == "un_sc"
    assert current["us_bis_uvl"]["source_id"] == "us_trade_csl"

    table = _run(data_dir, "lists", "show")
    assert table.exit_code == 0
    for number in ("14,965", "3,409", "1,003", "562"):
        assert number in table.stdout


@BUNDLED
def test_load_bundled_again_is_unchanged(bundled: tuple[Path, dict[str, Any]]) -> None:
    data_dir, _ = bundled
    result = _run(data_dir, "lists", "load", "--bundled", "--dataset", "un_sc", "--json")
    assert result.exit_code == 0
    [ds] = json.loads(result.stdout)["datasets"]
    assert [(r["status"], r["version"]) for r in ds["lists"]] == [("unchanged", 1)]


@BUNDLED
def test_show_one_list(bundled: tuple[Path, dict[str, Any]]) -> None:
    data_dir, _ = bundled
    result = _run(data_dir, "lists", "show", "us_bis_dpl")
    assert result.exit_code == 0
    assert "bis_dpl.json" in result.stdout and "duplicate id" in result.stdout
    assert "2026-04-14" in result.stdout


@BUNDLED
def test_export_formats(bundled: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    data_dir, _ = bundled
    out = _run(data_dir, "lists", "export", "us_bis_meu", "--format", "jsonl")
    assert out.exit_code == 0
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert len(lines) == 70 and all(x["list_id"] == "us_bis_meu" for x in lines)
    target = tmp_path / "meu.csv"
    out = _run(data_dir, "lists", "export", "us_bis_meu", "--format", "csv", "-o", str(target))
    assert out.exit_code == 0
    assert len(list(csv.DictReader(io.StringIO(target.read_text())))) == 70
    out = _run(data_dir, "lists", "export", "us_bis_meu", "--format", "ftm")
    assert out.exit_code == 0 and '"schema"' in out.stdout
    bad = _run(data_dir, "lists", "export", "nope", "--format", "jsonl")
    assert bad.exit_code == 1


def test_load_files_diff_and_strict(tmp_path: Path) -> None:
    mapping = str(MAPPINGS / "us_bis_dpl.yaml")
    first = _run(tmp_path, "lists", "load", str(DPL), "--mapping", mapping)
    assert first.exit_code == 0, first.output
    data = json.loads(DPL.read_text())
    data["entities"] = data["entities"][1:]  # one removed
    data["entities"][0]["notes"] = "Type of denial: Standard; changed"
    data["entities"].append(dict(data["entities"][1], name="NEW PARTY LTD"))
    newer = tmp_path / "bis_dpl.json"
    newer.write_text(json.dumps(data))
    second = _run(tmp_path, "lists", "load", str(newer), "--mapping", mapping, "--json")
    assert second.exit_code == 0
    [row] = json.loads(second.stdout)["datasets"][0]["lists"]
    assert (row["version"], row["added"], row["removed"], row["changed"]) == (2, 1, 1, 1)

    diff = _run(tmp_path, "lists", "diff", "us_bis_dpl", "--json")
    assert diff.exit_code == 0
    delta = json.loads(diff.stdout)
    assert (delta["old_version"], delta["new_version"]) == (1, 2)
    assert delta["summary"] == {"added": 1, "removed": 1, "changed": 1}
    assert [f["field"] for f in delta["changed"][0]["fields"]] == ["flags"]
    table = _run(tmp_path, "lists", "diff", "us_bis_dpl", "1", "2")
    assert table.exit_code == 0 and "NEW PARTY LTD" in table.stdout

    broken = tmp_path / "broken" / "bis_dpl.json"
    broken.parent.mkdir()
    broken.write_bytes(DPL.read_bytes()[:500])
    failed = _run(tmp_path, "lists", "load", str(broken), "--mapping", mapping, "--strict")
    assert failed.exit_code == 1
    message = failed.output.replace("\n", "")  # rich wraps long lines
    assert "bis_dpl.json, line 20: invalid JSON" in message
    big = _run(tmp_path, "lists", "load", str(newer), "--mapping", mapping,
               "--max-bytes", "1000")
    assert big.exit_code == 1 and "over the limit" in big.output.replace("\n", " ")
    show = json.loads(_run(tmp_path, "lists", "show", "--json").stdout)
    assert show[0]["current"]["version"] == 2  # nothing bad became current


def test_load_needs_files_or_bundled(tmp_path: Path) -> None:
    result = _run(tmp_path, "lists", "load")
    assert result.exit_code == 1 and "--bundled" in result.output


def test_show_empty_store(tmp_path: Path) -> None:
    result = _run(tmp_path, "lists", "show")
    assert result.exit_code == 0 and "lists load --bundled" in result.stdout


@pytest.mark.postgres
def test_database_url_option_uses_postgres(tmp_path: Path) -> None:
    import secrets

    psycopg = pytest.importorskip("psycopg")
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    name = f"stopship_test_cli_lists_{secrets.token_hex(6)}"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    try:
        mapping = str(MAPPINGS / "us_bis_dpl.yaml")
        loaded = _run(tmp_path, "lists", "load", str(DPL), "--mapping", mapping,
                      "--database-url", url)
        assert loaded.exit_code == 0, loaded.output
        shown = _run(tmp_path, "lists", "show", "--json", "--database-url", url)
        assert json.loads(shown.stdout)[0]["current"]["entity_count"] == 25
        assert not (tmp_path / "stopship.db").exists()  # nothing went to SQLite
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_update_from_a_local_server(tmp_path: Path) -> None:
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(FIXTURES)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        ok = _run(tmp_path, "lists", "update", "--dataset", "un_sc", "--json",
                  "--url-override", f"consolidated.xml={base}/un_sc_excerpt.xml")
        assert ok.exit_code == 0, ok.output
        [ds] = json.loads(ok.stdout)["datasets"]
        assert [(r["list_id"], r["entities"]) for r in ds["lists"]] == [("un_sc", 5)]
        assert len(list((tmp_path / "downloads" / "un_sc").glob("*/consolidated.xml"))) == 1
        bad = _run(tmp_path, "lists", "update", "--dataset", "un_sc", "--retries", "0",
                   "--url-override", f"consolidated.xml={base}/missing.xml")
        assert bad.exit_code == 1 and "HTTP 404" in bad.output.replace("\n", " ")
        wrong = _run(tmp_path, "lists", "update", "--dataset", "un_sc",
                     "--url-override", f"consolidated.xml={base}/un_sc_excerpt.xml",
                     "--sha256", "consolidated.xml=" + "0" * 64)
        assert wrong.exit_code == 1 and "checksum mismatch" in wrong.output.replace("\n", "")
    finally:
        httpd.shutdown()
        httpd.server_close()
    shown = json.loads(_run(tmp_path, "lists", "show", "--json").stdout)
    assert shown[0]["current"]["version"] == 1 and shown[0]["current"]["entity_count"] == 5
