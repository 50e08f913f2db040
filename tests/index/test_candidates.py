"""Candidate retrieval: the right entry survives typos, transliteration, frequent words;
candidate recall is measured here apart from the scorer."""

from __future__ import annotations

import random

import pytest

from stopship.index import CandidateIndex, build_index
from stopship.matching.prepared import prepare_name
from stopship.model import Entity


@pytest.fixture(scope="module")
def index(entities: list[Entity]) -> CandidateIndex:
    return CandidateIndex(build_index(entities))


def ids(index: CandidateIndex, text: str, schema: str | None = None,
        idvalues: tuple[str, ...] = ()) -> set[str]:
    found = index.candidates([prepare_name(text, schema)], idvalues)
    return {index.data.entity_ids[e] for e in found.entities}


@pytest.mark.parametrize(("query", "expected", "why"), [
    ("Vladimir Putin", "us_ofac_sdn:35096", "plain"),
    ("Владимир Путин", "us_ofac_sdn:35096", "Cyrillic"),
    ("Wladimir Puttin", "us_ofac_sdn:35096", "romanisation and typo"),
    ("Schtscherbakow Kirill", "us_ofac_sdn:31303", "German romanisation"),
    ("MCST", "us_bis_el:bfa092a9873ee7d7", "acronym of an alias"),
    ("SetelemBank", "us_ofac_sdn:18710", "joined words"),
    ("Kim Jong Un", "us_ofac_sdn:20157", "frequent surname does not crowd out the entry"),
    ("Guangzhou Haige Comm Grp Trading Technology", "us_bis_el:50165e5d69e1e51c",
     "generic words around the distinctive ones"),
])
def test_candidates_keep_the_right_entry(index: CandidateIndex, query: str, expected: str,
                                         why: str) -> None:
    assert expected in ids(index, query), why


def test_identifier_alone_finds_the_vessel(index: CandidateIndex) -> None:
    assert "us_ofac_sdn:17088" in ids(index, "zzzz", idvalues=("8018900",))


def test_generic_words_alone_find_little(index: CandidateIndex) -> None:
    assert len(ids(index, "Trading Group Limited")) <= index.limit


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def test_candidate_recall_under_typos(entities: list[Entity], index: CandidateIndex) -> None:
    """Candidate recall, separately from scoring: one transposition in the longest word
    of each primary name must keep the entity among the candidates (>= 95%)."""
    rng = random.Random(3)
    total = kept = 0
    for e in entities:
        words = e.caption.split()
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        if len(words[longest]) < 6 or not words[longest].isalpha():
            continue
        words[longest] = _typo(words[longest], rng)
        total += 1
        kept += e.id in ids(index, " ".join(words), e.schema)
    assert total > 50
    assert kept / total >= 0.95, f"candidate recall {kept}/{total}"
