"""``alerts.record_hits_many`` writes what calling ``record_hits`` once per subject
writes: the same alerts, cases and audit events in the same order, with known and
cleared keys skipped and the previously-cleared delta kept."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from stopship import audit
from stopship.cases import decisions
from stopship.cases.alerts import Subject, record_hits, record_hits_many
from stopship.cases.customers import CustomerRecord, upsert
from stopship.cases.db import make_engine, upgrade
from stopship.cases.tables import alerts, cases, orders
from stopship.cases.testing import TokenScreener, make_entity, sqlite_url
from stopship.cases.util import now
from stopship.screening.types import Hit, QueryRecord

LISTS = {"l": "v1"}
ENTITIES = [make_entity("1", "Alpha Trading LLC", list_id="l"),
            make_entity("2", "Alpha Trading Ltd", list_id="l"),
            make_entity("3", "Omega Holdings", list_id="l")]
QUERIES = [(Subject("customer", 1), QueryRecord("1", "Alpha Trading LLC")),
           (Subject("customer", 2), QueryRecord("2", "Omega Holdings")),
           (Subject("order", 7), QueryRecord("7:0", "Alpha Trading LLC")),
           (Subject("order", 7), QueryRecord("7:1", "Alpha Trading LLC")),  # same keys again
           (Subject("customer", 3), QueryRecord("3", "Quiet Bakery"))]


def _subjects(engine: Engine) -> None:
    """Customers 1-3 and order 7, which the alerts point to."""
    stamp = now()
    with engine.begin() as conn:
        upsert(conn, [CustomerRecord(f"C{i}", q.name) for i, (_s, q) in
                      enumerate([QUERIES[0], QUERIES[1], QUERIES[4]], start=1)])
        conn.execute(orders.insert().values(id=7, external_id="SO-7", payload="{}",
                                            result="{}", status="held", created_at=stamp,
                                            updated_at=stamp))


def _found() -> list[tuple[Subject, QueryRecord, list[Hit]]]:
    screener = TokenScreener(ENTITIES)
    return [(s, q, screener.screen(q, min_score=0.5)) for s, q in QUERIES]


def _state(engine: Engine) -> tuple[list[Any], list[Any], list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        rows = conn.execute(select(alerts.c.id, alerts.c.case_id, alerts.c.subject_key,
                                   alerts.c.entity_id, alerts.c.entity_version,
                                   alerts.c.score, alerts.c.query, alerts.c.delta,
                                   alerts.c.source).order_by(alerts.c.id)).all()
        case_rows = conn.execute(select(cases.c.id, cases.c.customer_id, cases.c.order_id,
                                        cases.c.status).order_by(cases.c.id)).all()
        events = [(e.actor, e.action, e.subject_type, e.subject_id, e.details)
                  for e in audit.iter_events(conn)]
    return [tuple(r) for r in rows], [tuple(r) for r in case_rows], events


def test_bulk_writes_what_one_by_one_writes(engine: Engine, tmp_path) -> None:
    found = _found()
    threshold = 0.85
    _subjects(engine)
    deltas = {"l:1": {"change": "changed", "fields": [{"field": "remarks"}]}}
    with engine.begin() as conn:
        bulk = record_hits_many(conn, found, actor="a", lists=LISTS, threshold=threshold,
                                deltas=deltas, source="rescreen")
    url = sqlite_url(tmp_path / "one-by-one")
    (tmp_path / "one-by-one").mkdir()
    upgrade(url)
    other = make_engine(url)
    _subjects(other)
    with other.begin() as conn:
        single: list[int] = []
        for subject, query, hits in found:
            single += record_hits(conn, subject, query, hits, actor="a", lists=LISTS,
                                  threshold=threshold, deltas=deltas, source="rescreen")
    assert bulk == single and len(bulk) == 5  # customer 1: 2, customer 2: 1, order 7: 2
    a, b = _state(engine), _state(other)
    assert a[0] == b[0] and a[1] == b[1]
    assert [e[:4] for e in a[2]] == [e[:4] for e in b[2]]
    assert [e[1] for e in a[2]] == ["case.open", "alert.open", "alert.open", "case.open",
                                    "alert.open", "case.open", "alert.open", "alert.open"]
    other.dispose()
    # the same hits again open nothing
    with engine.begin() as conn:
        assert record_hits_many(conn, found, actor="a", lists=LISTS,
                                threshold=threshold) == []


def test_cleared_keys_stay_cleared_and_a_new_version_carries_the_changes(
        engine: Engine) -> None:
    subject, query = Subject("customer", 1), QueryRecord("1", "Alpha Trading LLC")
    _subjects(engine)
    old = TokenScreener([make_entity("1", "Alpha Trading LLC", list_id="l")])
    with engine.begin() as conn:
        [alert_id] = record_hits_many(conn, [(subject, query, old.screen(query))],
                                      actor="a", lists=LISTS, threshold=0.85)
        decision = decisions.decide(conn, alert_id, "false_positive", "other company", "a")
        decisions.approve(conn, decision, "b")
    with engine.begin() as conn:  # cleared: nothing opens again
        assert record_hits_many(conn, [(subject, query, old.screen(query))], actor="a",
                                lists=LISTS, threshold=0.85) == []
    changed = TokenScreener([make_entity("1", "Alpha Trading LLC", list_id="l",
                                         remarks="now also in Iran")])
    with engine.begin() as conn:
        [again] = record_hits_many(conn, [(subject, query, changed.screen(query))],
                                   actor="a", lists=LISTS, threshold=0.85,
                                   deltas={"l:1": {"change": "changed"}})
        row = conn.execute(select(alerts.c.delta, alerts.c.case_id)
                           .where(alerts.c.id == again)).one()
    assert '"previously_cleared"' in row.delta and '"remarks"' in row.delta
