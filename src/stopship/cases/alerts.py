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


Found = tuple[Subject, QueryRecord, list[Hit]]
_IN = 500  # values per IN (...) lookup


def record_hits(conn: Connection, subject: Subject, query: QueryRecord, hits: list[Hit],
                *, actor: str, lists: dict[str, str], threshold: float,
                deltas: dict[str, dict[str, Any]] | None = None,
                source: str = "screening") -> list[int]:
    """Open alerts for the hits at or above ``threshold``; returns the new alert ids.
    Already-known (subject, entity, version) keys and cleared ones open nothing."""
    return record_hits_many(conn, [(subject, query, hits)], actor=actor, lists=lists,
                            threshold=threshold, deltas=deltas, source=source)


def record_hits_many(conn: Connection, found: list[Found], *, actor: str,
                     lists: dict[str, str], threshold: float,
                     deltas: dict[str, dict[str, Any]] | None = None,
                     source: str = "screening") -> list[int]:
    """``record_hits`` for many (subject, query, hits), with the same outcome as calling
    it for each in turn (same alerts, cases and audit events, in the same order), but with
    the lookups (clears, known alerts, open cases) and the inserts done in bulk."""
    wanted = [(s, q, h) for s, q, hs in found for h in hs if h.score >= threshold]
    if not wanted:
        return []
    stamp = now()
    subjects = sorted({s.key for s, _q, _h in wanted})
    known: set[tuple[str, str, str]] = set()
    cleared: set[tuple[str, str, str]] = set()
    ever_cleared: set[tuple[str, str]] = set()
    for part in _parts(subjects):
        known.update((str(r[0]), str(r[1]), str(r[2])) for r in conn.execute(
            select(alerts.c.subject_key, alerts.c.entity_id, alerts.c.entity_version)
            .where(alerts.c.subject_key.in_(part))))
        for r in conn.execute(select(clears.c.subject_key, clears.c.entity_id,
                                     clears.c.entity_version)
                              .where(clears.c.subject_key.in_(part))):
            cleared.add((str(r[0]), str(r[1]), str(r[2])))
            ever_cleared.add((str(r[0]), str(r[1])))
    cases_of = _open_cases(conn, [(s.kind, s.id) for s, _q, _h in wanted])
    new_cases: list[Subject] = []
    new_case_of: dict[str, int] = {}  # subject key -> its position in new_cases
    rows: list[dict[str, Any]] = []
    # per alert: (subject, whether it opens the subject's case, hit, delta)
    plan: list[tuple[Subject, bool, Hit, dict[str, Any]]] = []
    for subject, query, hit in wanted:
        version = hit.entity_version or "unversioned"
        key = (subject.key, hit.entity_id, version)
        if key in cleared or key in known:
            continue
        known.add(key)
        payload = hit_payload(hit)
        delta = dict((deltas or {}).get(hit.entity_id) or {})
        if (subject.key, hit.entity_id) in ever_cleared:
            previous = _last_cleared_alert(conn, subject.key, hit.entity_id)
            if previous is not None:
                old_entity = loads(previous.hit, {}).get("entity")
                delta.setdefault("changes", entity_changes(old_entity, payload.get("entity")))
                delta["previously_cleared"] = {"alert_id": previous.id,
                                               "entity_version": previous.entity_version}
        opens = subject.key not in cases_of and subject.key not in new_case_of
        if opens:
            new_case_of[subject.key] = len(new_cases)
            new_cases.append(subject)
        plan.append((subject, opens, hit, delta))
        rows.append({
            "case_id": cases_of.get(subject.key),
            "customer_id": subject.id if subject.kind == "customer" else None,
            "order_id": subject.id if subject.kind == "order" else None,
            "subject_key": subject.key, "entity_id": hit.entity_id, "list_id": hit.list_id,
            "entity_version": version, "score": float(hit.score), "status": "open",
            "hit": dumps(payload), "query": dumps(_query_dict(query)),
            "delta": dumps(delta) if delta else None, "lists": dumps(lists),
            "source": source, "created_at": stamp, "updated_at": stamp})
    if not rows:
        return []
    case_ids = _insert_ids(conn, cases, [
        {"status": "open", "created_at": stamp, "updated_at": stamp,
         "customer_id": s.id if s.kind == "customer" else None,
         "order_id": s.id if s.kind == "order" else None} for s in new_cases])
    for row, (subject, _opens, _hit, _delta) in zip(rows, plan, strict=True):
        if row["case_id"] is None:
            row["case_id"] = case_ids[new_case_of[subject.key]]
    alert_ids = _insert_ids(conn, alerts, rows)
    touched = sorted({int(r["case_id"]) for r in rows})
    for part in _parts(touched):
        conn.execute(cases.update().where(cases.c.id.in_(part)).values(updated_at=stamp))
    events: list[audit.EventSpec] = []
    for alert_id, row, (subject, opens, hit, delta) in zip(alert_ids, rows, plan,
                                                            strict=True):
        if opens:
            events.append(audit.EventSpec.of("system", "case.open", subject_type="case",
                                             subject_id=row["case_id"],
                                             details={"subject": subject.key}))
        events.append(audit.EventSpec.of(
            actor, "alert.open", subject_type="alert", subject_id=alert_id, lists=lists,
            details={"subject": subject.key, "entity_id": hit.entity_id,
                     "entity_version": row["entity_version"], "score": round(hit.score, 4),
                     "source": source, "delta": bool(delta)}))
    audit.append_many(conn, events)
    return alert_ids


def _parts(values: list[Any]) -> list[list[Any]]:
    return [values[i:i + _IN] for i in range(0, len(values), _IN)]


def _open_cases(conn: Connection, subjects: list[tuple[str, int]]) -> dict[str, int]:
    """The open case of each (kind, id) subject that has one (the oldest, if several),
    by subject key."""
    out: dict[str, int] = {}
    for kind, col in (("customer", cases.c.customer_id), ("order", cases.c.order_id)):
        ids = sorted({i for k, i in subjects if k == kind})
        for part in _parts(ids):
            rows = conn.execute(select(cases.c.id, col).where(and_(
                col.in_(part), cases.c.status == "open")).order_by(cases.c.id))
            for case_id, subject_id in rows:
                out.setdefault(f"{kind}:{subject_id}", int(case_id))
    return out


def _insert_ids(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows, in order; their new primary keys, in the same order."""
    if not rows:
        return []
    if len(rows) == 1:
        return [new_id(conn.execute(table.insert().values(**rows[0])))]
    result = conn.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True),
                          rows)
    return [int(r[0]) for r in result]


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
