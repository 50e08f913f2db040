"""The versioned list store: every load of a list is a new, immutable version.

A load runs in two steps. First a version row is committed with status ``loading``
(so an attempt is visible and numbered). Then, in ONE transaction, all its entities
are inserted in batches, the version is flipped to ``complete`` and the list's current
pointer moved to it. A failure rolls that transaction back and marks the version
``failed``; a killed process leaves it ``loading`` with no entities, and the next
open or load of the store marks it ``abandoned`` (``stopship.store.locks``). Either
way the previous current version stays current and intact.

Loads of one list are serialised (``locks``): a second load while one runs waits up
to ``lock_wait`` seconds, then fails with a StoreError. A new version that drops
much of the current one is refused unless ``allow_shrink`` (``guard``).

Loading the same content again (same ids and content hashes as the current version)
writes nothing and reports ``unchanged``: the current version stays current.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update
from sqlalchemy.engine import Engine, Row
from sqlalchemy.exc import OperationalError

from stopship import settings
from stopship.errors import InputError, Location, NotFoundError, StoreError
from stopship.model import Entity
from stopship.store import locks
from stopship.store import tables as t
from stopship.store.db import make_engine, migrate
from stopship.store.delta import build_delta
from stopship.store.guard import check_max_drop, check_shrink
from stopship.store.types import (
    COMPLETE,
    CREATED,
    FAILED,
    LOADING,
    UNCHANGED,
    Delta,
    ListInfo,
    LoadMeta,
    LoadResult,
    VersionInfo,
)

LIST_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")
BATCH = 2000

VersionRef = int | str | None
Progress = Callable[[int], None]


class _Unchanged(Exception):
    pass


def _now() -> datetime:
    return datetime.now(UTC)


def digest_of(hashes: dict[str, str]) -> str:
    """One hash for a whole version: sha256 over the sorted (entity id, content hash)."""
    digest = hashlib.sha256()
    for key in sorted(hashes):
        digest.update(f"{key}\t{hashes[key]}\n".encode())
    return digest.hexdigest()


class ListStore:
    """Versioned lists in SQLite (default) or PostgreSQL. Thread-safe for reads; one
    engine per store. Open with ``ListStore.open(...)``, close with ``close()`` (or use
    it as a context manager)."""

    def __init__(self, engine: Engine, url: str, stale_after: timedelta | None = None
                 ) -> None:
        self.engine = engine
        self.url = url
        self.stale_after = stale_after or locks.stale_after_default()
        self.is_pg = engine.dialect.name == "postgresql"

    # -- opening ---------------------------------------------------------------------
    @classmethod
    def open(cls, data_dir: Path | None = None, url: str | None = None, *,
             stale_after: timedelta | None = None) -> ListStore:
        """Open (and migrate to the newest schema) the store at ``url``, else at
        ``$STOPSHIP_DATABASE_URL``, else ``sqlite:///<data_dir>/stopship.db`` where
        ``data_dir`` defaults to ``settings.data_dir()``. Loads whose process is gone
        are marked abandoned (``reap_abandoned``)."""
        directory = settings.data_dir(data_dir) if url is None else data_dir
        resolved = settings.database_url(url, directory)
        engine = make_engine(resolved)
        migrate(resolved, engine=engine)
        store = cls(engine, resolved, stale_after)
        store.reap_abandoned()
        return store

    def reap_abandoned(self) -> list[VersionInfo]:
        """Mark every ``loading`` version whose process is gone ``abandoned`` (see
        ``stopship.store.locks``) and return them. Takes the write lock only when
        there is one to mark, so opening never waits for a running load."""
        return [VersionInfo.from_row(r, False) for r in locks.reap_all(self)]

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction (``BEGIN IMMEDIATE`` on SQLite: take the write lock up
        front instead of failing on upgrade; readers are never blocked in WAL mode)."""
        with self.engine.connect() as conn:
            conn.execution_options(stopship_write=True)
            with conn.begin():
                yield conn

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> ListStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- lists and versions ----------------------------------------------------------
    def lists(self) -> list[ListInfo]:
        """Every list the store knows, sorted by id, with its current version."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.lists).order_by(t.lists.c.list_id)).all()
            counts: dict[str, int] = {
                str(k): int(n) for k, n in conn.execute(
                    select(t.versions.c.list_id, func.count())
                    .group_by(t.versions.c.list_id)).all()}
            current = {v.list_id: v for v in self._current_rows(conn)}
        return [ListInfo(r.list_id, r.title, r.publisher,
                         VersionInfo.from_row(current[r.list_id], True) if r.list_id in current else None,
                         int(counts.get(r.list_id, 0))) for r in rows]

    def versions(self, list_id: str) -> list[VersionInfo]:
        """All versions of ``list_id`` (any status), oldest first. NotFoundError if the
        list is unknown."""
        with self.engine.connect() as conn:
            current_id = self._current_id(conn, list_id)
            rows = conn.execute(select(t.versions).where(t.versions.c.list_id == list_id)
                                .order_by(t.versions.c.version)).all()
        return [VersionInfo.from_row(r, r.id == current_id) for r in rows]

    def version(self, list_id: str, version: VersionRef = None) -> VersionInfo:
        """One complete version (``None``: the current one). NotFoundError otherwise."""
        with self.engine.connect() as conn:
            row = self._version_row(conn, list_id, version)
            current_id = self._current_id(conn, list_id)
        return VersionInfo.from_row(row, row.id == current_id)

    def current_version(self, list_id: str) -> VersionInfo | None:
        """The current version of ``list_id``; None while no load has completed.
        NotFoundError if the list is unknown."""
        with self.engine.connect() as conn:
            current_id = self._current_id(conn, list_id)
            if current_id is None:
                return None
            row = conn.execute(select(t.versions).where(t.versions.c.id == current_id)).one()
        return VersionInfo.from_row(row, True)

    def current_versions(self) -> dict[str, VersionInfo]:
        """``{list_id: current VersionInfo}`` for every list that has one."""
        with self.engine.connect() as conn:
            return {r.list_id: VersionInfo.from_row(r, True) for r in self._current_rows(conn)}

    # -- entities ----------------------------------------------------------------------
    def iter_entities(self, list_id: str, version: VersionRef = None) -> Iterator[Entity]:
        """The entities of a complete version (default: current), sorted by id, read in
        chunks (no connection is held between chunks). NotFoundError for an unknown
        list or version, or a list with no complete version."""
        with self.engine.connect() as conn:
            version_id = self._version_row(conn, list_id, version).id
        key: Any = t.entities.c.entity_id
        if self.engine.dialect.name == "postgresql":
            key = key.collate("C")  # byte order, as SQLite: the same order on both
        after = ""
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(t.entities.c.entity_id, t.entities.c.data)
                    .where(and_(t.entities.c.version_id == version_id, key > after))
                    .order_by(key).limit(BATCH)).all()
            for row in rows:
                yield Entity.from_dict(json.loads(row.data))
            if len(rows) < BATCH:
                return
            after = rows[-1].entity_id

    def get_entity(self, entity_id: str, version: VersionRef = None) -> Entity:
        """One entity (``<list>:<native id>``) in a version of its list (default:
        current). NotFoundError if the list, version or entity does not exist."""
        list_id = entity_id.split(":", 1)[0]
        with self.engine.connect() as conn:
            row = self._version_row(conn, list_id, version)
            data = conn.execute(select(t.entities.c.data).where(and_(
                t.entities.c.version_id == row.id,
                t.entities.c.entity_id == entity_id))).scalar()
        if data is None:
            raise NotFoundError(f"entity {entity_id!r} is not in version {row.version} "
                                f"of list {list_id!r}")
        return Entity.from_dict(json.loads(data))

    def get_entities(self, entity_ids: Iterable[str],
                     versions: dict[str, int] | None = None) -> dict[str, Entity]:
        """Many entities in a few queries (one per list and 500 ids), from the version of
        their list named in ``versions`` (list id -> version number), else the current
        one; ids of unknown lists or versions, or not in that version, are left out."""
        by_list: dict[str, list[str]] = {}
        for entity_id in dict.fromkeys(entity_ids):
            by_list.setdefault(entity_id.split(":", 1)[0], []).append(entity_id)
        out: dict[str, Entity] = {}
        with self.engine.connect() as conn:
            current = {row.list_id: row.id for row in self._current_rows(conn)}
            for list_id, number in (versions or {}).items():
                if list_id in by_list:
                    row = conn.execute(select(t.versions.c.id).where(and_(
                        t.versions.c.list_id == list_id,
                        t.versions.c.version == number))).first()
                    if row is None:
                        current.pop(list_id, None)
                    else:
                        current[list_id] = row.id
            for list_id, ids in by_list.items():
                if list_id not in current:
                    continue
                for start in range(0, len(ids), 500):
                    rows = conn.execute(select(t.entities.c.entity_id, t.entities.c.data).where(
                        and_(t.entities.c.version_id == current[list_id],
                             t.entities.c.entity_id.in_(ids[start:start + 500])))).all()
                    out.update((r.entity_id, Entity.from_dict(json.loads(r.data)))
                               for r in rows)
        return out

    def entity_history(self, entity_id: str) -> list[tuple[int, str]]:
        """``[(version, content_hash), ...]`` over the complete versions of the entity's
        list that contain it, oldest first. NotFoundError if it is in none."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.versions.c.version, t.entities.c.content_hash)
                .join(t.versions, t.versions.c.id == t.entities.c.version_id)
                .where(and_(t.entities.c.entity_id == entity_id,
                            t.versions.c.status == COMPLETE))
                .order_by(t.versions.c.version)).all()
        if not rows:
            raise NotFoundError(f"entity {entity_id!r} is in no version of any list")
        return [(int(r.version), str(r.content_hash)) for r in rows]

    # -- loading ---------------------------------------------------------------------
    def load(self, list_id: str, entities: Iterable[Entity], meta: LoadMeta | None = None,
             *, progress: Progress | None = None, allow_empty: bool = False,
             allow_shrink: bool = False, max_drop: float | None = None,
             lock_wait: float = 0.0) -> LoadResult:
        """Write ``entities`` as a new version of ``list_id`` and make it current when
        every entity is written (see the module docstring). Every entity must carry
        ``list_id``; a repeated entity id is an InputError. An empty load is refused
        (StoreError) unless ``allow_empty``. A version that drops more than
        ``max_drop`` (default 0.2) of the current version's entities or is under half
        its size is refused (``guard.ShrinkRefused``) unless ``allow_shrink``. While
        another load of the list runs, wait up to ``lock_wait`` seconds, then raise
        StoreError. ``progress(n)`` is called after each batch with the number of
        entities written so far."""
        if not LIST_ID.match(list_id):
            raise StoreError(f"invalid list id {list_id!r}: use lower-case letters, digits, "
                             "'_', '-' and '.'")
        shrink_limit = None if allow_shrink else check_max_drop(max_drop)
        meta = meta or LoadMeta()
        started = time.perf_counter()
        known: dict[str, str] = {}
        if isinstance(entities, list | tuple):
            unchanged = self._unchanged_early(list_id, entities, known)
            if unchanged is not None:
                unchanged.seconds = time.perf_counter() - started
                return unchanged
        version_id, number, lock = locks.begin_version(self, list_id, meta, lock_wait)
        try:
            result = self._write_version(list_id, entities, meta, version_id, number,
                                         progress, allow_empty, shrink_limit, known)
        except OperationalError as exc:  # SQLite: busy_timeout ran out
            if "locked" not in str(exc):
                raise
            raise StoreError(f"cannot load {list_id}: the database stayed locked by another "
                             "writer for over a minute; the current version is kept") from exc
        finally:
            if lock is not None:
                lock.release()
        result.seconds = time.perf_counter() - started
        return result

    def _write_version(self, list_id: str, entities: Iterable[Entity], meta: LoadMeta,
                       version_id: int, number: int, progress: Progress | None,
                       allow_empty: bool, shrink_limit: float | None,
                       known: dict[str, str]) -> LoadResult:
        hashes: dict[str, str] = {}
        counts: Counter[str] = Counter()
        try:
            with self._write() as conn:
                batch: list[dict[str, Any]] = []
                for entity in entities:
                    batch.append(self._row(version_id, list_id, entity, hashes, counts,
                                           known))
                    if len(batch) >= BATCH:
                        conn.execute(insert(t.entities), batch)
                        batch = []
                        if progress:
                            progress(len(hashes))
                if batch:
                    conn.execute(insert(t.entities), batch)
                if progress:
                    progress(len(hashes))
                if not hashes and not allow_empty:
                    raise StoreError(f"no entities to load into list {list_id!r}; the "
                                     "current version is kept")
                return self._finish(conn, list_id, version_id, number, meta, hashes,
                                    counts, shrink_limit)
        except _Unchanged as unchanged:
            with self._write() as conn:
                conn.execute(t.versions.delete().where(t.versions.c.id == version_id))
            previous = int(unchanged.args[0])
            return LoadResult(list_id, UNCHANGED, previous, previous, len(hashes),
                              dict(counts))
        except BaseException as exc:
            self._mark_failed(version_id, exc)
            raise

    def _unchanged_early(self, list_id: str, entities: list[Entity] | tuple[Entity, ...],
                         known: dict[str, str]) -> LoadResult | None:
        """For entities already in memory: the ``unchanged`` result without writing
        anything when their digest equals the current version's, else None (``known``
        keeps the content hashes computed on the way)."""
        with self.engine.connect() as conn:
            try:
                current_id = self._current_id(conn, list_id)
            except NotFoundError:
                return None
            if current_id is None:
                return None
            row = conn.execute(select(t.versions.c.version, t.versions.c.digest)
                               .where(t.versions.c.id == current_id)).one()
        hashes = known
        hashes.update((e.id, e.content_hash()) for e in entities)
        if len(hashes) != len(entities) or any(e.list_id != list_id for e in entities):
            return None  # let the normal path report the problem
        if digest_of(hashes) != row.digest:
            return None
        counts = Counter(e.schema for e in entities)
        return LoadResult(list_id, UNCHANGED, int(row.version), int(row.version),
                          len(hashes), dict(counts))

    @staticmethod
    def _row(version_id: int, list_id: str, entity: Entity, hashes: dict[str, str],
             counts: Counter[str], known: dict[str, str]) -> dict[str, Any]:
        prov = entity.provenance
        where = Location(prov.file if prov else None, prov.line if prov else None, "id")
        if entity.list_id != list_id:
            raise InputError(f"entity {entity.id!r} belongs to list {entity.list_id!r}, "
                             f"not {list_id!r}", where)
        key = entity.id
        if key in hashes:
            raise InputError(f"duplicate entity id {key!r}", where)
        hashes[key] = known.get(key) or entity.content_hash()
        counts[entity.schema] += 1
        return {"version_id": version_id, "entity_id": key, "schema": entity.schema,
                "caption": entity.caption, "content_hash": hashes[key],
                "data": json.dumps(entity.to_dict(), ensure_ascii=False, default=str)}

    def _finish(self, conn: Connection, list_id: str, version_id: int, number: int,
                meta: LoadMeta, hashes: dict[str, str], counts: Counter[str],
                shrink_limit: float | None = None) -> LoadResult:
        digest = digest_of(hashes)
        current_id = self._current_id(conn, list_id)
        previous: int | None = None
        added = removed = changed = 0
        if current_id is not None:
            prev = conn.execute(select(t.versions.c.version, t.versions.c.digest,
                                       t.versions.c.entity_count)
                                .where(t.versions.c.id == current_id)).one()
            previous = int(prev.version)
            if prev.digest == digest:
                raise _Unchanged(previous)
            old = dict(conn.execute(select(t.entities.c.entity_id, t.entities.c.content_hash)
                                    .where(t.entities.c.version_id == current_id)).all())
            added = sum(1 for k in hashes if k not in old)
            removed = sum(1 for k in old if k not in hashes)
            changed = sum(1 for k, h in hashes.items() if k in old and old[k] != h)
            if shrink_limit is not None:
                check_shrink(list_id, previous, len(old), len(hashes), removed, shrink_limit)
        done = conn.execute(update(t.versions).where(and_(
            t.versions.c.id == version_id, t.versions.c.status == LOADING)).values(
            status=COMPLETE, completed_at=_now(), entity_count=len(hashes),
            counts=json.dumps(dict(sorted(counts.items()))), digest=digest))
        if done.rowcount != 1:
            raise StoreError(f"version {number} of {list_id!r} is no longer loading")
        values: dict[str, Any] = {"current_version_id": version_id, "updated_at": _now()}
        if meta.title:
            values["title"] = meta.title
        if meta.publisher:
            values["publisher"] = meta.publisher
        conn.execute(update(t.lists).where(t.lists.c.list_id == list_id).values(**values))
        return LoadResult(list_id, CREATED, number, previous, len(hashes), dict(counts),
                          added=added, removed=removed, changed=changed)

    def _mark_failed(self, version_id: int, exc: BaseException) -> None:
        try:
            with self._write() as conn:
                conn.execute(update(t.versions).where(and_(
                    t.versions.c.id == version_id, t.versions.c.status == LOADING))
                    .values(status=FAILED, completed_at=_now(),
                            error=f"{type(exc).__name__}: {exc}"[:2000]))
        except Exception:  # noqa: BLE001 - the original error matters more
            pass

    # -- deltas ------------------------------------------------------------------------
    def diff(self, list_id: str, old_version: VersionRef, new_version: VersionRef = None
             ) -> Delta:
        """Added, removed and changed entities from ``old_version`` to ``new_version``
        (default: current) of ``list_id``; ``old_version`` None means "nothing", so
        everything is added. Changed entities carry the fields that changed
        (``Entity.to_dict()`` compared key by key). NotFoundError for unknown versions."""
        with self.engine.connect() as conn:
            new_row = self._version_row(conn, list_id, new_version)
            old_row = (self._version_row(conn, list_id, old_version)
                       if old_version is not None else None)
            return build_delta(conn, list_id, old_row, new_row)

    # -- helpers -------------------------------------------------------------------------
    @staticmethod
    def _current_id(conn: Connection, list_id: str) -> int | None:
        row = conn.execute(select(t.lists.c.current_version_id)
                           .where(t.lists.c.list_id == list_id)).first()
        if row is None:
            raise NotFoundError(f"unknown list {list_id!r}")
        return int(row[0]) if row[0] is not None else None

    @staticmethod
    def _current_rows(conn: Connection) -> list[Row[Any]]:
        return list(conn.execute(select(t.versions).join(
            t.lists, t.lists.c.current_version_id == t.versions.c.id)
            .order_by(t.versions.c.list_id)).all())

    def _version_row(self, conn: Connection, list_id: str, version: VersionRef) -> Row[Any]:
        current_id = self._current_id(conn, list_id)
        if version is None:
            if current_id is None:
                raise NotFoundError(f"list {list_id!r} has no complete version yet")
            return conn.execute(select(t.versions).where(t.versions.c.id == current_id)).one()
        try:
            number = int(version)
        except (TypeError, ValueError):
            raise NotFoundError(f"no version {version!r} of list {list_id!r}") from None
        row = conn.execute(select(t.versions).where(and_(
            t.versions.c.list_id == list_id, t.versions.c.version == number))).first()
        if row is None:
            raise NotFoundError(f"no version {number} of list {list_id!r}")
        if row.status != COMPLETE:
            raise NotFoundError(f"version {number} of list {list_id!r} is {row.status}, "
                                "not complete")
        return row

