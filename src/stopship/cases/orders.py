"""Orders in the case workflow: re-deciding open orders when a list changes, and the
four-eyes release (or refusal) of an order held or sent to review by any rule.

Open orders are those the server screened whose outcome is not final: ``clear``,
``review`` or ``held`` (``released`` and ``refused`` are final, and so are ``shipped`` and
``cancelled``, reported by the order system through ``close_order``). On a list delta,
the open orders still worth re-screening (``rescreen_set``: held and reviewed ones
always, clear ones only while younger than ``CLEAR_ORDER_DAYS``) have their parties
screened against the delta's entities; an order with a party hit is decided again by
the order rule engine over the current lists, its alerts carry the delta that caused
them, and its stored result says which delta re-decided it.

Releasing an order: one person decides (``release`` or ``refuse``) with a reason; a
release takes effect only when a different person approves it. Every step is audited.

Reading orders (``list_orders``, ``get_order``, ``order_alerts``, ``order_counts``) is
shared by the API routes and the web pages.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Connection

from stopship import audit
from stopship.cases.alerts import OPEN_STATUSES, Subject, alert_dict, record_hits
from stopship.cases.tables import alerts, order_decisions, orders
from stopship.cases.util import dumps, loads, new_id, now, pending_approval
from stopship.errors import ConfigError, InputError, Location, NotFoundError
from stopship.screening.types import QueryRecord, Screener

OPEN_ORDER_STATUSES = ("clear", "review", "held")
# final statuses the order system reports (``close_order``), and from which statuses
CLOSED_FROM = {"shipped": ("clear", "released"), "cancelled": ("clear", "review", "held")}
# a clear order screened longer ago than this has shipped (or never will): it is no
# longer re-screened on a list change; 0 = no age limit. STOPSHIP_CLEAR_ORDER_DAYS
# overrides it (``clear_order_days``).
CLEAR_ORDER_DAYS = 30


def clear_order_days() -> int:
    """Days a clear order stays in the re-screen set: ``STOPSHIP_CLEAR_ORDER_DAYS`` or
    ``CLEAR_ORDER_DAYS``."""
    raw = os.environ.get("STOPSHIP_CLEAR_ORDER_DAYS", "").strip()
    if not raw:
        return CLEAR_ORDER_DAYS
    if not raw.isdigit():
        raise ConfigError(f"STOPSHIP_CLEAR_ORDER_DAYS must be a whole number of days "
                          f"(0 = no limit), not {raw!r}")
    return int(raw)
ORDER_STATUS = {"hold": "held", "review": "review", "clear": "clear"}
ORDER_DECISIONS = ("release", "refuse")
MAX_REASON = 4000
# An object with ``screen(order) -> Decision`` (``stopship.rules.engine.OrderScreener``),
# built only when some open order needs deciding again.
OrderDecider = Any


@dataclass
class OrderRescreen:
    open_orders: int = 0
    matched: list[int] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)
    alerts: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"open_orders": self.open_orders, "matched": len(self.matched),
                "decision_changed": len(self.changed), "alerts_opened": len(self.alerts),
                "order_ids": self.matched[:1000]}


def party_queries(external_id: str, payload: dict[str, Any]) -> tuple[Any, list[QueryRecord]]:
    """The parsed order (None when the stored payload no longer parses) and one query
    per party, numbered as the order screening route numbers them."""
    from stopship.rules.orders_io import parse_order

    order, _problems = parse_order(dict(payload))
    if order is None:
        return None, []
    return order, order_party_queries(external_id, order)


def order_party_queries(external_id: str, order: Any) -> list[QueryRecord]:
    """One screening query per party of a parsed order, numbered ``<order id>:<i>``."""
    return [QueryRecord(id=f"{external_id}:{i}", name=p.name, schema=p.schema,
                        country=p.country, address=p.address, identifiers=list(p.identifiers))
            for i, p in enumerate(order.parties)]


def rescreen_set(clear_days: int | None = None, at: datetime | None = None) -> Any:
    """The orders a list change re-screens: ``held`` and ``review`` ones (a person still
    has to release or refuse them) whatever their age, and ``clear`` ones screened in the
    last ``clear_days`` days (all of them with 0). Released, refused, shipped and
    cancelled orders never. ``None``: ``clear_order_days()``."""
    if clear_days is None:
        clear_days = clear_order_days()
    waiting = orders.c.status.in_(("review", "held"))
    if clear_days <= 0:
        return select(orders).where(or_(waiting, orders.c.status == "clear"))
    since = ((at or datetime.now(UTC)) - timedelta(days=clear_days)).isoformat(
        timespec="microseconds")
    return select(orders).where(or_(waiting, and_(orders.c.status == "clear",
                                                  orders.c.created_at >= since)))


def rescreen_orders(conn: Connection, delta_screener: Screener,
                    decider: Callable[[], OrderDecider] | None, *, lists: dict[str, str],
                    deltas: dict[str, dict[str, Any]], actor: str = "system",
                    clear_days: int | None = None) -> OrderRescreen:
    """Re-decide the orders of ``rescreen_set(clear_days)`` with a party the delta's
    entities match."""
    out = OrderRescreen()
    rows = conn.execute(rescreen_set(clear_days).order_by(orders.c.id)).all()
    out.open_orders = len(rows)
    built: list[OrderDecider] = []
    for row in rows:
        payload = loads(row.payload, {})
        order, queries = party_queries(row.external_id, payload)
        if order is None or not queries:
            continue
        hits = delta_screener.screen_many(queries)
        if not any(h.score >= delta_screener.threshold for hs in hits for h in hs):
            continue
        out.matched.append(int(row.id))
        entity_ids = sorted({h.entity_id for hs in hits for h in hs
                             if h.score >= delta_screener.threshold})
        cause = [deltas.get(e, {"entity_id": e}) for e in entity_ids]
        old = loads(row.result, {})
        status = row.status
        outcome = old
        if decider is not None:
            if not built:
                built.append(decider())
            outcome = built[0].screen(order).as_dict()
            status = ORDER_STATUS.get(str(outcome.get("decision")), "review")
        elif status == "clear":
            status = "review"  # no rule engine to decide again: a person must look
        outcome = {**outcome, "rescreen": {"at": now(), "delta": cause}}
        for query, party_hits in zip(queries, hits, strict=True):
            out.alerts += record_hits(conn, Subject("order", int(row.id)), query, party_hits,
                                      actor=actor, lists=lists,
                                      threshold=delta_screener.threshold, deltas=deltas,
                                      source="rescreen")
        conn.execute(orders.update().where(orders.c.id == row.id).values(
            result=dumps(outcome), status=status, updated_at=now()))
        if status != row.status or outcome.get("decision") != old.get("decision"):
            out.changed.append(int(row.id))
        rules_version = str(outcome.get("rules_version") or "") or None
        if rules_version:
            note_rules_version(conn, rules_version, actor)
        audit.append(conn, actor, "order.rescreen", subject_type="order", subject_id=row.id,
                     lists=lists, rules_version=rules_version,
                     details={"external_id": row.external_id, "old_status": row.status,
                              "new_status": status, "old_decision": old.get("decision"),
                              "new_decision": outcome.get("decision"),
                              "rules_fired": outcome.get("rules_fired"), "delta": cause})
    return out


def default_decider(store: Any, build_screener: Callable[[list[Any]], Screener]
                    ) -> Callable[[], OrderDecider]:
    """A lazy order rule engine over every current entity of the store, screened with
    ``build_screener`` (what ``ServerContext`` builds, without its persisted index)."""
    def build() -> OrderDecider:
        from stopship.rules.catalogue import default_ruleset
        from stopship.rules.contacts import ContactIndex
        from stopship.rules.engine import OrderScreener

        ruleset = default_ruleset()
        contacts = ContactIndex(free_mail=ruleset.ref.free_mail)
        versions = {str(k): str(v) for k, v in dict(store.current_versions()).items()}
        entities: list[Any] = []
        flags: dict[str, dict[str, Any]] = {}
        for list_id in versions:
            for entity in store.iter_entities(list_id):
                entities.append(entity)
                contacts.add(entity)
                if entity.flags:
                    flags[entity.id] = entity.flags
        return OrderScreener(build_screener(entities), ruleset, contacts,
                             list_versions=versions, entity_flags=flags)
    return build


def close_order(conn: Connection, order_id: int, status: str, actor: str,
                reason: str = "") -> str:
    """Record what the order system reports: the order ``shipped`` (from clear or
    released) or was ``cancelled`` (from clear, review or held). Both are final: the
    order is no longer re-screened. Audited as ``order.close``; returns the new status."""
    if status not in CLOSED_FROM:
        raise InputError(f"status must be one of {', '.join(CLOSED_FROM)}",
                         Location(field="status"))
    row = conn.execute(select(orders).where(orders.c.id == order_id)).first()
    if row is None:
        raise NotFoundError(f"no order {order_id}", Location(field="order_id"))
    if row.status not in CLOSED_FROM[status]:
        raise InputError(f"order {order_id} is {row.status}: only "
                         f"{' or '.join(CLOSED_FROM[status])} orders can be {status}",
                         Location(field="status"))
    note = (reason or "").strip()
    if len(note) > MAX_REASON:
        raise InputError(f"reason longer than {MAX_REASON} characters",
                         Location(field="reason"))
    conn.execute(orders.update().where(orders.c.id == order_id)
                 .values(status=status, updated_at=now()))
    audit.append(conn, actor, "order.close", subject_type="order", subject_id=order_id,
                 details={"external_id": row.external_id, "old_status": row.status,
                          "new_status": status, "reason": note or None})
    return status


# -- rule changes ---------------------------------------------------------------------
def note_rules_version(conn: Connection, version: str | None, actor: str = "system",
                       details: dict[str, Any] | None = None) -> bool:
    """Remember the rules version in use; when it differs from the last one seen (or is
    the first), write a ``rules.change`` audit event with the old and new version.
    Returns whether it changed."""
    from stopship.cases.tables import server_state

    if not version:
        return False
    row = conn.execute(select(server_state.c.value).where(
        server_state.c.key == "rules_version")).first()
    old = row.value if row is not None else None
    if old == version:
        return False
    stamp = now()
    if row is None:
        conn.execute(server_state.insert().values(key="rules_version", value=version,
                                                  updated_at=stamp))
    else:
        updated = conn.execute(server_state.update().where(and_(
            server_state.c.key == "rules_version", server_state.c.value == old))
            .values(value=version, updated_at=stamp))
        if updated.rowcount == 0:  # another writer recorded it first
            return False
    audit.append(conn, actor, "rules.change", subject_type="rules", subject_id=version,
                 rules_version=version,
                 details={"old_version": old, "new_version": version, **(details or {})})
    return True


# -- releasing held orders (four eyes) ------------------------------------------------
def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise InputError("a decision needs a reason", Location(field="reason"))
    if len(text) > MAX_REASON:
        raise InputError(f"reason longer than {MAX_REASON} characters", Location(field="reason"))
    return text


def decide_order(conn: Connection, order_id: int, decision: str, reason: str,
                 actor: str) -> int:
    """Propose releasing (needs a second person) or refuse (effective at once) an order
    that is held or in review; returns the decision id. A release is refused while an
    alert of the order is still undecided or confirmed as a true match."""
    if decision not in ORDER_DECISIONS:
        raise InputError(f"decision must be one of {', '.join(ORDER_DECISIONS)}",
                         Location(field="decision"))
    text = _reason(reason)
    row = conn.execute(select(orders).where(orders.c.id == order_id)).first()
    if row is None:
        raise NotFoundError(f"no order {order_id}", Location(field="order_id"))
    if row.status not in ("held", "review"):
        raise InputError(f"order {order_id} is {row.status}: only held or reviewed orders "
                         "are released or refused", Location(field="order_id"))
    pending = conn.execute(select(func.count()).select_from(order_decisions).where(and_(
        order_decisions.c.order_id == order_id,
        order_decisions.c.status == "pending_approval"))).scalar_one()
    if pending:
        raise InputError(f"order {order_id} already has a release waiting for approval",
                         Location(field="order_id"))
    if decision == "release":
        blocking = conn.execute(select(func.count()).select_from(alerts).where(and_(
            alerts.c.order_id == order_id,
            alerts.c.status.in_((*OPEN_STATUSES, "confirmed"))))).scalar_one()
        if blocking:
            raise InputError(f"order {order_id} has {blocking} undecided or confirmed "
                             "alert(s): decide them first", Location(field="order_id"))
    stamp = now()
    status = "pending_approval" if decision == "release" else "effective"
    decision_id = new_id(conn.execute(order_decisions.insert().values(
        order_id=order_id, decision=decision, reason=text, decided_by=actor,
        decided_at=stamp, status=status)))
    if decision == "refuse":
        conn.execute(orders.update().where(orders.c.id == order_id)
                     .values(status="refused", updated_at=stamp))
    result = loads(row.result, {})
    audit.append(conn, actor, "order.decision", subject_type="order", subject_id=order_id,
                 rules_version=str(result.get("rules_version") or "") or None,
                 details={"decision_id": decision_id, "decision": decision, "reason": text,
                          "order_status": row.status,
                          "rules_fired": result.get("rules_fired")})
    return decision_id


def approve_order(conn: Connection, decision_id: int, actor: str, note: str = "",
                  approve: bool = True) -> str:
    """Approve (the order is released) or reject (it stays as it was) a proposed
    release; the approver must not be the person who proposed it. Returns the order's
    status afterwards."""
    row = pending_approval(conn, order_decisions, decision_id, actor, "order decision")
    order = conn.execute(select(orders).where(orders.c.id == row.order_id)).one()
    stamp = now()
    conn.execute(order_decisions.update().where(order_decisions.c.id == decision_id).values(
        status="approved" if approve else "rejected", approved_by=actor, approved_at=stamp,
        approval_note=note.strip() or None))
    status = order.status
    if approve:
        if order.status not in ("held", "review"):
            raise InputError(f"order {order.id} is {order.status}: nothing to release",
                             Location(field="decision_id"))
        status = "released"
        conn.execute(orders.update().where(orders.c.id == order.id)
                     .values(status=status, updated_at=stamp))
    audit.append(conn, actor, "order.release" if approve else "order.release.rejected",
                 subject_type="order", subject_id=order.id,
                 rules_version=str(loads(order.result, {}).get("rules_version") or "") or None,
                 details={"decision_id": decision_id, "decided_by": row.decided_by,
                          "reason": row.reason, "note": note.strip()})
    return str(status)


def list_order_decisions(conn: Connection, *, order_id: int | None = None,
                         status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    query = select(order_decisions)
    if order_id is not None:
        query = query.where(order_decisions.c.order_id == order_id)
    if status:
        query = query.where(order_decisions.c.status == status)
    rows = conn.execute(query.order_by(order_decisions.c.id.desc()).limit(limit))
    return [dict(r._mapping) for r in rows]


# -- reading orders (the API and the web pages) -----------------------------------------
ORDER_STATUSES = ("clear", "review", "held", "released", "refused", "shipped", "cancelled")
# what the order list filters on: a status, ``active`` (held or in review: a person has
# to release or refuse it) or ``pending_approval`` (a release waits for a second person)
ORDER_FILTERS = ("active", *ORDER_STATUSES, "pending_approval")
_RULE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _pending_orders() -> Any:
    return select(order_decisions.c.order_id).where(
        order_decisions.c.status == "pending_approval")


def _summary(row: Any, pending: set[int]) -> dict[str, Any]:
    result = loads(row.result, {})
    payload = loads(row.payload, {})
    parties = payload.get("parties") if isinstance(payload, dict) else None
    return {"id": row.id, "external_id": row.external_id, "status": row.status,
            "created_at": row.created_at, "updated_at": row.updated_at,
            "decision": result.get("decision"), "risk_score": result.get("risk_score"),
            "rules_fired": list(result.get("rules_fired") or []),
            "parties": [{"role": p.get("role"), "name": p.get("name"),
                         "country": p.get("country")}
                        for p in (parties or []) if isinstance(p, dict)],
            "release_pending": int(row.id) in pending}


def list_orders(conn: Connection, *, status: str | None = None, rule: str | None = None,
                q: str | None = None, older_than: str | None = None, limit: int = 100,
                offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Screened orders, newest first, with their rule decision and fired rules; filtered
    by status (one of ``ORDER_FILTERS``), a fired rule id, text in the order id or its
    parties, and age (``created_at`` at or before an ISO timestamp). Returns the page and
    the number of orders matching."""
    conds: list[Any] = []
    if status == "active":
        conds.append(orders.c.status.in_(("held", "review")))
    elif status == "pending_approval":
        conds.append(orders.c.id.in_(_pending_orders()))
    elif status:
        if status not in ORDER_STATUSES:
            raise InputError(f"status must be one of {', '.join(ORDER_FILTERS)}",
                             Location(field="status"))
        conds.append(orders.c.status == status)
    if rule:
        if not _RULE_ID.match(rule):
            raise InputError("not a rule id (e.g. R-A1)", Location(field="rule"))
        # the stored result lists each fired rule as a JSON string: "R-A1"
        conds.append(orders.c.result.like(f'%"{rule.upper()}"%'))
    if q:
        pattern = _like(q)
        conds.append(or_(func.lower(orders.c.external_id).like(pattern, escape="\\"),
                         func.lower(orders.c.payload).like(pattern, escape="\\")))
    if older_than:
        conds.append(orders.c.created_at <= older_than)
    where = and_(*conds) if conds else None
    query = select(orders) if where is None else select(orders).where(where)
    count = select(func.count()).select_from(orders)
    if where is not None:
        count = count.where(where)
    rows = conn.execute(query.order_by(orders.c.id.desc()).limit(limit).offset(offset)).all()
    pending: set[int] = set()
    if rows:
        pending = {int(r[0]) for r in conn.execute(_pending_orders().where(
            order_decisions.c.order_id.in_([r.id for r in rows])))}
    return [_summary(r, pending) for r in rows], int(conn.execute(count).scalar_one())


def get_order(conn: Connection, order_id: int) -> dict[str, Any] | None:
    """One stored order: its row with the payload as screened and the rule engine's
    result (decision, fired rules with their evidence, versions) parsed."""
    row = conn.execute(select(orders).where(orders.c.id == order_id)).first()
    if row is None:
        return None
    data = dict(row._mapping)
    data["payload"] = loads(row.payload, {})
    data["result"] = loads(row.result, {})
    return data


def order_alerts(conn: Connection, order_id: int) -> list[dict[str, Any]]:
    """The alerts the order's parties opened, oldest first."""
    rows = conn.execute(select(alerts).where(alerts.c.order_id == order_id)
                        .order_by(alerts.c.id))
    return [alert_dict(r) for r in rows]


def order_counts(conn: Connection) -> dict[str, int]:
    """Orders per status, plus ``pending_approval``: orders whose release waits for a
    second person."""
    rows = conn.execute(select(orders.c.status, func.count()).group_by(orders.c.status))
    out = {str(r[0]): int(r[1]) for r in rows}
    out["pending_approval"] = int(conn.execute(
        select(func.count(func.distinct(order_decisions.c.order_id))).where(
            order_decisions.c.status == "pending_approval")).scalar_one())
    return out
