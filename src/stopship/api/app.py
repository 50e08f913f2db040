"""The FastAPI application factory: API routes, the yente-compatible match endpoint,
the web pages, error mapping, body limits and security headers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stopship.api import errors
from stopship.api.auth import LoginLimiter
from stopship.api.context import ServerContext
from stopship.api.fastpath import ScreenFastPath
from stopship.api.routes import admin, cases, customers, lists, screening
from stopship.api.settings import ServerSettings
from stopship.api.yente import router as yente_router

try:
    __version__ = version("stopship")
except PackageNotFoundError:  # pragma: no cover - running from a plain checkout
    __version__ = "0.0.0"

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "img-src 'self' data:; script-src 'none'; frame-ancestors 'none'",
}


class SecurityHeaders:
    """Adds SECURITY_HEADERS (and ``no-store`` on API answers) to every response; plain
    ASGI, so it costs next to nothing per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = list(self.headers)
        if scope.get("path", "").startswith(("/api/", "/match/")):
            extra.append((b"cache-control", b"no-store"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in extra if k not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def app_from_env() -> FastAPI:
    """The app for ``uvicorn --factory`` workers (``stopship serve --workers N``): settings
    from ``STOPSHIP_SERVE_DATABASE_URL`` and ``STOPSHIP_DATA_DIR``; the parent process has
    already run the migrations."""
    import os
    from pathlib import Path

    return create_app(ServerSettings(
        database_url=os.environ["STOPSHIP_SERVE_DATABASE_URL"],
        data_dir=Path(os.environ["STOPSHIP_DATA_DIR"]),
        secure_cookies=os.environ.get("STOPSHIP_SECURE_COOKIES") == "1",
        run_migrations=False))


def create_app(settings: ServerSettings, *, with_web: bool = True,
               telemetry: dict[str, Any] | None = None) -> FastAPI:
    """Build the server app. Migrations run first unless ``settings.run_migrations`` is off.
    ``telemetry`` is FastAPI's OpenTelemetry configuration (providers, what to record);
    without it FastAPI uses the global providers, recording nothing until one is set."""
    ctx = ServerContext(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        ctx.close()

    extra: dict[str, Any] = {"telemetry": telemetry} if telemetry is not None else {}
    app = FastAPI(title="stopship", version=__version__, lifespan=lifespan, **extra,
                  description="Screening, case management and audit for export-control "
                              "restricted-party lists. Errors share one shape: "
                              '`{"error": {"code", "message", "details": [{"field", "message"}]}}`.')
    app.state.ctx = ctx
    app.state.login_limiter = LoginLimiter(settings.login_attempts,
                                           settings.login_window_seconds)
    errors.install(app)

    # innermost: the common case of POST /api/v1/screen without FastAPI's routing, after
    # the body limit and with the security headers (see stopship.api.fastpath)
    app.add_middleware(ScreenFastPath, ctx=ctx)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(errors.BodyLimit, limit=settings.max_body_bytes,
                       upload_limit=settings.max_upload_bytes,
                       upload_paths=("/api/v1/customers/import", "/customers/import"))

    @app.get("/healthz", tags=["service"], summary="Liveness and database check")
    def healthz() -> dict[str, Any]:
        with ctx.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        return {"status": "ok", "version": __version__}

    for router in (screening.router, lists.router, cases.router, customers.router,
                   admin.router, yente_router):
        app.include_router(router)
    if with_web:
        from stopship.web.pages import router as web_router
        from stopship.web.views import install_errors

        app.include_router(web_router)
        install_errors(app)
    return app
