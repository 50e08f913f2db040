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

import json
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection

from stopship.cases.tables import customers
from stopship.errors import InputError
from stopship.index.persist import preparation_fingerprint
from stopship.matching.prepared import acronym, token_key
from stopship.screening.query import prepare_record
from stopship.screening.types import QueryRecord

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


def backfill(conn: Connection, chunk: int = 2000) -> int:
    """Compute the stored form of every customer that lacks a current one; returns how
    many were (re)computed."""
    from stopship.cases.customers import row_to_record

    ids = stale_ids(conn)
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        rows = conn.execute(select(customers).where(customers.c.id.in_(part))).all()
        for row in rows:
            conn.execute(customers.update().where(customers.c.id == row.id).values(
                prepared=encode(row_to_record(row).query(row.id)),
                prepared_version=PREPARED_VERSION))
    return len(ids)


def stream(conn: Connection, batch: int = 20_000) -> Iterator[tuple[int, str]]:
    """(customer id, stored form) of every customer, in id order, without holding them
    all in memory (server-side cursor on PostgreSQL)."""
    result = conn.execution_options(stream_results=True, yield_per=batch).execute(
        select(customers.c.id, customers.c.prepared).order_by(customers.c.id))
    for cid, text in result:
        yield int(cid), text or ""
