"""Helpers of the web pages: templates, the signed-in user, CSRF on forms, the SVG chart
and highlighting of the tokens two names share."""

from __future__ import annotations

import hmac
import re
import secrets
from pathlib import Path
from typing import Any

from anyascii import anyascii
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from stopship.api.auth import current_principal
from stopship.api.errors import ApiError
from stopship.cases.users import Principal

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
LOGIN_CSRF_COOKIE = "stopship_login_csrf"


class LoginRequired(Exception):
    """Raised by a page when nobody is logged in; answered with a redirect to /login."""


def page_user(request: Request, scope: str | None = None) -> Principal:
    try:
        principal = current_principal(request)
    except ApiError:
        principal = None
    if principal is None or principal.kind != "user":
        raise LoginRequired()
    if scope and not principal.can(scope):
        raise ApiError(403, "forbidden", f"your role lacks the scope {scope!r}")
    return principal


def check_form_csrf(request: Request, supplied: str | None) -> None:
    expected = getattr(request.state, "csrf", None)
    if not expected or not supplied or not hmac.compare_digest(str(supplied), str(expected)):
        raise ApiError(403, "csrf_failed", "missing or wrong CSRF token; reload the page")


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("who", getattr(request.state, "principal", None))
    context.setdefault("csrf", getattr(request.state, "csrf", None))
    context.setdefault("message", request.query_params.get("message"))
    context.setdefault("error", None)
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def new_login_csrf() -> str:
    return secrets.token_urlsafe(24)


_WORD = re.compile(r"\w+", re.UNICODE)


def _fold(token: str) -> str:
    return anyascii(token).lower()


def highlight(text: str, other: str) -> Markup:
    """``text`` with the words it shares with ``other`` (after transliteration) marked."""
    shared = {_fold(t) for t in _WORD.findall(other or "")}
    out: list[str] = []
    last = 0
    for match in _WORD.finditer(text or ""):
        out.append(str(escape(text[last:match.start()])))
        word = match.group(0)
        if _fold(word) in shared:
            out.append(f"<mark>{escape(word)}</mark>")
        else:
            out.append(str(escape(word)))
        last = match.end()
    out.append(str(escape((text or "")[last:])))
    return Markup("".join(out))


def bar_chart(points: list[tuple[str, int]], width: int = 640, height: int = 140) -> Markup:
    """A small inline SVG bar chart of (day, count)."""
    if not points:
        return Markup('<p class="muted">No alerts yet.</p>')
    top = max(count for _, count in points) or 1
    bar = max(4, (width - 40) // len(points))
    parts = [f'<svg role="img" aria-label="alerts per day" width="{width}" height="{height + 30}" '
             f'viewBox="0 0 {width} {height + 30}" xmlns="http://www.w3.org/2000/svg">']
    for i, (day, count) in enumerate(points):
        h = int((height - 14) * count / top)  # room for the tallest bar's label
        x = 30 + i * bar
        parts.append(f'<rect x="{x}" y="{height - h}" width="{bar - 2}" height="{h}" '
                     f'fill="#2563eb"><title>{escape(day)}: {count}</title></rect>')
        parts.append(f'<text x="{x + bar / 2 - 1}" y="{height - h - 3}" font-size="10" '
                     f'text-anchor="middle">{count}</text>')
    parts.append(f'<text x="30" y="{height + 16}" font-size="10">{escape(points[0][0])}</text>')
    parts.append(f'<text x="{width - 10}" y="{height + 16}" font-size="10" text-anchor="end">'
                 f'{escape(points[-1][0])}</text>')
    parts.append(f'<line x1="28" y1="{height}" x2="{width}" y2="{height}" stroke="#999"/></svg>')
    return Markup("".join(parts))


def _is_page(request: Request) -> bool:
    path = request.url.path
    return not path.startswith(("/api/", "/match/", "/openapi", "/docs", "/redoc", "/healthz"))


def install_errors(app: Any) -> None:
    """Pages answer errors with an HTML page (and a login redirect); the API keeps JSON."""
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException as StarletteHTTPException

    from stopship.errors import StopshipError

    async def login_required(_: Request, __: Exception) -> Any:
        return redirect("/login")

    app.add_exception_handler(LoginRequired, login_required)

    for cls in (ApiError, StopshipError, StarletteHTTPException, RequestValidationError):
        original = app.exception_handlers[cls]

        def make(original: Any) -> Any:
            async def handler(request: Request, exc: Exception) -> Any:
                response = await original(request, exc)
                if not _is_page(request):
                    return response
                import json as _json

                try:
                    error = _json.loads(bytes(response.body))["error"]
                    detail = error["message"] + "".join(
                        f" {d.get('field')}: {d.get('message')}." for d in error["details"])
                except (ValueError, KeyError, TypeError):
                    detail = "error"
                return render(request, "error.html", response.status_code,
                              status=response.status_code, detail=detail)
            return handler

        app.add_exception_handler(cls, make(original))
