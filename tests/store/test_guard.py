"""The shrink guard: table-driven thresholds, and on both backends a refused version
that leaves the current one current (unless allow_shrink / a larger max_drop)."""

from __future__ import annotations

import pytest
from store_helpers import make_entity

from stopship.errors import StoreError
from stopship.model import Entity
from stopship.store import ListStore
from stopship.store.guard import ShrinkRefused, check_shrink

# (old count, new count, removed, max_drop, refused?)
CASES = [
    (100, 100, 0, None, False),
    (100, 80, 20, None, False),  # exactly 20% dropped: allowed
    (100, 79, 21, None, True),  # 21% dropped
    (100, 100, 21, None, True),  # same size, but 21 swapped out
    (100, 130, 25, None, True),  # grew, yet a quarter of the old ones is gone
    (100, 49, 51, 0.9, True),  # under half the size, whatever max_drop says
    (100, 50, 50, 0.5, False),  # half, allowed by max_drop 0.5
    (100, 95, 5, 0.0, True),  # max_drop 0: nothing may go
    (0, 10, 0, None, False),  # nothing to protect
    (3, 2, 1, None, True),  # small lists too
]


@pytest.mark.parametrize("old, new, removed, max_drop, refused", CASES)
def test_thresholds(old: int, new: int, removed: int, max_drop: float | None,
                    refused: bool) -> None:
    if refused:
        with pytest.raises(ShrinkRefused) as info:
            check_shrink("us_ofac_sdn", 4, old, new, removed, max_drop)
        message = str(info.value)
        assert "'us_ofac_sdn'" in message and f"{new:,} entities against {old:,}" in message
        assert "current version 4" in message and "--allow-shrink" in message
    else:
        check_shrink("us_ofac_sdn", 4, old, new, removed, max_drop)


@pytest.mark.parametrize("max_drop", [-0.1, 1.5])
def test_bad_max_drop(max_drop: float) -> None:
    with pytest.raises(StoreError, match="between 0 and 1"):
        check_shrink("x", 1, 10, 10, 0, max_drop)


def _n(count: int, start: int = 0) -> list[Entity]:
    return [make_entity(str(n), f"COMPANY {n}") for n in range(start, start + count)]


def test_refused_shrink_keeps_current(store: ListStore) -> None:
    store.load("test_list", _n(10))
    with pytest.raises(ShrinkRefused, match=r"'test_list': 7 entities against 10 in current "
                                            r"version 1; it drops 3 of them \(30.0%"):
        store.load("test_list", _n(7))
    current = store.current_version("test_list")
    assert current is not None and (current.version, current.entity_count) == (1, 10)
    refused = store.versions("test_list")[-1]
    assert (refused.version, refused.status) == (2, "failed")
    assert "ShrinkRefused" in (refused.error or "")
    assert [e.native_id for e in store.iter_entities("test_list")] == \
        sorted(str(n) for n in range(10))
    assert store.load("test_list", _n(7), max_drop=0.3).version == 3
    assert store.load("test_list", _n(2), allow_shrink=True).version == 4
    assert store.current_version("test_list").entity_count == 2  # type: ignore[union-attr]


def test_growth_and_small_changes_pass(store: ListStore) -> None:
    store.load("test_list", _n(10))
    assert store.load("test_list", _n(9) + _n(5, start=100)).status == "created"  # -1 +5
    assert store.load("test_list", _n(9) + _n(5, start=100), max_drop=0.0).status == \
        "unchanged"
