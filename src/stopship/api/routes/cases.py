"""Alerts, cases, decisions and four-eyes approvals."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from stopship import audit
from stopship.api.auth import context, require
from stopship.api.errors import ApiError
from stopship.api.schemas import ApprovalIn, AssignIn, DecisionIn
from stopship.cases import alerts as alert_svc
from stopship.cases import decisions as decision_svc
from stopship.cases.users import Principal

router = APIRouter(prefix="/api/v1", tags=["cases"])


@router.get("/alerts", summary="The alert queue, with filters")
def get_alerts(request: Request, status: str | None = Query(None, max_length=30),
               list_id: str | None = Query(None, max_length=120),
               min_score: float | None = Query(None, ge=0, le=1),
               max_score: float | None = Query(None, ge=0, le=1),
               older_than: str | None = Query(None, max_length=40),
               newer_than: str | None = Query(None, max_length=40),
               assignee: str | None = Query(None, max_length=120),
               limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0),
               _: Principal = Depends(require("alerts:read"))) -> dict[str, Any]:
    with context(request).read_engine.connect() as conn:
        items, total = alert_svc.list_alerts(
            conn, status=status, list_id=list_id, min_score=min_score, max_score=max_score,
            older_than=older_than, newer_than=newer_than, assignee=assignee, limit=limit,
            offset=offset)
    return {"total": total, "items": items}


@router.get("/alerts/{alert_id}", summary="One alert with its hit, query, delta and decisions")
def get_alert(alert_id: int, request: Request,
              _: Principal = Depends(require("alerts:read"))) -> dict[str, Any]:
    with context(request).read_engine.connect() as conn:
        alert = alert_svc.get_alert(conn, alert_id)
        if alert is None:
            raise ApiError(404, "not_found", f"no alert {alert_id}")
        alert["decisions"] = decision_svc.list_decisions(conn, alert_id=alert_id)
    return alert


@router.post("/alerts/{alert_id}/decisions", status_code=201, summary="Decide an alert")
def post_decision(alert_id: int, body: DecisionIn, request: Request,
                  who: Principal = Depends(require("alerts:decide"))) -> dict[str, Any]:
    with context(request).engine.begin() as conn:
        decision_id = decision_svc.decide(conn, alert_id, body.decision, body.reason, who.name)
        alert = alert_svc.get_alert(conn, alert_id)
    return {"decision_id": decision_id, "alert_status": alert["status"] if alert else None}


@router.get("/decisions", summary="Decisions, e.g. those pending approval")
def get_decisions(request: Request, status: str | None = Query(None, max_length=30),
                  alert_id: int | None = None, limit: int = Query(100, ge=1, le=1000),
                  _: Principal = Depends(require("alerts:read"))) -> dict[str, Any]:
    with context(request).read_engine.connect() as conn:
        return {"items": decision_svc.list_decisions(conn, alert_id=alert_id, status=status,
                                                     limit=limit)}


@router.post("/decisions/{decision_id}/approval",
             summary="Approve or reject a release (four eyes: not by the decider)")
def post_approval(decision_id: int, body: ApprovalIn, request: Request,
                  who: Principal = Depends(require("alerts:approve"))) -> dict[str, Any]:
    with context(request).engine.begin() as conn:
        decision_svc.approve(conn, decision_id, who.name, body.note, body.approve)
    return {"decision_id": decision_id, "status": "approved" if body.approve else "rejected"}


@router.get("/cases", summary="Cases (alerts grouped per customer or order)")
def get_cases(request: Request, status: str | None = Query(None, max_length=20),
              limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0),
              _: Principal = Depends(require("alerts:read"))) -> dict[str, Any]:
    with context(request).read_engine.connect() as conn:
        return {"items": alert_svc.list_cases(conn, status, limit, offset)}


@router.get("/cases/{case_id}", summary="One case with its alerts")
def get_case(case_id: int, request: Request,
             _: Principal = Depends(require("alerts:read"))) -> dict[str, Any]:
    with context(request).read_engine.connect() as conn:
        case = alert_svc.get_case(conn, case_id)
        if case is None:
            raise ApiError(404, "not_found", f"no case {case_id}")
        case["events"] = [e.as_dict() for e in audit.list_events(
            conn, subject_type="case", subject_id=str(case_id), limit=100)]
    return case


@router.post("/cases/{case_id}/assign", summary="Assign a case")
def post_assign(case_id: int, body: AssignIn, request: Request,
                who: Principal = Depends(require("alerts:decide"))) -> dict[str, Any]:
    with context(request).engine.begin() as conn:
        if alert_svc.get_case(conn, case_id) is None:
            raise ApiError(404, "not_found", f"no case {case_id}")
        alert_svc.assign_case(conn, case_id, body.assignee, who.name)
    return {"case_id": case_id, "assignee": body.assignee}
