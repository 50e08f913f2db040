"""The case workflow through the HTTP API, on SQLite and PostgreSQL."""

from __future__ import annotations

from stopship.api.testing import ENTITIES, Server, entity


def _import(srv: Server) -> list[int]:
    alice = srv.login("alice")
    res = alice.post("/api/v1/customers", json={"customers": [
        {"external_id": "C1", "name": "Alpha Trading LLC", "country": "AE"},
        {"external_id": "C2", "name": "Quiet Bakery", "country": "DE"}]})
    assert res.status_code == 201, res.text
    body = res.json()
    assert body["changed"] == 2 and body["alerts_opened"] == 1
    return body["alert_ids"]


def test_alert_decide_and_four_eyes_release(any_server: Server) -> None:
    alert_id = _import(any_server)[0]
    alice, bob = any_server.login("alice"), any_server.login("bob")
    queue = alice.get("/api/v1/alerts", params={"status": "active", "min_score": 0.5}).json()
    assert queue["total"] == 1 and queue["items"][0]["id"] == alert_id
    alert = alice.get(f"/api/v1/alerts/{alert_id}").json()
    assert alert["hit"]["entity_id"] == "us_ofac_sdn:1" and alert["query"]["name"]
    # a reason is required
    res = alice.post(f"/api/v1/alerts/{alert_id}/decisions",
                     json={"decision": "false_positive", "reason": ""})
    assert res.status_code == 422
    assert res.json()["error"]["details"][0]["field"] == "reason"
    res = alice.post(f"/api/v1/alerts/{alert_id}/decisions",
                     json={"decision": "false_positive", "reason": "other company, other INN"})
    assert res.status_code == 201 and res.json()["alert_status"] == "pending_approval"
    decision_id = res.json()["decision_id"]
    # the analyst's role cannot approve at all
    res = alice.post(f"/api/v1/decisions/{decision_id}/approval", json={"approve": True})
    assert res.status_code == 403 and res.json()["error"]["code"] == "forbidden"
    res = bob.post(f"/api/v1/decisions/{decision_id}/approval",
                   json={"approve": True, "note": "checked"})
    assert res.status_code == 200, res.text
    assert alice.get(f"/api/v1/alerts/{alert_id}").json()["status"] == "cleared"
    # the approver cannot approve a release they decided themselves
    any_server.lists.load("us_ofac_sdn", [entity("1", "Alpha Trading LLC", remarks="new remark",
                                                 programs=["RUSSIA-EO14024"]),
                                          ENTITIES[1]])
    any_server.app.state.ctx.invalidate()  # as a list load through the server does
    res = alice.post("/api/v1/customers", json={"customers": [
        {"external_id": "C1", "name": "ALPHA TRADING LLC", "country": "AE"}]})
    new_alert = res.json()["alert_ids"][0]
    changed = alice.get(f"/api/v1/alerts/{new_alert}").json()
    assert changed["delta"]["previously_cleared"]["alert_id"] == alert_id
    res = bob.post(f"/api/v1/alerts/{new_alert}/decisions",
                   json={"decision": "false_positive", "reason": "still not them"})
    own = res.json()["decision_id"]
    res = bob.post(f"/api/v1/decisions/{own}/approval", json={"approve": True})
    assert res.status_code == 403 and "four eyes" in res.json()["error"]["message"]
    root = any_server.login("root")
    verify = root.get("/api/v1/audit/verify").json()
    assert verify["ok"] and verify["events"] > 5
    actions = [e["action"] for e in root.get("/api/v1/audit").json()["items"]]
    assert {"decision", "approval", "alert.open", "customers.import", "login"} <= set(actions)


def test_cases_group_alerts_and_can_be_assigned(server: Server) -> None:
    _import(server)
    alice = server.login("alice")
    cases = alice.get("/api/v1/cases").json()["items"]
    assert len(cases) == 1
    res = alice.post(f"/api/v1/cases/{cases[0]['id']}/assign", json={"assignee": "alice"})
    assert res.status_code == 200
    assert alice.get("/api/v1/alerts", params={"assignee": "alice"}).json()["total"] == 1
    assert alice.get("/api/v1/alerts", params={"assignee": "bob"}).json()["total"] == 0
    assert alice.get(f"/api/v1/cases/{cases[0]['id']}").json()["assignee"] == "alice"


def test_customer_file_import_reports_bad_rows(server: Server) -> None:
    alice = server.login("alice")
    data = b"id,name,country\nK1,Ivan Petrov,RU\nK2,,RU\nK3,Bad <script>alert(1)</script>,RU\n"
    res = alice.post("/api/v1/customers/import",
                     files={"file": ("master.csv", data, "text/csv")})
    assert res.status_code == 201, res.text
    body = res.json()
    assert body["changed"] == 1 and body["alerts_opened"] == 1
    assert [p["field"] for p in body["problems"]] == ["name", "name"]
    res = alice.post("/api/v1/customers/import", files={"file": ("x.exe", b"MZ", "app/x")})
    assert res.status_code == 415


def test_rescreen_endpoint_uses_the_store_delta(server: Server) -> None:
    _import(server)
    server.lists.load("us_ofac_sdn", [*ENTITIES[:2], entity("9", "Quiet Bakery")])
    root = server.login("root")
    res = root.post("/api/v1/lists/us_ofac_sdn/rescreen",
                    json={"old_version": "1", "new_version": "2"})
    assert res.status_code == 200, res.text
    assert res.json()["entities"] == 1 and res.json()["alerts_opened"] == 1
    alice = server.login("alice")
    delta = alice.get("/api/v1/lists/us_ofac_sdn/delta", params={"old": "1", "new": "2"}).json()
    assert [a["entity_id"] for a in delta["added"]] == ["us_ofac_sdn:9"]
    assert alice.post("/api/v1/lists/us_ofac_sdn/rescreen",
                      json={"new_version": "2"}).status_code == 403


def test_server_rescreens_when_a_new_list_version_appears(server: Server) -> None:
    _import(server)
    server.lists.load("us_ofac_sdn", [*ENTITIES[:2], entity("9", "Quiet Bakery")])
    ctx = server.app.state.ctx
    ctx._checked = 0.0  # as if the recheck interval had passed
    ctx.screening()
    for thread in ctx.background:
        thread.join(timeout=30)
    root = server.login("root")
    items = root.get("/api/v1/alerts").json()["items"]
    rescreened = [a for a in items if a["source"] == "rescreen"]
    assert [a["entity_id"] for a in rescreened] == ["us_ofac_sdn:9"]
    assert rescreened[0]["delta"]["change"] == "added"
    loads = root.get("/api/v1/audit", params={"action": "list.load"}).json()["items"]
    assert loads[0]["subject_id"] == "us_ofac_sdn" and loads[0]["details"]["new_version"] == 2
