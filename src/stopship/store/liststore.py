"""The versioned list store: every load of a list is a new, immutable version.

A load runs in two steps. First a version row is committed with status ``loading``
(so an attempt is visible and numbered). Then, in ONE transaction, all its entities
are inserted in batches, the version is flipped to ``complete`` and the list's current
pointer moved to it. A failure rolls that transaction back and marks the version
``failed``; a killed process leaves it ``loading`` with no entities. Either way the
previous current version stays current and intact.

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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update
from sqlalchemy.engine import Engine, Row

from stopship import settings
from stopship.errors import InputError, Location, NotFoundError, StoreError
from stopship.model import Entity
from stopship.store import tables as t
from stopship.store.db import make_engine, migrate
from stopship.store.delta import build_delta
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

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    # -- opening ---------------------------------------------------------------------
    @classmethod
    def open(cls, data_dir: Path | None = None, url: str | None = None) -> ListStore:
        """Open (and migrate to the newest schema) the store at ``url``, else at
        ``$STOPSHIP_DATABASE_URL``, else ``sqlite:///<data_dir>/stopship.db`` where
        ``data_dir`` defaults to ``settings.data_dir()``."""
        directory = settings.data_dir(data_dir) if url is None else data_dir
        resolved = settings.database_url(url, directory)
        engine = make_engine(resolved)
        migrate(resolved, engine=engine)
        return cls(engine, resolved)

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
             *, progress: Progress | None = None, allow_empty: bool = False) -> LoadResult:
        """Write ``entities`` as a new version of ``list_id`` and make it current when
        every entity is written (see the module docstring). Every entity must carry
        ``list_id``; a repeated entity id is an InputError. An empty load is refused
        (StoreError) unless ``allow_empty``. ``progress(n)`` is called after each batch
        with the number of entities written so far."""
        if not LIST_ID.match(list_id):
            raise StoreError(f"invalid list id {list_id!r}: use lower-case letters, digits, "
                             "'_', '-' and '.'")
        meta = meta or LoadMeta()
        started = time.perf_counter()
        known: dict[str, str] = {}
        if isinstance(entities, list | tuple):
            unchanged = self._unchanged_early(list_id, entities, known)
            if unchanged is not None:
                unchanged.seconds = time.perf_counter() - started
                return unchanged
        version_id, number = self._begin_version(list_id, meta)
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
                result = self._finish(conn, list_id, version_id, number, meta, hashes, counts)
        except _Unchanged as unchanged:
            with self._write() as conn:
                conn.execute(t.versions.delete().where(t.versions.c.id == version_id))
            previous = int(unchanged.args[0])
            return LoadResult(list_id, UNCHANGED, previous, previous, len(hashes),
                              dict(counts), seconds=time.perf_counter() - started)
        except BaseException as exc:
            self._mark_failed(version_id, exc)
            raise
        result.seconds = time.perf_counter() - started
        return result

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

    def _begin_version(self, list_id: str, meta: LoadMeta) -> tuple[int, int]:
        with self._write() as conn:
            known = conn.execute(select(t.lists.c.list_id)  # row lock on PostgreSQL:
                                 .where(t.lists.c.list_id == list_id)  # one number per load
                                 .with_for_update()).first()
            if known is None:
                conn.execute(insert(t.lists).values(list_id=list_id, title=meta.title,
                                                    publisher=meta.publisher,
                                                    updated_at=_now()))
            last = conn.execute(select(func.max(t.versions.c.version))
                                .where(t.versions.c.list_id == list_id)).scalar()
            number = int(last or 0) + 1
            version_id = conn.execute(insert(t.versions).values(
                list_id=list_id, version=number, status=LOADING, created_at=_now(),
                source_id=meta.source_id, title=meta.title, publisher=meta.publisher,
                list_date=meta.list_date, url=meta.url,
                files=json.dumps([f.as_dict() for f in meta.files]), entity_count=0,
                counts="{}", report=json.dumps(meta.report, default=str),
            ).returning(t.versions.c.id)).scalar_one()
        return int(version_id), number

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
                meta: LoadMeta, hashes: dict[str, str], counts: Counter[str]) -> LoadResult:
        digest = digest_of(hashes)
        current_id = self._current_id(conn, list_id)
        previous: int | None = None
        added = removed = changed = 0
        if current_id is not None:
            prev = conn.execute(select(t.versions.c.version, t.versions.c.digest)
                                .where(t.versions.c.id == current_id)).one()
            previous = int(prev.version)
            if prev.digest == digest:
                raise _Unchanged(previous)
            old = dict(conn.execute(select(t.entities.c.entity_id, t.entities.c.content_hash)
                                    .where(t.entities.c.version_id == current_id)).all())
            added = sum(1 for k in hashes if k not in old)
            removed = sum(1 for k in old if k not in hashes)
            changed = sum(1 for k, h in hashes.items() if k in old and old[k] != h)
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

