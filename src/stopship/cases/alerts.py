"""Alerts and cases: a hit above the threshold opens an alert keyed by
(subject, list entity, entity version); alerts about one subject group into its open case.

Sticky clears: a false positive cleared for (subject, entity, version) never alerts again
for that version; a new version of the entry alerts again and the alert carries what
changed since the cleared version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection

from stopship import audit
from stopship.cases.tables import alerts, cases, clears
from stopship.cases.util import dumps, loads, new_id, now
from stopship.screening.types import Hit, QueryRecord

OPEN_STATUSES = ("open", "needs_information", "escalated", "pending_approval")


@dataclass(slots=True)
class Subject:
    """What was screened: a customer or an order."""

    kind: str  # customer | order
    id: int

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


def entity_changes(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Field-level differences between two snapshots of a list entity."""
    if not old or not new:
        return []
    out = []
    for key in sorted(set(old) | set(new)):
        if key in ("provenance",):
            continue
        if old.get(key) != new.get(key):
            out.append({"field": key, "old": old.get(key), "new": new.get(key)})
    return out


def hit_payload(hit: Hit) -> dict[str, Any]:
    data = hit.as_dict()
    if hit.entity is not None:
        data["entity"] = hit.entity.to_dict(with_provenance=False)
    return data


def _open_case(conn: Connection, subject: Subject, stamp: str) -> int:
    col = cases.c.customer_id if subject.kind == "customer" else cases.c.order_id
    row = conn.execute(select(cases.c.id).where(and_(col == subject.id,
                                                     cases.c.status == "open"))).first()
    if row:
        return int(row.id)
    values: dict[str, Any] = {"status": "open", "created_at": stamp, "updated_at": stamp}
    values["customer_id" if subject.kind == "customer" else "order_id"] = subject.id
    case_id = new_id(conn.execute(cases.insert().values(**values)))
    audit.append(conn, "system", "case.open", subject_type="case", subject_id=case_id,
                 details={"subject": subject.key})
    return case_id


def record_hits(conn: Connection, subject: Subject, query: QueryRecord, hits: list[Hit],
                *, actor: str, lists: dict[str, str], threshold: float,
                deltas: dict[str, dict[str, Any]] | None = None,
                source: str = "screening") -> list[int]:
    """Open alerts for the hits at or above ``threshold``; returns the new alert ids.
    Already-known (subject, entity, version) keys and cleared ones open nothing."""
    new_ids: list[int] = []
    stamp = now()
    for hit in hits:
        if hit.score < threshold:
            continue
        version = hit.entity_version or "unversioned"
        key = (subject.key, hit.entity_id, version)
        cleared = conn.execute(select(clears.c.id).where(and_(
            clears.c.subject_key == key[0], clears.c.entity_id == key[1],
            clears.c.entity_version == key[2]))).first()
        if cleared:
            continue
        exists = conn.execute(select(alerts.c.id).where(and_(
            alerts.c.subject_key == key[0], alerts.c.entity_id == key[1],
            alerts.c.entity_version == key[2]))).first()
        if exists:
            continue
        payload = hit_payload(hit)
        delta = dict((deltas or {}).get(hit.entity_id) or {})
        previous = _last_cleared_alert(conn, subject.key, hit.entity_id)
        if previous is not None:
            old_entity = loads(previous.hit, {}).get("entity")
            delta.setdefault("changes", entity_changes(old_entity, payload.get("entity")))
            delta["previously_cleared"] = {"alert_id": previous.id,
                                           "entity_version": previous.entity_version}
        case_id = _open_case(conn, subject, stamp)
        alert_id = new_id(conn.execute(alerts.insert().values(
            case_id=case_id,
            customer_id=subject.id if subject.kind == "customer" else None,
            order_id=subject.id if subject.kind == "order" else None,
            subject_key=subject.key, entity_id=hit.entity_id, list_id=hit.list_id,
            entity_version=version, score=float(hit.score), status="open",
            hit=dumps(payload), query=dumps(_query_dict(query)),
            delta=dumps(delta) if delta else None, lists=dumps(lists), source=source,
            created_at=stamp, updated_at=stamp)))
        conn.execute(cases.update().where(cases.c.id == case_id).values(updated_at=stamp))
        audit.append(conn, actor, "alert.open", subject_type="alert", subject_id=alert_id,
                     lists=lists, details={"subject": subject.key, "entity_id": hit.entity_id,
                                           "entity_version": version,
                                           "score": round(hit.score, 4), "source": source,
                                           "delta": bool(delta)})
        new_ids.append(alert_id)
    return new_ids


