"""Screen one record or a batch (the same inputs and outputs as ``stopship screen``),
and screen orders."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import Field
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from stopship import audit
from stopship.api.auth import context, require
from stopship.api.errors import ApiError
from stopship.api.fastpath import screen_record, to_query
from stopship.api.schemas import (
    ApprovalIn,
    BatchRequest,
    OrderIn,
    ScreenRequest,
    Strict,
)
from stopship.cases import orders as order_svc
from stopship.cases.alerts import Subject, record_hits
from stopship.cases.tables import orders
from stopship.cases.users import Principal
from stopship.cases.util import dumps, new_id, now
from stopship.errors import ValidationError

router = APIRouter(prefix="/api/v1", tags=["screening"])


@router.post("/screen", summary="Screen one record", response_model=dict[str, Any])
async def screen_one(body: ScreenRequest, request: Request,
                     who: Principal = Depends(require("screen"))) -> Response:
    # the hot path (docs/server.md, "Performance"): the screening runs on the event loop,
    # the audit event is committed (group commit) before the answer; usually answered by
    # stopship.api.fastpath before it reaches this route
    ctx = context(request)
    ready = ctx.screening_cached()
    if ready is None:
        ready = await run_in_threadpool(ctx.screening)
    return JSONResponse(await screen_record(ctx, ready, body, who))


@router.post("/screen/batch", summary="Screen up to 1,000 records")
def screen_batch(body: BatchRequest, request: Request,
                 who: Principal = Depends(require("screen"))) -> dict[str, Any]:
    ctx = context(request)
    screener, lists = ctx.screening()
    queries = [to_query(r, f"q{i + 1}") for i, r in enumerate(body.records)]
    results = screener.screen_many(queries, min_score=body.min_score, limit=body.limit)
    with ctx.engine.begin() as conn:
        audit.append(conn, who.name, "screening", subject_type="batch",
                     subject_id=queries[0].id, lists=lists,
                     rules_version=ctx.settings.rules_version,
                     details={"records": len(queries), "hits": sum(map(len, results))})
    return {"lists": lists, "results": [
        {"query_id": q.id, "hits": [h.as_dict() for h in hits]}
        for q, hits in zip(queries, results, strict=True)]}


@router.post("/orders/screen", summary="Screen an order (parties, items, route, red flags)")
def screen_order(body: OrderIn, request: Request,
                 who: Principal = Depends(require("orders:screen"))) -> dict[str, Any]:
    """Decide an order with the rule engine (``stopship.rules``). A held or reviewed
    order opens alerts for its parties' list hits; releasing it needs four eyes."""
    ctx = context(request)
    screener, lists = ctx.screening()
    order_screener = ctx.order_screener()
    try:
        from stopship.rules.orders_io import parse_order
    except ImportError as exc:  # pragma: no cover - the rules ship with stopship
        raise ApiError(503, "unavailable", "order screening is not installed") from exc
    payload = body.model_dump(mode="json")
    order, problems = parse_order(dict(payload))
    if order is None:
        raise ValidationError(problems, "order")
    decision = order_screener.screen(order)
    outcome = decision.as_dict()
    status = order_svc.ORDER_STATUS.get(str(outcome.get("decision")), "review")
    party_queries = order_svc.order_party_queries(body.id, order)
    party_hits = screener.screen_many(party_queries) if status != "clear" else []
    stamp = now()
    with ctx.engine.begin() as conn:
        row = conn.execute(select(orders.c.id).where(orders.c.external_id == body.id)).first()
        if row:
            order_id = int(row.id)
            conn.execute(orders.update().where(orders.c.id == order_id).values(
                payload=dumps(payload), result=dumps(outcome), status=status, updated_at=stamp))
        else:
            order_id = new_id(conn.execute(orders.insert().values(
                external_id=body.id, payload=dumps(payload), result=dumps(outcome),
                status=status, created_at=stamp, updated_at=stamp)))
        opened: list[int] = []
        for query, hits in zip(party_queries, party_hits, strict=False):
            opened += record_hits(conn, Subject("order", order_id), query, hits,
                                  actor=who.name, lists=lists, threshold=screener.threshold)
        order_svc.note_rules_version(conn, str(outcome.get("rules_version") or "") or None,
                                     who.name)
        audit.append(conn, who.name, "order.screening", subject_type="order",
                     subject_id=order_id, lists=lists,
                     rules_version=str(outcome.get("rules_version") or ""),
                     details={"external_id": body.id, "decision": outcome.get("decision"),
                              "rules_fired": outcome.get("rules_fired"), "alerts": len(opened)})
    return {"order_id": order_id, "status": status, "alerts": opened, "result": outcome}


