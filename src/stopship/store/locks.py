"""Who is loading a list: per-list load locks, and loads whose process is gone.

Every ``loading`` version row records the pid and hostname of its process (its
``created_at`` is when the load started). Such a row is judged **abandoned** when

- on PostgreSQL, nobody holds the list's advisory lock (every load holds it for its
  whole run, and PostgreSQL drops it when the process's connection dies), or
- it was started on this host by a process that no longer exists, or
- it is older than ``stale_after`` (default 6 h, ``$STOPSHIP_STALE_LOAD_SECONDS``):
  the only test possible for a load started on another host of a SQLite database.

An abandoned row gets status ``abandoned`` and the reason in ``error``; any entity
rows of it are deleted (a load writes its entities in the same transaction that
completes it, so a killed load normally leaves none).

Loads of one list are serialised: on PostgreSQL by a session advisory lock keyed by
the list id (``lock_key``); on SQLite by the ``loading`` row itself, checked and
written in one ``BEGIN IMMEDIATE`` transaction (SQLite has a single writer).
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update
from sqlalchemy.engine import Engine, Row
from sqlalchemy.exc import OperationalError

from stopship.errors import ConfigError, StoreError
from stopship.store import tables as t
from stopship.store.types import ABANDONED, LOADING, LoadMeta

if TYPE_CHECKING:
    from stopship.store.liststore import ListStore

HOST = socket.gethostname()
ENV_STALE = "STOPSHIP_STALE_LOAD_SECONDS"
DEFAULT_STALE_AFTER = timedelta(hours=6)

LockFree = Callable[[str], bool | None]  # list id -> is its load lock free? (None: unknown)


def stale_after_default() -> timedelta:
    """``$STOPSHIP_STALE_LOAD_SECONDS`` or 6 hours."""
    raw = os.environ.get(ENV_STALE)
    if not raw:
        return DEFAULT_STALE_AFTER
    try:
        seconds = float(raw)
    except ValueError:
        raise ConfigError(f"{ENV_STALE} must be a number of seconds, not {raw!r}") from None
    if seconds <= 0:
        raise ConfigError(f"{ENV_STALE} must be positive, not {raw!r}")
    return timedelta(seconds=seconds)


def lock_key(list_id: str) -> int:
    """The PostgreSQL advisory lock key of a list: a signed 64-bit hash of its id."""
    digest = hashlib.sha256(f"stopship.store.load:{list_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def pid_alive(pid: int | None) -> bool:
    """Whether process ``pid`` exists on this host (a zombie counts as gone)."""
    if pid is None or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            state = handle.read().rsplit(")", 1)[-1].split()[0]
        return state not in ("Z", "X")
    except (OSError, IndexError):
        return True


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def gone_reason(row: Any, now: datetime, stale_after: timedelta,
                lock_free: bool | None) -> str | None:
    """Why the process of ``loading`` version ``row`` is judged gone; None while it may
    still be running."""
    who = f"pid {row.pid} on {row.hostname}" if row.pid else "an unknown process"
    started = _utc(row.created_at)
    if lock_free:
        return (f"abandoned: its process ({who}) no longer holds the list's load lock "
                f"(started {started:%Y-%m-%d %H:%M:%S} UTC)")
    if row.hostname == HOST and row.pid and not pid_alive(int(row.pid)):
        return (f"abandoned: its process ({who}) is gone "
                f"(started {started:%Y-%m-%d %H:%M:%S} UTC)")
    if now - started > stale_after:
        return (f"abandoned: still loading after {now - started} ({who}), more than the "
                f"timeout of {stale_after} (${ENV_STALE})")
    return None


def loading_rows(conn: Connection, list_id: str | None = None) -> list[Row[Any]]:
    query = select(t.versions).where(t.versions.c.status == LOADING)
    if list_id is not None:
        query = query.where(t.versions.c.list_id == list_id)
    return list(conn.execute(query.order_by(t.versions.c.id)).all())


def reap(conn: Connection, rows: list[Row[Any]], now: datetime, stale_after: timedelta,
         lock_free: LockFree) -> list[Row[Any]]:
    """Mark the rows among ``rows`` whose process is gone ``abandoned`` (and delete any
    entities of theirs) in the caller's write transaction; return the others."""
    alive: list[Row[Any]] = []
    for row in rows:
        reason = gone_reason(row, now, stale_after, lock_free(row.list_id))
        if reason is None:
            alive.append(row)
            continue
        conn.execute(delete(t.entities).where(t.entities.c.version_id == row.id))
        conn.execute(update(t.versions).where(and_(
            t.versions.c.id == row.id, t.versions.c.status == LOADING)).values(
            status=ABANDONED, completed_at=now, error=reason))
    return alive


class PgLoadLock:
    """The session advisory lock of one list on PostgreSQL, on its own connection
    (autocommit, so it never sits idle in a transaction) for the whole load."""

    def __init__(self, engine: Engine, list_id: str) -> None:
        self.engine = engine
        self.key = lock_key(list_id)
        self.conn: Connection | None = None

    def try_acquire(self) -> bool:
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        if conn.execute(select(func.pg_try_advisory_lock(self.key))).scalar():
            self.conn = conn
            return True
        conn.close()
        return False

    def release(self) -> None:
        if self.conn is None:
            return
        try:
            self.conn.execute(select(func.pg_advisory_unlock(self.key)))
        except Exception:  # noqa: BLE001 - closing the connection releases it anyway
            self.conn.invalidate()
        finally:
            self.conn.close()
            self.conn = None


