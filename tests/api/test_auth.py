"""Authorization: every endpoint checks it; roles and key scopes forbid what they should."""

from __future__ import annotations

import pytest

from stopship.api.testing import PASSWORD, Server

# (method, path, body) of endpoints and who may call them
FORBIDDEN = [
    # role, method, path, body
    ("alice", "GET", "/api/v1/audit", None),
    ("alice", "GET", "/api/v1/audit/verify", None),
    ("alice", "GET", "/api/v1/audit/export", None),
    ("alice", "GET", "/api/v1/users", None),
    ("alice", "POST", "/api/v1/users", {"username": "eve", "password": PASSWORD,
                                        "role": "administrator"}),
    ("alice", "POST", "/api/v1/decisions/1/approval", {"approve": True}),
    ("alice", "POST", "/api/v1/lists/us_ofac_sdn/rescreen", {"new_version": "1"}),
    ("bob", "POST", "/api/v1/customers", {"customers": [{"external_id": "X",
                                                         "name": "Some Name"}]}),
    ("bob", "POST", "/api/v1/api-keys", {"name": "k", "scopes": ["screen"]}),
    ("bob", "GET", "/api/v1/users", None),
]


@pytest.mark.parametrize("user, method, path, body", FORBIDDEN)
def test_roles_cannot_do_what_they_are_not_allowed(server: Server, user: str, method: str,
                                                   path: str, body: dict | None) -> None:
    client = server.login(user)
    res = client.request(method, path, json=body)
    assert res.status_code == 403, res.text
    assert res.json()["error"]["code"] == "forbidden"
    if path == "/api/v1/users" and method == "POST":
        root = server.login("root")
        names = [u["username"] for u in root.get("/api/v1/users").json()["items"]]
        assert "eve" not in names  # no side effect


def test_every_api_route_requires_authentication(server: Server) -> None:
    client = server.client()
    open_routes = {"/api/v1/auth/login", "/healthz", "/openapi.json", "/docs", "/redoc",
                   "/docs/oauth2-redirect"}
    checked = 0
    for route_path, methods in server.app.openapi()["paths"].items():
        if route_path in open_routes:
            continue
        path = (route_path.replace("{entity_id}", "x:1").replace("{list_id}", "l")
                .replace("{dataset}", "default"))
        for part in ("alert_id", "decision_id", "case_id", "customer_id", "order_id"):
            path = path.replace("{" + part + "}", "1")
        for method in methods:
            res = client.request(method.upper(), path, json={})
            assert res.status_code == 401, (method, path, res.status_code)
            assert res.json()["error"]["code"] == "unauthenticated"
            checked += 1
    assert checked >= 25


def test_web_pages_redirect_to_login(server: Server) -> None:
    client = server.client()
    for page in ("/", "/alerts", "/alerts/1", "/screen", "/customers", "/audit", "/lists",
                 "/orders", "/cases/1"):
        res = client.get(page, follow_redirects=False)
        assert res.status_code == 303 and res.headers["location"] == "/login", page
    alice = server.login("alice")
    assert alice.get("/audit").status_code == 403  # analysts do not read the audit log


def test_api_key_scopes(server: Server) -> None:
    screener = server.key("screen")
    assert screener.post("/api/v1/screen", json={"name": "Alpha Trading"}).status_code == 200
    res = screener.get("/api/v1/alerts")
    assert res.status_code == 403
    bad = server.client()
    bad.headers["Authorization"] = "Bearer ssk_nope_nope"
    assert bad.post("/api/v1/screen", json={"name": "x"}).status_code == 401


def test_cookie_writes_need_the_csrf_token(server: Server) -> None:
    alice = server.login("alice")
    token = alice.headers.pop("X-CSRF-Token")
    res = alice.post("/api/v1/screen", json={"name": "Alpha Trading"})
    assert res.status_code == 403 and res.json()["error"]["code"] == "csrf_failed"
    alice.headers["X-CSRF-Token"] = token + "x"
    assert alice.post("/api/v1/screen", json={"name": "Alpha"}).status_code == 403
    alice.headers["X-CSRF-Token"] = token
    assert alice.post("/api/v1/screen", json={"name": "Alpha"}).status_code == 200


def test_login_is_rate_limited_and_audited(server: Server) -> None:
    client = server.client()
    for _ in range(3):
        res = client.post("/api/v1/auth/login", json={"username": "alice", "password": "nope"})
        assert res.status_code == 401
    res = client.post("/api/v1/auth/login", json={"username": "alice", "password": PASSWORD})
    assert res.status_code == 429 and "Retry-After" in res.headers
    root = server.login("root")
    failed = root.get("/api/v1/audit", params={"action": "login.failed"}).json()["items"]
    assert len(failed) == 3


def test_sessions_expire_and_logout_ends_them(server: Server) -> None:
    alice = server.login("alice")
    assert alice.get("/api/v1/auth/me").json()["role"] == "analyst"
    assert alice.post("/api/v1/auth/logout").status_code == 200
    assert alice.get("/api/v1/auth/me").status_code == 401
    server.app.state.ctx.settings.session_ttl_seconds = 0
    short = server.client()
    res = short.post("/api/v1/auth/login", json={"username": "bob", "password": PASSWORD})
    assert res.status_code == 200
    assert short.get("/api/v1/auth/me").status_code == 401
