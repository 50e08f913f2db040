"""Bad input gets one JSON error shape, a clear 4xx and no side effect."""

from __future__ import annotations

import csv
import io

import pytest

from stopship.api.testing import Server


def _events(server: Server) -> int:
    root_ctx = server.app.state.ctx
    from stopship import audit

    with root_ctx.engine.connect() as conn:
        return audit.verify(conn).events


def _customers(server: Server) -> int:
    with server.app.state.ctx.engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM customers").scalar_one())


CASES = [
    # (path, raw body, status, code, field)
    ("/api/v1/screen", b'{"name": "Alpha"', 400, "malformed_json", None),
    ("/api/v1/screen", b'{"name": "Alpha", "nmae": "x"}', 422, "invalid_input", "nmae"),
    ("/api/v1/screen", b'{"name": "<script>alert(1)</script>"}', 422, "invalid_input", "name"),
    ("/api/v1/screen", b'{"name": "x\'; DROP TABLE customers; --"}', 422, "invalid_input",
     "name"),
    ("/api/v1/screen", b'{"name": "Alpha", "country": "Russia"}', 422, "invalid_input",
     "country"),
    ("/api/v1/screen", b'{"name": ""}', 422, "invalid_input", "name"),
    ("/api/v1/screen/batch", b'{"records": []}', 422, "invalid_input", "records"),
    ("/api/v1/customers", b'{"customers": [{"external_id": "Z1", "name": "Robert\'); '
     b'DROP TABLE customers;--"}]}', 422, "invalid_input", "customers.0.name"),
    ("/api/v1/customers", b'{"customers": [{"external_id": "Z2", "name": "ok name", '
     b'"admin": true}]}', 422, "invalid_input", "customers.0.admin"),
    ("/api/v1/alerts/1/decisions", b'{"decision": "maybe", "reason": "x"}', 422,
     "invalid_input", "decision"),
]


@pytest.mark.parametrize("path, raw, status, code, field", CASES)
def test_bad_bodies_get_4xx_and_no_side_effect(server: Server, path: str, raw: bytes,
                                               status: int, code: str,
                                               field: str | None) -> None:
    alice = server.login("alice")
    before = (_events(server), _customers(server))
    res = alice.post(path, content=raw, headers={"Content-Type": "application/json"})
    assert res.status_code == status, res.text
    error = res.json()["error"]
    assert error["code"] == code and error["message"]
    if field:
        assert field in [d["field"] for d in error["details"]], error
    assert (_events(server), _customers(server)) == before


def test_oversized_bodies_are_refused(server: Server) -> None:
    alice = server.login("alice")
    big = b'{"name": "' + b"a" * 300_000 + b'"}'
    res = alice.post("/api/v1/screen", content=big, headers={"Content-Type": "application/json"})
    assert res.status_code == 413 and res.json()["error"]["code"] == "body_too_large"

    def chunks():  # no Content-Length: counted while streaming
        yield b'{"name": "'
        for _ in range(30):
            yield b"a" * 10_000
        yield b'"}'

    res = alice.post("/api/v1/screen", content=chunks(),
                     headers={"Content-Type": "application/json"})
    assert res.status_code == 413


def test_batch_limit(server: Server) -> None:
    alice = server.login("alice")
    records = [{"name": f"Name {i}"} for i in range(1001)]
    res = alice.post("/api/v1/screen/batch", json={"records": records})
    assert res.status_code == 422
    assert res.json()["error"]["details"][0]["field"] == "records"


def test_not_found_uses_the_same_shape(server: Server) -> None:
    alice = server.login("alice")
    for path in ("/api/v1/alerts/999", "/api/v1/cases/999", "/api/v1/customers/999",
                 "/api/v1/nothing-here"):
        res = alice.get(path)
        assert res.status_code == 404
        assert set(res.json()["error"]) == {"code", "message", "details"}


def test_formula_injection_neutralised_in_audit_export(server: Server) -> None:
    alice = server.login("alice")
    res = alice.post("/api/v1/customers", json={"customers": [
        {"external_id": "=HYPERLINK(\"http://evil\")", "name": "@SUM(1+1)"}]})
    assert res.status_code == 201
    root = server.login("root")
    text = root.get("/api/v1/audit/export", params={"format": "csv"}).text
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert cells and not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert root.get("/api/v1/audit/export", params={"format": "xml"}).status_code == 422


def test_html_output_escapes_names(server: Server) -> None:
    alice = server.login("alice")
    with server.app.state.ctx.engine.begin() as conn:  # bypass the API check on purpose
        conn.exec_driver_sql(
            "INSERT INTO customers (external_id, name, identifiers, created_at, updated_at) "
            "VALUES ('X9', '<img src=x onerror=alert(1)>', '[]', 't', 't')")
    page = alice.get("/customers").text
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_security_headers_on_pages_and_api(server: Server) -> None:
    client = server.client()
    for path in ("/login", "/api/v1/alerts", "/healthz"):
        res = client.get(path)
        assert res.headers["x-frame-options"] == "DENY"
        assert "script-src 'none'" in res.headers["content-security-policy"]
    assert client.get("/api/v1/alerts").headers["cache-control"] == "no-store"
