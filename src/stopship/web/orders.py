"""The order pages: screened orders with filters, and one order with its parties and
lines, every fired rule with its evidence (linked to the list entry and the alert it
opened), the order's alerts, its release decisions and history, and the four-eyes release
forms. The work is done by ``stopship.cases.orders``, as for the API; the server refuses an
approval by the person who asked for the release whatever the page shows."""

from __future__ import annotations

import re
from dataclasses import asdict, is_dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote_plus

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse

from stopship import audit
from stopship.api.auth import context
from stopship.api.errors import ApiError, stopship_error_response
from stopship.cases import orders as order_svc
from stopship.cases.alerts import OPEN_STATUSES
from stopship.errors import NotFoundError, StopshipError
from stopship.web.views import check_form_csrf, page_user, redirect, render

router = APIRouter(include_in_schema=False)

# the status filter of the order list, in the order the page offers it ("" = any)
STATUS_CHOICES = ("active", "held", "review", "pending_approval", "released", "refused",
                  "clear", "")
_PATH = re.compile(r"^(parties|lines)\[(\d+)\]")


@router.get("/orders", response_class=HTMLResponse)
def order_list(request: Request, status: str = "active", rule: str = "", q: str = "",
               age: str = "") -> Response:
    page_user(request, "orders:read")
    older = None
    if age.strip().isdigit():
        older = (datetime.now(UTC) - timedelta(days=int(age))).isoformat()
    with context(request).read_engine.connect() as conn:
        items, total = order_svc.list_orders(conn, status=status or None,
                                             rule=rule.strip() or None, q=q.strip() or None,
                                             older_than=older, limit=200)
    filters = {"status": status, "rule": rule, "q": q, "age": age}
    return render(request, "orders.html", items=items, total=total, f=filters,
                  statuses=STATUS_CHOICES)


@router.get("/orders/{order_id}", response_class=HTMLResponse)
def order_page(request: Request, order_id: int) -> Response:
    page_user(request, "orders:read")
    return _order_page(request, order_id)


@router.post("/orders/{order_id}/decide")
def order_decide(request: Request, order_id: int, decision: str = Form("release"),
                 reason: str = Form("", max_length=4000),
                 csrf_token: str = Form("")) -> Response:
    """Ask for the order's release (a second person approves it) or refuse it."""
    who = page_user(request, "alerts:decide")
    check_form_csrf(request, csrf_token)
    try:
        with context(request).engine.begin() as conn:
            order_svc.decide_order(conn, order_id, decision, reason, who.name)
    except StopshipError as exc:
        return _order_page(request, order_id, _status(exc), exc.message,
                           form={"decision": decision, "reason": reason})
    message = ("Release requested: a second person with the approver role must approve it"
               if decision == "release" else "Order refused")
    return redirect(f"/orders/{order_id}?message={quote_plus(message)}")


@router.post("/orders/{order_id}/approve")
def order_approve(request: Request, order_id: int, decision_id: int = Form(...),
                  approve: str = Form("1"), note: str = Form("", max_length=4000),
                  csrf_token: str = Form("")) -> Response:
    """Approve (the order is released) or reject a release someone else asked for."""
    who = page_user(request, "alerts:approve")
    check_form_csrf(request, csrf_token)
    try:
        with context(request).engine.begin() as conn:
            ours = order_svc.list_order_decisions(conn, order_id=order_id, limit=1000)
            if not any(d["id"] == decision_id for d in ours):
                raise NotFoundError(f"order {order_id} has no release decision {decision_id}")
            status = order_svc.approve_order(conn, decision_id, who.name, note,
                                             approve == "1")
    except StopshipError as exc:
        return _order_page(request, order_id, _status(exc), exc.message,
                           form={"note": note})
    message = (f"Release approved: the order is {status}" if approve == "1"
               else f"Release rejected: the order stays {status}")
    return redirect(f"/orders/{order_id}?message={quote_plus(message)}")


def _status(exc: StopshipError) -> int:
    """The HTTP status the API answers this error with."""
    return int(stopship_error_response(exc).status_code)


