from __future__ import annotations

import asyncio
import shutil
import sqlite3
import threading
import time
from concurrent.futures import Future

import pytest
from sqlalchemy.engine import Engine

from stopship import audit
from stopship.audit import chain
from stopship.audit.writer import AuditWriter
from stopship.errors import InputError, StopshipError


def _events(engine: Engine) -> list[audit.AuditEvent]:
    with engine.connect() as conn:
        return list(audit.iter_events(conn))


def _verify(engine: Engine) -> audit.VerifyResult:
    with engine.connect() as conn:
        return audit.verify(conn)


def test_append_many_links_a_group_onto_the_chain(engine: Engine) -> None:
    with engine.begin() as conn:
        audit.append(conn, "alice", "login")
        specs = [audit.EventSpec.of("bob", "screening", subject_id=i, details={"i": i})
                 for i in range(3)]
        group = audit.append_many(conn, specs)
    assert [e.seq for e in group] == [2, 3, 4]
    assert [e.subject_id for e in group] == ["0", "1", "2"]
    assert _events(engine) == _events(engine)[:1] + group
    assert _verify(engine).ok


def test_queued_events_share_commits_and_keep_the_chain(engine: Engine) -> None:
    writer = AuditWriter(engine)
    futures: list[Future[audit.AuditEvent]] = []
    for i in range(300):
        futures.append(writer.submit("alice", "screening", subject_type="record",
                                     subject_id=i, lists={"us_ofac_sdn": "3"},
                                     details={"name": f"Name {i}", "hits": i % 3}))
    done = [f.result(30) for f in futures]
    writer.close()
    events = _events(engine)
    assert [e.seq for e in done] == list(range(1, 301))  # queue order is chain order
    assert [(e.seq, e.hash) for e in events] == [(e.seq, e.hash) for e in done]
    assert _verify(engine).ok
    assert writer.events == 300
    assert writer.batches < 150  # group commit happened: far fewer commits than events


def test_an_event_is_committed_before_its_caller_hears_of_it(engine: Engine) -> None:
    writer = AuditWriter(engine)
    seen_at_return: list[bool] = []

    def caller(i: int) -> None:
        event = writer.append("alice", "screening", subject_id=i)
        with engine.connect() as other:  # another connection sees it: committed
            seen_at_return.append(event.hash in {e.hash for e in audit.iter_events(other)})

    threads = [threading.Thread(target=caller, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    writer.close()
    assert seen_at_return == [True] * 20


def test_async_callers_wait_for_their_commit(engine: Engine) -> None:
    writer = AuditWriter(engine)

    async def main() -> list[audit.AuditEvent]:
        return await asyncio.gather(*[
            writer.append_async("key:bench", "screening", subject_type="record",
                                subject_id=f"q{i}", details={"records": 1})
            for i in range(100)])

    events = asyncio.run(main())
    writer.close()
    assert sorted(e.subject_id for e in events) == sorted(f"q{i}" for i in range(100))
    assert {e.hash for e in events} == {e.hash for e in _events(engine)}
    assert _verify(engine).ok


def test_a_failing_event_fails_alone(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    real = chain.append_many
    gate = threading.Event()
    groups: list[int] = []

    def refuse_poison(conn, specs):  # type: ignore[no-untyped-def]
        if specs[0].action == "first":
            gate.wait(30)  # hold the writer so the next events queue up into one group
        groups.append(len(specs))
        if any(s.details.get("poison") for s in specs):
            raise RuntimeError("refused")
        return real(conn, specs)

    monkeypatch.setattr("stopship.audit.writer.append_many", refuse_poison)
    writer = AuditWriter(engine)
    first = writer.submit("alice", "first")
    futures = [writer.submit("alice", "screening", details={"poison": i == 5, "i": i})
               for i in range(10)]
    gate.set()
    first.result(30)
    results: list[object] = []
    for f in futures:
        try:
            results.append(f.result(30).details["i"])
        except RuntimeError:
            results.append("refused")
    writer.close()
    assert results == [0, 1, 2, 3, 4, "refused", 6, 7, 8, 9]
    assert groups[0] == 11  # all were tried as one group, then one by one
    assert len(_events(engine)) == 10 and _verify(engine).ok


def test_bad_events_are_refused_at_submit_and_a_closed_writer_refuses(engine: Engine) -> None:
    writer = AuditWriter(engine)
    with pytest.raises(InputError):
        writer.submit("", "screening")
    pending = writer.submit("alice", "screening")
    writer.close()  # commits what is queued
    assert pending.result(1).seq == 1
    with pytest.raises(StopshipError):
        writer.submit("alice", "screening")


def test_sqlite_wal_is_checkpointed_by_the_writer(tmp_path) -> None:
    from stopship.cases.db import make_engine, upgrade
    from stopship.cases.testing import sqlite_url

    url = sqlite_url(tmp_path)
    upgrade(url)
    engine = make_engine(url)
    writer = AuditWriter(engine, checkpoint_seconds=0.05)
    for i in range(50):
        writer.append("alice", "screening", subject_id=i)
    deadline = time.monotonic() + 10
    copy = tmp_path / "copy.db"
    while True:  # the database file alone (no WAL beside it) holds the events
        shutil.copyfile(tmp_path / "stopship.db", copy)
        with sqlite3.connect(copy) as db:
            found = db.execute("SELECT count(*) FROM audit_events").fetchone()[0]
        copy.unlink()
        if found == 50 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    writer.close()
    engine.dispose()
    assert found == 50
