"""Customer import in bulk (``customers.upsert``, ``prepared.Encoder``, ``cases.bulk``):
the rows, stored prepared names and blocking keys are what preparing and inserting each
record one by one gives, repeats and updates included, in one process or forked ones."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from stopship.cases import customers as cust
from stopship.cases import prepared
from stopship.cases.customers import CustomerRecord, name_keys
from stopship.cases.prepared import PREPARED_VERSION, Encoder, encode
from stopship.cases.tables import customer_keys, customers

NAMES = ["Myers Systems Ltd", "Ivan Petrov", "ООО Ромашка", "S. Nagarajan", "  ",
         "Sunrise Dental Clinic", "Myers Systems Ltd", "Ivan Petrov"]


def _records(prefix: str = "K", names: list[str] = NAMES) -> list[CustomerRecord]:
    out = [CustomerRecord(f"{prefix}{i}", n, country="DE" if i % 2 else None)
           for i, n in enumerate(names)]
    out[4].identifiers = ["IMO 9123456"]  # no usable name, an identifier
    return out


def _rows(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(
            customers.c.id, customers.c.external_id, customers.c.name, customers.c.country,
            customers.c.identifiers, customers.c.key_count, customers.c.prepared,
            customers.c.prepared_version).order_by(customers.c.id))]


def _keys(engine: Engine) -> set[tuple[int, str]]:
    with engine.connect() as conn:
        return {(int(r[0]), str(r[1])) for r in conn.execute(select(customer_keys))}


def test_bulk_rows_equal_one_by_one(engine: Engine) -> None:
    records = _records()
    with engine.begin() as conn:
        out = cust.upsert(conn, records)
    assert out == [(i, True) for i in range(1, len(records) + 1)]
    rows = _rows(engine)
    for row, rec in zip(rows, records, strict=True):
        assert row[1] == rec.external_id and row[2] == rec.name
        assert row[6] == encode(rec.query(row[0])) and row[7] == PREPARED_VERSION
        assert row[5] == len(name_keys(rec.name))
    assert _keys(engine) == {(row[0], k) for row, rec in zip(rows, records, strict=True)
                             for k in name_keys(rec.name)}


def test_repeats_and_updates_in_one_import(engine: Engine) -> None:
    with engine.begin() as conn:
        cust.upsert(conn, [CustomerRecord("A", "Alpha Trading LLC"),
                           CustomerRecord("B", "Beta Components")])
        out = cust.upsert(conn, [
            CustomerRecord("B", "Beta Components"),          # unchanged
            CustomerRecord("C", "Gamma Logistics"),          # new
            CustomerRecord("A", "Alpha Trading FZE"),        # changed
            CustomerRecord("C", "Gamma Logistics GmbH"),     # the new one, changed again
            CustomerRecord("C", "Gamma Logistics GmbH")])    # and unchanged
    assert out == [(2, False), (3, True), (1, True), (3, True), (3, False)]
    rows = {r[1]: r for r in _rows(engine)}
    assert rows["A"][2] == "Alpha Trading FZE"
    assert rows["A"][6] == encode(CustomerRecord("A", "Alpha Trading FZE").query())
    assert rows["C"][2] == "Gamma Logistics GmbH" and len(rows) == 3
    keys = _keys(engine)
    assert {k for c, k in keys if c == 1} == name_keys("Alpha Trading FZE")
    assert {k for c, k in keys if c == 3} == name_keys("Gamma Logistics GmbH")


def test_forked_encoder_gives_the_same_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prepared.threading, "active_count", lambda: 1)  # pytest's threads
    names = [f"{n} {i}" if i % 3 else n for i, n in enumerate(NAMES * 30)]  # some repeat
    records = [r.query() for r in _records(names=names)]
    with Encoder(processes=2, chunk=20) as encoder:
        forked = encoder.encode(records)
        assert encoder._pool is not None  # it did fork
        again = encoder.encode(records)  # remembered: nothing sent to the workers
    assert forked == again == [encode(r) for r in records]


def test_stale_forms_are_recomputed_in_bulk(engine: Engine) -> None:
    records = _records()
    with engine.begin() as conn:
        cust.upsert(conn, records)
        conn.execute(customers.update().values(prepared=None, prepared_version=7))
    with engine.begin() as conn:
        assert prepared.backfill(conn, chunk=3) == len(records)
        assert prepared.stale_ids(conn) == []
    assert [r[6] for r in _rows(engine)] == [encode(r.query()) for r in records]
