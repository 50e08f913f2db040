"""Group commit for audit events that do not share a transaction with another change
(screenings): one thread appends whatever events are queued in one transaction, then
tells each caller its event is committed.

The guarantee is the same as appending in the caller's own transaction: ``append`` (and
``await append_async``) returns only after the transaction holding the event has
committed, so a caller that answers its client afterwards never answers for an event that
could still be lost by a crash of the process. What changes is the cost: under load one
commit (and one read of the chain head) carries many events, and callers no longer queue
on the database write lock.

Events that record a change to other tables (decisions, alerts, cases) must keep using
``stopship.audit.append`` inside the transaction of that change.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sys
import threading
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection, Engine

from stopship.audit.chain import AuditEvent, EventSpec, append_many
from stopship.errors import StopshipError

if sys.platform != "win32":
    import fcntl
else:  # pragma: no cover - no flock on Windows: SQLite's busy handler queues the writers
    fcntl = None

log = logging.getLogger("stopship.audit")

MAX_BATCH = 500
CHECKPOINT_SECONDS = 1.0


@dataclass(slots=True)
class _Pending:
    spec: EventSpec
    future: Future[AuditEvent] | None = None  # a thread waiting
    loop: asyncio.AbstractEventLoop | None = None  # or a coroutine on this loop
    waiter: asyncio.Future[AuditEvent] | None = None


class AuditWriter:
    """A single writer thread per process, started on first use."""

    def __init__(self, engine: Engine, *, max_batch: int = MAX_BATCH,
                 checkpoint_seconds: float = CHECKPOINT_SECONDS) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self.checkpoint_seconds = checkpoint_seconds
        self._conn: Connection | None = None
        self._stop = threading.Event()
        self._checkpointer: threading.Thread | None = None
        self._file_lock = _file_lock_path(engine)
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False
        self.batches = 0  # commits made, for tests and benchmarks
        self.events = 0

    # -- callers ------------------------------------------------------------------------
    def submit(self, actor: str, action: str, **fields: Any) -> Future[AuditEvent]:
        """Queue an event; the future resolves once it is committed."""
        pending = _Pending(EventSpec.of(actor, action, **fields), future=Future())
        self._put(pending)
        assert pending.future is not None
        return pending.future

    def append(self, actor: str, action: str, *, timeout: float | None = None,
               **fields: Any) -> AuditEvent:
        """Append and wait until committed (from a thread)."""
        return self.submit(actor, action, **fields).result(timeout)

    async def append_async(self, actor: str, action: str, *, subject_type: str | None = None,
                           subject_id: str | int | None = None,
                           lists: Mapping[str, str] | None = None,
                           rules_version: str | None = None,
                           details: Mapping[str, Any] | None = None) -> AuditEvent:
        """Append and wait until committed, without blocking the event loop."""
        loop = asyncio.get_running_loop()
        spec = EventSpec.of(actor, action, subject_type=subject_type, subject_id=subject_id,
                            lists=lists, rules_version=rules_version, details=details)
        pending = _Pending(spec, loop=loop, waiter=loop.create_future())
        self._put(pending)
        assert pending.waiter is not None
        return await pending.waiter

    def _put(self, pending: _Pending) -> None:
        if self._thread is None:
            with self._lock:
                if self._closed:
                    raise StopshipError("the audit writer is closed")
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="stopship-audit",
                                                    daemon=True)
                    self._thread.start()
                    if self.engine.dialect.name == "sqlite" and self.checkpoint_seconds > 0:
                        self._checkpointer = threading.Thread(
                            target=self._checkpoint, name="stopship-audit-checkpoint",
                            daemon=True)
                        self._checkpointer.start()
        if self._closed:
            raise StopshipError("the audit writer is closed")
        self._queue.put(pending)

    def close(self, timeout: float = 10.0) -> None:
        """Commit what is queued, then stop the thread."""
        with self._lock:
            self._closed = True
            thread = self._thread
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout)
        self._stop.set()
        if self._checkpointer is not None:
            self._checkpointer.join(timeout)

    # -- the writer thread ----------------------------------------------------------------
    def _run(self) -> None:
        try:
            self._loop()
        finally:
            self._drop_connection()

    def _loop(self) -> None:
        stop = False
        while not stop:
            first = self._queue.get()
            if first is None:
                break
            batch = [first]
            # everything that queued while the previous commit ran goes into this one
            while len(batch) < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
            self._write(batch)

    def _write(self, batch: list[_Pending]) -> None:
        try:
            events = self._commit(batch)
        except _CommitUncertain as exc:
            # the commit itself failed: it may or may not have happened, so nothing is
            # retried (a retry could duplicate events); every caller gets the error
            self._settle(batch, None, exc.cause)
            return
        except Exception as exc:  # noqa: BLE001 - rolled back: try each event on its own
            if len(batch) == 1:
                log.error("audit append failed: %s", exc)
                self._settle(batch, None, exc)
                return
            for pending in batch:
                self._write([pending])
            return
        self.batches += 1
        self.events += len(batch)
        self._settle(batch, events, None)

    def _connection(self) -> Connection:
        """The writer's own connection, kept open. On SQLite it leaves WAL checkpoints (and
        their fsyncs) to the checkpoint thread, so a commit never waits for one."""
        if self._conn is None or self._conn.invalidated or self._conn.closed:
            self._conn = self.engine.connect()
            if self.engine.dialect.name == "sqlite" and self.checkpoint_seconds > 0:
                # on the driver connection (autocommit): no transaction is opened
                self._conn.connection.driver_connection.execute(  # type: ignore[union-attr]
                    "PRAGMA wal_autocheckpoint=0")
        return self._conn

    def _drop_connection(self) -> None:
        """Invalidated, not returned to the pool: nobody else inherits its settings."""
        if self._conn is not None:
            try:
                self._conn.invalidate()
                self._conn.close()
            except Exception:  # noqa: BLE001 - it is being thrown away
                pass
            self._conn = None

    def _commit(self, batch: list[_Pending]) -> list[AuditEvent]:
        if self._file_lock is None:
            return self._commit_locked(batch)
        # the writers of several worker processes take turns on a file lock: a waiter
        # wakes the moment the lock is free, where SQLite's busy handler would sleep (up to
        # 25-100 ms a round), which made the p99 of two workers worse than one
        with open(self._file_lock, "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                return self._commit_locked(batch)
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _commit_locked(self, batch: list[_Pending]) -> list[AuditEvent]:
        try:
            conn = self._connection()
            trans = conn.begin()
        except Exception:
            self._drop_connection()
            raise
        try:
            events = append_many(conn, [p.spec for p in batch])
        except BaseException:
            try:
                trans.rollback()
            except Exception:  # noqa: BLE001 - the connection is dropped below
                self._drop_connection()
            raise
        try:
            trans.commit()
        except Exception as exc:
            self._drop_connection()
            raise _CommitUncertain(exc) from exc
        return events

    def _checkpoint(self) -> None:
        """Copy the WAL into the database file every ``checkpoint_seconds`` (PASSIVE: never
        waits for, nor blocks, the writer)."""
        while not self._stop.wait(self.checkpoint_seconds):
            try:
                raw = self.engine.raw_connection()  # autocommit: no BEGIN IMMEDIATE
                try:
                    raw.driver_connection.execute(  # type: ignore[union-attr]
                        "PRAGMA wal_checkpoint(PASSIVE)")
                finally:
                    raw.close()
            except Exception as exc:  # noqa: BLE001 - the next round retries
                log.warning("WAL checkpoint failed: %s", exc)

    @staticmethod
    def _settle(batch: list[_Pending], events: list[AuditEvent] | None,
                error: BaseException | None) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[_Pending, Any]]] = {}
        for i, pending in enumerate(batch):
            outcome: Any = error if events is None else events[i]
            if pending.future is not None:
                if events is None:
                    assert error is not None
                    pending.future.set_exception(error)
                else:
                    pending.future.set_result(events[i])
            elif pending.loop is not None:
                by_loop.setdefault(pending.loop, []).append((pending, outcome))
        for loop, items in by_loop.items():  # one wake-up per event loop, not per event
            try:
                loop.call_soon_threadsafe(_resolve, items, events is None)
            except RuntimeError:  # the loop is closed: nobody is waiting any more
                pass


def _file_lock_path(engine: Engine) -> str | None:
    """``<database file>.audit-lock`` for a SQLite file database (POSIX), else None."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or fcntl is None or not database \
            or database == ":memory:" or database.startswith("file:"):
        return None
    return f"{database}.audit-lock"


class _CommitUncertain(Exception):
    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


def _resolve(items: list[tuple[_Pending, Any]], failed: bool) -> None:
    for pending, outcome in items:
        waiter = pending.waiter
        if waiter is None or waiter.done():  # cancelled (client went away)
            continue
        if failed:
            waiter.set_exception(outcome)
        else:
            waiter.set_result(outcome)
