"""Open orders re-decided on a list change, rule changes audited, and the four-eyes
release of orders held by any rule (``stopship.cases.orders``)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from stopship import audit
from stopship.cases import orders as svc
from stopship.cases.rescreen import rescreen, rescreen_from_store
from stopship.cases.tables import alerts, orders
from stopship.cases.testing import FakeDelta, FakeStore, make_entity
from stopship.cases.util import now
from stopship.errors import InputError, PermissionDenied
from stopship.screening.engine import build_screener

LINES = [{"hs_code": "854231", "quantity": 100, "unit_price": 5.0}]


def _order(engine: Engine, external_id: str, party: str, status: str,
           decision: str = "clear", country: str = "DE") -> int:
    payload = {"id": external_id, "order_date": "2025-03-01", "lines": LINES,
               "parties": [{"role": "buyer", "name": party, "country": country}]}
    stamp = now()
    with engine.begin() as conn:
        result = conn.execute(orders.insert().values(
            external_id=external_id, payload=json.dumps(payload),
            result=json.dumps({"decision": decision, "rules_version": "r1"}),
            status=status, created_at=stamp, updated_at=stamp))
        return int(result.inserted_primary_key[0])


class _Decision:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def as_dict(self) -> dict[str, Any]:
        return self.data


class _Decider:
    """Stands in for the rule engine: holds every order, under rules version r2."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def screen(self, order: Any) -> _Decision:
        self.seen.append(order.id)
        return _Decision({"decision": "hold", "rules_version": "r2", "rules_fired": ["R-A1"]})


def _events(engine: Engine, action: str) -> list[Any]:
    with engine.connect() as conn:
        return [e for e in audit.iter_events(conn) if e.action == action]


def test_list_change_redecides_open_orders_with_a_matching_party(engine: Engine) -> None:
    hit_clear = _order(engine, "SO-1", "Myers Systems Ltd", "clear")
    hit_released = _order(engine, "SO-2", "Myers Systems Ltd", "released")
    other = _order(engine, "SO-3", "Quiet Bakery", "review", "review")
    decider = _Decider()
    delta = FakeDelta(added=[make_entity("9", "Meyers Systems PLC", list_id="l")])
    result = rescreen(engine, delta, build_screener, list_id="l", old_version="v1",
                      new_version="v2", lists={"l": "v2"}, order_decider=lambda: decider)
    assert result.orders is not None
    assert result.orders.open_orders == 2  # the released order is final
    assert result.orders.matched == [hit_clear] and decider.seen == ["SO-1"]
    with engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(select(orders))}
        opened = conn.execute(select(alerts).where(alerts.c.order_id == hit_clear)).all()
    assert rows[hit_clear].status == "held"
    assert rows[hit_released].status == "released" and rows[other].status == "review"
    stored = json.loads(rows[hit_clear].result)
    assert stored["decision"] == "hold"
    assert stored["rescreen"]["delta"][0]["entity_id"] == "l:9"
    assert stored["rescreen"]["delta"][0]["change"] == "added"
    assert len(opened) == 1 and opened[0].source == "rescreen"
    assert json.loads(opened[0].delta)["new_version"] == "v2"
    [event] = _events(engine, "order.rescreen")
    assert event.details["old_status"] == "clear" and event.details["new_status"] == "held"
    [change] = _events(engine, "rules.change")
    assert change.details == {"old_version": None, "new_version": "r2"}


def test_without_a_rule_engine_a_matching_clear_order_goes_to_review(engine: Engine) -> None:
    order_id = _order(engine, "SO-1", "Myers Systems Ltd", "clear")
    rescreen(engine, FakeDelta(added=[make_entity("9", "Meyers Systems PLC", list_id="l")]),
             build_screener, list_id="l", old_version="v1", new_version="v2",
             lists={"l": "v2"})
    with engine.connect() as conn:
        status = conn.execute(select(orders.c.status).where(orders.c.id == order_id)).scalar()
    assert status == "review"


