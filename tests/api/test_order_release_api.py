"""Releasing a held or reviewed order through the API: a decision with a reason by one
user, approval by a different one (four eyes), every step audited; the rules version in
use is audited when it changes."""

from __future__ import annotations

from typing import Any

from stopship import audit
from stopship.api.testing import Server

# no list hit: a clean buyer in a high-diversion-risk country buying a CHPL item
ORDER = {"id": "SO-R1", "order_date": "2025-03-01",
         "parties": [{"role": "buyer", "name": "Quiet Bakery Supplies", "country": "KG"}],
         "lines": [{"hs_code": "854231", "quantity": 100, "unit_price": 5.0}]}


def _screen(server: Server, order: dict[str, Any]) -> dict[str, Any]:
    res = server.key("orders:screen").post("/api/v1/orders/screen", json=order)
    assert res.status_code == 200, res.text
    return dict(res.json())


def _actions(server: Server) -> list[Any]:
    with server.app.state.ctx.engine.connect() as conn:
        return list(audit.iter_events(conn))


def test_held_order_is_released_by_two_people(any_server: Server) -> None:
    body = _screen(any_server, ORDER)
    assert body["status"] in ("held", "review"), body
    assert not body["alerts"]  # held by a rule, not by a list hit
    order_id = body["order_id"]
    alice, bob = any_server.login("alice"), any_server.login("bob")
    res = alice.post(f"/api/v1/orders/{order_id}/decisions",
                     json={"decision": "release", "reason": ""})
    assert res.status_code == 422
    res = alice.post(f"/api/v1/orders/{order_id}/decisions",
                     json={"decision": "release", "reason": "end-use statement on file"})
    assert res.status_code == 201, res.text
    decision_id = res.json()["decision_id"]
    assert res.json()["order_status"] == body["status"]  # not released yet
    # alice (an analyst) may not approve at all; bob (approver) may not approve his own
    assert alice.post(f"/api/v1/orders/decisions/{decision_id}/approval",
                      json={"approve": True}).status_code == 403
    res = bob.post(f"/api/v1/orders/decisions/{decision_id}/approval",
                   json={"approve": True, "note": "checked the EUS"})
    assert res.status_code == 200, res.text
    assert res.json()["order_status"] == "released"
    stored = alice.get(f"/api/v1/orders/{order_id}").json()
    assert stored["status"] == "released"
    listed = alice.get(f"/api/v1/orders/{order_id}/decisions").json()["items"]
    assert listed[0]["decided_by"] == "alice" and listed[0]["approved_by"] == "bob"
    events = _actions(any_server)
    by_action = {e.action: e for e in events}
    assert by_action["order.decision"].actor == "alice"
    assert by_action["order.release"].actor == "bob"
    assert by_action["rules.change"].details["old_version"] is None
    assert by_action["rules.change"].details["new_version"]


def test_the_decider_cannot_approve_their_own_release(any_server: Server) -> None:
    order_id = _screen(any_server, {**ORDER, "id": "SO-R2"})["order_id"]
    bob = any_server.login("bob")
    res = bob.post(f"/api/v1/orders/{order_id}/decisions",
                   json={"decision": "release", "reason": "known customer"})
    assert res.status_code == 201, res.text
    res = bob.post(f"/api/v1/orders/decisions/{res.json()['decision_id']}/approval",
                   json={"approve": True})
    assert res.status_code == 403
    assert any_server.login("alice").get(f"/api/v1/orders/{order_id}").json()["status"] != (
        "released")


def test_rules_version_is_audited_only_when_it_changes(server: Server) -> None:
    _screen(server, {**ORDER, "id": "SO-R3"})
    _screen(server, {**ORDER, "id": "SO-R4"})
    changes = [e for e in _actions(server) if e.action == "rules.change"]
    assert len(changes) == 1


def test_orders_are_listed_with_filters(server: Server) -> None:
    held = _screen(server, {**ORDER, "id": "SO-R5"})
    clear = _screen(server, {"id": "SO-R6", "order_date": "2025-03-01",
                             "parties": [{"role": "buyer", "name": "Hansa Moebel GmbH",
                                          "country": "DE"}],
                             "lines": [{"hs_code": "940360", "quantity": 3,
                                        "unit_price": 500.0}],
                             "route": {"ship_from": "US", "ship_to": "DE"}})
    assert clear["status"] == "clear"
    alice = server.login("alice")

    def ids(query: str) -> list[int]:
        res = alice.get(f"/api/v1/orders{query}")
        assert res.status_code == 200, res.text
        return [item["id"] for item in res.json()["items"]]

    assert ids("") == [clear["order_id"], held["order_id"]]
    assert ids("?status=active") == [held["order_id"]]
    assert ids("?status=clear") == [clear["order_id"]]
    assert ids("?q=moebel") == [clear["order_id"]]
    rule = held["result"]["rules_fired"][0]
    assert ids(f"?rule={rule}") == [held["order_id"]]
    first = alice.get("/api/v1/orders?status=active").json()
    assert first["total"] == 1
    assert first["items"][0]["rules_fired"] == held["result"]["rules_fired"]
    assert first["items"][0]["release_pending"] is False
    alice.post(f"/api/v1/orders/{held['order_id']}/decisions",
               json={"decision": "release", "reason": "EUS on file"})
    assert ids("?status=pending_approval") == [held["order_id"]]
    assert alice.get("/api/v1/orders?status=bogus").status_code == 422