def pg_lock_free(engine: Engine) -> LockFree:
    """For PostgreSQL: whether nobody holds a list's load lock (tried, then let go)."""
    def free(list_id: str) -> bool:
        lock = PgLoadLock(engine, list_id)
        if lock.try_acquire():
            lock.release()
            return True
        return False

    return free


def describe(row: Any) -> str:
    """``version 3, pid 123 on host, started 2026-...`` for messages."""
    who = f"pid {row.pid} on {row.hostname}" if row.pid else "an unknown process"
    return f"version {row.version}, {who}, started {_utc(row.created_at):%Y-%m-%d %H:%M:%S} UTC"


class _Busy(Exception):
    """A live load of the list holds it (``args[0]``: its version row)."""


def begin_version(store: ListStore, list_id: str, meta: LoadMeta, lock_wait: float
                  ) -> tuple[int, int, PgLoadLock | None]:
    """Take the list's load lock (waiting up to ``lock_wait`` seconds), mark loads
    of the list whose process is gone abandoned, and commit a ``loading`` version
    row. StoreError while another load of the list runs past the wait."""
    deadline = time.monotonic() + max(lock_wait, 0.0)
    while True:
        lock = PgLoadLock(store.engine, list_id) if store.is_pg else None
        busy: Row[Any] | None = None
        try:
            if lock is None or lock.try_acquire():
                version_id, number = _insert_version(store, list_id, meta, lock is not None)
                return version_id, number, lock
            if lock is not None:
                lock.release()
                with store.engine.connect() as conn:
                    rows = loading_rows(conn, list_id)
                busy = rows[-1] if rows else None
        except _Busy as exc:  # SQLite: the loading row of a live process
            busy = exc.args[0]
        except OperationalError as exc:  # SQLite: the write lock timed out
            if lock is not None:
                lock.release()
            if "locked" not in str(exc):
                raise
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        if time.monotonic() >= deadline:
            what = f" ({describe(busy)})" if busy is not None else ""
            raise StoreError(f"another load of {list_id} is in progress{what}; try again "
                             "when it has finished (or wait for it with --wait SECONDS)")
        time.sleep(0.2)


def _insert_version(store: ListStore, list_id: str, meta: LoadMeta, lock_held: bool
                    ) -> tuple[int, int]:
    """In one write transaction: reap the list's dead loads; then, unless a live
    one remains (``_Busy``), insert the ``loading`` row and return (id, number)."""
    now = datetime.now(UTC)
    with store._write() as conn:
        known = conn.execute(select(t.lists.c.list_id)  # row lock on PostgreSQL:
                             .where(t.lists.c.list_id == list_id)  # one number per load
                             .with_for_update()).first()
        # lock_held (PostgreSQL): every other loading row of the list is dead
        alive = reap(conn, loading_rows(conn, list_id), now, store.stale_after,
                     lambda _id: True if lock_held else None)
        if alive:
            raise _Busy(alive[-1])
        if known is None:
            conn.execute(insert(t.lists).values(list_id=list_id, title=meta.title,
                                                publisher=meta.publisher,
                                                updated_at=datetime.now(UTC)))
        last = conn.execute(select(func.max(t.versions.c.version))
                            .where(t.versions.c.list_id == list_id)).scalar()
        number = int(last or 0) + 1
        version_id = conn.execute(insert(t.versions).values(
            list_id=list_id, version=number, status=LOADING, created_at=now,
            pid=os.getpid(), hostname=HOST,
            source_id=meta.source_id, title=meta.title, publisher=meta.publisher,
            list_date=meta.list_date, url=meta.url,
            files=json.dumps([f.as_dict() for f in meta.files]), entity_count=0,
            counts="{}", report=json.dumps(meta.report, default=str),
        ).returning(t.versions.c.id)).scalar_one()
    return int(version_id), number


def reap_all(store: ListStore) -> list[Any]:
    """Mark every ``loading`` version of ``store`` whose process is gone abandoned;
    return their rows. Takes the write lock only when there is one to mark, so opening
    a store never waits for a running load."""
    now = datetime.now(UTC)
    lock_free: LockFree = (pg_lock_free(store.engine) if store.is_pg
                           else (lambda _list_id: None))
    with store.engine.connect() as conn:
        rows = loading_rows(conn)
    dead = [r.id for r in rows
            if gone_reason(r, now, store.stale_after, lock_free(r.list_id))]
    if not dead:
        return []
    with store._write() as conn:
        reap(conn, [r for r in loading_rows(conn) if r.id in dead], now, store.stale_after,
             lock_free)
        marked = conn.execute(select(t.versions).where(t.versions.c.id.in_(dead))
                              .order_by(t.versions.c.id)).all()
    return [r for r in marked if r.status != LOADING]
