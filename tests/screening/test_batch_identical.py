"""The batch path (forked workers, compact records, de-duplicated repeats) gives exactly
the hits and scores of screening each record on its own in one process."""

from __future__ import annotations

import random

from stopship.model import Entity
from stopship.screening.engine import Outcome, ScreeningEngine, build_screener
from stopship.screening.types import Hit, QueryRecord


def _sample(entities: list[Entity], n: int = 400, seed: int = 7) -> list[QueryRecord]:
    """List names as customers write them (case, typos, word order, country, schema),
    unrelated names, repeats under new ids, unusable names and identifier-only rows."""
    rng = random.Random(seed)
    names = [(nm.value, e.schema) for e in entities for nm in e.names]
    noise = ["Nobody Special Zzyzx", "Acme Widgets GmbH", "Maria Garcia", "Ivan Petrov",
             "Shenzhen Bright Trading Co Ltd", "Global Logistics LLC", "Hans Muller"]
    out: list[QueryRecord] = []
    for i in range(n):
        roll = rng.random()
        if roll < 0.5:
            value, schema = rng.choice(names)
            if rng.random() < 0.3 and len(value) > 5:
                j = rng.randrange(1, len(value) - 1)
                value = value[:j] + value[j + 1:]
            if rng.random() < 0.3:
                value = " ".join(reversed(value.split()))
            out.append(QueryRecord(f"r{i}", value.lower() if rng.random() < 0.5 else value,
                                   schema if rng.random() < 0.6 else None,
                                   rng.choice([None, "RU", "CN", "AE"])))
        elif roll < 0.75:
            out.append(QueryRecord(f"r{i}", rng.choice(noise), None, rng.choice([None, "DE"])))
        elif roll < 0.95 and out:
            prev = rng.choice(out)  # a repeat: same fields, own id
            out.append(QueryRecord(f"r{i}", prev.name, prev.schema, prev.country, prev.dob,
                                   prev.address, list(prev.identifiers)))
        else:
            out.append(QueryRecord(f"r{i}", rng.choice(["", "   ", "LLC"]), None, None,
                                   identifiers=rng.choice([[], ["INN 7707083893"]])))
    return out


def _view(hits: list[Hit]) -> list[tuple[str, str, str, float, str]]:
    return [(h.query_id, h.entity_id, h.name, h.score, h.explanation.summary) for h in hits]


def _one_by_one(engine: ScreeningEngine, records: list[QueryRecord]) -> list[Outcome]:
    return [engine.outcome(r) for r in records]


def test_batch_equals_one_by_one(entities: list[Entity]) -> None:
    records = _sample(entities)
    reference = _one_by_one(build_screener(entities), records)
    assert sum(bool(o.hits) for o in reference) > 50  # the sample does meet the lists
    assert any(o.error for o in reference)
    engine = build_screener(entities)
    for processes, chunk in ((2, 7), (2, 1000), (1, 1000)):
        got = list(engine.screen_batch(records, processes=processes, chunk_size=chunk))
        assert [o.record.id for o in got] == [r.id for r in records]
        assert [_view(o.hits) for o in got] == [_view(o.hits) for o in reference]
        assert [o.error for o in got] == [o.error for o in reference]
    many = engine.screen_many(records)
    assert [_view(h) for h in many] == [_view(o.hits) for o in reference]


def test_repeats_keep_their_own_id(engine: ScreeningEngine) -> None:
    records = [QueryRecord("a", "Vladimir Putin", "person"), QueryRecord("b", "Vladimir Putin", "person")]
    for processes in (1, 2):
        got = list(engine.screen_batch(records, processes=processes))
        assert got[0].hits and got[1].hits
        assert {h.query_id for h in got[0].hits} == {"a"}
        assert {h.query_id for h in got[1].hits} == {"b"}
        assert [h.score for h in got[0].hits] == [h.score for h in got[1].hits]


def _with_entity(hits: list[Hit]) -> list[tuple[str, str, float, Entity | None]]:
    return [(h.query_id, h.entity_id, h.score, h.entity) for h in hits]


def test_batch_hits_carry_the_entity_like_screening_one_record(entities: list[Entity]) -> None:
    """Hit.entity (read by rules, alert payloads, yente) is the same list entity whichever
    path screened the record: one by one, screen_many, or forked batch workers."""
    records = _sample(entities, n=150, seed=3)
    engine = build_screener(entities)
    reference = [engine.outcome(r).hits for r in records]
    assert sum(bool(h) for h in reference) > 20
    assert all(h.entity is not None and h.entity.id == h.entity_id
               for hits in reference for h in hits)
    for processes, chunk in ((2, 7), (1, 1000)):
        got = list(engine.screen_batch(records, processes=processes, chunk_size=chunk))
        assert [_with_entity(o.hits) for o in got] == [_with_entity(h) for h in reference]
    assert [_with_entity(h) for h in engine.screen_many(records)] == \
        [_with_entity(h) for h in reference]


def test_store_backed_batch_hits_carry_the_entity(entities: list[Entity], tmp_path) -> None:
    """open_screener's engine reads entities from the list store: the parent of a forked
    batch reads them many at a time, and the hits equal screening one record at a time."""
    from stopship.screening.open import open_screener
    from stopship.store import ListStore

    store = ListStore.open(data_dir=tmp_path)
    by_list: dict[str, list[Entity]] = {}
    for e in entities:
        by_list.setdefault(e.list_id, []).append(e)
    for list_id, members in by_list.items():
        store.load(list_id, members)
    store.close()
    engine = open_screener(tmp_path)
    records = _sample(entities, n=120, seed=5)
    reference = [engine.outcome(r).hits for r in records]
    assert sum(bool(h) for h in reference) > 20
    assert all(h.entity is not None for hits in reference for h in hits)
    got = list(engine.screen_batch(records, processes=2, chunk_size=16))
    assert [_with_entity(o.hits) for o in got] == [_with_entity(h) for h in reference]


def test_hits_carry_the_entity_of_the_indexed_version(entities: list[Entity],
                                                       tmp_path) -> None:
    """A screener keeps attaching the entity as in the list version its index was built
    from, one record or a batch, when a newer version of the list is loaded meanwhile."""
    from stopship.screening.open import open_screener
    from stopship.store import ListStore

    list_id = entities[0].list_id
    members = [e for e in entities if e.list_id == list_id]
    store = ListStore.open(data_dir=tmp_path)
    store.load(list_id, members)
    engine = open_screener(tmp_path)  # index built on version 1; no entity read yet
    records = _sample(members, n=40, seed=3)
    in_memory = build_screener(members)
    hit_ids = {h.entity_id for r in records for h in in_memory.outcome(r).hits}
    assert hit_ids
    changed = [Entity.from_dict({**e.to_dict(), "remarks": "changed in version 2"})
               if e.id in hit_ids else e for e in members]
    store.load(list_id, changed)
    store.close()
    single = [h for r in records for h in engine.outcome(r).hits]
    batch = [h for o in engine.screen_batch(records, processes=2, chunk_size=8)
             for h in o.hits]
    for hit in single + batch:
        assert hit.entity is not None
        assert hit.entity.remarks != "changed in version 2", hit.entity_id
