"""ListStore on both backends: versions, current pointer, unchanged loads, deltas,
errors, and that a failed load never replaces the current version."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from store_helpers import make_entity

from stopship.errors import InputError, NotFoundError, StoreError
from stopship.model import Entity, Identifier
from stopship.store import FileInfo, ListStore, LoadMeta
from stopship.store import tables as t


def _three() -> list[Entity]:
    return [make_entity("1", "ACME TRADING LLC", "ACME TR"),
            make_entity("2", "IVAN PETROV", schema="person"),
            make_entity("3", "BLUE SEA", schema="vessel")]


def test_load_creates_current_version_with_meta(store: ListStore) -> None:
    meta = LoadMeta(source_id="fake", title="Test list", publisher="Tests", list_date="2024-05",
                    url="https://example.invalid/list.csv",
                    files=[FileInfo("list.csv", "ab" * 32, 123)], report={"skipped": 0})
    result = store.load("test_list", _three(), meta)
    assert (result.status, result.version, result.previous_version) == ("created", 1, None)
    assert result.counts == {"organization": 1, "person": 1, "vessel": 1}
    current = store.current_version("test_list")
    assert current is not None and current.status == "complete" and current.is_current
    assert (current.version, current.entity_count, current.list_date) == (1, 3, "2024-05")
    assert current.files == (FileInfo("list.csv", "ab" * 32, 123),)
    assert current.source_id == "fake" and current.publisher == "Tests"
    assert str(current) == "1"
    assert {k: str(v) for k, v in store.current_versions().items()} == {"test_list": "1"}
    [info] = store.lists()
    assert (info.list_id, info.title, info.version_count) == ("test_list", "Test list", 1)


def test_iter_and_get_round_trip(store: ListStore) -> None:
    entities = _three()
    entities[0].identifiers.append(Identifier("inn", "7701234567", "RU"))
    entities[0].flags["meu"] = True
    store.load("test_list", entities)
    assert list(store.iter_entities("test_list")) == sorted(entities, key=lambda e: e.id)
    assert store.get_entity("test_list:1") == entities[0]
    assert store.get_entity("test_list:1", version=1) == entities[0]


def test_get_entities_reads_many_of_the_current_versions(store: ListStore) -> None:
    store.load("test_list", _three())
    newer = _three()[:2]
    newer[0].flags["meu"] = True
    store.load("test_list", newer, allow_shrink=True)    # version 2: no entity 3
    store.load("other", [make_entity("9", "OMEGA", list_id="other")])
    got = store.get_entities(["test_list:1", "test_list:3", "other:9", "test_list:1",
                              "nope:1", "test_list:2"])
    assert got == {"test_list:1": newer[0], "test_list:2": newer[1],
                   "other:9": store.get_entity("other:9")}
    assert got["test_list:1"].flags["meu"] is True      # the current version's entity
    assert store.get_entities([]) == {}


def test_identical_content_is_unchanged_and_keeps_ids(store: ListStore) -> None:
    first = store.load("test_list", _three())
    again = store.load("test_list", _three())
    assert (again.status, again.version, again.previous_version) == ("unchanged", 1, 1)
    assert [v.version for v in store.versions("test_list")] == [first.version]
    assert [e.id for e in store.iter_entities("test_list")] == \
        ["test_list:1", "test_list:2", "test_list:3"]


def test_new_version_and_delta(store: ListStore) -> None:
    store.load("test_list", _three())
    changed = _three()
    changed[0].add_name("ACME INTL", "alias")
    changed[1].remarks = "DOB 1970"
    del changed[2]
    changed.append(make_entity("4", "NEW CO"))
    result = store.load("test_list", changed, allow_shrink=True)  # drops 1 of 3
    assert (result.status, result.version, result.previous_version) == ("created", 2, 1)
    assert (result.added, result.removed, result.changed) == (1, 1, 2)
    delta = store.diff("test_list", 1, 2)
    assert [e.id for e in delta.added] == ["test_list:4"]
    assert [e.id for e in delta.removed] == ["test_list:3"]
    assert [c.entity_id for c in delta.changed] == ["test_list:1", "test_list:2"]
    names = delta.changed[0].fields
    assert [f.field for f in names] == ["names"]
    assert names[0].new[-1] == {"value": "ACME INTL", "kind": "alias"}
    assert [(f.field, f.old, f.new) for f in delta.changed[1].fields] == \
        [("remarks", None, "DOB 1970")]
    # default new version is current; versions may be given as strings (as str(VersionInfo))
    assert store.diff("test_list", "1").summary() == delta.summary()
    assert store.diff("test_list", None, 1).summary() == {"added": 3, "removed": 0,
                                                          "changed": 0}
    assert store.diff("test_list", 2, 2).is_empty
    assert store.entity_history("test_list:1") == [
        (1, _three()[0].content_hash()), (2, changed[0].content_hash())]
    assert [h[0] for h in store.entity_history("test_list:3")] == [1]
    # the old version is still readable and unchanged
    assert list(store.iter_entities("test_list", 1)) == _three()


@pytest.mark.parametrize("call", [
    lambda s: s.versions("nope"),
    lambda s: s.current_version("nope"),
    lambda s: list(s.iter_entities("nope")),
    lambda s: list(s.iter_entities("test_list", 9)),
    lambda s: s.get_entity("test_list:999"),
    lambda s: s.get_entity("nope:1"),
    lambda s: s.entity_history("test_list:999"),
    lambda s: s.diff("test_list", 1, 9),
    lambda s: s.version("test_list", "x"),
])
def test_unknown_things_raise_not_found(store: ListStore, call) -> None:  # type: ignore[no-untyped-def]
    store.load("test_list", _three())
    with pytest.raises(NotFoundError):
        call(store)


def _failing(entities: list[Entity], after: int) -> Iterator[Entity]:
    for n, entity in enumerate(entities):
        if n == after:
            raise InputError("bad row")
        yield entity


def test_failed_load_keeps_previous_current(store: ListStore) -> None:
    store.load("test_list", _three())
    many = [make_entity(str(n), f"NAME {n}") for n in range(5000)]
    with pytest.raises(InputError):
        store.load("test_list", _failing(many, 4500))
    current = store.current_version("test_list")
    assert current is not None and (current.version, current.entity_count) == (1, 3)
    assert list(store.iter_entities("test_list")) == _three()
    failed = store.versions("test_list")[-1]
    assert (failed.version, failed.status, failed.is_current) == (2, "failed", False)
    assert "bad row" in (failed.error or "")
    with pytest.raises(NotFoundError):
        list(store.iter_entities("test_list", 2))
    with store.engine.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(t.entities).join(
            t.versions, t.versions.c.id == t.entities.c.version_id)
            .where(t.versions.c.version == 2)).scalar()
    assert rows == 0
    # the next load gets a fresh number and becomes current
    assert store.load("test_list", many[:10]).version == 3


@pytest.mark.parametrize("entities, error", [
    ([make_entity("1", "A"), make_entity("1", "B")], InputError),  # duplicate id
    ([make_entity("1", "A", list_id="other")], InputError),  # entity of another list
    ([], StoreError),  # nothing parsed
])
def test_bad_loads_are_refused(store: ListStore, entities, error) -> None:  # type: ignore[no-untyped-def]
    store.load("test_list", _three())
    with pytest.raises(error):
        store.load("test_list", entities)
    assert store.current_version("test_list").version == 1  # type: ignore[union-attr]


def test_invalid_list_id(store: ListStore) -> None:
    with pytest.raises(StoreError):
        store.load("Bad List!", _three())


def test_empty_allowed_when_asked(store: ListStore) -> None:
    result = store.load("test_list", [], allow_empty=True)
    assert (result.status, result.entity_count) == ("created", 0)


def test_progress_reports_batches(store: ListStore) -> None:
    seen: list[int] = []
    store.load("test_list", [make_entity(str(n), f"N {n}") for n in range(4500)],
               progress=seen.append)
    assert seen[-1] == 4500 and seen == sorted(seen) and len(seen) >= 3


def test_open_twice_reuses_schema(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with ListStore.open(tmp_path) as first:
        first.load("test_list", _three())
    with ListStore.open(tmp_path) as second:
        assert second.current_version("test_list").entity_count == 3  # type: ignore[union-attr]
    assert (tmp_path / "stopship.db").exists()
