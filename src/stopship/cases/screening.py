"""Screening inside the case workflow: customers on import, single records and orders,
each writing alerts and audit events. The screener is passed in (any object with the
``stopship.screening.types.Screener`` protocol), with the list versions it was built on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from stopship import audit
from stopship.cases import customers as cust
from stopship.cases.alerts import Found, Subject, record_hits_many
from stopship.cases.bulk import one_of
from stopship.cases.tables import customers
from stopship.screening.types import Screener

BATCH = 500


@dataclass
class ImportResult:
    received: int = 0
    changed: int = 0
    screened: int = 0
    alerts: list[int] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"received": self.received, "changed": self.changed,
                "screened": self.screened, "alerts_opened": len(self.alerts),
                "alert_ids": self.alerts[:1000], "problems": self.problems}


def screen_customer_ids(conn: Connection, ids: Sequence[int], screener: Screener, *,
                        actor: str, lists: dict[str, str],
                        deltas: dict[str, dict[str, Any]] | None = None,
                        source: str = "screening", processes: int = 1) -> tuple[int, list[int]]:
    """Screen the given customers; returns (screened, new alert ids). With
    ``processes`` != 1 and a screener that has ``screen_batch`` (the real engine), large
    sets are screened in forked workers (only from a single-threaded process)."""
    opened: list[int] = []
    screened = 0
    found: list[Found] = []

    def flush() -> None:
        opened.extend(record_hits_many(conn, found, actor=actor, lists=lists,
                                       threshold=screener.threshold, deltas=deltas,
                                       source=source))
        found.clear()

    batch = getattr(screener, "screen_batch", None)
    if processes != 1 and batch is not None and len(ids) > 5 * BATCH:
        queries = []
        for start in range(0, len(ids), BATCH):
            rows = conn.execute(select(customers).where(
                one_of(conn, customers.c.id, ids[start:start + BATCH]))).all()
            queries += [cust.row_to_record(r).query(r.id) for r in rows]
        for outcome in batch(queries, processes=processes or None):
            screened += 1
            if outcome.hits:
                found.append((Subject("customer", int(outcome.record.id)), outcome.record,
                              outcome.hits))
                if len(found) >= BATCH:
                    flush()
        flush()
        return screened, opened
    for start in range(0, len(ids), BATCH):
        chunk = list(ids[start:start + BATCH])
        rows = conn.execute(select(customers).where(one_of(conn, customers.c.id, chunk))).all()
        queries = [cust.row_to_record(r).query(r.id) for r in rows]
        results = screener.screen_many(queries)
        found += [(Subject("customer", row.id), query, hits)
                  for row, query, hits in zip(rows, queries, results, strict=True) if hits]
        flush()
        screened += len(rows)
    return screened, opened


def import_customers(engine: Engine, records: list[cust.CustomerRecord],
                     screener: Screener | None, *, actor: str, lists: dict[str, str],
                     rules_version: str | None = None, source_name: str = "api",
                     problems: list[dict[str, Any]] | None = None,
                     processes: int = 1) -> ImportResult:
    """Upsert customers and screen the new or changed ones, all in one transaction
    (a failed import leaves the master as it was). With ``processes`` != 1 (0 = one per
    core) names are prepared and screened in forked workers (single-threaded callers
    only: the CLI, benchmarks)."""
    result = ImportResult(received=len(records), problems=list(problems or []))
    with engine.begin() as conn:
        upserted = cust.upsert(conn, records, processes=processes)
        changed = [cid for cid, was_changed in upserted if was_changed]
        result.changed = len(changed)
        if screener is not None and changed:
            result.screened, result.alerts = screen_customer_ids(
                conn, changed, screener, actor=actor, lists=lists, source="import",
                processes=processes)
        audit.append(conn, actor, "customers.import", subject_type="customers",
                     subject_id=source_name, lists=lists, rules_version=rules_version,
                     details={"received": result.received, "changed": result.changed,
                              "screened": result.screened, "alerts": len(result.alerts),
                              "rejected_rows": len(result.problems)})
    return result
