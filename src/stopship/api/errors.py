"""The one JSON error shape, mapped in one place:

    {"error": {"code": "invalid_input", "message": "...",
               "details": [{"field": "records.0.name", "message": "..."}]}}
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stopship.errors import (
    ConfigError,
    InputError,
    NotFoundError,
    PermissionDenied,
    StopshipError,
    StoreError,
    ValidationError,
)

log = logging.getLogger("stopship.api")

_STATUS_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden",
                 404: "not_found", 405: "method_not_allowed", 409: "conflict",
                 413: "body_too_large", 415: "unsupported_media_type", 422: "invalid_input",
                 429: "rate_limited", 503: "unavailable"}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str,
                 details: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or []
        self.headers = headers


def error_body(code: str, message: str, details: list[dict[str, Any]] | None = None
               ) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or []}}


def error_response(status: int, code: str, message: str,
                   details: list[dict[str, Any]] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, message, details), status_code=status, headers=headers)


def _loc(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def stopship_error_response(exc: StopshipError) -> JSONResponse:
    field = exc.location.field
    if isinstance(exc, ValidationError):
        details = [{"field": p.location.field, "message": p.message, "line": p.location.line,
                    "file": p.location.file} for p in exc.problems]
        return error_response(422, "invalid_input", exc.message, details)
    if isinstance(exc, NotFoundError):
        return error_response(404, "not_found", exc.message)
    if isinstance(exc, PermissionDenied):
        return error_response(403, "forbidden", exc.message,
                              [{"field": field, "message": exc.message}] if field else [])
    if isinstance(exc, InputError):
        return error_response(422, "invalid_input", exc.message,
                              [{"field": field, "message": exc.message}] if field else [])
    if isinstance(exc, StoreError):
        return error_response(409, "conflict", exc.message)
    if isinstance(exc, ConfigError):
        return error_response(503, "unavailable", exc.message)
    return error_response(500, "internal_error", exc.message)


def install(app: FastAPI) -> None:
    """Register every handler: validation, malformed JSON, HTTP errors, ours, the rest."""

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = []
        malformed = False
        for err in exc.errors():
            if err.get("type") == "json_invalid":
                malformed = True
            message = str(err.get("msg", "invalid"))
            if err.get("type") == "extra_forbidden":
                message = "unknown field"
            details.append({"field": _loc(err.get("loc", ())), "message": message})
        if malformed:
            return error_response(400, "malformed_json", "the request body is not valid JSON",
                                  details)
        return error_response(422, "invalid_input", "the request is invalid", details)

    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        return error_response(exc.status_code, code, str(exc.detail),
                              headers=getattr(exc, "headers", None))

    @app.exception_handler(StopshipError)
    async def _ours(_: Request, exc: StopshipError) -> JSONResponse:
        return stopship_error_response(exc)

    @app.exception_handler(json.JSONDecodeError)
    async def _json(_: Request, exc: json.JSONDecodeError) -> JSONResponse:
        return error_response(400, "malformed_json", f"the request body is not valid JSON: {exc}")

    @app.exception_handler(Exception)
    async def _any(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return error_response(500, "internal_error", "internal error; see the server log")


class BodyLimit:
    """Refuse bodies larger than ``limit`` bytes with 413 before the app reads them
    (both a declared Content-Length and a streamed body are checked)."""

    def __init__(self, app: ASGIApp, limit: int, upload_limit: int,
                 upload_paths: tuple[str, ...] = ()) -> None:
        self.app = app
        self.limit = limit
        self.upload_limit = upload_limit
        self.upload_paths = upload_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = self.upload_limit if path.startswith(self.upload_paths) else self.limit
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > limit
                except ValueError:
                    too_big = True
                if too_big:
                    await self._reject(send, limit)
                    return
        if not any(name == b"content-length" for name, _ in scope.get("headers", [])):
            # a streamed body: read it up to the limit, then replay it to the app
            chunks: list[bytes] = []
            seen = 0
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    break
                chunks.append(message.get("body", b""))
                seen += len(chunks[-1])
                if seen > limit:
                    await self._reject(send, limit)
                    return
                if not message.get("more_body", False):
                    break
            body = b"".join(chunks)
            sent = False

            async def replay() -> Message:
                nonlocal sent
                if not sent:
                    sent = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            await self.app(scope, replay, send)
            return
        await self.app(scope, receive, send)

    @staticmethod
    async def _reject(send: Send, limit: int) -> None:
        body = json.dumps(error_body("body_too_large",
                                     f"the request body is larger than {limit} bytes")).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
