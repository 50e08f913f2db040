"""Party resolution: spellings of one seller become one party; different sellers stay apart."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stopship.intelligence.generate import GenerateReport
from stopship.intelligence.pipeline import Analysis
from stopship.intelligence.resolve import Spelling, pairwise_quality, resolve


def _sp(name: str, country: str = "CN", address: str = "", records: int = 1) -> Spelling:
    return Spelling(name, country, records, {address: records} if address else {})


# (spelling a, spelling b, same party?, why)
CASES = [
    (_sp("Shenzhen Xinhe Electronics Co., Ltd."), _sp("SHENZHEN XINHE ELECTRONICS CO LTD"), True,
     "case and legal-form punctuation"),
    (_sp("Shenzhen Xinhe Electronics Co., Ltd."), _sp("Shenzhen Xinhe Elec Co.,Limited"), True,
     "abbreviation and legal-form variant"),
    (_sp("Kowloon Ruiyu Systems Limited", "HK", "Room 5, 12 Nathan Road, Kowloon"),
     _sp("Ruiyu Systems Ltd.", "HK", "ROOM 5 12 NATHAN RD KOWLOON"), True,
     "city prefix dropped, same address"),
    (_sp("Cherian & Ray Engineering FZE", "AE"), _sp("Cherian Rai Engineering F.Z.E.", "AE"), True,
     "transliteration y/i and dotted legal form"),
    (_sp("Alvarado Microelectronics Inc.", "US"), _sp("Alvaraddo Microelectronics Inc.", "US"), True,
     "typo"),
    (_sp("Ningbo Chengheng Semiconductor Co., Ltd."), _sp("Ningbo Fengcheng Semiconductor Co., Ltd."),
     False, "different distinctive word, shared city and industry"),
    (_sp("Shenzhen Xinhe Electronics Co., Ltd.", "CN"), _sp("Shenzhen Xinhe Electronics Co., Ltd.", "HK"),
     False, "same name, other country"),
    (_sp("Kala Instruments FZE", "AE"), _sp("Kara Instruments FZE", "AE"), False,
     "one letter apart in the only distinctive word"),
]


@pytest.mark.parametrize("a, b, same, why", CASES, ids=[c[3] for c in CASES])
def test_pairs(a: Spelling, b: Spelling, same: bool, why: str) -> None:
    parties, lookup = resolve([a, b])
    assert (lookup[(a.name, a.country)] == lookup[(b.name, b.country)]) is same, why
    assert sum(len(p.spellings) for p in parties) == 2


def test_party_keeps_every_spelling_and_most_used_is_primary() -> None:
    parties, _ = resolve([_sp("Xinhe Electronics Co., Ltd.", records=2),
                          _sp("XINHE ELECTRONICS CO LTD", records=9),
                          _sp("Xinhe Elec Co Ltd", records=1)])
    assert len(parties) == 1
    assert parties[0].primary_name == "XINHE ELECTRONICS CO LTD"
    assert parties[0].spellings[0] == "XINHE ELECTRONICS CO LTD"
    assert len(parties[0].spellings) == 3 and parties[0].records == 12


def test_order_of_input_does_not_change_parties() -> None:
    items = [c[0] for c in CASES] + [c[1] for c in CASES]
    a = resolve(items)[1]
    b = resolve(list(reversed(items)))[1]
    assert a == b


def test_generated_spellings_resolve_with_high_precision_and_recall(
        analysis: Analysis, generated: tuple[Path, GenerateReport]) -> None:
    folder, _ = generated
    with (folder / "truth" / "seller_spellings.csv").open() as fh:
        truth = {(r["seller_name"], r["seller_country"]): r["party_id"] for r in csv.DictReader(fh)}
    precision, recall = pairwise_quality(analysis.seller_lookup, truth)
    assert precision >= 0.95 and recall >= 0.95


@settings(max_examples=50, deadline=None)
@given(st.dictionaries(st.tuples(st.sampled_from("abcd"), st.sampled_from("xy")),
                       st.sampled_from(["p1", "p2", "p3"]), min_size=1))
def test_pairwise_quality_of_truth_against_itself_is_perfect(truth: dict[tuple[str, str], str]) -> None:
    assert pairwise_quality(truth, truth) == (1.0, 1.0)
    merged = {k: "one" for k in truth}
    precision, recall = pairwise_quality(merged, truth)
    assert recall == 1.0 and 0.0 <= precision <= 1.0
