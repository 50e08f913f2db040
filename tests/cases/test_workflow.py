"""Alerts, cases, decisions with four eyes, sticky clears and re-screening, end to end
through the public functions (with the TokenScreener/FakeStore test doubles)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from stopship import audit
from stopship.cases import alerts, decisions
from stopship.cases.customers import CustomerRecord
from stopship.cases.rescreen import rescreen_from_store
from stopship.cases.screening import import_customers
from stopship.cases.testing import FakeStore, TokenScreener, make_entity
from stopship.errors import InputError, PermissionDenied

LISTS = {"us_ofac_sdn": "v1"}
CUSTOMERS = [
    CustomerRecord("C1", "Alpha Trading LLC", country="AE"),
    CustomerRecord("C2", "Beta Components Ltd", country="HK"),
    CustomerRecord("C3", "Gamma Logistics", country="TR"),
]


def _v1():
    return [make_entity("1", "Alpha Trading LLC"), make_entity("2", "Omega Holdings")]


def _import(engine: Engine, screener: TokenScreener, records=CUSTOMERS):
    return import_customers(engine, list(records), screener, actor="alice", lists=LISTS)


def test_import_screens_and_groups_alerts_into_a_case(engine: Engine) -> None:
    entities = _v1() + [make_entity("3", "Alpha Trading L.L.C.", list_id="us_bis_el")]
    result = _import(engine, TokenScreener(entities))
    assert result.changed == 3 and result.screened == 3 and len(result.alerts) == 2
    with engine.connect() as conn:
        rows, total = alerts.list_alerts(conn, status="active")
        assert total == 2 and len({r["case_id"] for r in rows}) == 1  # same customer
        case = alerts.get_case(conn, rows[0]["case_id"])
        assert case and len(case["alerts"]) == 2
        rows, _ = alerts.list_alerts(conn, list_id="us_bis_el")
        assert len(rows) == 1
    # importing the same master again opens nothing new
    again = _import(engine, TokenScreener(entities))
    assert again.changed == 0 and again.alerts == []


def test_decision_needs_reason_and_release_needs_second_person(engine: Engine) -> None:
    alert_id = _import(engine, TokenScreener(_v1())).alerts[0]
    with engine.begin() as conn:
        with pytest.raises(InputError) as info:
            decisions.decide(conn, alert_id, "false_positive", "   ", "alice")
        assert info.value.location.field == "reason"
        with pytest.raises(InputError):
            decisions.decide(conn, alert_id, "looks_fine", "ok", "alice")
        decision_id = decisions.decide(conn, alert_id, "false_positive",
                                       "different company: other registry number", "alice")
        assert alerts.get_alert(conn, alert_id)["status"] == "pending_approval"
        with pytest.raises(PermissionDenied):
            decisions.approve(conn, decision_id, "alice")
        decisions.approve(conn, decision_id, "bob", note="checked registry")
        assert alerts.get_alert(conn, alert_id)["status"] == "cleared"
        with pytest.raises(InputError):
            decisions.approve(conn, decision_id, "carol")
        actions = [e.action for e in audit.iter_events(conn)]
        assert audit.verify(conn).ok
    assert actions[-3:] == ["decision", "approval", "case.close"]


def test_rejected_release_reopens_the_alert(engine: Engine) -> None:
    alert_id = _import(engine, TokenScreener(_v1())).alerts[0]
    with engine.begin() as conn:
        did = decisions.decide(conn, alert_id, "false_positive", "looks different", "alice")
        decisions.approve(conn, did, "bob", approve=False, note="not convinced")
        assert alerts.get_alert(conn, alert_id)["status"] == "open"
        decisions.decide(conn, alert_id, "true_match", "same registration number", "alice")
        assert alerts.get_alert(conn, alert_id)["status"] == "confirmed"


def _clear(engine: Engine, alert_id: int) -> None:
    with engine.begin() as conn:
        did = decisions.decide(conn, alert_id, "false_positive", "different party", "alice")
        decisions.approve(conn, did, "bob")


def test_cleared_false_positive_stays_cleared_until_entry_changes(engine: Engine) -> None:
    alert_id = _import(engine, TokenScreener(_v1())).alerts[0]
    _clear(engine, alert_id)
    # same list content, customer changed elsewhere and re-screened: no new alert
    moved = [CustomerRecord("C1", "Alpha Trading LLC", country="AE", address="Dubai")]
    assert _import(engine, TokenScreener(_v1()), moved).alerts == []
    # the list entry changes (new remarks): it alerts again, showing what changed
    changed = [make_entity("1", "Alpha Trading LLC", remarks="RUSSIA-EO14024"),
               make_entity("2", "Omega Holdings")]
    moved[0].address = "Dubai, JAFZA"
    new = _import(engine, TokenScreener(changed), moved).alerts
    assert len(new) == 1
    with engine.connect() as conn:
        alert = alerts.get_alert(conn, new[0])
    assert alert["delta"]["previously_cleared"]["alert_id"] == alert_id
    assert [c["field"] for c in alert["delta"]["changes"]] == ["remarks"]
    assert alert["delta"]["changes"][0]["new"] == "RUSSIA-EO14024"


def test_rescreen_screens_only_the_delta_and_alerts_carry_it(engine: Engine) -> None:
    store = FakeStore()
    store.load("us_ofac_sdn", "v1", _v1())
    _import(engine, TokenScreener(_v1()))
    v2 = [make_entity("1", "Alpha Trading LLC", remarks="changed"),  # changed
          make_entity("2", "Omega Holdings"),  # unchanged
          make_entity("4", "Beta Components Limited")]  # added
    store.load("us_ofac_sdn", "v2", v2)
    result = rescreen_from_store(engine, store, "us_ofac_sdn", "v1", "v2", TokenScreener)
    assert result.entities == 2  # added + changed, not the unchanged one
    assert result.candidates == 2  # C1 and C2 share blocking keys; C3 does not
    assert len(result.alerts) == 2
    with engine.connect() as conn:
        opened = [alerts.get_alert(conn, a) for a in result.alerts]
        events = [e.action for e in audit.iter_events(conn)]
    by_entity = {a["entity_id"]: a for a in opened}
    assert by_entity["us_ofac_sdn:4"]["delta"]["change"] == "added"
    assert by_entity["us_ofac_sdn:1"]["delta"]["change"] == "changed"
    assert {"field": "remarks"} in by_entity["us_ofac_sdn:1"]["delta"]["fields"]
    assert by_entity["us_ofac_sdn:4"]["source"] == "rescreen"
    assert events[-1] == "rescreen"
    # the same run again is recorded and skipped
    assert rescreen_from_store(engine, store, "us_ofac_sdn", "v1", "v2", TokenScreener).skipped


def test_blocking_finds_what_a_full_scan_finds(engine: Engine) -> None:
    from stopship.cases.rescreen import rescreen

    store = FakeStore()
    store.load("l", "v1", [])
    names = ["Alpha Trading LLC", "Kirienko Sergei", "Sigma Tech", "Beta Components Ltd"]
    _import(engine, TokenScreener([]),
            [CustomerRecord(f"K{i}", n) for i, n in enumerate(names)])
    store.load("l", "v2", [make_entity("9", "Kirienko Sergey", list_id="l"),
                           make_entity("8", "Sigma Tech Co", list_id="l")])
    delta = store.diff("l", "v1", "v2")

    def build(ents):
        return TokenScreener(ents, threshold=0.8)

    blocked = rescreen(engine, delta, build, list_id="l", old_version="v1", new_version="v2",
                       lists={"l": "v2"})
    full = rescreen(engine, delta, build, list_id="l", old_version="v1", new_version="v2",
                    lists={"l": "v2"}, blocking=False, force=True)
    assert blocked.candidates < full.candidates == 4
    assert len(blocked.alerts) == 2 and full.alerts == []  # full scan found the same keys


def test_blocking_needs_two_shared_keys_or_all_of_a_short_name(engine: Engine) -> None:
    from stopship.cases.rescreen import candidate_customers

    names = ["Ivan Smirnov", "Ivan Petrov", "Petrov Ivan Sergeevich", "Sberbank",
             "Anna Petrova", "Quiet Bakery"]
    _import(engine, TokenScreener([]),
            [CustomerRecord(f"P{i}", n) for i, n in enumerate(names)])
    with engine.connect() as conn:
        ids = {r.external_id: r.id for r in conn.exec_driver_sql(
            "SELECT external_id, id FROM customers")}
    found = candidate_customers(engine, [make_entity("1", "Ivan Petrov", schema="person"),
                                         make_entity("2", "Sberbank of Russia")])
    got = {k for k, v in ids.items() if v in found}
    # both keys shared, or the customer's only key (Sberbank); one shared first name is not
    assert got == {"P1", "P2", "P3"}
