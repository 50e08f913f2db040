"""The order system reports an order shipped or cancelled (``POST
/api/v1/orders/{id}/close``): final, audited, and the order drops out of re-screening."""

from __future__ import annotations

from typing import Any

from stopship import audit
from stopship.api.testing import Server

ORDER = {"id": "SO-C1", "order_date": "2025-03-01",
         "parties": [{"role": "buyer", "name": "Quiet Bakery Supplies", "country": "DE"}],
         "lines": [{"hs_code": "940360", "quantity": 2, "unit_price": 50.0}]}


def _screen(server: Server, order: dict[str, Any]) -> dict[str, Any]:
    res = server.key("orders:screen").post("/api/v1/orders/screen", json=order)
    assert res.status_code == 200, res.text
    return dict(res.json())


def test_shipped_order_is_final_and_audited(server: Server) -> None:
    body = _screen(server, ORDER)
    assert body["status"] == "clear", body
    order_id = body["order_id"]
    system = server.key("orders:screen")
    res = system.post(f"/api/v1/orders/{order_id}/close", json={"status": "lost"})
    assert res.status_code == 422
    res = system.post(f"/api/v1/orders/{order_id}/close",
                      json={"status": "shipped", "reason": "AWB 123"})
    assert res.status_code == 200, res.text
    assert res.json() == {"order_id": order_id, "order_status": "shipped"}
    res = system.post(f"/api/v1/orders/{order_id}/close", json={"status": "cancelled"})
    assert res.status_code == 422  # shipped is final
    assert server.key("screen").post(f"/api/v1/orders/{order_id}/close",
                                     json={"status": "shipped"}).status_code == 403
    with server.app.state.ctx.engine.connect() as conn:
        closes = [e for e in audit.iter_events(conn) if e.action == "order.close"]
    assert len(closes) == 1 and closes[0].details["new_status"] == "shipped"
