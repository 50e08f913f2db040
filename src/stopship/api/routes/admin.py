"""Login sessions, users, API keys and the audit trail."""

from __future__ import annotations

import io
from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse

from stopship import audit
from stopship.api.auth import (
    SESSION_COOKIE,
    authenticated,
    client_address,
    context,
    require,
)
from stopship.api.schemas import ApiKeyIn, LoginIn, UserIn
from stopship.cases import users
from stopship.cases.users import Principal

router = APIRouter(prefix="/api/v1", tags=["auth and audit"])


def login_session(request: Request, response: Response, username: str,
                  password: str) -> tuple[Principal, str]:
    """Rate-limited password check; sets the session cookie; returns (principal, csrf)."""
    ctx = context(request)
    limiter = request.app.state.login_limiter
    client = client_address(request)
    limiter.check(client, username)
    with ctx.engine.begin() as conn:
        principal = users.authenticate(conn, username, password)
    if principal is None or principal.user_id is None:
        limiter.failed(client, username)
        from stopship.api.errors import ApiError

        raise ApiError(401, "unauthenticated", "wrong username or password")
    limiter.succeeded(client, username)
    with ctx.engine.begin() as conn:
        users.purge_sessions(conn)
        token, csrf = users.create_session(conn, principal.user_id,
                                           ctx.settings.session_ttl_seconds)
    response.set_cookie(SESSION_COOKIE, token, max_age=ctx.settings.session_ttl_seconds,
                        httponly=True, samesite="strict", secure=ctx.settings.secure_cookies,
                        path="/")
    return principal, csrf


@router.post("/auth/login", summary="Log in; sets a session cookie, returns the CSRF token")
def post_login(body: LoginIn, request: Request, response: Response) -> dict[str, Any]:
    principal, csrf = login_session(request, response, body.username, body.password)
    return {"username": principal.name, "role": principal.role, "csrf_token": csrf,
            "expires_in": context(request).settings.session_ttl_seconds}


@router.post("/auth/logout", summary="End the session")
def post_logout(request: Request, response: Response,
                who: Principal = Depends(authenticated)) -> dict[str, Any]:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with context(request).engine.begin() as conn:
            users.end_session(conn, token)
            audit.append(conn, who.name, "logout", subject_type="user", subject_id=who.name)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return {"ok": True}


@router.get("/auth/me", summary="Who am I, with which scopes")
def get_me(request: Request, who: Principal = Depends(authenticated)) -> dict[str, Any]:
    return {"name": who.name, "kind": who.kind, "role": who.role,
            "scopes": sorted(who.scopes), "csrf_token": getattr(request.state, "csrf", None)}


@router.get("/users", summary="Users (administrators)")
def get_users(request: Request,
              _: Principal = Depends(require("users:admin"))) -> dict[str, Any]:
    with context(request).read_engine.connect() as conn:
        return {"items": users.list_users(conn)}


@router.post("/users", status_code=201, summary="Create a user (administrators)")
def post_user(body: UserIn, request: Request,
              who: Principal = Depends(require("users:admin"))) -> dict[str, Any]:
    with context(request).engine.begin() as conn:
        user_id = users.create_user(conn, body.username, body.password, body.role, who.name)
    return {"id": user_id, "username": body.username, "role": body.role}


@router.post("/api-keys", status_code=201, summary="Create an API key (shown once)")
def post_api_key(body: ApiKeyIn, request: Request,
                 who: Principal = Depends(require("users:admin"))) -> dict[str, Any]:
    with context(request).engine.begin() as conn:
        key = users.create_api_key(conn, body.name, body.scopes, who.name)
    return {"key": key, "name": body.name, "scopes": sorted(body.scopes)}


@router.get("/audit", summary="Audit events, newest first")
def get_audit(request: Request, action: str | None = Query(None, max_length=80),
              actor: str | None = Query(None, max_length=200),
              subject_type: str | None = Query(None, max_length=40),
              subject_id: str | None = Query(None, max_length=200),
              limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0),
              _: Principal = Depends(require("audit:read"))) -> dict[str, Any]:
    with context(request).read_engine.connect() as conn:
        events = audit.list_events(conn, limit=limit, offset=offset, action=action,
                                   actor=actor, subject_type=subject_type,
                                   subject_id=subject_id)
    return {"items": [e.as_dict() for e in events]}


@router.get("/audit/verify", summary="Verify the hash chain")
def get_verify(request: Request,
               _: Principal = Depends(require("audit:read"))) -> dict[str, Any]:
    with context(request).read_engine.connect() as conn:
        return audit.verify(conn).as_dict()


@router.get("/audit/export", summary="Export audit events as CSV or JSONL")
def get_export(request: Request, format: str = Query("csv", pattern="^(csv|jsonl)$"),
               who: Principal = Depends(require("audit:read"))) -> StreamingResponse:
    ctx = context(request)
    out = io.StringIO()
    with ctx.read_engine.connect() as conn:
        audit.export(audit.iter_events(conn), out, format)
    with ctx.engine.begin() as conn:
        audit.append(conn, who.name, "audit.export", details={"format": format})
    media = "text/csv" if format == "csv" else "application/x-ndjson"
    return StreamingResponse(iter([out.getvalue()]), media_type=media, headers={
        "Content-Disposition": f'attachment; filename="stopship-audit.{format}"'})