@router.get("/orders", summary="Screened orders, with filters")
def list_orders(request: Request, limit: int = 100, offset: int = 0,
                status: str | None = Query(None, max_length=30),
                rule: str | None = Query(None, max_length=40),
                q: str | None = Query(None, max_length=200),
                older_than: str | None = Query(None, max_length=40),
                _: Principal = Depends(require("orders:read"))) -> dict[str, Any]:
    """Newest first. ``status``: clear, review, held, released, refused, ``active`` (held
    or review) or ``pending_approval`` (a release waits for a second person); ``rule``: a
    fired rule id; ``q``: text in the order id or its parties; ``older_than``: ISO time."""
    ctx = context(request)
    with ctx.read_engine.connect() as conn:
        items, total = order_svc.list_orders(conn, status=status, rule=rule, q=q,
                                             older_than=older_than, limit=min(limit, 1000),
                                             offset=offset)
    return {"total": total, "items": items}


@router.get("/orders/{order_id}", summary="One order with its fired rules and evidence")
def get_order(order_id: int, request: Request,
              _: Principal = Depends(require("orders:read"))) -> dict[str, Any]:
    ctx = context(request)
    with ctx.read_engine.connect() as conn:
        data = order_svc.get_order(conn, order_id)
    if data is None:
        raise ApiError(404, "not_found", f"no order {order_id}")
    return data


class OrderDecisionIn(Strict):
    decision: Literal["release", "refuse"]
    reason: str = Field(..., min_length=1, max_length=4000)


@router.post("/orders/{order_id}/decisions", status_code=201,
             summary="Propose releasing (four eyes) or refuse a held or reviewed order")
def post_order_decision(order_id: int, body: OrderDecisionIn, request: Request,
                        who: Principal = Depends(require("alerts:decide"))) -> dict[str, Any]:
    with context(request).engine.begin() as conn:
        decision_id = order_svc.decide_order(conn, order_id, body.decision, body.reason,
                                             who.name)
        status = conn.execute(select(orders.c.status).where(orders.c.id == order_id)).scalar()
    return {"decision_id": decision_id, "order_status": status}


class OrderCloseIn(Strict):
    status: Literal["shipped", "cancelled"]
    reason: str = Field("", max_length=4000)


@router.post("/orders/{order_id}/close",
             summary="Report an order shipped or cancelled (final: no longer re-screened)")
def post_order_close(order_id: int, body: OrderCloseIn, request: Request,
                     who: Principal = Depends(require("orders:screen"))) -> dict[str, Any]:
    with context(request).engine.begin() as conn:
        status = order_svc.close_order(conn, order_id, body.status, who.name, body.reason)
    return {"order_id": order_id, "order_status": status}


@router.get("/orders/{order_id}/decisions", summary="Release decisions on one order")
def get_order_decisions(order_id: int, request: Request,
                        _: Principal = Depends(require("orders:read"))) -> dict[str, Any]:
    with context(request).read_engine.connect() as conn:
        return {"items": order_svc.list_order_decisions(conn, order_id=order_id)}


@router.post("/orders/decisions/{decision_id}/approval",
             summary="Approve or reject an order release (four eyes: not by the decider)")
def post_order_approval(decision_id: int, body: ApprovalIn, request: Request,
                        who: Principal = Depends(require("alerts:approve"))) -> dict[str, Any]:
    with context(request).engine.begin() as conn:
        status = order_svc.approve_order(conn, decision_id, who.name, body.note, body.approve)
    return {"decision_id": decision_id, "approved": body.approve, "order_status": status}
