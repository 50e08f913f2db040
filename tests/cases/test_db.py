from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from stopship import audit
from stopship.cases.db import VERSION_TABLE, current_revision, make_engine, upgrade
from stopship.cases.testing import sqlite_url
from stopship.errors import ConfigError


def test_migrations_create_tables_with_own_version_table(engine: Engine) -> None:
    names = set(inspect(engine).get_table_names())
    assert {"users", "api_keys", "customers", "alerts", "cases", "decisions", "clears",
            "audit_events", VERSION_TABLE} <= names
    assert "alembic_version" not in names  # the list store's table is not ours
    assert current_revision(engine) == "0002"


def test_upgrade_is_idempotent(tmp_path) -> None:
    url = sqlite_url(tmp_path)
    upgrade(url)
    upgrade(url)
    engine = make_engine(url)
    assert current_revision(engine) == "0002"
    engine.dispose()


def _synchronous(engine: Engine) -> tuple[str, int]:
    with engine.connect() as conn:
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        level = conn.exec_driver_sql("PRAGMA synchronous").scalar()
    return str(mode), int(level or 0)


def test_sqlite_synchronous_is_normal_by_default_and_configurable(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """WAL + synchronous=NORMAL by default (1); STOPSHIP_SQLITE_SYNCHRONOUS=FULL (2) or
    EXTRA (3) for power-loss durability; anything else is refused. Same for both engines
    (server tables and list store) on one database file."""
    from stopship.store.db import make_engine as store_engine

    url = sqlite_url(tmp_path)
    monkeypatch.delenv("STOPSHIP_SQLITE_SYNCHRONOUS", raising=False)
    for factory in (make_engine, store_engine):
        engine = factory(url)
        assert _synchronous(engine) == ("wal", 1)
        engine.dispose()
    for value, level in (("FULL", 2), ("full", 2), ("EXTRA", 3), ("NORMAL", 1)):
        monkeypatch.setenv("STOPSHIP_SQLITE_SYNCHRONOUS", value)
        for factory in (make_engine, store_engine):
            engine = factory(url)
            assert _synchronous(engine) == ("wal", level), (value, factory)
            engine.dispose()
    for bad in ("OFF", "0", "fast; DROP TABLE users"):
        monkeypatch.setenv("STOPSHIP_SQLITE_SYNCHRONOUS", bad)
        for factory in (make_engine, store_engine):
            with pytest.raises(ConfigError, match="STOPSHIP_SQLITE_SYNCHRONOUS"):
                factory(url)


KILLED = textwrap.dedent('''
    import os, signal, sys
    from stopship.api.testing import ENTITIES
    from stopship.audit.writer import AuditWriter
    from stopship.cases import decisions
    from stopship.cases.customers import CustomerRecord
    from stopship.cases.db import make_engine
    from stopship.cases.screening import import_customers
    from stopship.screening.engine import build_screener

    engine = make_engine(sys.argv[1])
    imported = import_customers(engine, [CustomerRecord("C1", "Alpha Trading LLC")],
                                build_screener(ENTITIES), actor="alice",
                                lists={"us_ofac_sdn": "1"})
    with engine.begin() as conn:  # a decision and its audit event: one commit
        decisions.decide(conn, imported.alerts[0], "false_positive", "other registry number",
                         "alice")
    writer = AuditWriter(engine)  # a screening event through the group-commit writer
    writer.append("alice", "screening", subject_type="record", subject_id="C1")
    print("committed", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # no close, no checkpoint, no clean shutdown
''')


@pytest.mark.slow
def test_committed_decisions_and_audit_events_survive_a_killed_process(tmp_path) -> None:
    """WAL + synchronous=NORMAL: a commit is in the WAL file (the OS's page cache) before
    the call returns, so SIGKILL right after loses nothing. (Power loss is another matter:
    docs/architecture/store.md.)"""
    url = sqlite_url(tmp_path)
    upgrade(url)
    script = tmp_path / "killed.py"
    script.write_text(KILLED, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "STOPSHIP_SQLITE_SYNCHRONOUS"}
    done = subprocess.run([sys.executable, str(script), url], capture_output=True,
                          text=True, timeout=120, env=env)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert done.stdout.strip() == "committed"
    wal = tmp_path / "stopship.db-wal"
    assert wal.exists() and wal.stat().st_size > 0  # the commits lived only in the WAL
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM decisions").scalar() == 1
            actions = [e.action for e in audit.iter_events(conn)]
            assert "screening" in actions and len(actions) >= 3
            assert audit.verify(conn).ok
    finally:
        engine.dispose()
