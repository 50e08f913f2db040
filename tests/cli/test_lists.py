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


# -- bad input, end to end through `stopship lists load FILE` -------------------------
SDN_CSV = Path(__file__).parents[1] / "fixtures" / "lists" / "us_ofac_sdn" / "sdn.csv"
UN_XML = FIXTURES / "un_sc_excerpt.xml"
DPL_MAP = ["--mapping", str(MAPPINGS / "us_bis_dpl.yaml")]
# list id, file name, the good real fixture loaded first, its entity count, load options
KINDS: dict[str, tuple[str, str, Path, int, list[str]]] = {
    "sdn": ("us_ofac_sdn", "sdn.csv", SDN_CSV, 14, []),
    "un": ("un_sc", "consolidated.xml", UN_XML, 5, []),
    "dpl": ("us_bis_dpl", "bis_dpl.json", DPL, 25, DPL_MAP),
}


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _sdn_rows(data: bytes) -> list[bytes]:
    return data.split(b"\r\n")


def _insert_sdn_row(row: bytes, at: int = 3) -> Any:
    def make(data: bytes) -> bytes:
        rows = _sdn_rows(data)
        return b"\r\n".join(rows[:at] + [row] + rows[at:])
    return make


def _dpl_duplicate(data: bytes) -> bytes:
    doc = json.loads(data)
    doc["entities"].append(dict(doc["entities"][3]))
    return json.dumps(doc, indent=1).encode()


BOMB = (b'<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>\n'
        b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>"
        b"<FIRST_NAME>&c;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>\n")
XXE = (b'<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
       b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>"
       b"<FIRST_NAME>&x;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>\n")

# case id, kind, bad bytes from the good file, extra options, exit code, what the output
# says after the file's path (exit 1: the error; exit 0: a reported skipped row)
BAD_INPUT: list[tuple[str, str, Any, list[str], int, str]] = [
    ("csv cut mid-row", "sdn", lambda d: d[:3000], [], 1,
     "refusing the new version of list 'us_ofac_sdn': 7 entities against 14"),
    ("csv cut mid-row strict", "sdn", lambda d: d[:3000], ["--strict"], 1,
     ", line 8: malformed CSV: unexpected end of data"),
    ("csv in utf-16", "sdn", lambda d: d.decode("latin-1").encode("utf-16"), [], 1,
     ", line 1: no entity could be read (29 rows read, 29 skipped: 29 x invalid encoding"),
    ("csv empty", "sdn", lambda d: b"", [], 1, ": no entity could be read (0 rows read)"),
    ("csv short row", "sdn", _insert_sdn_row(b'9999,"ONLY TWO"'), [], 0,
     ", line 4: expected 12 columns, found 2"),
    ("csv short row strict", "sdn", _insert_sdn_row(b'9999,"ONLY TWO"'), ["--strict"], 1,
     ", line 4: expected 12 columns, found 2"),
    ("csv duplicate id", "sdn", lambda d: _insert_sdn_row(_sdn_rows(d)[1])(d), [], 0,
     ", line 4, field 'ent_num': duplicate entry number 2686"),
    ("csv duplicate id strict", "sdn", lambda d: _insert_sdn_row(_sdn_rows(d)[1])(d),
     ["--strict"], 1, ", line 4, field 'ent_num': duplicate entry number 2686"),
    ("csv over --max-bytes", "sdn", lambda d: d, ["--max-bytes", "1000"], 1,
     ": file is 6,628 bytes, over the limit of 1,000 bytes"),
    ("xml cut", "un", lambda d: d[:4000], [], 1,
     ", line 93: malformed or truncated XML: unclosed token"),
    ("xml latin-1 bytes", "un", lambda d: d.replace(b"ERIC", "\u00c9RIC".encode("latin-1")),
     [], 1, ", line 7: malformed or truncated XML: not well-formed"),
    ("xml in utf-16", "un", lambda d: d.decode().encode("utf-16"), [], 1,
     ", line 1: malformed or truncated XML: encoding specified in XML declaration"),
    ("xml entity expansion", "un", lambda d: BOMB, [], 1,
     ", line 2: refused unsafe XML (DTDForbidden)"),
    ("xml external entity", "un", lambda d: XXE, [], 1,
     ", line 2: refused unsafe XML (DTDForbidden)"),
    ("json cut", "dpl", lambda d: d[:500], [], 1, ", line 20: invalid JSON"),
    ("json in utf-16", "dpl", lambda d: d.decode().encode("utf-16"), [], 1,
     ", line 1: invalid UTF-8 byte sequence in JSON"),
    ("json duplicate id", "dpl", _dpl_duplicate, [], 0,
     ", line 26, field 'id': duplicate id"),
    ("json duplicate id strict", "dpl", _dpl_duplicate, ["--strict"], 1,
     ", line 26, field 'id': duplicate id"),
]


