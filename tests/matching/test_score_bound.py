"""``score_bound`` is an upper bound of ``score_candidate``'s score on every pair, and
screening that skips candidates below the threshold by it returns the same hits."""

from __future__ import annotations

import random

import pytest

import stopship.screening.engine as engine_module
from stopship.errors import InputError
from stopship.matching import load_config, score_candidate
from stopship.matching.scoring import score_bound
from stopship.matching.types import FeatureSpec, MatchCandidate, MatchConfig, MatchQuery
from stopship.model import Entity
from stopship.screening.engine import ScreeningEngine
from stopship.screening.query import prepare_record
from stopship.screening.types import QueryRecord


def _records(entities: list[Entity], n: int = 250, seed: int = 11) -> list[QueryRecord]:
    rng = random.Random(seed)
    words = [w for e in entities for nm in e.names for w in nm.value.split()]
    out = []
    for i in range(n):
        e = rng.choice(entities)
        text = rng.choice(e.names).value
        roll = rng.random()
        if roll < 0.3:
            text = " ".join(rng.sample(words, rng.randint(1, 3)))
        elif roll < 0.5 and len(text) > 6:
            j = rng.randrange(1, len(text) - 1)
            text = text[:j] + text[j + 1:]
        schema = rng.choice([None, "person", "organization", e.schema])
        country = rng.choice([None, "RU", "CN", "IR"])
        out.append(QueryRecord(f"q{i}", text, schema, country))
    return out


def _pairs(screener: ScreeningEngine, entities: list[Entity]
           ) -> list[tuple[MatchQuery, MatchCandidate]]:
    """Every (query, candidate entity) the engine would score at a low bar."""
    out = []
    d = screener.index.data
    for rec in _records(entities):
        try:
            preps, schema, country, dob, ids = prepare_record(rec)
        except InputError:
            continue  # a name that is only a legal form
        found = screener.index.candidates(preps, ids, min_score=0.2)
        query = MatchQuery([engine_module.query_name(p, screener.config) for p in preps],
                           schema, country, dob, ids)
        for eidx, name_ids in found.entities.items():
            out.append((query, MatchCandidate(
                d.entity_ids[eidx], d.entity_schema[eidx],
                [screener._cname(n) for n in name_ids], d.entity_countries[eidx],
                d.entity_birth[eidx], d.entity_idvalues[eidx],
                d.entity_schema_inferred[eidx])))
    return out


def test_bound_is_never_below_the_score(screener: ScreeningEngine,
                                        entities: list[Entity]) -> None:
    pairs = _pairs(screener, entities)
    assert len(pairs) > 300
    tight = 0
    for query, cand in pairs:
        bound = score_bound(query, cand, screener.config)
        score = score_candidate(query, cand, screener.config).score
        assert bound is not None and bound >= score
        tight += bound == score
    assert tight > len(pairs) // 3  # and often exact (no name-level penalty applied)


def test_no_bound_for_a_feature_it_does_not_know(screener: ScreeningEngine,
                                                 entities: list[Entity]) -> None:
    query, cand = _pairs(screener, entities)[0]
    config = load_config("default")
    raised = MatchConfig(config.algorithm, config.threshold,
                         [*config.features, FeatureSpec("number_agreement", "name", "adjust", -0.1)],
                         config.params, config.idf, config.max_idf)
    assert score_bound(query, cand, raised) is None  # a negative weight can raise a score


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.8])
def test_screening_with_the_bound_equals_without(screener: ScreeningEngine,
                                                 entities: list[Entity],
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 cut: float) -> None:
    records = _records(entities, 200, seed=3)
    fast = [screener.outcome(r, cut) for r in records]
    monkeypatch.setattr(engine_module, "score_bound", lambda *a: None)
    slow = [screener.outcome(r, cut) for r in records]
    assert fast == slow
    assert sum(bool(o.hits) for o in fast) > 20
