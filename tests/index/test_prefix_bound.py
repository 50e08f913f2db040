"""The shorter prefix taken when a score bar is given changes nothing: the candidates
(entities, names and retrieval weights) are exactly those of the full prefix."""

from __future__ import annotations

import random

import pytest

from stopship.index import CandidateIndex, Candidates, build_index
from stopship.matching.prepared import Prepared, prepare_name, with_variants
from stopship.model import Entity


class FullPrefix(CandidateIndex):
    """The index as it was before the bound: never ends a prefix early."""

    @staticmethod
    def _q_min(min_score: float) -> float | None:
        return None


def _queries(entities: list[Entity], n: int = 300, seed: int = 3) -> list[list[Prepared]]:
    rng = random.Random(seed)
    words = [w for e in entities for nm in e.names for w in nm.value.split()]
    names = [nm.value for e in entities for nm in e.names]
    out = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.4:
            text = rng.choice(names)  # a list name, maybe cut short or with a typo
            if rng.random() < 0.5:
                text = " ".join(text.split()[: rng.randint(1, 3)])
            if rng.random() < 0.3 and len(text) > 5:
                i = rng.randrange(1, len(text) - 1)
                text = text[:i] + text[i + 1:]
        else:  # list words recombined, with an unknown word now and then
            parts = rng.sample(words, rng.randint(2, 4))
            if rng.random() < 0.3:
                parts.append("Zqxvort")
            text = " ".join(parts)
        prep = prepare_name(text)
        if prep.tokens:
            out.append(with_variants(prep))
    return out


def _run(index: CandidateIndex, queries: list[list[Prepared]], bar: float) -> list[Candidates]:
    out = []
    for preps in queries:
        preps = preps + [v for p in preps[:1] for v in index.split_variants(p)]
        out.append(index.candidates(preps, min_score=bar))
    return out


@pytest.mark.parametrize("bar", [0.0, 0.5, 0.7, 0.8, 0.9, 0.97])
def test_shorter_prefix_same_candidates(entities: list[Entity], bar: float) -> None:
    data = build_index(entities)
    queries = _queries(entities)
    got = _run(CandidateIndex(data), queries, bar)
    assert got == _run(FullPrefix(data), queries, bar)
    assert sum(bool(c.entities) for c in got) > 30  # the queries do meet the lists


def test_q_min_reaches_the_bar() -> None:
    # a name sharing q_min of the weight has a bound 2q/(1+q) just under the bar
    for bar in (0.5, 0.8, 0.95):
        q = CandidateIndex._q_min(bar + 0.1)
        assert q is not None
        assert 2 * q / (1 + q) < bar < 2 * q / (1 + q) + 1e-3
    assert CandidateIndex._q_min(0.05) is None
