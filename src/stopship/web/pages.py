"""Server-rendered pages of the compliance web app (no JavaScript): login, dashboard,
alert queue, alert/case pages with the decision and approval forms, lists and list
entries, single-name screening, customers and the audit log. The order pages are in
``stopship.web.orders``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select

from stopship import audit
from stopship.api.auth import SESSION_COOKIE, client_address, context
from stopship.api.errors import ApiError
from stopship.api.routes.lists import delta_dict, plain
from stopship.api.routes.screening import to_query
from stopship.api.schemas import RecordIn
from stopship.cases import alerts as alert_svc
from stopship.cases import customers as cust
from stopship.cases import decisions as decision_svc
from stopship.cases import orders as order_svc
from stopship.cases import users
from stopship.cases.screening import import_customers
from stopship.cases.tables import customers as customers_table
from stopship.errors import StopshipError
from stopship.web.orders import router as order_router
from stopship.web.views import (
    LOGIN_CSRF_COOKIE,
    bar_chart,
    check_form_csrf,
    highlight,
    new_login_csrf,
    page_user,
    redirect,
    render,
)

router = APIRouter(include_in_schema=False)
router.include_router(order_router)  # /orders, /orders/{id} and the release forms


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    token = new_login_csrf()
    response = render(request, "login.html", login_csrf=token, who=None)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/")
    return response


@router.post("/login", response_class=HTMLResponse)
def login_submit(request: Request, username: str = Form(..., max_length=120),
                 password: str = Form(..., max_length=1000),
                 csrf_token: str = Form("", max_length=100)) -> Response:
    from stopship.api.routes.admin import login_session

    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or cookie != csrf_token:
        token = new_login_csrf()
        resp = render(request, "login.html", 403, login_csrf=token, who=None,
                      error="The login form expired; please try again.")
        resp.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/")
        return resp
    response = redirect("/")
    try:
        login_session(request, response, username, password)
    except ApiError as exc:
        token = new_login_csrf()
        resp = render(request, "login.html", exc.status, login_csrf=token, who=None,
                      error=exc.message)
        resp.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/")
        return resp
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: str = Form("")) -> Response:
    who = page_user(request)
    check_form_csrf(request, csrf_token)
    with context(request).engine.begin() as conn:
        users.end_session(conn, request.cookies.get(SESSION_COOKIE, ""))
        audit.append(conn, who.name, "logout", subject_type="user", subject_id=who.name,
                     details={"client": client_address(request)})
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request) -> Response:
    page_user(request, "alerts:read")
    ctx = context(request)
    with ctx.read_engine.connect() as conn:
        counts = alert_svc.counts(conn)
        orders = order_svc.order_counts(conn)
        per_day = dict(alert_svc.alerts_per_day(conn))
        n_customers = conn.execute(select(func.count()).select_from(customers_table)).scalar()
    today = datetime.now(UTC).date()
    days = [(today - timedelta(days=n)).isoformat() for n in range(13, -1, -1)]
    series = [(day, per_day.get(day, 0)) for day in days]
    lists: dict[str, str] = {}
    screening_error = ""
    try:
        lists = ctx.screening()[1]
    except ApiError as exc:
        screening_error = exc.message
    return render(request, "dashboard.html", counts=counts, orders=orders,
                  chart=bar_chart(series),
                  customers=n_customers, lists=lists, screening_error=screening_error)


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


@router.get("/alerts", response_class=HTMLResponse)
def alert_queue(request: Request, status: str = "active", list_id: str = "",
                min_score: str = "", age: str = "", assignee: str = "") -> Response:
    page_user(request, "alerts:read")
    older = None
    if age.strip().isdigit():
        older = (datetime.now(UTC) - timedelta(days=int(age))).isoformat()
    with context(request).read_engine.connect() as conn:
        items, total = alert_svc.list_alerts(
            conn, status=status or None, list_id=list_id or None,
            min_score=_float(min_score), older_than=older, assignee=assignee or None,
            limit=200)
    filters = {"status": status, "list_id": list_id, "min_score": _float(min_score),
               "age": age, "assignee": assignee}
    return render(request, "alerts.html", items=items, total=total, f=filters)


def _entity_history(ctx: Any, entity_id: str, screened: str | None = None
                    ) -> list[dict[str, Any]]:
    """The list versions holding a list entry, each with the entry's content hash (and
    whether it is the version ``screened``); empty when the store cannot tell."""
    history: list[dict[str, Any]] = []
    try:
        store = ctx.store()
        if hasattr(store, "entity_history"):
            for item in plain(store.entity_history(entity_id)):
                if isinstance(item, list | tuple) and len(item) == 2:
                    history.append({"version": item[0], "content_hash": item[1],
                                    "screened": item[1] == screened})
                elif isinstance(item, dict):
                    history.append(item)
    except (ApiError, StopshipError, LookupError):
        history = []
    return history


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
def alert_page(request: Request, alert_id: int) -> Response:
    page_user(request, "alerts:read")
    ctx = context(request)
    with ctx.read_engine.connect() as conn:
        alert = alert_svc.get_alert(conn, alert_id)
        if alert is None:
            raise ApiError(404, "not_found", f"no alert {alert_id}")
        alert["decisions"] = list(reversed(decision_svc.list_decisions(conn, alert_id=alert_id)))
    entity = alert["hit"].get("entity")
    history = _entity_history(ctx, alert["entity_id"], alert["entity_version"])
    return render(request, "alert.html", a=alert, entity=entity, history=history,
                  hl_query=highlight(alert["query"]["name"], alert["hit"]["name"]),
                  hl_entity=highlight(alert["hit"]["name"], alert["query"]["name"]))


@router.post("/alerts/{alert_id}/decide")
def decide(request: Request, alert_id: int, decision: str = Form(...),
           reason: str = Form("", max_length=4000), csrf_token: str = Form("")) -> Response:
    who = page_user(request, "alerts:decide")
    check_form_csrf(request, csrf_token)
    with context(request).engine.begin() as conn:
        decision_svc.decide(conn, alert_id, decision, reason, who.name)
    return redirect(f"/alerts/{alert_id}?message=Decision+recorded")


@router.post("/decisions/{decision_id}/approve")
def approve(request: Request, decision_id: int, approve: str = Form("1"),
            note: str = Form("", max_length=4000), csrf_token: str = Form("")) -> Response:
    who = page_user(request, "alerts:approve")
    check_form_csrf(request, csrf_token)
    with context(request).engine.begin() as conn:
        decision_svc.approve(conn, decision_id, who.name, note, approve == "1")
        row = decision_svc.list_decisions(conn, status=None, limit=1000)
    alert_id = next((d["alert_id"] for d in row if d["id"] == decision_id), None)
    return redirect(f"/alerts/{alert_id}?message=Approval+recorded")


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, case_id: int) -> Response:
    page_user(request, "alerts:read")
    with context(request).read_engine.connect() as conn:
        case = alert_svc.get_case(conn, case_id)
        if case is None:
            raise ApiError(404, "not_found", f"no case {case_id}")
        customer = cust.get(conn, case["customer_id"]) if case["customer_id"] else None
    return render(request, "case.html", case=case, customer=customer)


@router.post("/cases/{case_id}/assign")
def case_assign(request: Request, case_id: int, assignee: str = Form("", max_length=120),
                csrf_token: str = Form("")) -> Response:
    who = page_user(request, "alerts:decide")
    check_form_csrf(request, csrf_token)
    with context(request).engine.begin() as conn:
        alert_svc.assign_case(conn, case_id, assignee.strip() or None, who.name)
    return redirect(f"/cases/{case_id}?message=Assigned")


@router.get("/lists", response_class=HTMLResponse)
def lists_page(request: Request) -> Response:
    page_user(request, "lists:read")
    try:
        current = context(request).current_versions()
    except ApiError as exc:
        return render(request, "lists.html", current={}, error=exc.message)
    return render(request, "lists.html", current=current)


@router.get("/lists/{list_id}", response_class=HTMLResponse)
def list_page(request: Request, list_id: str) -> Response:
    page_user(request, "lists:read")
    store = context(request).store()
    versions: list[Any] = []
    previous = None
    for version in list(store.versions(list_id))[-6:]:
        info = plain(version)
        info = info if isinstance(info, dict) else {"version": info}
        number = info.get("version", version)
        if info.get("status", "complete") == "complete":
            try:
                info["delta"] = delta_dict(store.diff(list_id, previous, number))
            except (StopshipError, LookupError, ValueError):
                info["delta"] = None
            previous = number
        versions.append(info)
    return render(request, "list.html", list_id=list_id, versions=list(reversed(versions)))


@router.get("/entities/{entity_id:path}", response_class=HTMLResponse)
def entity_page(request: Request, entity_id: str) -> Response:
    """A list entry as in the current version of its list (or, when it was removed, the
    last version that had it) with the versions it appears in."""
    page_user(request, "lists:read")
    ctx = context(request)
    store = ctx.store()
    history = _entity_history(ctx, entity_id)
    removed, version = False, None
    try:
        entity = store.get_entity(entity_id)
    except (StopshipError, LookupError):
        entity = None
    if entity is None and history:
        removed, version = True, history[-1].get("version")
        try:
            entity = store.get_entity(entity_id, version)
        except (StopshipError, LookupError):
            entity = None
    if entity is None:
        raise ApiError(404, "not_found", f"no list entry {entity_id!r}")
    return render(request, "entity.html", entity=plain(entity), history=history,
                  removed=removed, version=version)


@router.get("/screen", response_class=HTMLResponse)
def screen_form(request: Request) -> Response:
    page_user(request, "screen")
    return render(request, "screen.html", form={}, hits=None, saved=None)


@router.post("/screen", response_class=HTMLResponse)
def screen_submit(request: Request, name: str = Form(..., max_length=500),
                  schema_: str = Form("", alias="schema"), country: str = Form(""),
                  dob: str = Form(""),
                  save: str = Form(""), external_id: str = Form("", max_length=200),
                  csrf_token: str = Form("")) -> Response:
    who = page_user(request, "screen")
    check_form_csrf(request, csrf_token)
    form = {"name": name, "schema": schema_, "country": country, "dob": dob,
            "external_id": external_id}
    try:
        record = RecordIn.model_validate({"name": name, "schema": schema_ or None,
                                          "country": country or None, "dob": dob or None})
    except Exception as exc:  # pydantic's ValidationError: show it on the form
        return render(request, "screen.html", 422, form=form, hits=None, saved=None,
                      error=f"Invalid input: {exc}".splitlines()[0] + " " +
                      " ".join(str(exc).splitlines()[1:3]))
    ctx = context(request)
    screener, lists = ctx.screening()
    query = to_query(record, "web")
    hits = screener.screen(query)
    saved = None
    with ctx.engine.begin() as conn:
        audit.append(conn, who.name, "screening", subject_type="record", subject_id="web",
                     lists=lists, details={"records": 1, "hits": len(hits), "name": query.name})
    if save and who.can("customers:write"):
        rec = cust.CustomerRecord(external_id=external_id.strip() or f"web-{query.name}",
                                  name=query.name, schema=query.schema,
                                  country=query.country, dob=query.dob)
        saved = import_customers(ctx.engine, [rec], screener, actor=who.name,
                                 lists=lists, source_name="web").as_dict()
    return render(request, "screen.html", form=form, hits=[h.as_dict() for h in hits],
                  saved=saved)


@router.get("/customers", response_class=HTMLResponse)
def customers_page(request: Request, q: str = "") -> Response:
    page_user(request, "customers:read")
    with context(request).read_engine.connect() as conn:
        items, total = cust.list_customers(conn, 200, 0, q or None)
    return render(request, "customers.html", items=items, total=total, q=q, result=None)


@router.post("/customers/import", response_class=HTMLResponse)
def customers_import(request: Request, file: UploadFile, csrf_token: str = Form("")) -> Response:
    who = page_user(request, "customers:write")
    check_form_csrf(request, csrf_token)
    name = file.filename or "upload.csv"
    if not name.lower().endswith((".csv", ".xlsx")):
        raise ApiError(415, "unsupported_media_type", "upload a .csv or .xlsx file")
    records, problems = cust.parse_file(file.file.read(), name)
    ctx = context(request)
    try:
        screener, lists = ctx.screening()
    except ApiError:
        screener, lists = None, {}
    result = import_customers(ctx.engine, records, screener, actor=who.name, lists=lists,
                              source_name=name, problems=[p.as_dict() for p in problems])
    with ctx.read_engine.connect() as conn:
        items, total = cust.list_customers(conn, 200, 0)
    return render(request, "customers.html", items=items, total=total, q="",
                  result=result.as_dict())


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, action: str = "", actor: str = "") -> Response:
    page_user(request, "audit:read")
    with context(request).read_engine.connect() as conn:
        events = audit.list_events(conn, limit=200, action=action or None,
                                   actor=actor or None)
        result = audit.verify(conn)
    return render(request, "audit.html", events=events, verify=result, action=action,
                  actor=actor)
