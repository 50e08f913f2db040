"""Deltas between two versions of a list: compare content hashes, then the changed
entities field by field (``changed_fields`` is the pure part)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, and_, select
from sqlalchemy.engine import Row

from stopship.model import Entity
from stopship.store import tables as t
from stopship.store.types import Delta, EntityChange, FieldChange

_FETCH = 500


def changed_fields(old: Entity, new: Entity) -> list[FieldChange]:
    """The top-level fields of ``Entity.to_dict()`` (without provenance) whose values
    differ, in the order ``to_dict`` lists them. Empty when the content is equal."""
    before = old.to_dict(with_provenance=False)
    after = new.to_dict(with_provenance=False)
    keys = list(after) + [k for k in before if k not in after]
    return [FieldChange(k, before.get(k), after.get(k)) for k in keys
            if before.get(k) != after.get(k)]


def build_delta(conn: Connection, list_id: str, old_row: Row[Any] | None,
                new_row: Row[Any]) -> Delta:
    """The delta from version row ``old_row`` (None: empty) to ``new_row``."""
    new_h = hashes_of(conn, new_row.id)
    old_h = hashes_of(conn, old_row.id) if old_row is not None else {}
    added = sorted(k for k in new_h if k not in old_h)
    removed = sorted(k for k in old_h if k not in new_h)
    changed = sorted(k for k in new_h if k in old_h and old_h[k] != new_h[k])
    new_e = fetch_entities(conn, new_row.id, added + changed)
    old_e = fetch_entities(conn, old_row.id, removed + changed) if old_row is not None else {}
    delta = Delta(list_id, int(old_row.version) if old_row is not None else None,
                  int(new_row.version),
                  added=[new_e[k] for k in added], removed=[old_e[k] for k in removed])
    for key in changed:
        fields = changed_fields(old_e[key], new_e[key])
        if fields:  # equal content under a different hash can only be a hash change
            delta.changed.append(EntityChange(key, old_e[key], new_e[key], fields))
    return delta


def hashes_of(conn: Connection, version_id: int) -> dict[str, str]:
    """``{entity id: content hash}`` of one version."""
    rows = conn.execute(select(t.entities.c.entity_id, t.entities.c.content_hash)
                        .where(t.entities.c.version_id == version_id))
    return {str(k): str(h) for k, h in rows}


def fetch_entities(conn: Connection, version_id: int, keys: list[str]) -> dict[str, Entity]:
    out: dict[str, Entity] = {}
    for start in range(0, len(keys), _FETCH):
        chunk = keys[start:start + _FETCH]
        rows = conn.execute(select(t.entities.c.entity_id, t.entities.c.data).where(and_(
            t.entities.c.version_id == version_id, t.entities.c.entity_id.in_(chunk))))
        for key, data in rows:
            out[str(key)] = Entity.from_dict(json.loads(data))
    return out
