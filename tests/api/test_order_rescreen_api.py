"""A new list version re-decides the open orders whose parties it now matches, through
the API's re-screen endpoint, with the real list store and rule engine."""

from __future__ import annotations

from stopship.api.testing import ENTITIES, Server, entity

ORDER = {"id": "SO-L1", "order_date": "2025-03-01",
         "parties": [{"role": "buyer", "name": "Quiet Bakery", "country": "DE"}],
         "lines": [{"hs_code": "190590", "quantity": 10, "unit_price": 5.0}]}


def test_list_change_redecides_an_open_order_and_shows_the_delta(any_server: Server) -> None:
    client = any_server.key("orders:screen", "orders:read")
    first = client.post("/api/v1/orders/screen", json=ORDER)
    assert first.status_code == 200, first.text
    order_id = first.json()["order_id"]
    assert first.json()["status"] == "clear"
    any_server.lists.load("us_ofac_sdn", [*ENTITIES[:2], entity("9", "Quiet Bakery")])
    root = any_server.login("root")
    res = root.post("/api/v1/lists/us_ofac_sdn/rescreen",
                    json={"old_version": "1", "new_version": "2"})
    assert res.status_code == 200, res.text
    assert res.json()["orders"]["matched"] == 1
    stored = client.get(f"/api/v1/orders/{order_id}").json()
    assert stored["status"] == "held"
    assert "R-A1" in stored["result"]["rules_fired"]
    [cause] = stored["result"]["rescreen"]["delta"]
    assert cause["entity_id"] == "us_ofac_sdn:9" and cause["change"] == "added"
    alerts = root.get("/api/v1/alerts").json()["items"]
    [alert] = [a for a in alerts if a["source"] == "rescreen"]
    assert alert["order_id"] == order_id and alert["delta"]["new_version"] in ("2", 2)
    events = root.get("/api/v1/audit", params={"action": "order.rescreen"}).json()["items"]
    assert events[0]["details"]["old_status"] == "clear"
    assert events[0]["details"]["new_status"] == "held"