@pytest.mark.parametrize("case, kind, make, options, code, says", BAD_INPUT,
                         ids=[c[0] for c in BAD_INPUT])
def test_bad_input_end_to_end(tmp_path: Path, case: str, kind: str, make: Any,
                              options: list[str], code: int, says: str) -> None:
    list_id, name, good, count, load_options = KINDS[kind]
    first = _run(tmp_path, "lists", "load", str(good), *load_options)
    assert first.exit_code == 0, first.output
    bad = tmp_path / "bad" / name
    bad.parent.mkdir()
    bad.write_bytes(make(good.read_bytes()))
    result = runner.invoke(app, ["--data-dir", str(tmp_path), "lists", "load", str(bad),
                                 *load_options, *options])
    output = _squeeze(result.output)  # rich wraps long lines, even inside a path
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    assert "Traceback" not in output
    if code == 1 and says.startswith("refusing"):  # parsed, refused by the store
        assert _squeeze(f"error us_ofac_sdn: {says}") in output
        assert _squeeze(f"skipped: {bad}, line 8: malformed CSV: unexpected end") in output
        assert _squeeze("sdn.csv: 8 rows read, 1 skipped") in output
    elif code == 1:  # refused while reading: nothing parsed is written
        assert output.startswith("error:"), output
        assert _squeeze(f"{bad}{says}") in output
    else:  # skipped and reported per file, with file, line and field; content unchanged
        assert _squeeze(f"skipped: {bad}{says}") in output
        assert _squeeze(f"{name}: {count + 1} rows read, 1 skipped") in output
        assert "unchanged" in output
    [shown] = json.loads(_run(tmp_path, "lists", "show", "--json").stdout)
    assert (shown["list_id"], shown["current"]["version"]) == (list_id, 1)
    assert shown["current"]["entity_count"] == count


def test_truncated_csv_is_refused_by_the_shrink_guard(tmp_path: Path) -> None:
    """A real SDN file cut at a line end still parses: only the shrink guard sees it."""
    assert _run(tmp_path, "lists", "load", str(SDN_CSV)).exit_code == 0
    cut = tmp_path / "cut" / "sdn.csv"
    cut.parent.mkdir()
    cut.write_bytes(b"\r\n".join(_sdn_rows(SDN_CSV.read_bytes())[:6]) + b"\r\n")
    refused = _run(tmp_path, "lists", "load", str(cut))
    message = _squeeze(refused.output)
    assert refused.exit_code == 1
    assert _squeeze("refusing the new version of list 'us_ofac_sdn': 6 entities against 14 "
                    "in current version 1; it drops 8 of them (57.1%, more than the allowed "
                    "20%) and it is under 50% of the current size") in message
    assert "--allow-shrink" in message
    shown = json.loads(_run(tmp_path, "lists", "show", "us_ofac_sdn", "--json").stdout)
    assert [(v["version"], v["status"], v["current"]) for v in shown] == [
        (1, "complete", True), (2, "failed", False)]
    assert "ShrinkRefused" in shown[1]["error"]
    lenient = _run(tmp_path, "lists", "load", str(cut), "--max-drop", "0.6", "--json")
    assert lenient.exit_code == 1  # 6 of 14 is still under half the size
    allowed = _run(tmp_path, "lists", "load", str(cut), "--allow-shrink", "--json")
    assert allowed.exit_code == 0, allowed.output
    [row] = json.loads(allowed.stdout)["datasets"][0]["lists"]
    assert (row["status"], row["entities"], row["removed"]) == ("created", 6, 8)
