"""The order pages through a test client: the filtered order list, one order with its
fired rules and evidence, and the four-eyes release on the page: an analyst asks for a
release but cannot approve, nobody approves their own request (refused by the server, not
only hidden), a second person with the approver role does; every step is audited."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from stopship import audit
from stopship.api.testing import Server, csrf_field

# held by the item rules only (tier-1 CHPL item to KG without an end-user statement)
HELD = {"id": "SO-W1", "order_date": "2025-03-01",
        "parties": [{"role": "buyer", "name": "Quiet Bakery Supplies", "country": "KG"},
                    {"role": "ship_to", "name": "Quiet Bakery Supplies", "country": "KG"}],
        "lines": [{"hs_code": "8542.31", "quantity": 100, "unit_price": 5.0}]}
# held by a list hit on both parties, too (opens two alerts)
LISTED = {"id": "SO-W2", "order_date": "2025-03-01",
          "parties": [{"role": "buyer", "name": "Alpha Trading LLC", "country": "AE"},
                      {"role": "ship_to", "name": "Omega Holdings", "country": "KG"}],
          "lines": [{"hs_code": "854231", "quantity": 500, "unit_price": 4.0}]}
CLEAR = {"id": "SO-W3", "order_date": "2025-03-01",
         "parties": [{"role": "buyer", "name": "Hansa Moebel GmbH", "country": "DE"}],
         "lines": [{"hs_code": "940360", "quantity": 3, "unit_price": 500.0}],
         "route": {"ship_from": "US", "ship_to": "DE"}}


def _screen(server: Server, order: dict[str, Any]) -> dict[str, Any]:
    res = server.key("orders:screen").post("/api/v1/orders/screen", json=order)
    assert res.status_code == 200, res.text
    return dict(res.json())


def _status(server: Server, order_id: int) -> str:
    return str(server.login("root").get(f"/api/v1/orders/{order_id}").json()["status"])


def _events(server: Server, action: str) -> list[Any]:
    with server.app.state.ctx.engine.connect() as conn:
        return [e for e in audit.iter_events(conn) if e.action == action]


def _ask_release(client: TestClient, order_id: int, reason: str = "EUS on file") -> Any:
    page = client.get(f"/orders/{order_id}")
    assert 'id="release-form"' in page.text
    return client.post(f"/orders/{order_id}/decide",
                       data={"decision": "release", "reason": reason,
                             "csrf_token": csrf_field(page.text)}, follow_redirects=False)


def _approve(client: TestClient, order_id: int, decision_id: int, approve: str = "1") -> Any:
    page = client.get(f"/orders/{order_id}")
    return client.post(f"/orders/{order_id}/approve",
                       data={"decision_id": str(decision_id), "approve": approve,
                             "note": "checked", "csrf_token": csrf_field(page.text)})


def _pending_id(server: Server, order_id: int) -> int:
    items = server.login("root").get(f"/api/v1/orders/{order_id}/decisions").json()["items"]
    return int(next(d["id"] for d in items if d["status"] == "pending_approval"))


def test_anonymous_visitors_are_sent_to_login(server: Server) -> None:
    order_id = _screen(server, HELD)["order_id"]
    anon = server.client()
    for path in ("/orders", f"/orders/{order_id}", "/entities/us_ofac_sdn:1"):
        res = anon.get(path, follow_redirects=False)
        assert res.status_code == 303 and res.headers["location"] == "/login", path
    for path, data in ((f"/orders/{order_id}/decide", {"reason": "x"}),
                       (f"/orders/{order_id}/approve", {"decision_id": "1"})):
        res = anon.post(path, data=data, follow_redirects=False)
        assert res.status_code == 303 and res.headers["location"] == "/login", path
    assert not _events(server, "order.decision")


def test_analyst_asks_for_a_release_but_cannot_approve_it(server: Server) -> None:
    order_id = _screen(server, HELD)["order_id"]
    alice = server.web_login("alice")
    page = alice.get(f"/orders/{order_id}")
    # a reason is required: refused on the page, nothing recorded
    res = alice.post(f"/orders/{order_id}/decide",
                     data={"decision": "release", "reason": "  ",
                           "csrf_token": csrf_field(page.text)})
    assert res.status_code == 422 and "a decision needs a reason" in res.text
    assert 'id="release-form"' in res.text  # the form is shown again
    assert not _events(server, "order.decision")
    # without the CSRF token: refused
    res = alice.post(f"/orders/{order_id}/decide",
                     data={"decision": "release", "reason": "EUS on file"})
    assert res.status_code == 403 and not _events(server, "order.decision")
    res = _ask_release(alice, order_id)
    assert res.status_code == 303 and "Release+requested" in res.headers["location"]
    page = alice.get(res.headers["location"])
    assert "Release requested" in page.text and 'id="pending"' in page.text
    assert 'id="four-eyes"' in page.text and 'id="order-approve-form"' not in page.text
    assert 'id="release-form"' not in page.text  # one release at a time
    # the analyst's role lacks alerts:approve: refused by the server
    res = _approve(alice, order_id, _pending_id(server, order_id))
    assert res.status_code == 403 and "alerts:approve" in res.text
    assert _status(server, order_id) == "held"
    [event] = _events(server, "order.decision")
    assert event.actor == "alice" and event.details["reason"] == "EUS on file"
    assert not _events(server, "order.release")


def test_the_approver_cannot_approve_their_own_request(server: Server) -> None:
    order_id = _screen(server, HELD)["order_id"]
    bob = server.web_login("bob")
    assert _ask_release(bob, order_id).status_code == 303
    page = bob.get(f"/orders/{order_id}")
    assert 'id="four-eyes"' in page.text and 'id="order-approve-form"' not in page.text
    # posting the form anyway: the server refuses, the page says why
    decision_id = _pending_id(server, order_id)
    res = _approve(bob, order_id, decision_id)
    assert res.status_code == 403
    assert "four eyes: the person who decided cannot approve the release" in res.text
    assert f"Order {HELD['id']}" in res.text  # shown on the order page
    assert _status(server, order_id) == "held"
    assert _pending_id(server, order_id) == decision_id
    assert not _events(server, "order.release")
    # a different approver (here the administrator) may
    res = _approve(server.web_login("root"), order_id, decision_id)
    assert res.status_code == 200 and "Release approved: the order is released" in res.text
    assert _status(server, order_id) == "released"
    [release] = _events(server, "order.release")
    assert release.actor == "root" and release.details["decided_by"] == "bob"


def test_a_second_person_approves_or_rejects(server: Server) -> None:
    first = _screen(server, HELD)["order_id"]
    second = _screen(server, {**HELD, "id": "SO-W4"})["order_id"]
    alice, bob = server.web_login("alice"), server.web_login("bob")
    assert _ask_release(alice, first).status_code == 303
    assert _ask_release(alice, second, "known customer").status_code == 303
    page = bob.get(f"/orders/{first}")
    assert 'id="order-approve-form"' in page.text and "EUS on file" in page.text
    res = _approve(bob, first, _pending_id(server, first))
    assert res.status_code == 200 and "Release approved" in res.text
    assert '<span class="status released">released</span>' in res.text
    assert "nothing left to decide" in res.text
    res = _approve(bob, second, _pending_id(server, second), approve="0")
    assert res.status_code == 200 and "Release rejected: the order stays held" in res.text
    assert 'id="release-form"' in res.text  # a new request is possible
    assert (_status(server, first), _status(server, second)) == ("released", "held")
    assert [e.actor for e in _events(server, "order.decision")] == ["alice", "alice"]
    assert [e.actor for e in _events(server, "order.release")] == ["bob"]
    assert [e.actor for e in _events(server, "order.release.rejected")] == ["bob"]
    # the order's history on its page, and the audit log
    page = bob.get(f"/orders/{first}")
    events = page.text[page.text.index('id="order-events"'):]
    assert "<td>order.release</td>" in events and "<td>order.decision</td>" in events
    assert "<td>order.screening</td>" in events
    log = bob.get("/audit?action=order.release").text
    assert "<td>bob</td>" in log and "<td>order.release</td>" in log


def test_approving_a_decision_of_another_order_is_refused(server: Server) -> None:
    first = _screen(server, HELD)["order_id"]
    second = _screen(server, {**HELD, "id": "SO-W5"})["order_id"]
    assert _ask_release(server.web_login("alice"), first).status_code == 303
    res = _approve(server.web_login("bob"), second, _pending_id(server, first))
    assert res.status_code == 404
    assert _status(server, first) == "held"


def test_order_page_shows_parties_lines_rules_evidence_and_links(server: Server) -> None:
    body = _screen(server, LISTED)
    order_id, alert_ids = body["order_id"], body["alerts"]
    assert len(alert_ids) == 2
    alice = server.web_login("alice")
    page = alice.get(f"/orders/{order_id}").text
    assert "Order SO-W2" in page and '<span class="status held">held</span>' in page
    parties = page[page.index('id="parties"'):page.index('id="lines"')]
    assert "Alpha Trading LLC" in parties and "Omega Holdings" in parties
    assert "R-A1" in parties and f'href="/alerts/{alert_ids[0]}"' in parties
    lines = page[page.index('id="lines"'):page.index('id="fired"')]
    assert "854231" in lines and "2,000.00" in lines and "R-B1" in lines
    fired = page[page.index('id="fired"'):page.index('id="order-alerts"')]
    for rule in body["result"]["rules_fired"]:
        assert f'id="rule-{rule}"' in fired
    assert "<code>parties[0].name</code> = Alpha Trading LLC" in fired
    assert 'href="/entities/us_ofac_sdn%3A1"' in fired
    assert f'href="/alerts/{alert_ids[0]}">alert {alert_ids[0]}</a>' in fired
    assert f'href="/alerts/{alert_ids[1]}">alert {alert_ids[1]}</a>' in fired
    assert "clears when:" in fired
    # undecided alerts: the page says so, and the server refuses the release
    assert "2 alert(s) on the parties are undecided" in page
    res = _ask_release(alice, order_id)
    assert res.status_code == 422 and "undecided or confirmed alert(s)" in res.text
    assert not _events(server, "order.decision")
    # the linked list entry and alert
    entry = alice.get("/entities/us_ofac_sdn%3A1")
    assert entry.status_code == 200 and "Alpha Trading LLC" in entry.text
    assert "RUSSIA-EO14024" in entry.text
    assert alice.get("/entities/us_ofac_sdn:999").status_code == 404
    alert = alice.get(f"/alerts/{alert_ids[0]}").text
    assert f'href="/orders/{order_id}"' in alert


def test_refusing_an_order_is_final(server: Server) -> None:
    order_id = _screen(server, HELD)["order_id"]
    alice = server.web_login("alice")
    page = alice.get(f"/orders/{order_id}")
    res = alice.post(f"/orders/{order_id}/decide",
                     data={"decision": "refuse", "reason": "no end-user statement",
                           "csrf_token": csrf_field(page.text)})
    assert res.status_code == 200 and "Order refused" in res.text
    assert "nothing left to decide" in res.text and 'id="release-form"' not in res.text
    assert _status(server, order_id) == "refused"


def test_order_list_filters_and_dashboard_counts(server: Server) -> None:
    held = _screen(server, HELD)["order_id"]
    listed = _screen(server, LISTED)["order_id"]
    clear = _screen(server, CLEAR)["order_id"]
    alice = server.web_login("alice")

    def listed_ids(query: str) -> set[int]:
        res = alice.get(f"/orders{query}")
        assert res.status_code == 200, res.text
        table = res.text[res.text.index('id="orders"'):]
        return {int(i) for i in re.findall(r'href="/orders/(\d+)"', table)}

    assert listed_ids("") == {held, listed}  # default: held or in review
    assert listed_ids("?status=") == {held, listed, clear}
    assert listed_ids("?status=clear") == {clear}
    assert listed_ids("?status=&rule=r-a1") == {listed}
    assert listed_ids("?status=&q=bakery") == {held}
    assert listed_ids("?status=&q=SO-W3") == {clear}
    assert listed_ids("?status=&age=3") == set()
    assert listed_ids("?status=pending_approval") == set()
    assert _ask_release(alice, held).status_code == 303
    assert listed_ids("?status=pending_approval") == {held}
    assert "release awaiting approval</span>" in alice.get("/orders").text
    assert alice.get("/orders?status=bogus").status_code == 422
    assert alice.get("/orders?rule=R-A1%25").status_code == 422
    dashboard = alice.get("/").text
    counts = dashboard[dashboard.index('id="order-counts"'):]
    assert re.search(r'href="/orders\?status=held"><b>2</b>held orders', counts)
    assert re.search(r'status=pending_approval"><b>1</b>order releases awaiting', counts)
    assert 'href="/orders"' in dashboard  # the navigation