def test_store_rescreen_redecides_with_the_real_rule_engine(engine: Engine) -> None:
    store = FakeStore()
    store.load("us_ofac_sdn", "v1", [make_entity("1", "Omega Holdings")])
    order_id = _order(engine, "SO-1", "Myers Systems Ltd", "clear", country="AE")
    store.load("us_ofac_sdn", "v2", [make_entity("1", "Omega Holdings"),
                                     make_entity("2", "Myers Systems Ltd")])
    result = rescreen_from_store(engine, store, "us_ofac_sdn", "v1", "v2", build_screener)
    assert result.orders is not None and result.orders.matched == [order_id]
    with engine.connect() as conn:
        row = conn.execute(select(orders).where(orders.c.id == order_id)).one()
    stored = json.loads(row.result)
    assert row.status == "held" and stored["decision"] == "hold"
    assert "R-A1" in stored["rules_fired"]


def test_rules_version_changes_are_audited_once(engine: Engine) -> None:
    with engine.begin() as conn:
        assert svc.note_rules_version(conn, "r1", "alice")
        assert not svc.note_rules_version(conn, "r1", "alice")
        assert not svc.note_rules_version(conn, None, "alice")
        assert svc.note_rules_version(conn, "r2", "root")
    changes = _events(engine, "rules.change")
    assert [(e.details["old_version"], e.details["new_version"]) for e in changes] == [
        (None, "r1"), ("r1", "r2")]
    assert changes[-1].actor == "root" and changes[-1].rules_version == "r2"


def test_held_order_release_needs_a_reason_and_a_second_person(engine: Engine) -> None:
    order_id = _order(engine, "SO-1", "Quiet Bakery", "held", "hold")
    with engine.begin() as conn, pytest.raises(InputError):
        svc.decide_order(conn, order_id, "release", "  ", "alice")
    with engine.begin() as conn:
        decision_id = svc.decide_order(conn, order_id, "release", "end user verified", "alice")
    with engine.begin() as conn, pytest.raises(InputError):  # one pending release at a time
        svc.decide_order(conn, order_id, "release", "again", "bob")
    with engine.begin() as conn, pytest.raises(PermissionDenied):
        svc.approve_order(conn, decision_id, "alice")
    with engine.begin() as conn:
        assert conn.execute(select(orders.c.status)
                            .where(orders.c.id == order_id)).scalar() == "held"
        assert svc.approve_order(conn, decision_id, "bob", "checked") == "released"
    with engine.begin() as conn, pytest.raises(InputError):  # final now
        svc.decide_order(conn, order_id, "refuse", "too late", "alice")
    actions = [e.action for e in _events(engine, "order.decision") + _events(
        engine, "order.release")]
    assert actions == ["order.decision", "order.release"]
    [release] = _events(engine, "order.release")
    assert release.actor == "bob" and release.details["decided_by"] == "alice"


def test_rejected_release_keeps_the_order_held_and_refusal_is_final(engine: Engine) -> None:
    order_id = _order(engine, "SO-1", "Quiet Bakery", "review", "review")
    with engine.begin() as conn:
        decision_id = svc.decide_order(conn, order_id, "release", "looks fine", "alice")
        assert svc.approve_order(conn, decision_id, "bob", approve=False) == "review"
        svc.decide_order(conn, order_id, "refuse", "customer would not sign EUS", "bob")
        status = conn.execute(select(orders.c.status).where(orders.c.id == order_id)).scalar()
        listed = svc.list_order_decisions(conn, order_id=order_id)
    assert status == "refused"
    assert [d["status"] for d in listed] == ["effective", "rejected"]


def test_release_waits_for_the_orders_alerts_to_be_decided(engine: Engine) -> None:
    order_id = _order(engine, "SO-1", "Myers Systems Ltd", "clear")
    rescreen(engine, FakeDelta(added=[make_entity("9", "Meyers Systems PLC", list_id="l")]),
             build_screener, list_id="l", old_version="v1", new_version="v2",
             lists={"l": "v2"}, order_decider=_Decider)
    with engine.begin() as conn, pytest.raises(InputError, match="alert"):
        svc.decide_order(conn, order_id, "release", "not them", "alice")


