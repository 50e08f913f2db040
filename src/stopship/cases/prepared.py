"""Each customer's name as the screening engine reads it, stored at import.

Re-screening runs every customer against the (small) index of a list delta; preparing
a million names again each time would cost minutes, so the prepared renderings (tokens
with their skeleton keys, from ``stopship.screening.query.prepare_record``, the same
function the engine runs on a query) and the identifier values are kept in
``customers.prepared`` as compact JSON:

    [[[[token, key], ...], [joined key, ...], acronym] per rendering, [identifier, ...]]

(the joined keys of adjacent tokens and the acronym are what the engine also looks up
for a query; computing them at import keeps re-screening cheap).

An empty string means the record cannot be screened (no usable name, no identifier).
NULL means not computed yet (rows imported before this column existed):
``backfill`` fills them. ``PREPARED_VERSION`` is stored beside it; when the encoding
or the names layer changes, the version changes with it and ``backfill`` recomputes.
"""

from __future__ import annotations

import gc
import json
import multiprocessing as mp
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection

from stopship.cases.tables import customers
from stopship.errors import InputError
from stopship.index.persist import preparation_fingerprint
from stopship.matching.prepared import acronym, token_key
from stopship.screening.query import prepare_record
from stopship.screening.types import QueryRecord, Wire

# Derived from the fingerprint of the names/matching/index code and reference data (the
# same one that keys saved indexes), so a changed names layer can never leave stale
# prepared names behind; ENCODING_VERSION covers this module's own encoding.
ENCODING_VERSION = 1
PREPARED_VERSION = (ENCODING_VERSION << 24) ^ int(preparation_fingerprint()[:6], 16)


@dataclass(frozen=True, slots=True)
class Rendering:
    """One prepared rendering of a name: (token, key) pairs, the skeleton keys of each
    two adjacent tokens written as one word, and the acronym ('' when none)."""

    pairs: tuple[tuple[str, str], ...]
    joined: tuple[str, ...] = ()
    acronym: str = ""


@dataclass(frozen=True, slots=True)
class StoredForm:
    """A customer's prepared renderings and identifier values."""

    renderings: tuple[Rendering, ...]
    idvalues: tuple[str, ...]


def encode(record: QueryRecord) -> str:
    """The stored form of one record ('' when it cannot be screened)."""
    try:
        preps, _schema, _country, _dob, idvalues = prepare_record(record)
    except InputError:
        return ""
    renderings = [[[[t, k] for t, k in zip(p.tokens, p.keys, strict=False)],
                   [token_key(a + b) for a, b in zip(p.tokens, p.tokens[1:], strict=False)],
                   acronym(p.tokens)] for p in preps]
    return json.dumps([renderings, list(idvalues)], ensure_ascii=False, separators=(",", ":"))


def _encode_wires(wires: list[Wire]) -> list[str]:
    """``encode`` of each record, given as a wire tuple."""
    return [encode(QueryRecord.from_wire(w)) for w in wires]


_SEEN = 200_000  # forms an Encoder remembers


class Encoder:
    """``encode`` for many records, in forked workers when there are many of them
    (``processes``: 1 = in this process, 0 = one per core). Forking needs a
    single-threaded parent (the CLI, a benchmark); with other threads running (the
    server) it encodes in-process. Use as a context manager: the workers are started
    on the first large call and stopped on exit."""

    def __init__(self, processes: int = 1, chunk: int = 5000) -> None:
        self.processes = processes or os.cpu_count() or 1
        self.chunk = chunk
        self._pool: Any = None
        self._seen: dict[tuple[Any, ...], str] = {}  # recent forms, across calls

    def __enter__(self) -> Encoder:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None
            gc.unfreeze()

    def encode(self, records: Sequence[QueryRecord]) -> list[str]:
        """``encode`` of each record, in order; records that repeat another's fields
        (all but the id), in this call or a recent one, are encoded once."""
        seen = self._seen
        keys = [r.wire() for r in records]
        if len(seen) + len(keys) > _SEEN:
            seen.clear()
        todo: dict[tuple[Any, ...], Wire] = {}
        for wire in keys:
            key = wire[1:]
            if key not in seen and key not in todo:
                todo[key] = wire
        seen.update(zip(todo, self._encode(list(todo.values())), strict=True))
        return [seen[w[1:]] for w in keys]

    def _encode(self, wires: list[Wire]) -> list[str]:
        if (self.processes <= 1 or len(wires) < 2 * self.chunk
                or "fork" not in mp.get_all_start_methods() or threading.active_count() > 1):
            return _encode_wires(wires)
        if self._pool is None:
            gc.freeze()  # workers neither scan nor copy the parent's objects
            self._pool = mp.get_context("fork").Pool(self.processes)
        out: list[str] = []
        parts = [wires[i:i + self.chunk] for i in range(0, len(wires), self.chunk)]
        for part in self._pool.imap(_encode_wires, parts):
            out.extend(part)
        return out


def decode(text: str | None) -> StoredForm | None:
    """The stored form, or None for a record that cannot be screened."""
    if not text:
        return None
    renderings, idvalues = json.loads(text)
    return StoredForm(tuple(Rendering(tuple((t, k) for t, k in pairs), tuple(joined), acr)
                            for pairs, joined, acr in renderings), tuple(idvalues))


def stale_ids(conn: Connection) -> list[int]:
    """Customers whose stored form is missing or of an older version."""
    rows = conn.execute(select(customers.c.id).where(or_(
        customers.c.prepared.is_(None), customers.c.prepared_version != PREPARED_VERSION)))
    return [int(r[0]) for r in rows]


def backfill(conn: Connection, chunk: int = 20_000, processes: int = 1) -> int:
    """Compute the stored form of every customer that lacks a current one; returns how
    many were (re)computed. ``processes`` as for ``Encoder``."""
    ids = stale_ids(conn)
    with Encoder(processes) as encoder:
        for start in range(0, len(ids), chunk):
            refill(conn, ids[start:start + chunk], encoder)
    return len(ids)


def refill(conn: Connection, ids: Sequence[int], encoder: Encoder) -> None:
    """Compute and store the forms of the given customers (in bulk)."""
    from stopship.cases.bulk import one_of, update_rows
    from stopship.cases.customers import row_to_record

    rows: list[Any] = []
    for sub in range(0, len(ids), 500):
        rows += conn.execute(select(customers).where(
            one_of(conn, customers.c.id, ids[sub:sub + 500]))).all()
    forms = encoder.encode([row_to_record(r).query(r.id) for r in rows])
    update_rows(conn, customers, ("prepared", "prepared_version"), "id",
                [(form, PREPARED_VERSION, r.id) for form, r in zip(forms, rows, strict=True)])


def stream(conn: Connection, batch: int = 20_000) -> Iterator[tuple[int, str]]:
    """(customer id, stored form) of every customer, in id order, without holding them
    all in memory (server-side cursor on PostgreSQL)."""
    result = conn.execution_options(stream_results=True, yield_per=batch).execute(
        select(customers.c.id, customers.c.prepared).order_by(customers.c.id))
    for cid, text in result:
        yield int(cid), text or ""
