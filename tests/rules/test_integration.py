"""The real screening engine (stopship.screening.engine.build_screener) over real list
entries: the generated orders decide as expected, and hits carry entity ids and scores."""

import copy

import pytest

from stopship.model.order import Party
from stopship.rules.engine import OrderScreener
from stopship.rules.orders_io import read_orders

from .conftest import FIXTURES, load_entities

ORDERS = read_orders(FIXTURES / "generated.jsonl").orders


@pytest.fixture(scope="module")
def real() -> OrderScreener:
    return OrderScreener.from_entities(load_entities(), list_versions={"us_ofac_sdn": "fixture"})


def test_generated_orders_with_the_real_engine(real, expected):
    wrong = []
    for decision in real.screen_many(ORDERS):
        want = expected[decision.order_id]
        if (sorted(decision.rule_ids), decision.decision) != (want["rules"], want["decision"]):
            wrong.append((want["case"], decision.rule_ids, decision.decision))
    assert wrong == []


def test_real_hit_evidence_names_the_entry_and_score(real):
    order = next(o for o in ORDERS if o.id == _case_id("A1-us_ofac_sdn"))
    decision = real.screen(order)
    [fired] = decision.fired
    [ev] = fired.evidence
    assert ev.entity_id == "us_ofac_sdn:16884" and ev.list_id == "us_ofac_sdn"
    assert ev.score is not None and ev.score >= 0.9
    assert decision.list_versions == {"us_ofac_sdn": "fixture"}


def test_real_engine_matches_a_transliterated_alias(real):
    """An Entity List alias spelled differently on the order still meets the entry."""
    order = copy.deepcopy(next(o for o in ORDERS if o.id == _case_id("clean-DE")))
    order.parties.append(Party("notify_party", "NPP Aerosila AO", "RU"))
    decision = real.screen(order)
    assert {"R-A1", "R-A3"} <= set(decision.rule_ids)
    assert decision.decision == "hold"


def _case_id(name: str) -> str:
    import json

    expected = json.loads((FIXTURES / "generated_expected.json").read_text("utf-8"))
    return next(k for k, v in expected.items() if v["case"] == name)


def test_open_from_the_store_records_list_versions(tmp_path, expected):
    """Lists loaded into a store: the screener opens over their current versions, flags
    come from the store when hits carry no entity, and versions are recorded."""
    from collections import defaultdict

    from stopship.store import ListStore

    by_list = defaultdict(list)
    for entity in load_entities():
        by_list[entity.list_id].append(entity)
    with ListStore.open(tmp_path) as store:
        for list_id, entities in by_list.items():
            store.load(list_id, entities)
    screener = OrderScreener.open(tmp_path)
    assert set(screener.list_versions) == set(by_list)
    assert all(v.startswith("1") for v in screener.list_versions.values())
    wrong = []
    for decision in screener.screen_many(ORDERS):
        want = expected[decision.order_id]
        if (sorted(decision.rule_ids), decision.decision) != (want["rules"], want["decision"]):
            wrong.append((want["case"], decision.rule_ids))
    assert wrong == []
    only_sdn = OrderScreener.open(tmp_path, lists=["us_ofac_sdn"])
    assert list(only_sdn.list_versions) == ["us_ofac_sdn"]
