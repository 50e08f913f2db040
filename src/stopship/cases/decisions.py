"""Decisions on alerts and the four-eyes release.

- ``true_match``: the hit is the listed party; the alert is confirmed and stays held.
- ``false_positive``: proposes a release; it takes effect only when a *different* person
  approves it (four eyes), which clears (subject, entity, version) for good.
- ``needs_information`` / ``escalate``: the alert stays active with that status.
Every decision needs a reason; every step writes an audit event in the same transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection

from stopship import audit
from stopship.cases.alerts import OPEN_STATUSES
from stopship.cases.tables import DECISIONS, alerts, cases, clears, decisions, orders
from stopship.cases.util import loads, new_id, now, pending_approval
from stopship.errors import InputError, Location, NotFoundError

ALERT_STATUS = {"true_match": "confirmed", "false_positive": "pending_approval",
                "needs_information": "needs_information", "escalate": "escalated"}
MAX_REASON = 4000


def decide(conn: Connection, alert_id: int, decision: str, reason: str, actor: str) -> int:
    """Record a decision on an active alert; returns the decision id."""
    if decision not in DECISIONS:
        raise InputError(f"decision must be one of {', '.join(DECISIONS)}",
                         Location(field="decision"))
    reason = (reason or "").strip()
    if not reason:
        raise InputError("a decision needs a reason", Location(field="reason"))
    if len(reason) > MAX_REASON:
        raise InputError(f"reason longer than {MAX_REASON} characters", Location(field="reason"))
    alert = conn.execute(select(alerts).where(alerts.c.id == alert_id)).first()
    if alert is None:
        raise NotFoundError(f"no alert {alert_id}", Location(field="alert_id"))
    if alert.status not in OPEN_STATUSES or alert.status == "pending_approval":
        raise InputError(f"alert {alert_id} is {alert.status}: it cannot be decided now",
                         Location(field="alert_id"))
    stamp = now()
    status = "pending_approval" if decision == "false_positive" else "effective"
    decision_id = new_id(conn.execute(decisions.insert().values(
        alert_id=alert_id, decision=decision, reason=reason, decided_by=actor,
        decided_at=stamp, status=status)))
    conn.execute(alerts.update().where(alerts.c.id == alert_id)
                 .values(status=ALERT_STATUS[decision], updated_at=stamp))
    audit.append(conn, actor, "decision", subject_type="alert", subject_id=alert_id,
                 lists=loads(alert.lists, {}),
                 details={"decision_id": decision_id, "decision": decision, "reason": reason,
                          "entity_id": alert.entity_id, "entity_version": alert.entity_version,
                          "score": alert.score})
    _maybe_close_case(conn, alert.case_id, actor)
    return decision_id


def approve(conn: Connection, decision_id: int, actor: str, note: str = "",
            approve: bool = True) -> None:
    """Approve (or reject) a pending release. The approver must not be the decider."""
    row = pending_approval(conn, decisions, decision_id, actor, "decision")
    alert = conn.execute(select(alerts).where(alerts.c.id == row.alert_id)).one()
    stamp = now()
    conn.execute(decisions.update().where(decisions.c.id == decision_id).values(
        status="approved" if approve else "rejected", approved_by=actor, approved_at=stamp,
        approval_note=note.strip() or None))
    if approve:
        conn.execute(alerts.update().where(alerts.c.id == alert.id)
                     .values(status="cleared", updated_at=stamp))
        conn.execute(clears.insert().values(
            subject_key=alert.subject_key, entity_id=alert.entity_id,
            entity_version=alert.entity_version, decision_id=decision_id, created_at=stamp))
        if alert.order_id is not None:
            _maybe_release_order(conn, alert.order_id, actor)
    else:
        conn.execute(alerts.update().where(alerts.c.id == alert.id)
                     .values(status="open", updated_at=stamp))
    audit.append(conn, actor, "approval" if approve else "approval.rejected",
                 subject_type="alert", subject_id=alert.id, lists=loads(alert.lists, {}),
                 details={"decision_id": decision_id, "decided_by": row.decided_by,
                          "note": note.strip()})
    _maybe_close_case(conn, alert.case_id, actor)


def _maybe_close_case(conn: Connection, case_id: int, actor: str) -> None:
    active = conn.execute(select(func.count()).select_from(alerts).where(and_(
        alerts.c.case_id == case_id, alerts.c.status.in_(OPEN_STATUSES)))).scalar_one()
    if active == 0:
        conn.execute(cases.update().where(cases.c.id == case_id)
                     .values(status="closed", updated_at=now()))
        audit.append(conn, actor, "case.close", subject_type="case", subject_id=case_id)


def _maybe_release_order(conn: Connection, order_id: int, actor: str) -> None:
    """Release an order once none of its alerts is open or confirmed, unless a rule that
    alerts do not settle (goods, route, payment, ownership...) still holds it or sends it
    to review: then the order keeps its status, waiting for its own four-eyes release."""
    blocking = conn.execute(select(func.count()).select_from(alerts).where(and_(
        alerts.c.order_id == order_id,
        alerts.c.status.in_((*OPEN_STATUSES, "confirmed"))))).scalar_one()
    if blocking:
        return
    row = conn.execute(select(orders.c.status, orders.c.result)
                       .where(orders.c.id == order_id)).one()
    if row.status not in ("held", "review"):
        return
    remaining = rules_not_settled_by_alerts(loads(row.result, {}))
    if remaining:
        audit.append(conn, actor, "order.alerts_cleared", subject_type="order",
                     subject_id=order_id, details={"still_fired": remaining,
                                                   "status": row.status})
        return
    conn.execute(orders.update().where(orders.c.id == order_id)
                 .values(status="released", updated_at=now()))
    audit.append(conn, actor, "order.release", subject_type="order", subject_id=order_id,
                 details={"by": "alerts cleared"})


def rules_not_settled_by_alerts(result: dict[str, Any]) -> list[str]:
    """Ids of the fired rules (review or hold) that clearing the order's alerts does not
    settle. A rule unknown to the catalogue counts as not settled."""
    from stopship.rules.catalogue import default_ruleset

    rules = default_ruleset().rules
    out = []
    fired_rules = result.get("fired")
    if fired_rules is None:  # a result that lists rule ids only: take each as holding
        fired_rules = [{"id": r, "action": "hold"} for r in result.get("rules_fired") or []]
    for fired in fired_rules:
        if fired.get("action") not in ("review", "hold"):
            continue
        spec = rules.get(str(fired.get("id")))
        if spec is None or not spec.settled_by_alerts:
            out.append(str(fired.get("id")))
    return sorted(set(out))


def list_decisions(conn: Connection, *, alert_id: int | None = None,
                   status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    query = select(decisions)
    if alert_id is not None:
        query = query.where(decisions.c.alert_id == alert_id)
    if status:
        query = query.where(decisions.c.status == status)
    rows = conn.execute(query.order_by(decisions.c.id.desc()).limit(limit))
    return [dict(r._mapping) for r in rows]