def _order_page(request: Request, order_id: int, status_code: int = 200,
                error: str | None = None, form: dict[str, str] | None = None) -> Response:
    with context(request).read_engine.connect() as conn:
        order = order_svc.get_order(conn, order_id)
        if order is None:
            raise ApiError(404, "not_found", f"no order {order_id}")
        alerts = order_svc.order_alerts(conn, order_id)
        decisions = order_svc.list_order_decisions(conn, order_id=order_id, limit=1000)
        events = audit.list_events(conn, subject_type="order", subject_id=str(order_id),
                                   limit=200)
    return render(request, "order.html", status_code, error=error, form=form or {},
                  **order_view(order, alerts, decisions), events=events)


def order_view(order: dict[str, Any], alerts: list[dict[str, Any]],
               decisions: list[dict[str, Any]]) -> dict[str, Any]:
    """What the order page shows, from the stored order, its alerts and its release
    decisions (newest first): the parties and lines with the rules that cite them and
    the party alerts, each fired rule's evidence linked to its alert, the pending
    release and whether a release can be asked for now."""
    external_id = str(order["external_id"])
    result = order["result"] or {}
    fired = [dict(f) for f in result.get("fired") or []]
    cited: dict[tuple[str, int], list[str]] = {}
    for rule in fired:
        for ev in rule.get("evidence") or []:
            match = _PATH.match(str(ev.get("field") or ""))
            if match:
                ids = cited.setdefault((match.group(1), int(match.group(2))), [])
                if rule.get("id") not in ids:
                    ids.append(str(rule.get("id")))
    by_party: dict[int, list[dict[str, Any]]] = {}
    by_entity: dict[str, list[dict[str, Any]]] = {}
    for alert in alerts:
        query_id = str((alert.get("query") or {}).get("id") or "")
        head, _, index = query_id.rpartition(":")
        if head == external_id and index.isdigit():
            by_party.setdefault(int(index), []).append(alert)
        by_entity.setdefault(str(alert["entity_id"]), []).append(alert)
    for rule in fired:
        evidence = []
        for ev in rule.get("evidence") or []:
            ev = dict(ev)
            if ev.get("entity_id"):
                match = _PATH.match(str(ev.get("field") or ""))
                party_no = int(match.group(2)) if match and match.group(1) == "parties" else -1
                candidates = by_entity.get(str(ev["entity_id"]), [])
                same = [a for a in candidates if a in by_party.get(party_no, [])] or candidates
                ev["alert"] = same[-1] if same else None
            evidence.append(ev)
        rule["evidence"] = evidence
    parties, lines, route, payment = _order_parts(order["payload"])
    for i, row in enumerate(parties):
        row["rules"] = cited.get(("parties", i), [])
        row["alerts"] = by_party.get(i, [])
    for k, line in enumerate(lines):
        line["rules"] = cited.get(("lines", k), [])
    pending = next((d for d in decisions if d["status"] == "pending_approval"), None)
    blocking = [a for a in alerts if a["status"] in (*OPEN_STATUSES, "confirmed")]
    return {"order": order, "result": result, "fired": fired, "parties": parties,
            "lines": lines, "route": route, "payment": payment, "alerts": alerts,
            "decisions": decisions, "pending": pending, "blocking": blocking,
            "decidable": order["status"] in ("held", "review") and pending is None}


def _plain(value: Any) -> dict[str, Any]:
    data = asdict(value) if is_dataclass(value) and not isinstance(value, type) else value
    return {k: v for k, v in dict(data or {}).items() if v not in (None, [], "")}


def _order_parts(payload: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]],
                                                   dict[str, Any], dict[str, Any]]:
    """Parties, lines, route and payment as the rule engine read them (countries as ISO
    codes, HS codes as digits), or as stored when the payload no longer parses."""
    order, _queries = order_svc.party_queries(str(payload.get("id", "")), payload)
    if order is not None:
        return ([_plain(p) for p in order.parties], [_plain(ln) for ln in order.lines],
                _plain(order.route), _plain(order.payment))
    return ([_plain(p) for p in payload.get("parties") or [] if isinstance(p, dict)],
            [_plain(ln) for ln in payload.get("lines") or [] if isinstance(ln, dict)],
            _plain(payload.get("route")), _plain(payload.get("payment")))
