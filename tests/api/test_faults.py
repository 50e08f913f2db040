"""Faults: the server killed (SIGKILL) during a batch screening, and a re-screening killed
during a list load. After a restart nothing recorded is lost or duplicated and the audit
chain verifies."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from stopship import audit
from stopship.api.testing import ENTITIES, PASSWORD
from stopship.cases import users
from stopship.cases.db import make_engine, upgrade
from stopship.cases.testing import sqlite_url
from stopship.store import ListStore

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _prepare(tmp_path: Path) -> str:
    url = sqlite_url(tmp_path)
    store = ListStore.open(data_dir=tmp_path, url=url)
    for list_id in ("us_ofac_sdn", "us_bis_el"):
        store.load(list_id, [e for e in ENTITIES if e.list_id == list_id])
    store.close()
    upgrade(url)
    engine = make_engine(url)
    users.use_fast_hashing()
    with engine.begin() as conn:
        users.create_user(conn, "alice", PASSWORD, "analyst")
        key = users.create_api_key(conn, "batch", ["screen", "customers:write",
                                                   "alerts:decide", "alerts:read"], "test")
    engine.dispose()
    return key


def _start(tmp_path: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "STOPSHIP_DATA_DIR": str(tmp_path)}
    env.pop("STOPSHIP_DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "stopship.cli.main", "serve", "--port",
                             str(port)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except httpx.HTTPError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise AssertionError("server did not start") from None
            time.sleep(0.3)


def _state(url: str) -> tuple[list[tuple[int, str]], int, int, bool]:
    engine = make_engine(url)
    with engine.connect() as conn:
        events = [(e.seq, e.hash) for e in audit.iter_events(conn)]
        decisions = conn.execute(text("SELECT count(*) FROM decisions")).scalar_one()
        alerts = conn.execute(text("SELECT count(*) FROM alerts")).scalar_one()
        ok = audit.verify(conn).ok
    engine.dispose()
    return events, int(decisions), int(alerts), ok


def test_kill_during_batch_screening(tmp_path: Path) -> None:
    key = _prepare(tmp_path)
    url = sqlite_url(tmp_path)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {key}"}
    proc = _start(tmp_path, port)
    try:
        res = httpx.post(f"{base}/api/v1/customers", headers=headers, json={"customers": [
            {"external_id": "C1", "name": "Alpha Trading LLC"}]}, timeout=60)
        alert_id = res.json()["alert_ids"][0]
        res = httpx.post(f"{base}/api/v1/alerts/{alert_id}/decisions", headers=headers,
                         json={"decision": "escalate", "reason": "check owners"}, timeout=60)
        assert res.status_code == 201
        before = _state(url)
        records = [{"name": f"Customer {i} Trading"} for i in range(1000)]
        outcome: dict[str, object] = {}

        def batch() -> None:
            try:
                outcome["res"] = httpx.post(f"{base}/api/v1/screen/batch", headers=headers,
                                            json={"records": records}, timeout=60)
            except httpx.HTTPError as exc:
                outcome["error"] = exc

        worker = threading.Thread(target=batch)
        worker.start()
        time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        worker.join(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    after_kill = _state(url)
    proc = _start(tmp_path, port)  # restart on the same database
    try:
        assert httpx.get(f"{base}/api/v1/alerts/{alert_id}", headers=headers,
                         timeout=30).json()["status"] == "escalated"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    events, decisions, alerts, ok = after_kill
    assert ok and decisions == before[1] == 1 and alerts == before[2]
    assert events[:len(before[0])] == before[0]  # nothing lost or rewritten
    assert len(events) - len(before[0]) in (0, 1)  # the batch's event: all or nothing
    assert len({h for _, h in events}) == len(events)  # nothing duplicated


RESCREEN = textwrap.dedent("""
    import sys, time
    from stopship.cases.db import make_engine
    from stopship.cases.listload import after_load
    from stopship.screening.engine import build_screener
    from stopship.store import ListStore

    url, data_dir, slow = sys.argv[1], sys.argv[2], sys.argv[3] == "slow"

    class Slow:
        def __init__(self, entities):
            self.inner = build_screener(entities)
            self.threshold = self.inner.threshold
        def screen_many(self, records, min_score=None, limit=10):
            if slow:
                time.sleep(0.5)
            return self.inner.screen_many(records, min_score, limit)

    engine = make_engine(url)
    store = ListStore.open(data_dir=data_dir, url=url)
    print("started", flush=True)
    print(after_load(engine, store, "us_ofac_sdn", 1, 2, Slow).as_dict(), flush=True)
""")


def test_kill_during_rescreen_after_a_list_load(tmp_path: Path) -> None:
    _prepare(tmp_path)
    url = sqlite_url(tmp_path)
    from stopship.api.testing import entity

    engine = make_engine(url)
    from stopship.cases.customers import CustomerRecord
    from stopship.cases.screening import import_customers

    records = [CustomerRecord(f"C{i}", f"Northwind {i} Trading") for i in range(3000)]
    import_customers(engine, records, None, actor="test", lists={})
    engine.dispose()
    store = ListStore.open(data_dir=tmp_path, url=url)
    store.load("us_ofac_sdn", [*ENTITIES[:2], entity("7", "Northwind 17 Trading")])
    store.close()
    script = tmp_path / "rescreen.py"
    script.write_text(RESCREEN)
    proc = subprocess.Popen([sys.executable, str(script), url, str(tmp_path), "slow"],
                            stdout=subprocess.PIPE)
    assert proc.stdout and proc.stdout.readline().strip() == b"started"
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    before = _state(url)
    assert before[3] and before[2] == 0  # the killed run left nothing half-written
    done = subprocess.run([sys.executable, str(script), url, str(tmp_path), "fast"],
                          capture_output=True, text=True, timeout=300)
    assert "'skipped': False" in done.stdout, done.stderr
    again = subprocess.run([sys.executable, str(script), url, str(tmp_path), "fast"],
                           capture_output=True, text=True, timeout=300)
    assert "'skipped': True" in again.stdout
    events, _, alerts, ok = _state(url)
    assert ok and alerts >= 1
    assert events[:len(before[0])] == before[0]
    assert len(events) == len({h for _, h in events})
    assert len(events) > len(before[0])  # the completed run was audited
