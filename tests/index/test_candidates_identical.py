"""The retrieval shortcuts change nothing: the rank and score bound worked out only for
the names that reach ``min_cover`` give the candidates the whole arrays gave, and the
sort-based union equals ``np.unique``."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stopship.index import CandidateIndex, Candidates, build_index
from stopship.index.candidates import SCORE_MARGIN, union
from stopship.matching.prepared import Prepared, prepare_name, with_variants
from stopship.model import Entity


class WholeArrays(CandidateIndex):
    """``candidates`` as it was: share, rank and bound over every generated name; and the
    renderings worth aligning with each chosen name worked out name by name."""

    def candidates(self, preps: list[Prepared], idvalues: tuple[str, ...] = (),
                   limit: int | None = None, min_score: float = 0.0) -> Candidates:
        found = self.gather(preps, idvalues, min_score)
        if found is None:
            return Candidates({}, {})
        cand, rows, origins = found
        name_w = self.data.name_weight[cand]
        use_bound = min_score > SCORE_MARGIN
        memo: dict[tuple[int, float], np.ndarray] = {}
        share = rank = bound = name_w
        per_row: list[np.ndarray] = []
        for k, (weighed, total) in enumerate(rows):
            acc = self._accumulate(cand, weighed, memo)
            tot = np.float32(max(total, 1e-6))
            ratio = acc / tot
            r = acc / (tot + name_w - np.minimum(acc, tot))
            q = np.minimum(ratio, np.float32(1.0))
            c = acc / (acc + np.float32(0.3) * np.maximum(name_w - acc, 0) + np.float32(1e-6))
            b = 2 * q * c / (q + c + np.float32(1e-6))
            per_row.append(b)
            if k == 0:
                share, rank, bound = ratio, r, b.copy()
            else:
                np.maximum(share, ratio, out=share)
                np.maximum(rank, r, out=rank)
                np.maximum(bound, b, out=bound)
        keep = share >= self.min_cover
        bar = np.float32(min_score - SCORE_MARGIN)
        if use_bound:
            keep &= bound >= bar
        chosen = self.select(cand[keep], share[keep], rank[keep], limit)
        if use_bound and len(rows) > 1:
            where = {int(n): i for i, n in enumerate(cand.tolist())}
            for name_ids in chosen.entities.values():
                for n in name_ids:
                    allowed = tuple(o for o, b in zip(origins, per_row, strict=True)
                                    if o >= 0 and b[where[n]] >= bar)
                    if allowed and len(allowed) < len(preps):
                        chosen.renderings[n] = allowed
        return chosen


def _queries(entities: list[Entity], n: int = 300, seed: int = 5) -> list[list[Prepared]]:
    rng = random.Random(seed)
    words = [w for e in entities for nm in e.names for w in nm.value.split()]
    names = [nm.value for e in entities for nm in e.names]
    out = []
    for _ in range(n):
        if rng.random() < 0.4:
            text = rng.choice(names)
            if rng.random() < 0.3 and len(text) > 5:
                i = rng.randrange(1, len(text) - 1)
                text = text[:i] + text[i + 1:]  # a typo
        else:
            text = " ".join(rng.sample(words, rng.randint(1, 4)))
        prep = prepare_name(text)
        if prep.tokens:
            out.append(with_variants(prep))
    return out


@pytest.mark.parametrize("bar", [0.0, 0.3, 0.5, 0.8, 0.95])
def test_subset_arrays_same_candidates(entities: list[Entity], bar: float) -> None:
    data = build_index(entities)
    fast, whole = CandidateIndex(data), WholeArrays(data)
    met = narrowed = 0
    for preps in _queries(entities):
        preps = preps + [v for p in preps[:1] for v in fast.split_variants(p)]
        got = fast.candidates(preps, min_score=bar)
        assert got == whole.candidates(preps, min_score=bar)
        narrowed += bool(got.renderings)
        # the names of each entity come in the same order (the scorer breaks ties by it)
        assert [list(v) for v in got.entities.values()] == [
            list(v) for v in whole.candidates(preps, min_score=bar).entities.values()]
        met += bool(got.entities)
    assert met > 30
    if bar > SCORE_MARGIN:  # some chosen names are worth only some renderings
        assert narrowed > 0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.integers(0, 60), max_size=30), min_size=1, max_size=6))
def test_union_equals_unique(parts: list[list[int]]) -> None:
    arrays = [np.unique(np.asarray(p, dtype=np.int32)) for p in parts]
    got = union(arrays)
    expected = np.unique(np.concatenate(arrays))
    assert got.dtype == expected.dtype
    assert np.array_equal(got, expected)


def test_identity_cache_equals_equal_key(entities: list[Entity]) -> None:
    index = CandidateIndex(build_index(entities))
    prep = prepare_name(" ".join(e.names[0].value for e in entities[:5]))
    assert len(prep.tokens) > 5
    for tok, key in zip(prep.tokens, prep.keys, strict=True):
        matches = index.token_matches(key, tok)
        assert matches  # list words: each meets at least itself
        twin = tuple(list(matches))  # equal, another object: found by value, not by id
        assert twin is not matches
        for a, b in zip(index._merge(matches), index._merge(twin), strict=True):
            assert np.array_equal(a, b)
        padded, again = index._padded(matches), index._padded(twin)
        assert padded is not None and again is not None
        assert all(np.array_equal(a, b) for a, b in zip(padded, again, strict=True))
        assert index._merge(matches) is index._merge(matches)  # the identity hit
