"""Abandoned loads and per-list load serialisation, on SQLite and PostgreSQL: a
``loading`` version whose process is gone becomes ``abandoned`` (and shows so in
``stopship lists show LIST``); a load while another one of the list runs waits or
fails with a clear StoreError, also for two real processes loading a new list."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, update
from store_helpers import make_entity
from typer.testing import CliRunner

from stopship.cli.main import app
from stopship.errors import StoreError
from stopship.model import Entity
from stopship.store import ListStore, locks
from stopship.store import tables as t


def _three() -> list[Entity]:
    return [make_entity("1", "ACME TRADING LLC"), make_entity("2", "IVAN PETROV", schema="person"),
            make_entity("3", "BLUE SEA", schema="vessel")]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _fake_loading(store: ListStore, *, pid: int, hostname: str,
                  age: timedelta = timedelta(0), list_id: str = "test_list") -> int:
    """A ``loading`` version row (with one partial entity row) as a load in another
    process would leave it; returns the version number."""
    with store.engine.begin() as conn:
        number = int(conn.execute(select(func.max(t.versions.c.version))
                                  .where(t.versions.c.list_id == list_id)).scalar() or 0) + 1
        version_id = conn.execute(insert(t.versions).values(
            list_id=list_id, version=number, status="loading",
            created_at=datetime.now(UTC) - age, files="[]", entity_count=0, counts="{}",
            report="{}", pid=pid, hostname=hostname).returning(t.versions.c.id)).scalar_one()
        conn.execute(insert(t.entities).values(
            version_id=version_id, entity_id=f"{list_id}:partial", schema="person",
            caption="PARTIAL", content_hash="0" * 64, data="{}"))
    return number


def _entity_rows(store: ListStore, number: int) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.entities).join(
            t.versions, t.versions.c.id == t.entities.c.version_id)
            .where(t.versions.c.version == number)).scalar() or 0)


def test_dead_process_on_this_host_is_abandoned_on_open(store: ListStore,
                                                         tmp_path: Path) -> None:
    store.load("test_list", _three())
    pid = _dead_pid()
    number = _fake_loading(store, pid=pid, hostname=locks.HOST)
    assert _entity_rows(store, number) == 1
    with ListStore.open(url=store.url) as reopened:
        half = reopened.versions("test_list")[-1]
        assert (half.version, half.status, half.is_current) == (2, "abandoned", False)
        assert (half.pid, half.hostname) == (pid, locks.HOST)
        assert f"pid {pid} on {locks.HOST}" in (half.error or "")
        assert _entity_rows(reopened, number) == 0  # partial rows removed
        assert reopened.current_version("test_list").version == 1  # type: ignore[union-attr]
        shown = CliRunner().invoke(app, ["--data-dir", str(tmp_path), "lists", "show",
                                         "test_list", "--database-url", store.url])
        assert shown.exit_code == 0, shown.output
        assert "abandoned" in shown.stdout and f"pid {pid}" in shown.stdout
        assert reopened.load("test_list", _three() + [make_entity("4", "NEW")]).version == 3


def test_load_reaps_a_dead_load_of_its_list(store: ListStore) -> None:
    store.load("test_list", _three())
    _fake_loading(store, pid=_dead_pid(), hostname=locks.HOST)
    result = store.load("test_list", _three() + [make_entity("4", "NEW")])
    assert (result.status, result.version) == ("created", 3)
    assert [v.status for v in store.versions("test_list")] == ["complete", "abandoned",
                                                               "complete"]


def test_load_on_another_host(store: ListStore) -> None:
    """SQLite cannot see a process on another host: its recent load blocks, an old one
    is abandoned after the timeout. PostgreSQL knows from the free advisory lock."""
    store.load("test_list", _three())
    _fake_loading(store, pid=4242, hostname="other-host.invalid")
    with ListStore.open(url=store.url) as reopened:
        status = reopened.versions("test_list")[-1].status
        if reopened.is_pg:
            assert status == "abandoned"
            assert "no longer holds" in (reopened.versions("test_list")[-1].error or "")
            return
        assert status == "loading"
        with pytest.raises(StoreError, match="another load of test_list is in progress "
                                             r"\(version 2, pid 4242 on other-host.invalid"):
            reopened.load("test_list", _three() + [make_entity("4", "NEW")])
    _fake_loading(store, pid=4243, hostname="other-host.invalid", age=timedelta(hours=1))
    with ListStore.open(url=store.url, stale_after=timedelta(minutes=30)) as reopened:
        statuses = [(v.status, v.error or "") for v in reopened.versions("test_list")]
        assert [s for s, _ in statuses] == ["complete", "loading", "abandoned"]
        assert "more than the timeout of 0:30:00" in statuses[2][1]


def test_a_running_load_blocks_then_lets_a_waiting_load_through(store: ListStore) -> None:
    store.load("test_list", _three())
    number = _fake_loading(store, pid=os.getpid(), hostname=locks.HOST)  # alive: us
    held = locks.PgLoadLock(store.engine, "test_list") if store.is_pg else None
    if held is not None:
        assert held.try_acquire()
    assert store.reap_abandoned() == []
    newer = _three() + [make_entity("4", "NEW")]
    started = time.monotonic()
    with pytest.raises(StoreError, match="another load of test_list is in progress"):
        store.load("test_list", newer, lock_wait=0.5)
    assert time.monotonic() - started >= 0.5

    def finish() -> None:  # the other load ends (its row fails, its lock goes)
        time.sleep(0.5)
        with store.engine.begin() as conn:
            conn.execute(update(t.versions).where(t.versions.c.version == number)
                         .values(status="failed"))
        if held is not None:
            held.release()

    thread = threading.Thread(target=finish)
    thread.start()
    try:
        result = store.load("test_list", newer, lock_wait=30)
    finally:
        thread.join()
    assert (result.status, result.version) == ("created", 3)


CHILD = textwrap.dedent("""
    import json, os, sys, time
    from stopship.errors import StopshipError
    from stopship.model import Entity, Name
    from stopship.store import ListStore

    url, list_id, wait, go = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
    entities = [Entity(list_id, f"{n:06d}", "person", names=[Name(f"PERSON {n}")])
                for n in range(3000)]
    store = ListStore.open(url=url)
    print("READY", flush=True)
    while not os.path.exists(go):
        time.sleep(0.002)
    try:
        result = store.load(list_id, entities, lock_wait=wait)
    except StopshipError as exc:
        print(json.dumps({"error": str(exc)}), flush=True)
        sys.exit(1)
    print(json.dumps({"status": result.status}), flush=True)
