"""Who is calling and may they: API keys (``Authorization: Bearer ssk_...`` or
``X-API-Key``) for systems, session cookies for people, CSRF on cookie-authenticated
writes, and a rate limit on failed logins."""

from __future__ import annotations

import hmac
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from stopship.api.context import ServerContext
from stopship.api.errors import ApiError
from stopship.cases import users
from stopship.cases.users import Principal

SESSION_COOKIE = "stopship_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def context(request: Request) -> ServerContext:
    ctx: ServerContext = request.app.state.ctx
    return ctx


def current_principal(request: Request) -> Principal | None:
    """The caller, or None. Caches the result on the request."""
    if hasattr(request.state, "principal"):
        cached: Principal | None = request.state.principal
        return cached
    ctx = context(request)
    principal: Principal | None = None
    request.state.csrf = None
    token = _api_key(request)
    if token:
        principal = _key_cache.get(token)
        if principal is None:
            with ctx.read_engine.connect() as conn:
                principal = users.check_api_key(conn, token)
            if principal is None:
                raise ApiError(401, "unauthenticated", "invalid or revoked API key")
            _key_cache.put(token, principal)
        request.state.principal = principal
        return principal
    cookie = request.cookies.get(SESSION_COOKIE, "")
    if cookie:
        with ctx.read_engine.connect() as conn:
            found = users.get_session(conn, cookie)
        if found:
            principal, request.state.csrf = found
    request.state.principal = principal
    return principal


def _api_key(request: Request) -> str:
    auth = request.headers.get("authorization", "")
    token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
    return token or request.headers.get("x-api-key", "")


def _cached_principal(request: Request) -> Principal | None:
    """The caller if it sent an API key checked less than a few seconds ago (no I/O), as
    ``current_principal`` would find it; else None."""
    token = _api_key(request)
    principal = _key_cache.get(token) if token else None
    if principal is not None:
        request.state.csrf = None
        request.state.principal = principal
    return principal


class _KeyCache:
    """Checked API keys for a few seconds, so a busy client does not cost a database read
    per request. A revoked key stops working within ``ttl`` seconds."""

    def __init__(self, ttl: float = 5.0, size: int = 1000) -> None:
        self.ttl = ttl
        self.size = size
        self._items: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def get(self, token: str) -> Principal | None:
        with self._lock:
            item = self._items.get(token)
        if item is None or item[0] < time.monotonic():
            return None
        return item[1]

    def put(self, token: str, principal: Principal) -> None:
        with self._lock:
            if len(self._items) >= self.size:
                self._items.clear()
            self._items[token] = (time.monotonic() + self.ttl, principal)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_key_cache = _KeyCache()


def check_csrf(request: Request, supplied: str | None) -> None:
    expected = getattr(request.state, "csrf", None)
    if expected is None:  # API key callers carry no cookie: no CSRF to check
        return
    if not supplied or not hmac.compare_digest(str(supplied), str(expected)):
        raise ApiError(403, "csrf_failed", "missing or wrong CSRF token",
                       [{"field": "csrf_token", "message": "send the token from login"}])


def require(scope: str) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency: the caller must be authenticated and hold ``scope``. Async, so a
    cached API key costs no trip to the thread pool; a database check runs there."""

    async def dependency(request: Request) -> Principal:
        principal = _cached_principal(request)
        if principal is None:
            principal = await run_in_threadpool(current_principal, request)
        if principal is None:
            raise ApiError(401, "unauthenticated", "log in or send an API key")
        if request.method not in SAFE_METHODS:
            check_csrf(request, request.headers.get(CSRF_HEADER))
        if not principal.can(scope):
            raise ApiError(403, "forbidden", f"your role or key lacks the scope {scope!r}")
        return principal

    dependency.__name__ = f"require_{scope.replace(':', '_')}"
    return dependency


def authenticated(request: Request) -> Principal:
    principal = current_principal(request)
    if principal is None:
        raise ApiError(401, "unauthenticated", "log in or send an API key")
    return principal


Authenticated = Depends(authenticated)


class LoginLimiter:
    """At most ``attempts`` failed logins per (client address, username) in ``window``
    seconds, and ten times that per client address."""

    def __init__(self, attempts: int, window: float) -> None:
        self.attempts = attempts
        self.window = window
        self._fails: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        q = self._fails.setdefault(key, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def check(self, client: str, username: str) -> None:
        now = time.monotonic()
        with self._lock:
            per_user = self._recent((client, username.lower()), now)
            per_client = self._recent((client, ""), now)
            if len(per_user) >= self.attempts or len(per_client) >= self.attempts * 10:
                oldest = min(per_user[0] if per_user else now,
                             per_client[0] if per_client else now)
                retry = max(1, int(self.window - (now - oldest)))
                raise ApiError(429, "rate_limited",
                               f"too many failed logins; try again in {retry} s",
                               headers={"Retry-After": str(retry)})

    def failed(self, client: str, username: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent((client, username.lower()), now).append(now)
            self._recent((client, ""), now).append(now)

    def succeeded(self, client: str, username: str) -> None:
        with self._lock:
            self._fails.pop((client, username.lower()), None)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
