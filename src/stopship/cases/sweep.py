"""One pass over the customer master for a re-screen: read, reach test, screen.

1. The master is cut into id ranges. For each range the stored prepared forms
   (``stopship.cases.prepared``) are read as plain tuples and run through the delta's
   reach test (``stopship.cases.reach``); the records of the customers that pass (a
   small share) are read.
2. The survivors are screened by the delta's engine, each distinct record once
   (customer masters repeat names: in the benchmark's, 93,071 survivors are 27,433
   distinct records), and only the customers with hits come back.

With ``processes`` != 1 (0 = one per core) both steps run in one pool of forked
workers: in step 1 each worker reads its ranges through its own database connection,
so the parent never touches the million rows; in step 2 the parent hands out the
distinct survivors. The parent only writes the alerts. Forking needs a single-threaded
parent (the CLI, the benchmark): with other threads running (the server) everything
runs in-process.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from stopship.cases.bulk import fresh_statistics, one_of
from stopship.cases.customers import row_to_record
from stopship.cases.reach import Reach
from stopship.cases.tables import customers
from stopship.errors import InputError
from stopship.screening.types import Hit, QueryRecord, Screener

SPAN = 25_000  # customer ids per range
SCREEN_CHUNK = 500  # distinct survivors per screening task
_FETCH = 500  # survivors read per query
_RECORD = (customers.c.id, customers.c.external_id, customers.c.name, customers.c.schema,
           customers.c.country, customers.c.dob, customers.c.address,
           customers.c.identifiers)
Key = bytes  # QueryRecord.content_key(): what screening reads of a record, not its id


@dataclass
class Part:
    """A step of the sweep: customers that passed the reach test (all are screened) and,
    for those with hits, (customer id, screened record, hits); CPU seconds spent."""

    reached: int = 0
    found: list[tuple[int, QueryRecord, list[Hit]]] = field(default_factory=list)
    reach_seconds: float = 0.0  # reading ranges and testing them
    screen_seconds: float = 0.0  # screening survivors


def ranges(conn: Connection, span: int = SPAN) -> list[tuple[int, int]]:
    """Half-open id ranges [lo, hi) covering every customer."""
    lo, hi = conn.execute(select(func.min(customers.c.id), func.max(customers.c.id))).one()
    if lo is None:
        return []
    return [(start, min(start + span, int(hi) + 1)) for start in range(int(lo), int(hi) + 1, span)]


def stored_forms(conn: Connection, lo: int, hi: int) -> list[tuple[int, str | None]]:
    """(id, stored form) of the customers with ids in [lo, hi), in id order, as plain
    tuples from the driver (a million rows cost half as much as through Row objects)."""
    mark = "?" if conn.dialect.name == "sqlite" else "%s"
    cursor = conn.connection.cursor()
    try:
        cursor.execute(f"SELECT id, prepared FROM customers WHERE id >= {mark} AND id < {mark} "
                       "ORDER BY id", (lo, hi))
        return list(cursor.fetchall())
    finally:
        cursor.close()


def reach_range(conn: Connection, lo: int, hi: int, reach: Reach
                ) -> tuple[list[QueryRecord], float]:
    """The records of the customers with ids in [lo, hi) that pass ``reach``, in id
    order, and the CPU seconds it took."""
    started = time.process_time()
    ids = [int(cid) for cid, text in stored_forms(conn, lo, hi) if text and reach.text(text)]
    out: list[QueryRecord] = []
    for start in range(0, len(ids), _FETCH):
        rows = conn.execute(select(*_RECORD).where(
            one_of(conn, customers.c.id, ids[start:start + _FETCH])).order_by(customers.c.id))
        out += [row_to_record(row).query(row.id) for row in rows]
    return out, time.process_time() - started


def _screen(screener: Screener, query: QueryRecord) -> list[Hit]:
    try:
        return screener.screen(query)
    except InputError:
        return []  # no usable name nor identifier: nothing to find


def _found(records: list[QueryRecord], hits_of: dict[Key, list[Hit]]
           ) -> list[tuple[int, QueryRecord, list[Hit]]]:
    """(customer id, record, hits) for the records whose key has hits, each hit under
    the record's own id."""
    out = []
    for query in records:
        hits = hits_of.get(query.content_key())
        if hits:
            out.append((int(query.id), query,
                        [h if h.query_id == query.id else replace(h, query_id=query.id)
                         for h in hits]))
    return out


