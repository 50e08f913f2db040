"""Re-screening with the real engine: the stored prepared names and the reachability
bound (``stopship.cases.prepared``, ``stopship.cases.reach``) find every alert a full
scan finds, while scoring only a fraction of the customer master."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.engine import Engine

from stopship.cases.customers import CustomerRecord
from stopship.cases.db import make_engine, upgrade
from stopship.cases.prepared import PREPARED_VERSION, decode, encode
from stopship.cases.reach import Reach, engine_index
from stopship.cases.rescreen import rescreen
from stopship.cases.screening import import_customers
from stopship.cases.tables import alerts, customers
from stopship.cases.testing import FakeDelta, make_entity, sqlite_url
from stopship.screening.engine import build_screener
from stopship.screening.types import QueryRecord

LISTS = {"l": "v2"}
# (list name in the delta, customer name the engine should alert on): the distinctive
# word differs in its first four letters, which the old 4-letter-prefix blocking missed
NEAR_MISSES = [
    ("Meyers Systems PLC", "Myers Systems Ltd"),
    ("Wells Import Export PLC", "Wlels Import Export PLC"),
    ("Murphy Components", "Mruphy Components"),
    ("Kirienko Sergey", "Kiriyenko Sergei"),
]
UNRELATED = ["Quiet Bakery", "Anna Petrova", "Northwind Traders", "Zhang Wei", "Olga Ivanova",
             "Blue River Farms", "Hans Muller GmbH", "Sunrise Dental Clinic"]


def _delta(names: list[str]) -> FakeDelta:
    changed = []
    for i, name in enumerate(names):
        entity = make_entity(str(i), name, list_id="l")
        changed.append({"new": entity, "fields": ["remarks"]})
    return FakeDelta(changed=changed)


def _keys(engine: Engine, ids: list[int]) -> set[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(select(customers.c.external_id, alerts.c.entity_id)
                            .join(customers, customers.c.id == alerts.c.customer_id)
                            .where(alerts.c.id.in_(ids)))
        return {(r[0], r[1]) for r in rows}


def test_delta_rescreen_finds_what_a_full_scan_finds(engine: Engine) -> None:
    names = [c for _l, c in NEAR_MISSES] + UNRELATED
    import_customers(engine, [CustomerRecord(f"K{i}", n) for i, n in enumerate(names)], None,
                     actor="t", lists=LISTS)
    delta = _delta([list_name for list_name, _c in NEAR_MISSES])
    kw = {"list_id": "l", "old_version": "v1", "new_version": "v2", "lists": LISTS}
    blocked = rescreen(engine, delta, build_screener, **kw)
    found = _keys(engine, blocked.alerts)
    with engine.begin() as conn:  # forget the alerts, so the full scan opens them again
        conn.execute(alerts.delete())
    full = rescreen(engine, delta, build_screener, blocking=False, force=True, **kw)
    assert full.candidates == len(names)
    assert blocked.candidates < len(names)
    assert found == _keys(engine, full.alerts)
    assert {k for k, _e in found} >= {"K0", "K1", "K2"}  # Myers, Wlels, Mruphy


def test_reach_lets_through_each_near_miss(engine: Engine) -> None:
    screener = build_screener([make_entity(str(i), n, list_id="l")
                               for i, (n, _c) in enumerate(NEAR_MISSES)])
    index = engine_index(screener)
    assert index is not None
    reach = Reach(index, screener.threshold)
    for list_name, customer in NEAR_MISSES:
        hits = screener.screen(QueryRecord("q", customer))
        form = decode(encode(QueryRecord("q", customer)))
        assert form is not None
        assert hits, f"the engine no longer matches {customer!r} to {list_name!r}"
        assert reach.form(form), customer
    for name in UNRELATED:
        assert not reach.text(encode(QueryRecord("q", name))), name


def test_missing_prepared_forms_are_filled_before_rescreening(engine: Engine) -> None:
    import_customers(engine, [CustomerRecord("K1", "Myers Systems Ltd"),
                              CustomerRecord("K2", "Quiet Bakery")], None, actor="t",
                     lists=LISTS)
    with engine.begin() as conn:  # as if imported before the column existed
        conn.execute(customers.update().values(prepared=None, prepared_version=None))
    result = rescreen(engine, _delta(["Meyers Systems PLC"]), build_screener, list_id="l",
                      old_version="v1", new_version="v2", lists=LISTS)
    assert result.candidates == 1 and len(result.alerts) == 1
    with engine.connect() as conn:
        rows = conn.execute(select(customers.c.prepared_version)).all()
    assert {r[0] for r in rows} == {PREPARED_VERSION}


def test_unusable_names_store_an_empty_form() -> None:
    assert encode(QueryRecord("q", "   ")) == ""
    assert decode("") is None
    form = decode(encode(QueryRecord("q", "", identifiers=["IMO 9123456"])))
    assert form is not None and form.idvalues


def test_upgrade_from_0001_adds_the_columns_to_existing_customers(tmp_path) -> None:
    url = sqlite_url(tmp_path)
    upgrade(url, "0001")
    upgrade(url)
    eng = make_engine(url)
    import_customers(eng, [CustomerRecord("K1", "Myers Systems Ltd")], None, actor="t",
                     lists=LISTS)
    with eng.connect() as conn:
        stored = conn.execute(select(customers.c.prepared)).scalar_one()
    eng.dispose()
    assert decode(stored) is not None


FIRST = ["ivan", "john", "maria", "li", "sergei", "anna", "omar", "jean"]
LAST = ["petrov", "petrow", "smith", "smyth", "meyers", "myers", "wells", "weeks", "zhang",
        "muller", "mueller", "kirienko", "kiriyenko"]
WORDS = ["trading", "systems", "import export", "components", "holdings", "llc", "ltd",
         "group", "tech", "technologies"]
word = st.sampled_from(FIRST + LAST + WORDS)
name = st.lists(word, min_size=1, max_size=4).map(" ".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(name, min_size=1, max_size=6), st.lists(name, min_size=1, max_size=30))
def test_reach_passes_every_customer_the_engine_finds(list_names: list[str],
                                                      customer_names: list[str]) -> None:
    screener = build_screener([make_entity(str(i), n, list_id="l")
                               for i, n in enumerate(list_names)])
    index = engine_index(screener)
    assert index is not None
    reach = Reach(index, screener.threshold)
    for customer in customer_names:
        record = QueryRecord("q", customer)
        if screener.outcome(record).hits:
            assert reach.text(encode(record)), (customer, list_names)


def test_forked_workers_keep_the_same_customers_in_order() -> None:
    from stopship.cases.reach import reachable_ids

    screener = build_screener([make_entity(str(i), n, list_id="l")
                               for i, (n, _c) in enumerate(NEAR_MISSES)])
    index = engine_index(screener)
    assert index is not None
    names = ([c for _l, c in NEAR_MISSES] + UNRELATED) * 5
    rows = [(i, encode(QueryRecord(str(i), n))) for i, n in enumerate(names)] + [(999, "")]
    one = reachable_ids(rows, Reach(index, screener.threshold))
    two = reachable_ids(iter(rows), Reach(index, screener.threshold), processes=2, chunk=7)
    assert one == two and len(one) == 4 * 5
