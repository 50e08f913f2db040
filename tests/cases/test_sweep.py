"""The re-screen sweep (``stopship.cases.sweep``): id ranges read and reach-tested, each
distinct survivor screened once; forked workers reading the database themselves give
the same alerts as the in-process sweep and as screening every customer."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from stopship.cases import sweep as sweep_mod
from stopship.cases.customers import CustomerRecord
from stopship.cases.reach import Reach, engine_index
from stopship.cases.rescreen import rescreen
from stopship.cases.screening import import_customers
from stopship.cases.sweep import ranges, sweep
from stopship.cases.tables import alerts, customers
from stopship.cases.testing import FakeDelta, make_entity
from stopship.screening.engine import build_screener

LISTS = {"l": "v2"}
LIST_NAMES = ["Meyers Systems PLC", "Wells Import Export PLC", "Kirienko Sergey"]
# repeated names (a master repeats them), near misses, and unrelated customers
NAMES = ["Myers Systems Ltd", "Wlels Import Export PLC", "Kiriyenko Sergei", "Quiet Bakery",
         "Anna Petrova", "Myers Systems Ltd", "Northwind Traders", "Zhang Wei"] * 6


def _master(engine: Engine) -> None:
    import_customers(engine, [CustomerRecord(f"K{i}", n) for i, n in enumerate(NAMES)],
                     None, actor="t", lists=LISTS)


def _delta() -> FakeDelta:
    return FakeDelta(changed=[{"new": make_entity(str(i), n, list_id="l"),
                               "fields": ["remarks"]} for i, n in enumerate(LIST_NAMES)])


def _alert_keys(engine: Engine) -> set[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(select(customers.c.external_id, alerts.c.entity_id)
                            .join(customers, customers.c.id == alerts.c.customer_id))
        return {(r[0], r[1]) for r in rows}


class _Counting:
    """The engine, counting what it screens."""

    def __init__(self, screener: Any) -> None:
        self.inner = screener
        self.index = screener.index
        self.threshold = screener.threshold
        self.names: list[str] = []

    def screen(self, record: Any, *args: Any, **kwargs: Any) -> Any:
        self.names.append(record.name)
        return self.inner.screen(record, *args, **kwargs)


def test_ranges_cover_every_customer(engine: Engine) -> None:
    _master(engine)
    with engine.connect() as conn:
        spans = ranges(conn, span=7)
        ids = [int(r[0]) for r in conn.execute(select(customers.c.id))]
    assert spans[0][0] == min(ids) and spans[-1][1] == max(ids) + 1
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))


def test_each_distinct_survivor_is_screened_once(engine: Engine) -> None:
    _master(engine)
    screener = _Counting(build_screener([make_entity(str(i), n, list_id="l")
                                         for i, n in enumerate(LIST_NAMES)]))
    reach = Reach(screener.index, screener.threshold)
    with engine.connect() as conn:
        parts = list(sweep(engine, conn, reach, screener, processes=1, span=5))
    reached = sum(p.reached for p in parts)
    found = [f for p in parts for f in p.found]
    assert reached == 3 * 6 + 6  # Myers twice, Wlels, Kiriyenko in each of the 6 repeats
    assert sorted(screener.names) == sorted({"Myers Systems Ltd", "Wlels Import Export PLC",
                                             "Kiriyenko Sergei"})
    assert len(found) == reached  # every survivor here is a real match
    ids = [cid for cid, _q, _h in found]
    assert ids == sorted(ids)
    assert all(h.query_id == q.id for _c, q, hits in found for h in hits)


def test_forked_sweep_opens_what_in_process_and_full_scan_open(engine: Engine,
                                                               monkeypatch) -> None:
    _master(engine)
    kw = {"list_id": "l", "old_version": "v1", "new_version": "v2", "lists": LISTS}
    monkeypatch.setattr(sweep_mod, "SPAN", 5)  # several ranges, so the workers share them
    calls: list[int] = []
    real = sweep_mod._forked

    def forked_sweep(*args: Any) -> Any:
        calls.append(args[-1])
        return real(*args)

    monkeypatch.setattr(sweep_mod, "_forked", forked_sweep)
    monkeypatch.setattr(sweep_mod.threading, "active_count", lambda: 1)  # pytest's threads
    forked = rescreen(engine, _delta(), build_screener, processes=2, **kw)
    assert calls == [2]
    keys = _alert_keys(engine)
    assert forked.candidates == 24 and len(forked.alerts) == len(keys) == 24
    with engine.connect() as conn:  # hits from workers get their list entity attached
        payloads = [r[0] for r in conn.execute(select(alerts.c.hit))]
    assert all('"entity"' in p for p in payloads)
    with engine.begin() as conn:
        conn.execute(alerts.delete())
    local = rescreen(engine, _delta(), build_screener, processes=1, force=True, **kw)
    assert _alert_keys(engine) == keys and local.candidates == forked.candidates
    with engine.begin() as conn:
        conn.execute(alerts.delete())
    full = rescreen(engine, _delta(), build_screener, blocking=False, force=True, **kw)
    assert full.candidates == len(NAMES) and _alert_keys(engine) == keys


def test_reach_of_a_screener_without_index_is_none() -> None:
    assert engine_index(object()) is None