def sweep(engine: Engine, conn: Connection, reach: Reach, screener: Screener,
          processes: int = 1, span: int | None = None) -> Iterator[Part]:
    """The steps of the sweep over every customer, hits in id order within a step.
    In-process the ranges are read through ``conn``; in forked workers (``processes``
    != 1, a single-threaded parent, a database other processes can open) each worker
    reads through its own connection to ``engine``'s database."""
    if fresh_statistics(conn, customers):  # survivors are read by id, in every worker
        conn.commit()
    spans = ranges(conn, span or SPAN)
    procs = processes or os.cpu_count() or 1
    if (procs <= 1 or len(spans) <= 1 or "fork" not in mp.get_all_start_methods()
            or threading.active_count() > 1 or ":memory:" in str(engine.url)):
        hits_of: dict[Key, list[Hit]] = {}
        for lo, hi in spans:
            records, reach_s = reach_range(conn, lo, hi, reach)
            started = time.process_time()
            if len(hits_of) >= 200_000:
                hits_of.clear()  # between ranges: a range's keys stay until it is done
            for query in records:
                key = query.content_key()
                if key not in hits_of:
                    hits_of[key] = _screen(screener, query)
            yield Part(len(records), _found(records, hits_of), reach_s,
                       time.process_time() - started)
        return
    yield from _forked(engine, spans, reach, screener, min(procs, len(spans)))


def _forked(engine: Engine, spans: list[tuple[int, int]], reach: Reach, screener: Screener,
            procs: int) -> Iterator[Part]:
    global _STATE
    _STATE = _State(engine, engine.url.render_as_string(hide_password=False), reach,
                    screener)
    gc.freeze()  # workers neither scan nor copy the parent's objects
    try:
        with mp.get_context("fork").Pool(procs) as pool:
            survivors: list[QueryRecord] = []
            distinct: dict[Key, QueryRecord] = {}
            for records, reach_s in pool.imap(_reach_work, spans):
                survivors += records
                for query in records:
                    distinct.setdefault(query.content_key(), query)
                yield Part(reached=len(records), reach_seconds=reach_s)
            todo = list(distinct.values())
            del distinct
            chunks = [todo[i:i + SCREEN_CHUNK] for i in range(0, len(todo), SCREEN_CHUNK)]
            hits_of: dict[Key, list[Hit]] = {}
            screen_s = 0.0
            for got, seconds in pool.imap_unordered(_screen_work, chunks):
                hits_of.update(got)
                screen_s += seconds
            yield Part(found=_found(survivors, hits_of), screen_seconds=screen_s)
    finally:
        gc.unfreeze()
        _STATE = None


@dataclass
class _State:
    parent: Engine
    url: str
    reach: Reach
    screener: Screener
    engine: Engine | None = None


_STATE: _State | None = None


def _state() -> _State:
    state = _STATE
    assert state is not None
    if state.engine is None:  # first task in this worker
        from stopship.cases.db import make_engine, reader

        state.parent.dispose(close=False)  # the parent's pooled connections stay its own
        state.engine = reader(make_engine(state.url))
        if hasattr(state.screener, "attach_entities"):
            # hits travel back without the entity; the parent attaches it
            state.screener.attach_entities = False
    return state


def _reach_work(span: tuple[int, int]) -> tuple[list[QueryRecord], float]:
    state = _state()
    assert state.engine is not None
    with state.engine.connect() as conn:
        return reach_range(conn, span[0], span[1], state.reach)


def _screen_work(records: list[QueryRecord]) -> tuple[list[tuple[Key, list[Hit]]], float]:
    """Screen distinct records; only those with hits travel back."""
    state = _state()
    started = time.process_time()
    out = []
    for query in records:
        hits = _screen(state.screener, query)
        if hits:
            out.append((query.content_key(), hits))
    return out, time.process_time() - started
