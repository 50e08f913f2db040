"""Single-record screening, and a plain ASGI fast path for its common case.

``POST /api/v1/screen`` is the busiest call by far (systems screen one customer or
counterparty at a time). Through FastAPI's routing, dependency solving and response
handling it cost about three times the screening itself. ``ScreenFastPath`` sits inside
the body-limit and security-header middlewares and answers the request itself only when
every condition of the ordinary path is already known to hold:

- ``POST`` to exactly ``/api/v1/screen`` with ``Content-Type: application/json``;
- an API key (``Authorization: Bearer`` or ``X-API-Key``) checked by the database less
  than a few seconds ago (``auth._key_cache``, the same cache the route uses) whose
  scopes include ``screen`` (API keys carry no cookie, so there is no CSRF token to check);
- a body that parses as a JSON object and validates as ``ScreenRequest``;
- a screener whose list versions were checked recently (no I/O needed).

Anything else (no key or an unchecked one, cookies, a malformed or invalid body, a
screener to build) goes to the FastAPI route unchanged, with the body replayed, so every
error keeps its one shape and every check stays in one place. Both paths run
``screen_record``: screening, then the audit event through the group-commit writer,
committed before the answer is sent.

What the route records, the fast path records too (``tests/api/test_fastpath.py``): the
same audit event; a ``StopshipError`` raised while screening (a name that is only a legal
form) answered by the same handler (422, nothing logged), any other exception left to the
same server-error handler (500, logged as "unhandled error"); and, when OpenTelemetry is
configured, FastAPI's request span and ``http.server.request.duration`` metric with the
same ``http.route`` (the fast path reports the route it stands in for) plus an endpoint
span. Only FastAPI's dependency-resolution span is absent: that work is not done.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError as PydanticError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stopship.api.auth import _key_cache
from stopship.api.context import ServerContext
from stopship.api.errors import stopship_error_response
from stopship.api.schemas import RecordIn, ScreenRequest
from stopship.cases.users import Principal
from stopship.errors import StopshipError
from stopship.screening.types import QueryRecord

try:  # FastAPI's own OpenTelemetry hooks (FastAPI >= 0.160); no-ops without a provider
    from fastapi.telemetry._api import _operation, _route_selected
except ImportError:  # pragma: no cover - an older FastAPI records no telemetry
    from contextlib import nullcontext

    def _operation(*, name: str, function: Any = None) -> Any:  # type: ignore[misc]
        return nullcontext()

    def _route_selected(*, scope: Any, path: str | None, mount: bool = False) -> None:  # type: ignore[misc]
        return None

PATH = "/api/v1/screen"
SCOPE = "screen"


def to_query(record: RecordIn, fallback_id: str) -> QueryRecord:
    return QueryRecord(id=record.id or fallback_id, name=record.name, schema=record.schema_,
                       country=record.country.upper() if record.country else None,
                       dob=record.dob, address=record.address,
                       identifiers=list(record.identifiers))


async def screen_record(ctx: ServerContext, screening: tuple[Any, dict[str, str]],
                        body: ScreenRequest, who: Principal) -> dict[str, Any]:
    """Screen one record and commit its audit event; the answer of ``/api/v1/screen``."""
    screener, lists = screening
    query = to_query(body, "q1")
    hits = screener.screen(query, min_score=body.min_score, limit=body.limit)
    await ctx.audit.append_async(
        who.name, "screening", subject_type="record", subject_id=query.id, lists=lists,
        rules_version=ctx.settings.rules_version,
        details={"records": 1, "hits": len(hits), "name": query.name,
                 "top_score": round(hits[0].score, 4) if hits else None})
    return {"query_id": query.id, "lists": lists, "hits": [h.as_dict() for h in hits]}


def encode(content: Any) -> bytes:
    """As ``starlette.responses.JSONResponse`` renders."""
    return json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None,
                      separators=(",", ":")).encode("utf-8")


def _api_key(headers: list[tuple[bytes, bytes]]) -> tuple[str, bool]:
    """(the API key, whether the body is JSON), read as ``auth._api_key`` reads them (the
    first of repeated headers counts)."""
    seen: dict[bytes, bytes] = {}
    for name, value in headers:
        if name in (b"authorization", b"x-api-key", b"content-type"):
            seen.setdefault(name, value)
    auth = seen.get(b"authorization", b"").decode("latin-1")
    bearer = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
    kind = seen.get(b"content-type", b"").split(b";", 1)[0].strip().lower()
    return bearer or seen.get(b"x-api-key", b"").decode("latin-1"), kind == b"application/json"


class ScreenFastPath:
    """See the module docstring. ``ctx`` is read from the app state on first use."""

    def __init__(self, app: ASGIApp, ctx: ServerContext) -> None:
        self.app = app
        self.ctx = ctx
        self.handled = 0  # requests answered here, for tests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] != "POST"
                or scope["path"] != PATH):
            await self.app(scope, receive, send)
            return
        token, json_body = _api_key(scope["headers"])
        principal = _key_cache.get(token) if token and json_body else None
        ready = self.ctx.screening_cached() if principal is not None else None
        if principal is None or ready is None or not principal.can(SCOPE):
            await self.app(scope, receive, send)
            return
        raw = await _read_body(receive)
        if raw is None:  # the client went away: nobody to answer
            return
        body = _validate(raw)
        if body is None:
            await self.app(scope, _replay(raw, receive), send)
            return
        self.handled += 1
        _route_selected(scope=scope, path=PATH)  # telemetry: the route this stands in for
        try:
            with _operation(name="endpoint", function=screen_record):
                content = encode(await screen_record(self.ctx, ready, body, principal))
        except StopshipError as exc:  # as the app's StopshipError handler answers the route
            await stopship_error_response(exc)(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-length", str(len(content)).encode()),
            (b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": content})


async def _read_body(receive: Receive) -> bytes | None:
    """The body (already bounded by the body-limit middleware outside), or None when the
    client went away."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _validate(raw: bytes) -> ScreenRequest | None:
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    try:
        return ScreenRequest.model_validate(data)
    except PydanticError:
        return None


def _replay(raw: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": raw, "more_body": False}
        return await receive()

    return replay
