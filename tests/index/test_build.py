"""Index build: vocabulary, rarity and blocking keys."""

from __future__ import annotations

from stopship.index import build_index
from stopship.index.build import blocking_keys, crc, deletes
from stopship.matching.prepared import token_key
from stopship.model import Entity, Name


def test_every_named_entity_is_indexed(entities: list[Entity]) -> None:
    data = build_index(entities)
    assert data.n_entities == len(entities)
    assert set(data.name_entity.tolist()) == {i for i, e in enumerate(entities) if e.names}
    assert len(data.post_offsets) == len(data.vocab) + 1


def test_frequent_words_are_less_rare(entities: list[Entity]) -> None:
    data = build_index(entities)
    idf = {k: float(data.idf[v]) for k, v in data.vocab.items()}
    assert idf["kim"] < idf["putin"]
    assert idf["trading"] < idf["rosneft"]


def test_rarity_counts_entities_not_aliases() -> None:
    many_aliases = Entity("l", "1", "organization",
                          [Name(f"ZORKA {i}", "alias") for i in range(20)])
    others = [Entity("l", str(i), "organization", [Name(f"OTHER{i} ZORKA")]) for i in range(2, 4)]
    data = build_index([many_aliases, *others])
    assert int(data.df[data.vocab["zorka"]]) == 3


def test_blocking_keys_cover_joins_and_acronyms() -> None:
    keys = blocking_keys(("moscow", "center", "sparc", "technology"),
                         ("moscow", "center", "sparc", "technology"))
    assert {"moscow", token_key("moscowcenter"), "@mcst"} <= keys


def test_consonant_keys_for_queries_read_from_arabic() -> None:
    # ATTIQULLAH AKHUND: the consonants of each word and joined pair; ^ for the words that
    # begin with a vowel (an Arabic reading that begins with alif may only meet those)
    tokens = ("attiqullah", "akhund")
    keys = blocking_keys(tuple(map(token_key, tokens)), tokens)
    assert {"~tkl", "^tkl", "~hnd", "^hnd"} <= keys
    assert not any(k[0] in "~^" for k in blocking_keys(("mo",), ("mo",)))  # too short
    data = build_index([Entity("l", "1", "person", [Name("ATTIQULLAH AKHUND")])])
    assert "~tkl" in data.vocab and not any(
        d == crc("~tkl") for d in data.del_hash.tolist())  # no typo neighbourhood


def test_identifiers_are_blocking_keys() -> None:
    e = Entity("l", "1", "vessel", [Name("HYOK SIN 2")])
    e.add_identifier("imo", "IMO 8018900")
    data = build_index([e])
    assert "#8018900" in data.vocab


def test_deletes() -> None:
    assert deletes("abc") == {"abc"}
    assert deletes("abcd") == {"abcd", "bcd", "acd", "abd", "abc"}
