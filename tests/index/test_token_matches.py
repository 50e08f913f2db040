"""``CandidateIndex.token_matches`` does not depend on the order in which it looks up a
query word and its skeleton key: each vocabulary entry keeps its best similarity over both
(a set's order follows the string hash seed, so an order-dependent result differed between
runs)."""

from __future__ import annotations

import pytest

from stopship.index import CandidateIndex, build_index
from stopship.model import Entity
from stopship.names.variants import token_key


@pytest.fixture(scope="module")
def index(entities: list[Entity]) -> CandidateIndex:
    return CandidateIndex(build_index(entities))


def _typos(word: str) -> list[str]:
    out = [word[:i] + word[i + 1:] for i in range(len(word))]  # a letter dropped
    out += [word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)]
    return out


def test_each_entry_keeps_its_best_similarity_over_word_and_key(
        index: CandidateIndex) -> None:
    vocab = [w for w in index.data.vocab if w.isalpha() and 5 <= len(w) <= 12][:400]
    checked = differ = 0
    for word in vocab:
        for token in _typos(word):
            key = token_key(token)
            if key == token:
                continue
            both = dict(index.token_matches(key, token))
            alone = [dict(index.token_matches(t, t)) for t in (key, token)]
            for vid, sim in both.items():
                if index.data.vocab_keys[vid].startswith("@"):
                    continue  # list acronyms are met by the word itself only
                best = max(a.get(vid, 0.0) for a in alone)
                assert sim == best, (token, key, index.data.vocab_keys[vid])
                checked += 1
                differ += alone[0].get(vid, 0.0) != alone[1].get(vid, 0.0)
    assert checked > 1000 and differ > 0  # the case the order decided is exercised
