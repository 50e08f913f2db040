from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from stopship import audit
from stopship.audit.tables import drop_trigger_ddl, trigger_ddl


def _append_n(engine: Engine, n: int) -> None:
    with engine.begin() as conn:
        for i in range(n):
            audit.append(conn, "alice", "screening", subject_type="customer",
                         subject_id=str(i), lists={"us_ofac_sdn": "2024-05-01"},
                         rules_version="rules-1", details={"n": i, "name": "Ivan Петров"})


def _tamper(engine: Engine, sql: str) -> None:
    """Bypass the append-only triggers the way an attacker with DBA rights would."""
    dialect = engine.dialect.name
    with engine.begin() as conn:
        for ddl in drop_trigger_ddl(dialect):
            conn.exec_driver_sql(ddl)
        conn.exec_driver_sql(sql)
        for ddl in trigger_ddl(dialect):
            conn.exec_driver_sql(ddl)


def test_chain_links_each_event_to_the_previous(engine: Engine) -> None:
    _append_n(engine, 5)
    with engine.connect() as conn:
        events = list(audit.iter_events(conn))
        result = audit.verify(conn)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == audit.GENESIS
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
    assert result.ok and result.events == 5 and result.head == events[-1].hash
    assert events[2].lists == {"us_ofac_sdn": "2024-05-01"}
    assert events[2].rules_version == "rules-1"


def test_hash_covers_content_and_previous_hash() -> None:
    base = {"seq": 1, "at": "t", "actor": "a", "action": "x", "subject_type": None,
            "subject_id": None, "lists": {}, "rules_version": None, "details": {},
            "prev_hash": audit.GENESIS}
    h = audit.compute_hash(base)
    for key, value in [("actor", "b"), ("details", {"k": 1}), ("prev_hash", "1" * 64),
                       ("lists", {"l": "v"}), ("seq", 2)]:
        assert audit.compute_hash({**base, key: value}) != h, key


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET actor = 'mallory' WHERE seq = 2",
    "DELETE FROM audit_events WHERE seq = 2",
    "DELETE FROM audit_events",
])
def test_database_refuses_update_and_delete(engine: Engine, statement: str) -> None:
    _append_n(engine, 3)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    with engine.connect() as conn:
        assert audit.verify(conn).events == 3


def test_postgres_refuses_truncate(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE exists only on PostgreSQL")
    _append_n(engine, 2)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_events"))


@pytest.mark.parametrize("tamper, broken, reason", [
    ("UPDATE audit_events SET actor = 'mallory' WHERE seq = 3", 3, "edited"),
    ("UPDATE audit_events SET details = '{\"n\": 99}' WHERE seq = 2", 2, "edited"),
    ("DELETE FROM audit_events WHERE seq = 3", 4, "deleted"),
    ("UPDATE audit_events SET at = '2000-01-01T00:00:00' WHERE seq = 5", 5, "edited"),
])
def test_verify_reports_first_broken_link(engine: Engine, tamper: str, broken: int,
                                          reason: str) -> None:
    _append_n(engine, 6)
    _tamper(engine, tamper)
    with engine.connect() as conn:
        result = audit.verify(conn)
    assert not result.ok
    assert result.broken_seq == broken
    assert reason in (result.reason or "")


def test_verify_detects_rehashed_edit_by_next_link(engine: Engine) -> None:
    """An attacker who edits an event and recomputes its hash still breaks the next link."""
    _append_n(engine, 4)
    with engine.connect() as conn:
        ev = list(audit.iter_events(conn))[1]
    content = ev.content()
    content["actor"] = "mallory"
    forged = audit.compute_hash(content)
    _tamper(engine, f"UPDATE audit_events SET actor='mallory', hash='{forged}' WHERE seq=2")
    with engine.connect() as conn:
        result = audit.verify(conn)
    assert not result.ok and result.broken_seq == 3


def test_truncated_tail_detected_with_recorded_head(engine: Engine) -> None:
    _append_n(engine, 4)
    with engine.connect() as conn:
        recorded = audit.head(conn)
    _tamper(engine, "DELETE FROM audit_events WHERE seq = 4")
    with engine.connect() as conn:
        assert audit.verify(conn).ok  # a shorter chain is internally consistent...
        result = audit.verify(conn, expected_head=recorded)
    assert not result.ok and "deleted" in (result.reason or "")


def test_event_rolls_back_with_its_transaction(engine: Engine) -> None:
    _append_n(engine, 1)
    with pytest.raises(RuntimeError), engine.begin() as conn:
        audit.append(conn, "bob", "decision")
        raise RuntimeError("the decision failed")
    with engine.connect() as conn:
        assert [e.actor for e in audit.iter_events(conn)] == ["alice"]


def test_concurrent_appends_never_fork_the_chain(engine: Engine) -> None:
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(10):
                with engine.begin() as conn:
                    audit.append(conn, threading.current_thread().name, "screening")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, name=f"t{i}") for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with engine.connect() as conn:
        result = audit.verify(conn)
    assert result.ok and result.events == 40


def test_append_requires_actor_and_action(engine: Engine) -> None:
    from stopship.errors import InputError

    with pytest.raises(InputError), engine.begin() as conn:
        audit.append(conn, "", "login")