""")


def _race(url: str, list_id: str, wait: float, tmp_path: Path) -> list[tuple[int, dict]]:  # type: ignore[type-arg]
    go = tmp_path / f"go-{list_id}"
    children = [subprocess.Popen([sys.executable, "-c", CHILD, url, list_id, str(wait),
                                  str(go)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True) for _ in range(2)]
    try:
        for child in children:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "READY", child.stderr.read()  # type: ignore[union-attr]
        go.touch()
        out = []
        for child in children:
            stdout, stderr = child.communicate(timeout=120)
            assert "Traceback" not in stderr and "IntegrityError" not in stderr, stderr
            out.append((child.returncode, json.loads(stdout.strip().splitlines()[-1])))
        return out
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()


@pytest.mark.slow
def test_two_processes_load_a_new_list_at_once(store: ListStore, tmp_path: Path) -> None:
    for round_ in range(2):  # no waiting: one loads, the other is told or finds it done
        list_id = f"fresh{round_}"
        results = _race(store.url, list_id, 0.0, tmp_path)
        for code, out in results:
            if code == 0:
                assert out["status"] in ("created", "unchanged")
            else:
                assert out["error"].startswith(f"another load of {list_id} is in progress")
        assert [out.get("status") for _, out in results].count("created") == 1
        assert [v.status for v in store.versions(list_id)] == ["complete"]
    waited = _race(store.url, "fresh_wait", 60.0, tmp_path)  # with --wait: both succeed
    assert sorted(out["status"] for _, out in waited) == ["created", "unchanged"]
    assert [code for code, _ in waited] == [0, 0]
    assert [(v.version, v.status) for v in store.versions("fresh_wait")] == [(1, "complete")]
