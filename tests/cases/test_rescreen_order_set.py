"""Which orders a list change re-screens (``orders.rescreen_set``): held and reviewed
orders always; clear orders only while younger than ``CLEAR_ORDER_DAYS`` (configurable);
released, refused, shipped and cancelled never. ``close_order`` records shipped and
cancelled orders."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from stopship import audit
from stopship.cases import orders as svc
from stopship.cases.rescreen import rescreen
from stopship.cases.tables import orders
from stopship.cases.testing import FakeDelta, make_entity
from stopship.errors import ConfigError, InputError, NotFoundError
from stopship.screening.engine import build_screener

LINES = [{"hs_code": "854231", "quantity": 100, "unit_price": 5.0}]
PARTY = "Myers Systems Ltd"


def _order(engine: Engine, external_id: str, status: str, days_old: int = 0) -> int:
    payload = {"id": external_id, "order_date": "2025-03-01", "lines": LINES,
               "parties": [{"role": "buyer", "name": PARTY, "country": "DE"}]}
    stamp = (datetime.now(UTC) - timedelta(days=days_old)).isoformat(timespec="microseconds")
    with engine.begin() as conn:
        result = conn.execute(orders.insert().values(
            external_id=external_id, payload=json.dumps(payload),
            result=json.dumps({"decision": "clear"}), status=status, created_at=stamp,
            updated_at=stamp))
        return int(result.inserted_primary_key[0])


def _set(engine: Engine, days: int | None = None) -> set[str]:
    with engine.connect() as conn:
        return {r.external_id for r in conn.execute(svc.rescreen_set(days))}


def _rescreen(engine: Engine, **kw: object) -> list[int]:
    delta = FakeDelta(added=[make_entity("9", "Meyers Systems PLC", list_id="l")])
    result = rescreen(engine, delta, build_screener, list_id="l", old_version="v1",
                      new_version="v2", lists={"l": "v2"}, **kw)  # type: ignore[arg-type]
    assert result.orders is not None
    return result.orders.matched


def test_only_orders_still_open_are_rescreened(engine: Engine,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STOPSHIP_CLEAR_ORDER_DAYS", raising=False)
    fresh = _order(engine, "clear-new", "clear", days_old=2)
    _order(engine, "clear-old", "clear", days_old=45)
    held = _order(engine, "held-old", "held", days_old=400)
    review = _order(engine, "review-old", "review", days_old=400)
    for status in ("released", "refused", "shipped", "cancelled"):
        _order(engine, status, status)
    assert _set(engine) == {"clear-new", "held-old", "review-old"}
    assert _set(engine, 0) == {"clear-new", "clear-old", "held-old", "review-old"}
    assert _set(engine, 60) == {"clear-new", "clear-old", "held-old", "review-old"}
    assert sorted(_rescreen(engine)) == sorted([fresh, held, review])


def test_age_limit_comes_from_the_environment(engine: Engine,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _order(engine, "clear-old", "clear", days_old=45)
    monkeypatch.setenv("STOPSHIP_CLEAR_ORDER_DAYS", "90")
    assert svc.clear_order_days() == 90 and _set(engine) == {"clear-old"}
    monkeypatch.setenv("STOPSHIP_CLEAR_ORDER_DAYS", "0")
    assert _set(engine) == {"clear-old"}
    monkeypatch.setenv("STOPSHIP_CLEAR_ORDER_DAYS", "10")
    assert _set(engine) == set() and _rescreen(engine) == []
    assert len(_rescreen_forced(engine, clear_order_days=0)) == 1
    monkeypatch.setenv("STOPSHIP_CLEAR_ORDER_DAYS", "a month")
    with pytest.raises(ConfigError, match="STOPSHIP_CLEAR_ORDER_DAYS"):
        svc.clear_order_days()


def _rescreen_forced(engine: Engine, **kw: object) -> list[int]:
    return _rescreen(engine, force=True, **kw)


def test_shipped_and_cancelled_orders_drop_out(engine: Engine) -> None:
    clear = _order(engine, "SO-1", "clear")
    held = _order(engine, "SO-2", "held")
    with engine.begin() as conn:
        assert svc.close_order(conn, clear, "shipped", "ops", "left the warehouse") == "shipped"
        assert svc.close_order(conn, held, "cancelled", "ops") == "cancelled"
    assert _set(engine) == set() and _rescreen(engine) == []
    with engine.begin() as conn:
        statuses = {r.id: r.status for r in conn.execute(select(orders))}
        closes = [e for e in audit.iter_events(conn) if e.action == "order.close"]
    assert statuses == {clear: "shipped", held: "cancelled"}
    assert [(e.details["old_status"], e.details["new_status"]) for e in closes] == [
        ("clear", "shipped"), ("held", "cancelled")]
    assert closes[0].details["reason"] == "left the warehouse"


def test_close_order_refuses_what_cannot_happen(engine: Engine) -> None:
    held = _order(engine, "SO-1", "held")
    refused = _order(engine, "SO-2", "refused")
    with engine.begin() as conn:
        with pytest.raises(InputError, match="only clear or released"):
            svc.close_order(conn, held, "shipped", "ops")  # a held order does not ship
        with pytest.raises(InputError):
            svc.close_order(conn, refused, "cancelled", "ops")  # already final
        with pytest.raises(InputError) as info:
            svc.close_order(conn, held, "lost", "ops")
        assert info.value.location.field == "status"
        with pytest.raises(NotFoundError):
            svc.close_order(conn, 999, "cancelled", "ops")
