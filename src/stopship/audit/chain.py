"""Append-only, hash-chained audit events.

Each event's hash is SHA-256 over the canonical JSON of its content *and* the previous
event's hash, so editing any event breaks its own hash and deleting one breaks the link
of the next. ``seq`` is assigned contiguously (1, 2, 3...) and ``prev_hash`` is unique,
so two concurrent writers can never fork the chain: the loser of the race hits a unique
violation and retries on the new head.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from stopship.audit.tables import audit_events
from stopship.errors import InputError, Location, StopshipError

GENESIS = "0" * 64
_MAX_RETRIES = 50
_PG_LOCK = 0x5354_4F50  # "STOP": the advisory lock key of the audit chain


@dataclass(slots=True)
class AuditEvent:
    """One event: who did what to which subject, when, with which list and rule versions."""

    seq: int
    at: str
    actor: str
    action: str
    subject_type: str | None
    subject_id: str | None
    lists: dict[str, str]
    rules_version: str | None
    details: dict[str, Any]
    prev_hash: str
    hash: str

    def content(self) -> dict[str, Any]:
        """Everything the hash covers (all fields but the hash itself)."""
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "lists": self.lists,
            "rules_version": self.rules_version,
            "details": self.details,
            "prev_hash": self.prev_hash,
        }

    def as_dict(self) -> dict[str, Any]:
        data = self.content()
        data["hash"] = self.hash
        return data


def compute_hash(content: Mapping[str, Any]) -> str:
    blob = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _row_to_event(row: Any) -> AuditEvent:
    return AuditEvent(
        seq=row.seq, at=row.at, actor=row.actor, action=row.action,
        subject_type=row.subject_type, subject_id=row.subject_id,
        lists=json.loads(row.lists), rules_version=row.rules_version,
        details=json.loads(row.details), prev_hash=row.prev_hash, hash=row.hash,
    )


@dataclass(slots=True)
class EventSpec:
    """An event to append, before the chain gives it a ``seq`` and hashes. Checked and
    normalised on creation (``details`` round-tripped through JSON), so a bad event fails
    its caller, not the transaction it would share with others."""

    actor: str
    action: str
    subject_type: str | None = None
    subject_id: str | None = None
    lists: dict[str, str] = field(default_factory=dict)
    rules_version: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    at: str = ""

    @classmethod
    def of(cls, actor: str, action: str, *, subject_type: str | None = None,
           subject_id: str | int | None = None, lists: Mapping[str, str] | None = None,
           rules_version: str | None = None, details: Mapping[str, Any] | None = None,
           at: str | None = None) -> EventSpec:
        if not actor or not action:
            raise InputError("an audit event needs an actor and an action",
                             Location(field="actor" if not actor else "action"))
        return cls(actor=str(actor), action=str(action), subject_type=subject_type,
                   subject_id=None if subject_id is None else str(subject_id),
                   lists={str(k): str(v) for k, v in (lists or {}).items()},
                   rules_version=rules_version,
                   details=json.loads(json.dumps(dict(details or {}), default=str)),
                   at=at or _now())


def append(conn: Connection, actor: str, action: str, *, subject_type: str | None = None,
           subject_id: str | int | None = None, lists: Mapping[str, str] | None = None,
           rules_version: str | None = None, details: Mapping[str, Any] | None = None,
           at: str | None = None) -> AuditEvent:
    """Append one event inside the caller's transaction (so the event commits or rolls back
    with the change it records). Retries on a concurrent append."""
    spec = EventSpec.of(actor, action, subject_type=subject_type, subject_id=subject_id,
                        lists=lists, rules_version=rules_version, details=details, at=at)
    return append_many(conn, [spec])[0]


def append_many(conn: Connection, specs: list[EventSpec]) -> list[AuditEvent]:
    """Append several events, in order, inside the caller's transaction: the head is read
    once and the rows go in with one INSERT (group commit, ``stopship.audit.writer``).
    Retries the whole group on a concurrent append."""
    if not specs:
        return []
    if conn.dialect.name == "postgresql":
        # queue appenders (held to the end of the transaction) instead of letting dozens
        # of concurrent writers race for the same head and retry
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
    last_error: Exception | None = None
    for _ in range(_MAX_RETRIES):
        head_row = conn.execute(
            select(audit_events.c.seq, audit_events.c.hash)
            .order_by(audit_events.c.seq.desc()).limit(1)
        ).first()
        seq, prev = (head_row.seq, head_row.hash) if head_row else (0, GENESIS)
        events: list[AuditEvent] = []
        for spec in specs:
            seq += 1
            event = AuditEvent(seq=seq, at=spec.at, actor=spec.actor, action=spec.action,
                               subject_type=spec.subject_type, subject_id=spec.subject_id,
                               lists=spec.lists, rules_version=spec.rules_version,
                               details=spec.details, prev_hash=prev, hash="")
            event.hash = compute_hash(event.content())
            prev = event.hash
            events.append(event)
        try:
            with conn.begin_nested():
                conn.execute(audit_events.insert(), [{
                    "seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action,
                    "subject_type": e.subject_type, "subject_id": e.subject_id,
                    "lists": json.dumps(e.lists, sort_keys=True),
                    "rules_version": e.rules_version,
                    "details": json.dumps(e.details, sort_keys=True, ensure_ascii=False),
                    "prev_hash": e.prev_hash, "hash": e.hash} for e in events])
            return events
        except IntegrityError as exc:  # another writer took this seq / head: retry
            last_error = exc
    raise StopshipError(f"could not append audit event after {_MAX_RETRIES} tries: {last_error}")


def iter_events(conn: Connection, *, after_seq: int = 0, action: str | None = None,
                actor: str | None = None, subject_type: str | None = None,
                subject_id: str | None = None, batch: int = 1000) -> Iterator[AuditEvent]:
    """Events in chain order, optionally filtered, read in batches."""
    last = after_seq
    while True:
        query = select(audit_events).where(audit_events.c.seq > last)
        if action:
            query = query.where(audit_events.c.action == action)
        if actor:
            query = query.where(audit_events.c.actor == actor)
        if subject_type:
            query = query.where(audit_events.c.subject_type == subject_type)
        if subject_id:
            query = query.where(audit_events.c.subject_id == str(subject_id))
        rows = conn.execute(query.order_by(audit_events.c.seq).limit(batch)).all()
        if not rows:
            return
        for row in rows:
            yield _row_to_event(row)
        last = rows[-1].seq


def list_events(conn: Connection, *, limit: int = 100, offset: int = 0,
                action: str | None = None, actor: str | None = None,
                subject_type: str | None = None,
                subject_id: str | None = None) -> list[AuditEvent]:
    """Newest first, for views and the API."""
    query = select(audit_events)
    if action:
        query = query.where(audit_events.c.action == action)
    if actor:
        query = query.where(audit_events.c.actor == actor)
    if subject_type:
        query = query.where(audit_events.c.subject_type == subject_type)
    if subject_id:
        query = query.where(audit_events.c.subject_id == str(subject_id))
    rows = conn.execute(query.order_by(audit_events.c.seq.desc()).limit(limit).offset(offset))
    return [_row_to_event(r) for r in rows]


@dataclass
class VerifyResult:
    """``ok`` is True when every link holds; otherwise ``broken_seq`` names the first event
    whose hash or link is wrong and ``reason`` says how."""

    ok: bool
    events: int
    head: str
    broken_seq: int | None = None
    reason: str | None = None
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "events": self.events, "head": self.head,
                "broken_seq": self.broken_seq, "reason": self.reason}


def verify(conn: Connection, expected_head: str | None = None) -> VerifyResult:
    """Walk the chain from the first event; report the first broken link.

    Detects an edited event (its recomputed hash differs), a deleted or inserted event
    (the next ``prev_hash`` does not match, or ``seq`` jumps). Deleting the *last* events
    leaves a shorter valid chain: pass the head hash you recorded earlier
    (``expected_head``) to detect that too.
    """
    prev = GENESIS
    expected_seq = 1
    count = 0
    for event in iter_events(conn):
        count += 1
        if event.seq != expected_seq:
            return VerifyResult(False, count, prev, event.seq,
                                f"sequence jumps from {expected_seq - 1} to {event.seq}: "
                                "an event was deleted")
        if event.prev_hash != prev:
            return VerifyResult(False, count, prev, event.seq,
                                "prev_hash does not match the previous event's hash: "
                                "an earlier event was edited, deleted or inserted")
        if compute_hash(event.content()) != event.hash:
            return VerifyResult(False, count, prev, event.seq,
                                "content does not match its hash: the event was edited")
        prev = event.hash
        expected_seq += 1
    if expected_head is not None and expected_head != prev:
        seen = {e.hash for e in iter_events(conn)}
        reason = ("the recorded head is an earlier event: later events exist"
                  if expected_head in seen else
                  "the recorded head is missing: events at the end were deleted")
        return VerifyResult(False, count, prev, None, reason)
    return VerifyResult(True, count, prev)


def head(conn: Connection) -> str:
    row = conn.execute(select(audit_events.c.hash).order_by(audit_events.c.seq.desc())
                       .limit(1)).first()
    return row.hash if row else GENESIS
