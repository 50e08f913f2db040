"""The analysis on generated data: planted intermediaries rank at the top, each indicator
carries record ids that exist in the input."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq

from stopship.intelligence.generate import GenerateReport
from stopship.intelligence.pipeline import Analysis
from stopship.intelligence.score import Scored


def _truth(folder: Path) -> tuple[dict[tuple[str, str], str], set[str]]:
    with (folder / "truth" / "seller_spellings.csv").open() as fh:
        spell = {(r["seller_name"], r["seller_country"]): r["party_id"] for r in csv.DictReader(fh)}
    with (folder / "truth" / "planted_intermediaries.csv").open() as fh:
        planted = {r["party_id"] for r in csv.DictReader(fh)}
    return spell, planted


def _true_party(s: Scored, spell: dict[tuple[str, str], str]) -> str | None:
    votes = Counter(spell.get((n, s.facts.country)) for n in s.facts.spellings)
    return votes.most_common(1)[0][0]


def test_planted_intermediaries_fill_the_top_one_percent(
        analysis: Analysis, generated: tuple[Path, GenerateReport]) -> None:
    folder, _ = generated
    spell, planted = _truth(folder)
    k = max(1, round(len(analysis.ranked) * 0.01))
    top = {_true_party(s, spell) for s in analysis.ranked[:k]}
    assert len(top & planted) / k >= 0.75
    # every planted party is among the parties with a score at all, well above the median
    scores = {_true_party(s, spell): s.rank for s in analysis.ranked}
    assert all(scores[p] <= 3 * k for p in planted)


def test_evidence_record_ids_exist_and_back_the_indicators(
        analysis: Analysis, generated: tuple[Path, GenerateReport]) -> None:
    folder, _ = generated
    ids = set(pq.read_table(folder / "records", columns=["record_id"]).column(0).to_pylist())
    top = analysis.ranked[0]
    ev = analysis.evidence[top.facts.party_id]
    assert ev["chpl_value_russia"] and set(ev["chpl_value_russia"]) <= ids
    assert len(ev["chpl_value_russia"]) <= 10
    assert analysis.evidence_count[top.facts.party_id] >= len(ev["chpl_value_russia"])
    for key, value in top.contributions.items():
        if value > 0 and key in ("listed_buyer", "price_anomaly", "new_chpl_codes"):
            assert ev.get(key), key


def test_indicators_and_contributions_are_visible(analysis: Analysis) -> None:
    top = analysis.ranked[0]
    assert set(top.contributions) <= set(top.indicators)
    assert top.indicators["chpl_value_russia"] > 0
    assert top.indicators["chpl_value_russia_by_tier"]
    assert top.indicators["brands"]
    assert top.score == max(s.score for s in analysis.ranked)


def test_listed_buyers_are_found_with_the_matching_engine(analysis: Analysis) -> None:
    labels = {h[0].label for h in analysis.listed_buyers.values()}
    assert labels & {"SDN", "Entity List"}
    assert any(s.indicators["listed_buyer"] for s in analysis.ranked[:50])


def test_ingest_report_and_timings(analysis: Analysis) -> None:
    assert analysis.ingest.rows_read == analysis.ingest.rows_kept == 20_000
    assert set(analysis.timings) == {"ingest", "resolve", "buyers", "indicators", "lists", "score"}
    assert analysis.period[0] >= "2019-01-01" and analysis.period[1] <= "2025-12-31"


def test_weapons_evidence_weights_the_brands_found(
        analysis: Analysis, generated: tuple[Path, GenerateReport], tmp_path: Path) -> None:
    from stopship.engines import open_engine
    from stopship.intelligence.ingest import WeaponsEvidence
    from stopship.intelligence.listed import ListContext, sample_entities
    from stopship.intelligence.pipeline import analyse
    folder, _ = generated
    top = analysis.ranked[0]
    brand = top.indicators["brands"][0]
    engine = open_engine()
    try:
        again = analyse(engine, [folder / "records"], ListContext(sample_entities(), "sample"),
                        weapons=WeaponsEvidence({brand.lower()}, set(), []))
    finally:
        engine.close()
    same = next(s for s in again.ranked if s.facts.party_id == top.facts.party_id)
    assert same.contributions["weapons_evidence"] > 0
    assert same.score > top.score
    assert again.evidence[top.facts.party_id]["weapons_evidence"]
    assert analysis.ranked[0].contributions.get("weapons_evidence", 0) == 0
