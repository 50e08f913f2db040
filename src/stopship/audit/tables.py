"""The audit table and the database triggers that make it append-only.

The table is created by the cases Alembic environment (one database, one migration
history for the server); this module only declares it.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, Text

metadata = MetaData()

audit_events = Table(
    "audit_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(80), nullable=False, index=True),
    Column("subject_type", String(40), nullable=True),
    Column("subject_id", String(200), nullable=True),
    Column("lists", Text, nullable=False),  # JSON {list_id: version}
    Column("rules_version", String(200), nullable=True),
    Column("details", Text, nullable=False),  # JSON object
    Column("prev_hash", String(64), nullable=False, unique=True),
    Column("hash", String(64), nullable=False, unique=True),
)

APPEND_ONLY_MESSAGE = "audit_events is append-only: UPDATE and DELETE are refused"

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END""",
]
SQLITE_DROP_TRIGGERS = [
    "DROP TRIGGER IF EXISTS audit_events_no_update",
    "DROP TRIGGER IF EXISTS audit_events_no_delete",
]

POSTGRES_TRIGGERS = [
    f"""CREATE OR REPLACE FUNCTION stopship_audit_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION stopship_audit_append_only()""",
    """CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION stopship_audit_append_only()""",
]
POSTGRES_DROP_TRIGGERS = [
    "DROP TRIGGER IF EXISTS audit_events_no_update_delete ON audit_events",
    "DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events",
    "DROP FUNCTION IF EXISTS stopship_audit_append_only()",
]


def trigger_ddl(dialect: str) -> list[str]:
    """The statements that make the audit table append-only on this dialect."""
    if dialect == "sqlite":
        return list(SQLITE_TRIGGERS)
    if dialect == "postgresql":
        return list(POSTGRES_TRIGGERS)
    return []


def drop_trigger_ddl(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return list(SQLITE_DROP_TRIGGERS)
    if dialect == "postgresql":
        return list(POSTGRES_DROP_TRIGGERS)
    return []