def _last_cleared_alert(conn: Connection, subject_key: str, entity_id: str) -> Any:
    return conn.execute(
        select(alerts.c.id, alerts.c.hit, alerts.c.entity_version)
        .join(clears, and_(clears.c.subject_key == alerts.c.subject_key,
                           clears.c.entity_id == alerts.c.entity_id,
                           clears.c.entity_version == alerts.c.entity_version))
        .where(and_(alerts.c.subject_key == subject_key, alerts.c.entity_id == entity_id))
        .order_by(alerts.c.id.desc()).limit(1)).first()


def _query_dict(q: QueryRecord) -> dict[str, Any]:
    return {"id": q.id, "name": q.name, "schema": q.schema, "country": q.country,
            "dob": q.dob, "address": q.address, "identifiers": list(q.identifiers)}


def alert_dict(row: Any) -> dict[str, Any]:
    data = dict(row._mapping)
    for key in ("hit", "query", "delta", "lists"):
        data[key] = loads(data.get(key), None)
    return data


def get_alert(conn: Connection, alert_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(alerts).where(alerts.c.id == alert_id)).first()
    return alert_dict(row) if row else None


def list_alerts(conn: Connection, *, status: str | None = None, list_id: str | None = None,
                min_score: float | None = None, max_score: float | None = None,
                older_than: str | None = None, newer_than: str | None = None,
                assignee: str | None = None, case_id: int | None = None,
                limit: int = 100, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Alerts, newest first, filtered by status ('active' = any open status), list,
    score range, age (ISO timestamps) and the case's assignee."""
    conds: list[Any] = []
    if status == "active":
        conds.append(alerts.c.status.in_(OPEN_STATUSES))
    elif status:
        conds.append(alerts.c.status == status)
    if list_id:
        conds.append(alerts.c.list_id == list_id)
    if min_score is not None:
        conds.append(alerts.c.score >= min_score)
    if max_score is not None:
        conds.append(alerts.c.score <= max_score)
    if older_than:
        conds.append(alerts.c.created_at <= older_than)
    if newer_than:
        conds.append(alerts.c.created_at >= newer_than)
    if case_id is not None:
        conds.append(alerts.c.case_id == case_id)
    base = select(alerts, cases.c.assignee).join(cases, cases.c.id == alerts.c.case_id)
    if assignee == "-":
        conds.append(cases.c.assignee.is_(None))
    elif assignee:
        conds.append(cases.c.assignee == assignee)
    where = and_(*conds) if conds else None
    query = base if where is None else base.where(where)
    total_q = select(func.count()).select_from(alerts.join(cases, cases.c.id == alerts.c.case_id))
    if where is not None:
        total_q = total_q.where(where)
    rows = conn.execute(query.order_by(alerts.c.id.desc()).limit(limit).offset(offset))
    return [alert_dict(r) for r in rows], int(conn.execute(total_q).scalar_one())


def get_case(conn: Connection, case_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(cases).where(cases.c.id == case_id)).first()
    if row is None:
        return None
    data = dict(row._mapping)
    data["alerts"], _ = list_alerts(conn, case_id=case_id, limit=1000)
    return data


def list_cases(conn: Connection, status: str | None = None, limit: int = 100,
               offset: int = 0) -> list[dict[str, Any]]:
    query = select(cases)
    if status:
        query = query.where(cases.c.status == status)
    rows = conn.execute(query.order_by(cases.c.id.desc()).limit(limit).offset(offset))
    return [dict(r._mapping) for r in rows]


def assign_case(conn: Connection, case_id: int, assignee: str | None, actor: str) -> None:
    conn.execute(cases.update().where(cases.c.id == case_id)
                 .values(assignee=assignee, updated_at=now()))
    audit.append(conn, actor, "case.assign", subject_type="case", subject_id=case_id,
                 details={"assignee": assignee})


def alerts_per_day(conn: Connection, days: int = 30) -> list[tuple[str, int]]:
    day = func.substr(alerts.c.created_at, 1, 10)
    rows = conn.execute(select(day.label("day"), func.count()).group_by(day)
                        .order_by(day.desc()).limit(days))
    return sorted((r[0], int(r[1])) for r in rows)


def counts(conn: Connection) -> dict[str, int]:
    rows = conn.execute(select(alerts.c.status, func.count()).group_by(alerts.c.status))
    out = {str(r[0]): int(r[1]) for r in rows}
    out["cases_open"] = int(conn.execute(select(func.count()).select_from(cases)
                                         .where(cases.c.status == "open")).scalar_one())
    return out
