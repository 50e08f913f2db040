"""The web pages through a test client: login with CSRF, the queue, the alert page,
deciding and approving as two people, the audit log."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from stopship.api.testing import PASSWORD, Server
from stopship.api.testing import csrf_field as _csrf


def web_login(server: Server, username: str) -> TestClient:
    return server.web_login(username)


def test_login_form_needs_its_csrf_token_and_right_password(server: Server) -> None:
    client = server.client()
    client.get("/login")
    res = client.post("/login", data={"username": "alice", "password": PASSWORD,
                                      "csrf_token": "forged"})
    assert res.status_code == 403 and "expired" in res.text
    page = client.get("/login")
    res = client.post("/login", data={"username": "alice", "password": "wrong-password",
                                      "csrf_token": _csrf(page.text)})
    assert res.status_code == 401 and "wrong username or password" in res.text


def test_screen_decide_approve_and_audit_in_pages(server: Server) -> None:
    alice = web_login(server, "alice")
    form = alice.get("/screen")
    res = alice.post("/screen", data={"name": "Alpha Trading LLC", "country": "AE",
                                      "save": "1", "external_id": "W1",
                                      "csrf_token": _csrf(form.text)})
    assert res.status_code == 200 and "us_ofac_sdn:1" in res.text
    assert "1 alert(s) opened" in res.text
    queue = alice.get("/alerts")
    alert_id = int(re.search(r'href="/alerts/(\d+)"', queue.text).group(1))
    page = alice.get(f"/alerts/{alert_id}")
    assert "<mark>Alpha</mark>" in page.text and "Why it scored" in page.text
    # a decision without a reason is refused on the page
    res = alice.post(f"/alerts/{alert_id}/decide",
                     data={"decision": "false_positive", "reason": " ",
                           "csrf_token": _csrf(page.text)})
    assert res.status_code == 422 and "reason" in res.text
    res = alice.post(f"/alerts/{alert_id}/decide",
                     data={"decision": "false_positive", "reason": "different company",
                           "csrf_token": _csrf(page.text)}, follow_redirects=False)
    assert res.status_code == 303
    page = alice.get(f"/alerts/{alert_id}")
    assert "pending_approval" in page.text and "Approve release" not in page.text
    bob = web_login(server, "bob")
    page = bob.get(f"/alerts/{alert_id}")
    assert "Approve release" in page.text
    decision_id = re.search(r'action="/decisions/(\d+)/approve"', page.text).group(1)
    res = bob.post(f"/decisions/{decision_id}/approve",
                   data={"approve": "1", "note": "ok", "csrf_token": _csrf(page.text)})
    assert res.status_code == 200 and "cleared" in res.text
    audit_page = bob.get("/audit")
    assert "Hash chain: verified" in audit_page.text
    for action in ("approval", "decision", "alert.open", "screening", "login"):
        assert f"<td>{action}</td>" in audit_page.text
    dashboard = bob.get("/")
    assert "<svg" in dashboard.text and "open cases" in dashboard.text


def test_pages_without_csrf_are_refused(server: Server) -> None:
    alice = web_login(server, "alice")
    res = alice.post("/screen", data={"name": "Alpha Trading"})
    assert res.status_code == 403


def test_other_pages_render(server: Server) -> None:
    root = web_login(server, "root")
    for page, text in [("/lists", "us_ofac_sdn"), ("/lists/us_ofac_sdn", "version"),
                       ("/customers", "Customers"), ("/orders", "Orders"),
                       ("/alerts?status=cleared&min_score=0.5&age=3&assignee=-", "Alert queue")]:
        res = root.get(page)
        assert res.status_code == 200 and text in res.text, page
    assert root.get("/alerts/9999").status_code == 404


def test_list_entry_page_shows_an_entry_and_a_removed_one(server: Server) -> None:
    from stopship.api.testing import ENTITIES

    alice = web_login(server, "alice")
    page = alice.get("/entities/us_ofac_sdn:1")
    assert page.status_code == 200 and "RUSSIA-EO14024" in page.text
    assert "Not in the current version" not in page.text
    server.lists.store.load("us_ofac_sdn", [e for e in ENTITIES if e.native_id == "2"],
                            allow_shrink=True)
    page = alice.get("/entities/us_ofac_sdn:1")
    assert page.status_code == 200 and "Alpha Trading LLC" in page.text
    assert "Not in the current version of us_ofac_sdn: shown as in version 1" in page.text
    assert alice.get("/entities/us_ofac_sdn:77").status_code == 404
