"""The risk score: documented weights, visible contributions, deterministic ranks."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stopship.intelligence.reference import risk_weights
from stopship.intelligence.score import PartyFacts, rank, score_party

CONF = risk_weights()


def _facts(pid: str = "P1", **agg: object) -> PartyFacts:
    base: dict[str, object] = {"post_cents": 0, "post_ru_cents": 0, "chpl_ru_post_cents": 0,
                               "chpl_ru_pre_cents": 0, "chpl_ru_records": 0, "ru_buyers": 0,
                               "price_anomalies": 0, "first_date": dt.date(2019, 5, 1)}
    base.update(agg)
    return PartyFacts(pid, "Name", "HK", ["Name"], [], [], base)


def test_weights_sum_to_one_hundred() -> None:
    weights = {k: v["weight"] for k, v in CONF["indicators"].items()}
    assert sum(weights.values()) - weights["weapons_evidence"] == pytest.approx(100)


def test_party_without_chpl_into_russia_scores_zero() -> None:
    f = _facts(post_cents=10_000_00, post_ru_cents=10_000_00)
    f.transshipment = True
    s = score_party(f, CONF, 3.0, 3.0)
    assert s.score == 0 and s.indicators["russia_share"] == 1.0


def test_contributions_add_up_and_follow_the_indicators() -> None:
    f = _facts(post_cents=2_000_000_00, post_ru_cents=1_800_000_00,
               chpl_ru_post_cents=1_900_000_00, post_chpl_ru_t1=1_900_000_00,
               chpl_ru_records=40, price_anomalies=10, ru_buyers=5,
               first_date=dt.date(2022, 6, 1))
    f.transshipment = True
    f.listed_buyers = [("SDN", "OOO Example")]
    f.new_codes = ["854231", "854232", "854239"]
    f.brands = [("Texas Instruments", 100), ("Intel", 50)]
    s = score_party(f, CONF, 3.15, 3.85)
    assert s.score == pytest.approx(sum(s.contributions.values()))
    w = {k: v["weight"] for k, v in CONF["indicators"].items()}
    assert s.contributions["listed_buyer"] == w["listed_buyer"]
    assert s.contributions["first_seen_after_war"] == w["first_seen_after_war"]
    assert s.contributions["russia_share"] == pytest.approx(w["russia_share"] * 0.9)
    assert s.contributions["price_anomaly"] == w["price_anomaly"]   # 25% of lines: full
    assert s.contributions["volume_spike"] == w["volume_spike"]     # nothing before the war
    assert s.contributions["listed_party"] == 0
    assert 0 < s.contributions["chpl_value_russia"] < w["chpl_value_russia"]


def test_rank_breaks_ties_by_value_then_id() -> None:
    a = score_party(_facts("B"), CONF, 3, 3)
    b = score_party(_facts("A"), CONF, 3, 3)
    ranked = rank([a, b])
    assert [s.facts.party_id for s in ranked] == ["A", "B"]
    assert [s.rank for s in ranked] == [1, 2]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**12), st.integers(0, 10**12), st.integers(0, 10**12),
       st.integers(0, 50), st.integers(0, 50), st.booleans())
def test_score_is_bounded(post: int, ru: int, chpl: int, lines: int, anomalies: int,
                          transship: bool) -> None:
    f = _facts(post_cents=post, post_ru_cents=min(ru, post), chpl_ru_post_cents=chpl,
               post_chpl_ru_t2=chpl, chpl_ru_records=lines, price_anomalies=min(anomalies, lines))
    f.transshipment = transship
    s = score_party(f, CONF, 3, 3)
    assert 0.0 <= s.score <= 100.0
    f.weapons = (chpl, chpl)
    assert 0.0 <= score_party(f, CONF, 3, 3).score <= 100.0 + CONF["indicators"][
        "weapons_evidence"]["weight"]
