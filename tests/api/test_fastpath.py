"""The plain ASGI fast path of POST /api/v1/screen answers exactly as the FastAPI route
and hands everything but the common case to it."""

from __future__ import annotations

import time
from typing import Any

import pytest

from stopship import audit
from stopship.api.fastpath import ScreenFastPath
from stopship.api.testing import Server


def _fast_path(server: Server) -> ScreenFastPath:
    stack = server.app.middleware_stack or server.app.build_middleware_stack()
    server.app.middleware_stack = stack
    app: Any = stack
    while not isinstance(app, ScreenFastPath):
        app = app.app
    return app


def test_fast_path_answers_as_the_route_does(server: Server) -> None:
    client = server.key("screen")
    body = {"name": "Alpha Trading", "country": "ru", "limit": 5}
    first = client.post("/api/v1/screen", json=body)  # checks the key: through the route
    fast = _fast_path(server)
    handled = fast.handled
    second = client.post("/api/v1/screen", json=body)  # key cached: the fast path
    assert fast.handled == handled + 1
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert first.json()["hits"][0]["name"] == "Alpha Trading LLC"
    for name in ("content-type", "x-frame-options", "content-security-policy",
                 "cache-control", "x-content-type-options"):
        assert first.headers[name] == second.headers[name], name
    with server.app.state.ctx.engine.connect() as conn:
        events = [e for e in audit.iter_events(conn) if e.action == "screening"]
        assert audit.verify(conn).ok
    assert [e.details["name"] for e in events] == ["Alpha Trading", "Alpha Trading"]
    assert events[0].details == events[1].details


REFUSED = [  # (body, headers, status, code, field): all handed to the route
    (b'{"name": "Alpha"', {}, 400, "malformed_json", None),
    (b'{"name": "Alpha", "nmae": "x"}', {}, 422, "invalid_input", "nmae"),
    (b'{"name": "<script>alert(1)</script>"}', {}, 422, "invalid_input", "name"),
    (b'{"name": "x\'; DROP TABLE customers; --"}', {}, 422, "invalid_input", "name"),
    (b'["Alpha"]', {}, 422, "invalid_input", None),
    (b'{"name": "Alpha", "limit": 1000}', {}, 422, "invalid_input", "limit"),
    (b'{"name": "Alpha"}', {"Content-Type": "text/plain"}, 422, "invalid_input", None),
]


@pytest.mark.parametrize(("body", "headers", "status", "code", "field"), REFUSED)
def test_bad_requests_get_the_route_errors(server: Server, body: bytes,
                                           headers: dict[str, str], status: int, code: str,
                                           field: str | None) -> None:
    client = server.key("screen")
    assert client.post("/api/v1/screen", json={"name": "warm the key cache"}).status_code == 200
    with server.app.state.ctx.engine.connect() as conn:
        before = len(list(audit.iter_events(conn)))
    res = client.post("/api/v1/screen", content=body,
                      headers={"Content-Type": "application/json", **headers})
    assert res.status_code == status, res.text
    error = res.json()["error"]
    assert error["code"] == code
    if field:
        assert field in {d["field"] for d in error["details"]}
    assert res.headers["x-frame-options"] == "DENY"
    with server.app.state.ctx.engine.connect() as conn:
        assert len(list(audit.iter_events(conn))) == before  # no side effect


def test_callers_without_a_cached_screen_key_go_through_the_route(server: Server) -> None:
    fast = _fast_path(server)
    other = server.key("alerts:read")
    other.get("/api/v1/alerts")  # cached, but without the screen scope
    res = other.post("/api/v1/screen", json={"name": "Alpha"})
    assert res.status_code == 403 and res.json()["error"]["code"] == "forbidden"
    alice = server.login("alice")
    token = alice.headers.pop("X-CSRF-Token")
    res = alice.post("/api/v1/screen", json={"name": "Alpha"})
    assert res.status_code == 403 and res.json()["error"]["code"] == "csrf_failed"
    alice.headers["X-CSRF-Token"] = token
    assert alice.post("/api/v1/screen", json={"name": "Alpha"}).status_code == 200
    anonymous = server.client()
    assert anonymous.post("/api/v1/screen", json={"name": "Alpha"}).status_code == 401
    assert fast.handled == 0


def test_oversized_bodies_are_refused_before_the_fast_path(server: Server) -> None:
    client = server.key("screen")
    client.post("/api/v1/screen", json={"name": "warm"})
    big = b'{"name": "' + b"a" * 300_000 + b'"}'
    res = client.post("/api/v1/screen", content=big,
                      headers={"Content-Type": "application/json"})
    assert res.status_code == 413 and res.json()["error"]["code"] == "body_too_large"


def test_a_new_list_version_is_picked_up_without_stalling_requests(server: Server) -> None:
    from stopship.api.testing import ENTITIES, entity

    client = server.key("screen")
    before = client.post("/api/v1/screen", json={"name": "Quiet Bakery"}).json()
    assert before["hits"] == []
    server.lists.load("us_ofac_sdn", [*ENTITIES[:2], entity("9", "Quiet Bakery")])
    ctx = server.app.state.ctx
    ctx._checked = 0.0  # as if the recheck interval had passed
    # answered at once with the screener it has (and the versions it used) ...
    stale = client.post("/api/v1/screen", json={"name": "Quiet Bakery"}).json()
    assert stale["lists"] == before["lists"]
    deadline = time.monotonic() + 30
    while ctx.screening_cached()[1] == before["lists"] and time.monotonic() < deadline:
        time.sleep(0.05)  # ... while a background thread checks and rebuilds
    after = client.post("/api/v1/screen", json={"name": "Quiet Bakery"}).json()
    assert after["lists"]["us_ofac_sdn"] != before["lists"]["us_ofac_sdn"]
    assert [h["name"] for h in after["hits"]][:1] == ["Quiet Bakery"]
    for thread in ctx.background:  # the re-screen the new version started
        thread.join(timeout=30)


def test_x_api_key_header_takes_the_fast_path_too(server: Server) -> None:
    bearer = server.key("screen")
    token = bearer.headers.pop("Authorization")[len("Bearer "):]
    client = server.client()
    client.headers["X-API-Key"] = token
    fast = _fast_path(server)
    assert client.post("/api/v1/screen", json={"name": "Ivan Petrov"}).status_code == 200
    handled = fast.handled
    res = client.post("/api/v1/screen", json={"name": "Ivan Petrov"})
    assert res.status_code == 200 and fast.handled == handled + 1
    assert res.json()["hits"][0]["name"] == "Ivan Petrov"
