"""Throw-away databases for tests and benchmarks: a SQLite file or a uniquely named
PostgreSQL database that is dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

POSTGRES_ADMIN_URL = os.environ.get(
    "STOPSHIP_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def postgres_available() -> bool:
    try:
        engine = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 2})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@contextmanager
def temp_postgres(area: str) -> Iterator[str]:
    """Create ``stopship_test_<area>_<random>``, yield its URL, drop it."""
    name = f"stopship_test_{area}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'stopship.db'}"


# -- test doubles for the screening engine and the list store -----------------------
# Used by the server's tests and benchmarks when the real engine is not wanted (or not yet
# built). They follow the same protocols; their scoring is deliberately simple.
from dataclasses import dataclass as _dataclass  # noqa: E402
from dataclasses import field as _field  # noqa: E402
from typing import Any as _Any  # noqa: E402

from rapidfuzz import fuzz as _fuzz  # noqa: E402

from stopship.model import Entity  # noqa: E402
from stopship.screening.types import Explanation, Hit, QueryRecord  # noqa: E402


class TokenScreener:
    """A test double of the Screener protocol: rapidfuzz token-sort ratio on lowercased
    names, with a token index so it stays fast on large customer sets."""

    def __init__(self, entities: list[Entity], threshold: float = 0.85) -> None:
        self.threshold = threshold
        self.entities = list(entities)
        self._names: list[tuple[str, Entity]] = []
        self._index: dict[str, list[int]] = {}
        for entity in self.entities:
            for name in entity.names:
                pos = len(self._names)
                lowered = name.value.lower()
                self._names.append((lowered, entity))
                for token in set(lowered.split()):
                    self._index.setdefault(token[:4], []).append(pos)

    def screen(self, record: QueryRecord, min_score: float | None = None,
               limit: int = 10) -> list[Hit]:
        floor = self.threshold if min_score is None else min_score
        query = record.name.lower()
        best: dict[str, tuple[float, str, Entity]] = {}
        seen: set[int] = set()
        for token in set(query.split()):
            for pos in self._index.get(token[:4], ()):
                if pos in seen:
                    continue
                seen.add(pos)
                name, entity = self._names[pos]
                score = _fuzz.token_sort_ratio(query, name) / 100.0
                if score >= floor and score > best.get(entity.id, (0.0, "", entity))[0]:
                    best[entity.id] = (score, name, entity)
        hits = [Hit(query_id=record.id, entity_id=e.id, list_id=e.list_id,
                    source_id=e.native_id, name=e.caption, score=s,
                    explanation=Explanation(record.name, n, f"token sort ratio {s:.2f}",
                                            [{"name": "name_ratio", "score": s}]),
                    schema=e.schema, entity_version=e.content_hash(), entity=e)
                for s, n, e in best.values()]
        hits.sort(key=lambda h: -h.score)
        return hits[:limit]

    def screen_many(self, records: list[QueryRecord], min_score: float | None = None,
                    limit: int = 10) -> list[list[Hit]]:
        return [self.screen(r, min_score, limit) for r in records]


@_dataclass
class FakeDelta:
    added: list[Entity] = _field(default_factory=list)
    removed: list[Entity] = _field(default_factory=list)
    changed: list[dict[str, _Any]] = _field(default_factory=list)


class FakeStore:
    """A test double of the list store: versions of one or more lists kept in memory."""

    def __init__(self) -> None:
        self.data: dict[str, dict[str, dict[str, Entity]]] = {}
        self.order: dict[str, list[str]] = {}

    def load(self, list_id: str, version: str, entities: list[Entity]) -> None:
        self.data.setdefault(list_id, {})[version] = {e.id: e for e in entities}
        self.order.setdefault(list_id, []).append(version)

    def lists(self) -> list[str]:
        return sorted(self.data)

    def versions(self, list_id: str) -> list[str]:
        return list(self.order.get(list_id, []))

    def current_versions(self) -> dict[str, str]:
        return {k: v[-1] for k, v in self.order.items()}

    def iter_entities(self, list_id: str) -> list[Entity]:
        return list(self.data[list_id][self.order[list_id][-1]].values())

    def get_entity(self, entity_id: str) -> Entity | None:
        list_id = entity_id.split(":", 1)[0]
        if list_id not in self.order:
            return None
        return self.data[list_id][self.order[list_id][-1]].get(entity_id)

    def diff(self, list_id: str, old: str | None, new: str) -> FakeDelta:
        before = self.data[list_id].get(str(old), {}) if old else {}
        after = self.data[list_id][str(new)]
        delta = FakeDelta()
        for key, entity in after.items():
            if key not in before:
                delta.added.append(entity)
            elif before[key].content_hash() != entity.content_hash():
                old_d = before[key].to_dict(False)
                new_d = entity.to_dict(False)
                fields = [k for k in new_d if old_d.get(k) != new_d.get(k)]
                delta.changed.append({"old": before[key], "new": entity, "fields": fields})
        delta.removed = [e for k, e in before.items() if k not in after]
        return delta


def make_entity(native_id: str, name: str, *aliases: str, list_id: str = "us_ofac_sdn",
                remarks: str | None = None, schema: str = "organization") -> Entity:
    """A small list entity for tests."""
    entity = Entity(list_id=list_id, native_id=native_id, schema=schema, remarks=remarks)
    entity.add_name(name, "primary")
    for alias in aliases:
        entity.add_name(alias, "alias")
    return entity
