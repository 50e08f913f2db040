"""The server's CLI commands: help texts, db upgrade, users, audit verify/export, serve."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from stopship.audit.tables import drop_trigger_ddl, trigger_ddl
from stopship.cases.db import make_engine
from stopship.cli.main import app

runner = CliRunner()
COMMANDS = [["serve"], ["db", "upgrade"], ["db", "rescreen"], ["db", "import-customers"], ["audit", "verify"], ["audit", "export"],
            ["users", "add"], ["users", "key"]]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output and len(result.output) > 200


def _run(tmp_path: Path, *args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, ["--data-dir", str(tmp_path), *args],
                         env={"STOPSHIP_DATABASE_URL": "", **(env or {})})


def test_db_users_and_audit_commands(tmp_path: Path) -> None:
    assert "revision 0002" in _run(tmp_path, "db", "upgrade").output
    res = _run(tmp_path, "users", "add", "alice", "--role", "analyst",
               env={"STOPSHIP_PASSWORD": "correct horse battery"})
    assert res.exit_code == 0, res.output
    res = _run(tmp_path, "users", "add", "eve", "--role", "root",
               env={"STOPSHIP_PASSWORD": "correct horse battery"})
    assert res.exit_code == 1 and "role" in res.output
    res = _run(tmp_path, "users", "key", "erp", "--scope", "screen")
    assert res.exit_code == 0 and res.output.startswith("ssk_")
    res = _run(tmp_path, "audit", "verify")
    assert res.exit_code == 0 and res.output.startswith("ok: 2 events")
    out = tmp_path / "audit.csv"
    res = _run(tmp_path, "audit", "export", "--format", "csv", "-o", str(out))
    assert res.exit_code == 0 and out.read_text().startswith("seq,at,actor,action")
    res = _run(tmp_path, "audit", "export", "--format", "jsonl")
    lines = [json.loads(x) for x in res.stdout.splitlines() if x.startswith("{")]
    assert [e["action"] for e in lines] == ["user.create", "apikey.create"]
    # tamper with the first event, bypassing the triggers: verify fails and names it
    engine = make_engine(f"sqlite:///{tmp_path / 'stopship.db'}")
    with engine.begin() as conn:
        for ddl in drop_trigger_ddl("sqlite"):
            conn.exec_driver_sql(ddl)
        conn.exec_driver_sql("UPDATE audit_events SET actor = 'mallory' WHERE seq = 1")
        for ddl in trigger_ddl("sqlite"):
            conn.exec_driver_sql(ddl)
    engine.dispose()
    res = _run(tmp_path, "audit", "verify")
    assert res.exit_code == 1 and "BROKEN at event 1" in res.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_serve_starts_on_sqlite_without_setup(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "STOPSHIP_DATA_DIR": str(tmp_path)}
    env.pop("STOPSHIP_DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "stopship.cli.main", "serve", "--port",
                             str(port)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                res = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError(proc.stdout.read().decode() if proc.stdout else "") from None
                time.sleep(0.3)
        assert res.json()["status"] == "ok"
        assert (tmp_path / "stopship.db").exists()
        res = httpx.get(f"http://127.0.0.1:{port}/api/v1/alerts")
        assert res.status_code == 401
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)


def test_db_rescreen_after_a_list_update(tmp_path: Path) -> None:
    from stopship.cases.customers import CustomerRecord
    from stopship.cases.db import upgrade
    from stopship.cases.screening import import_customers
    from stopship.cases.testing import make_entity
    from stopship.store import ListStore

    url = f"sqlite:///{tmp_path / 'stopship.db'}"
    store = ListStore.open(data_dir=tmp_path, url=url)
    store.load("us_ofac_sdn", [make_entity("1", "Omega Holdings")])
    upgrade(url)
    engine = make_engine(url)
    import_customers(engine, [CustomerRecord("C1", "Quiet Bakery"),
                              CustomerRecord("C2", "Omega Holdings")], None,
                     actor="test", lists={})
    engine.dispose()
    store.load("us_ofac_sdn", [make_entity("1", "Omega Holdings"),
                               make_entity("2", "Quiet Bakery")])
    store.close()
    res = _run(tmp_path, "db", "rescreen", "us_ofac_sdn")
    assert res.exit_code == 0, res.output
    assert "entities 1" in res.output and "alerts_opened 1" in res.output
    again = _run(tmp_path, "db", "rescreen", "us_ofac_sdn")
    assert again.output.startswith("already done")
    assert _run(tmp_path, "audit", "verify").exit_code == 0
