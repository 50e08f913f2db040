"""Small shared helpers: UTC timestamps and JSON columns."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def later(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat(timespec="microseconds")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def loads(value: str | None, default: Any = None) -> Any:
    if value is None or value == "":
        return default
    return json.loads(value)


def new_id(result: Any) -> int:
    """The primary key of the row an INSERT just created."""
    key = result.inserted_primary_key
    if key is None:  # pragma: no cover - every insert here has an integer key
        raise RuntimeError("insert returned no primary key")
    return int(key[0])


def pending_approval(conn: Any, table: Any, decision_id: int, actor: str, what: str) -> Any:
    """The decision row awaiting a second person's approval, checked for the four-eyes
    rule: it exists, is pending, and ``actor`` is not the person who decided it."""
    from sqlalchemy import select

    from stopship.errors import InputError, Location, NotFoundError, PermissionDenied

    where = Location(field="decision_id")
    row = conn.execute(select(table).where(table.c.id == decision_id)).first()
    if row is None:
        raise NotFoundError(f"no {what} {decision_id}", where)
    if row.status != "pending_approval":
        raise InputError(f"{what} {decision_id} is {row.status}, not pending approval", where)
    if row.decided_by == actor:
        raise PermissionDenied("four eyes: the person who decided cannot approve the release",
                               where)
    return row
