import json

from stopship.model.order import Line, Party
from stopship.rules.catalogue import default_ruleset, load_ruleset

from .helpers import order, run


def _risky():
    buyer = Party("buyer", "Falcon Trading FZE", "AE", email="falcon@gmail.com")
    return order(buyer, lines=[Line("854231", 10, 2.0)], country="AE", end_user_statement=False)


def test_decision_is_the_strongest_action_and_lists_each_rule_once():
    d = run(_risky())
    assert d.decision == "hold"
    assert len(d.rule_ids) == len(set(d.rule_ids))
    assert {"R-B1", "R-B2", "R-B3", "R-C3", "R-C6"} <= set(d.rule_ids)
    strongest = {f.action for f in d.fired}
    assert "hold" in strongest and "review" in strongest


def test_disabled_rules_are_silent_and_actions_can_be_tuned():
    rs = load_ruleset({"rules": {"R-B2": {"enabled": False}}})
    d = run(_risky(), ruleset=rs)
    assert "R-B2" not in d.rule_ids and d.decision == "review"
    soft = load_ruleset({"rules": {"R-B2": {"action": "review"}}})
    assert run(_risky(), ruleset=soft).decision == "review"


def test_clean_order_clears_with_versions_recorded():
    d = run(order())
    assert d.decision == "clear" and d.fired == [] and d.risk_score == 0
    assert d.rules_version == default_ruleset().version
    assert d.data_versions["chpl"].startswith("2024-02-23")
    assert d.data_versions["country_sets"]


def test_as_dict_is_json_with_evidence_and_what_clears_it():
    data = json.loads(json.dumps(run(_risky()).as_dict()))
    assert data["decision"] == "hold"
    b2 = next(f for f in data["fired"] if f["id"] == "R-B2")
    assert b2["clears_when"].startswith("A signed end-user statement")
    assert {"field": "end_user_statement", "value": False} in b2["evidence"]
    assert b2["sources"] and b2["sentence"]


def test_disabling_a_rule_never_strengthens_a_decision(listed):
    """Property over random orders: the decision is monotone in the set of enabled rules."""
    from stopship.rules.catalogue import ACTIONS
    from stopship.rules.engine import OrderScreener
    from stopship.rules.generate import random_orders

    from .conftest import FakeScreener

    orders = list(random_orders(25, seed=13, listed=listed, pool_size=40, listed_rate=0.3))
    full = OrderScreener(FakeScreener(listed)).screen_many(orders)
    for rule_id in default_ruleset().rules:
        rs = load_ruleset({"rules": {rule_id: {"enabled": False}}})
        fewer = OrderScreener(FakeScreener(listed), rs).screen_many(orders)
        for a, b in zip(full, fewer, strict=True):
            assert ACTIONS.index(b.decision) <= ACTIONS.index(a.decision)
            assert set(b.rule_ids) == set(a.rule_ids) - {rule_id}
