"""The batch de-duplication table: one entry per distinct record, and records screened
without hits or error all share one slot (a long file costs a key each, not a slot)."""

from __future__ import annotations

from stopship.screening import engine as eng
from stopship.screening.engine import ScreeningEngine
from stopship.screening.types import QueryRecord


def test_clean_records_share_one_slot_hits_and_errors_keep_theirs() -> None:
    records = [QueryRecord("a", "Vladimir Putin", "person"), QueryRecord("b", "Hans Muller"),
               QueryRecord("c", ""), QueryRecord("d", "Vladimir Putin", "person"),
               QueryRecord("e", "Hans Muller")]
    seen: dict[bytes, eng._Slot] = {}
    [(plan, sent)] = list(eng._plans(records, 10, seen))
    assert len(sent) == 3 and len(plan) == 5
    assert plan[3][1] is plan[0][1] and plan[4][1] is plan[1][1]  # repeats share a slot
    sent[0].hits = ["a hit"]  # type: ignore[list-item]
    sent[2].error = "empty name"
    for slot in sent:
        eng._settle(seen, slot)
    assert seen[records[1].content_key()] is eng._CLEAN
    assert seen[records[0].content_key()] is sent[0]
    assert seen[records[2].content_key()] is sent[2]
    assert eng._CLEAN.hits == () and eng._CLEAN.error is None


def test_settle_leaves_a_key_that_now_belongs_to_another_slot() -> None:
    record = QueryRecord("a", "Hans Muller")
    seen: dict[bytes, eng._Slot] = {}
    [(_, [old])] = list(eng._plans([record], 10, seen))
    newer = eng._Slot(record, record.content_key())
    seen[record.content_key()] = newer  # the table was cleared and the record met again
    eng._settle(seen, old)
    assert seen[record.content_key()] is newer


def test_repeats_of_clean_and_bad_records_get_the_first_outcome(engine: ScreeningEngine) -> None:
    records = [QueryRecord("a", "Hans Muller"), QueryRecord("b", "   "),
               QueryRecord("c", "Hans Muller"), QueryRecord("d", "   ")]
    for processes in (1, 2):
        got = list(engine.screen_batch(records, processes=processes, chunk_size=1))
        assert [(o.record.id, o.hits) for o in got] == [("a", []), ("b", []), ("c", []), ("d", [])]
        assert got[1].error and got[3].error == got[1].error
        assert got[0].error is None and got[2].error is None
