"""Persisting the index per list versions, and loading it fast."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from stopship.errors import StoreError
from stopship.index import build_index, index_hash, index_path, load_index, save_index
from stopship.model import Entity


def test_round_trip(tmp_path: Path, entities: list[Entity]) -> None:
    data = build_index(entities)
    folder = save_index(data, index_path(tmp_path, {"us_ofac_sdn": "1:abc"}))
    started = time.perf_counter()
    loaded = load_index(folder)
    assert time.perf_counter() - started < 1.0
    assert loaded.entity_ids == data.entity_ids
    assert loaded.vocab == data.vocab
    assert (loaded.post_names == data.post_names).all()


def test_hash_changes_with_versions() -> None:
    a = index_hash({"us_ofac_sdn": "1:abc", "un_sc": "2:def"})
    assert a == index_hash({"un_sc": "2:def", "us_ofac_sdn": "1:abc"})
    assert a != index_hash({"us_ofac_sdn": "2:xyz", "un_sc": "2:def"})


def test_missing_or_corrupt_index(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        load_index(tmp_path / "nope")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "index.pkl").write_bytes(b"not a pickle")
    with pytest.raises(StoreError):
        load_index(tmp_path / "bad")


def test_save_replaces_atomically(tmp_path: Path, entities: list[Entity]) -> None:
    folder = tmp_path / "index" / "x"
    save_index(build_index(entities[:5]), folder)
    save_index(build_index(entities[:7]), folder)
    assert load_index(folder).n_entities == 7
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".tmp-")]