def test_orders_are_listed_by_status_rule_text_and_pending_release(engine: Engine) -> None:
    held = _order(engine, "SO-1", "Quiet_Bakery 100%", "held", "hold")
    review = _order(engine, "SO-2", "Myers Systems Ltd", "review", "review")
    released = _order(engine, "SO-3", "Hansa Moebel", "released", "hold")
    with engine.begin() as conn:
        conn.execute(orders.update().where(orders.c.id == held).values(result=json.dumps(
            {"decision": "hold", "rules_fired": ["R-B2"], "fired": [{"id": "R-B2"}]})))
        svc.decide_order(conn, review, "release", "known customer", "alice")

    def ids(**filters: Any) -> list[int]:
        with engine.connect() as conn:
            items, total = svc.list_orders(conn, **filters)
        assert total == len(items)
        return [item["id"] for item in items]

    assert ids() == [released, review, held]
    assert ids(status="active") == [review, held]
    assert ids(status="released") == [released]
    assert ids(status="pending_approval") == [review]
    assert ids(rule="r-b2") == [held] and ids(rule="R-B") == []
    assert ids(q="100%") == [held] and ids(q="t_b") == [held] and ids(q="%") == [held]
    assert ids(q="s_s") == []  # "_" and "%" are literal, not wildcards
    assert ids(q="so-2") == [review]
    assert ids(older_than="2000-01-01") == []
    with engine.connect() as conn:
        [item] = svc.list_orders(conn, status="pending_approval")[0]
        assert item["release_pending"] and item["parties"][0]["name"] == "Myers Systems Ltd"
        assert svc.order_counts(conn) == {"held": 1, "review": 1, "released": 1,
                                          "pending_approval": 1}
        assert svc.get_order(conn, held)["result"]["rules_fired"] == ["R-B2"]
        assert svc.get_order(conn, 999) is None
        with pytest.raises(InputError):
            svc.list_orders(conn, status="bogus")
        with pytest.raises(InputError):
            svc.list_orders(conn, rule="R-%")


class _FiringDecider:
    """Holds every order with the given fired rules (id, action)."""

    def __init__(self, fired: list[tuple[str, str]]) -> None:
        self.fired = fired

    def screen(self, order: Any) -> _Decision:
        return _Decision({"decision": "hold", "rules_version": "r2",
                          "rules_fired": [r for r, _ in self.fired],
                          "fired": [{"id": r, "action": a} for r, a in self.fired]})


def _clear_alerts_of(engine: Engine, order_id: int) -> None:
    from stopship.cases import decisions

    with engine.begin() as conn:
        ids = [r.id for r in conn.execute(select(alerts.c.id)
                                          .where(alerts.c.order_id == order_id))]
        assert ids
        for alert_id in ids:
            decision_id = decisions.decide(conn, alert_id, "false_positive",
                                           "different company, other city", "alice")
            decisions.approve(conn, decision_id, "bob", "agreed")


@pytest.mark.parametrize(("fired", "status", "still"), [
    ([("R-A1", "hold")], "released", None),
    ([("R-A1", "hold"), ("R-B2", "hold")], "held", ["R-B2"]),
    ([("R-A1", "hold"), ("R-C1", "review")], "held", ["R-C1"]),
])
def test_clearing_an_orders_alerts_releases_it_only_when_no_other_rule_holds_it(
        engine: Engine, fired: list[tuple[str, str]], status: str,
        still: list[str] | None) -> None:
    order_id = _order(engine, "SO-9", "Myers Systems Ltd", "clear")
    delta = FakeDelta(added=[make_entity("9", "Meyers Systems PLC", list_id="l")])
    rescreen(engine, delta, build_screener, list_id="l", old_version="v1", new_version="v2",
             lists={"l": "v2"}, order_decider=lambda: _FiringDecider(fired))
    _clear_alerts_of(engine, order_id)
    with engine.connect() as conn:
        assert conn.execute(select(orders.c.status)
                            .where(orders.c.id == order_id)).scalar() == status
    cleared = _events(engine, "order.alerts_cleared")
    if still is None:
        assert not cleared and len(_events(engine, "order.release")) == 1
    else:  # the order waits for its own four-eyes release
        assert [e.details["still_fired"] for e in cleared] == [still]
        assert not _events(engine, "order.release")
        with engine.begin() as conn:
            decision_id = svc.decide_order(conn, order_id, "release", "goods checked", "alice")
            assert svc.approve_order(conn, decision_id, "bob") == "released"
