"""Append-only, hash-chained audit trail: who did what, when, with which list and rule versions."""

from stopship.audit.chain import (
    GENESIS,
    AuditEvent,
    EventSpec,
    VerifyResult,
    append,
    append_many,
    compute_hash,
    head,
    iter_events,
    list_events,
    verify,
)
from stopship.audit.export import export, neutralise_cell
from stopship.audit.tables import audit_events, metadata
from stopship.audit.writer import AuditWriter

__all__ = [
    "GENESIS", "AuditEvent", "AuditWriter", "EventSpec", "VerifyResult", "append", "append_many",
    "audit_events", "compute_hash", "export",
    "head", "iter_events", "list_events", "metadata", "neutralise_cell", "verify",
]
