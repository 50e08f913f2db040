"""The plain ASGI fast path of POST /api/v1/screen answers exactly as the FastAPI route
and hands everything but the common case to it."""

from __future__ import annotations

import time
from pathlib import Path
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


def _screening_events(server: Server) -> list[audit.AuditEvent]:
    with server.app.state.ctx.engine.connect() as conn:
        return [e for e in audit.iter_events(conn) if e.action == "screening"]


def _shape(event: audit.AuditEvent) -> dict[str, Any]:
    """An event without what differs between any two events (seq, time, chain hashes)."""
    return {k: v for k, v in event.content().items() if k not in ("seq", "at", "prev_hash")}


def test_fast_path_and_route_write_the_same_audit_event(server: Server) -> None:
    client = server.key("screen")
    body = {"id": "c-17", "name": "Ivan Petrov", "schema": "person", "min_score": 0.5}
    fast = _fast_path(server)
    handled = fast.handled
    assert client.post("/api/v1/screen", json=body).status_code == 200  # the route
    assert fast.handled == handled
    assert client.post("/api/v1/screen", json=body).status_code == 200  # the fast path
    assert fast.handled == handled + 1
    route_event, fast_event = _screening_events(server)[-2:]
    assert _shape(route_event) == _shape(fast_event)
    assert fast_event.subject_id == "c-17" and fast_event.details["hits"] >= 1
    assert fast_event.seq == route_event.seq + 1


def test_unusable_name_gets_the_route_error_on_the_fast_path(
        server: Server, caplog: pytest.LogCaptureFixture) -> None:
    client = server.key("screen")
    fast = _fast_path(server)
    answers = []
    for _ in range(2):  # the first checks the key (route), the second takes the fast path
        handled = fast.handled
        res = client.post("/api/v1/screen", json={"name": "LLC"})
        answers.append((res.status_code, res.json(), res.headers["x-frame-options"],
                        fast.handled - handled))
    assert answers[0][:3] == answers[1][:3]
    assert answers[0][0] == 422 and answers[0][1]["error"]["code"] == "invalid_input"
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    assert _screening_events(server) == []


def test_unexpected_failure_is_logged_and_answered_as_the_route_does(
        server: Server, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    client = server.key("screen")
    assert client.post("/api/v1/screen", json={"name": "warm"}).status_code == 200
    fast = _fast_path(server)

    async def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(server.app.state.ctx.audit, "append_async", broken)
    from fastapi.testclient import TestClient

    from stopship.api import auth
    seen = []
    for route in (True, False):
        if route:
            auth._key_cache.clear()  # the key is checked again: through the route
        caplog.clear()
        handled = fast.handled
        quiet = TestClient(server.app, raise_server_exceptions=False)
        quiet.headers.update(client.headers)
        res = quiet.post("/api/v1/screen", json={"name": "Ivan Petrov"})
        assert (fast.handled - handled) == (0 if route else 1)
        logged = [(r.name, r.getMessage(), r.exc_info is not None) for r in caplog.records
                  if r.levelname == "ERROR"]
        seen.append((res.status_code, res.json(), logged))
    assert seen[0] == seen[1]
    assert seen[0][0] == 500 and seen[0][1]["error"]["code"] == "internal_error"
    assert seen[0][2] == [("stopship.api", "unhandled error", True)]


def test_fast_path_records_the_route_telemetry(tmp_path: Path) -> None:
    """With OpenTelemetry configured, FastAPI records a server span and a duration metric
    per request; the fast path's carry the same route, name and attributes as the route's."""
    pytest.importorskip("opentelemetry.sdk")
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from opentelemetry.trace import SpanKind

    from stopship.api.testing import build_server, close
    from stopship.cases.testing import sqlite_url

    exporter = InMemorySpanExporter()
    tracing = TracerProvider()
    tracing.add_span_processor(SimpleSpanProcessor(exporter))
    reader = InMemoryMetricReader()
    srv = build_server(sqlite_url(tmp_path), tmp_path, telemetry={
        "tracer_provider": tracing, "meter_provider": MeterProvider(metric_readers=[reader])})
    try:
        client = srv.key("screen")
        fast = _fast_path(srv)
        per_request = []
        for taken in (0, 1):  # the route (the key is checked), then the fast path
            exporter.clear()
            handled = fast.handled
            res = client.post("/api/v1/screen", json={"name": "Ivan Petrov"})
            assert res.status_code == 200 and fast.handled - handled == taken
            spans = exporter.get_finished_spans()
            [server_span] = [s for s in spans if s.kind == SpanKind.SERVER]
            per_request.append((server_span.name, dict(server_span.attributes or {}),
                                {s.name for s in spans if s.parent is not None}))
        route, fast_path = per_request
        assert route[:2] == fast_path[:2]
        assert route[0] == "POST /api/v1/screen"
        assert route[1]["http.route"] == "/api/v1/screen"
        assert route[1]["http.response.status_code"] == 200
        assert "fastapi.endpoint" in route[2] and "fastapi.endpoint" in fast_path[2]
        data = reader.get_metrics_data()
        points = [p for rm in data.resource_metrics for sm in rm.scope_metrics
                  for m in sm.metrics if m.name == "http.server.request.duration"
                  for p in m.data.data_points]
        [point] = points                        # both requests under one set of attributes
        assert point.count == 2 and point.attributes["http.route"] == "/api/v1/screen"
    finally:
        close(srv)
