"""Server tables: users, API keys, sessions, customers, alerts, cases, decisions,
sticky clears, orders and re-screening runs (plus the audit table, declared in
``stopship.audit`` and migrated here). Timestamps are ISO-8601 UTC strings."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from stopship.audit.tables import audit_events

metadata = MetaData()
# the audit table lives in the same database and migration history
audit_events.to_metadata(metadata)

ROLES = ("analyst", "approver", "administrator")
DECISIONS = ("true_match", "false_positive", "needs_information", "escalate")

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(120), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", String(40), nullable=False),
)

api_keys = Table(
    "api_keys", metadata,
    Column("id", Integer, primary_key=True),
    Column("key_id", String(40), nullable=False, unique=True),
    Column("secret_hash", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("scopes", String(500), nullable=False),
    Column("created_by", String(120), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("revoked_at", String(40), nullable=True),
)

sessions = Table(
    "sessions", metadata,
    Column("id", String(64), primary_key=True),  # sha256 of the cookie token
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),
)

customers = Table(
    "customers", metadata,
    Column("id", Integer, primary_key=True),
    Column("external_id", String(200), nullable=False, unique=True),
    Column("name", String(500), nullable=False),
    Column("schema", String(20), nullable=True),
    Column("country", String(8), nullable=True),
    Column("dob", String(20), nullable=True),
    Column("address", Text, nullable=True),
    Column("identifiers", Text, nullable=False, default="[]"),
    Column("key_count", Integer, nullable=False, default=0, server_default="0"),
    # the name as the engine prepares it (``stopship.cases.prepared``), for re-screening
    Column("prepared", Text, nullable=True),
    Column("prepared_version", Integer, nullable=True),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
)

customer_keys = Table(
    "customer_keys", metadata,
    Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False),
    Column("key", String(80), nullable=False),
    Index("ix_customer_keys_key", "key"),
    Index("ix_customer_keys_customer", "customer_id"),
)

cases = Table(
    "cases", metadata,
    Column("id", Integer, primary_key=True),
    Column("customer_id", Integer, ForeignKey("customers.id"), nullable=True),
    Column("order_id", Integer, ForeignKey("orders.id"), nullable=True),
    Column("status", String(20), nullable=False, default="open"),
    Column("assignee", String(120), nullable=True),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Index("ix_cases_customer", "customer_id"),
)

alerts = Table(
    "alerts", metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("customer_id", Integer, ForeignKey("customers.id"), nullable=True),
    Column("order_id", Integer, ForeignKey("orders.id"), nullable=True),
    Column("subject_key", String(220), nullable=False),  # customer:<id> or order:<id>
    Column("entity_id", String(300), nullable=False),
    Column("list_id", String(120), nullable=False),
    Column("entity_version", String(64), nullable=False),
    Column("score", Float, nullable=False),
    Column("status", String(30), nullable=False, default="open"),
    Column("hit", Text, nullable=False),  # Hit.as_dict()
    Column("query", Text, nullable=False),  # the screened record
    Column("delta", Text, nullable=True),  # what changed in the list entry, when re-screened
    Column("lists", Text, nullable=False, default="{}"),  # list versions used
    Column("source", String(30), nullable=False, default="screening"),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    UniqueConstraint("subject_key", "entity_id", "entity_version", name="uq_alert_key"),
    Index("ix_alerts_status", "status"),
    Index("ix_alerts_case", "case_id"),
)

decisions = Table(
    "decisions", metadata,
    Column("id", Integer, primary_key=True),
    Column("alert_id", Integer, ForeignKey("alerts.id"), nullable=False),
    Column("decision", String(30), nullable=False),
    Column("reason", Text, nullable=False),
    Column("decided_by", String(120), nullable=False),
    Column("decided_at", String(40), nullable=False),
    Column("status", String(30), nullable=False),  # effective, pending_approval, approved, rejected
    Column("approved_by", String(120), nullable=True),
    Column("approved_at", String(40), nullable=True),
    Column("approval_note", Text, nullable=True),
    Index("ix_decisions_alert", "alert_id"),
)

clears = Table(
    "clears", metadata,
    Column("id", Integer, primary_key=True),
    Column("subject_key", String(220), nullable=False),
    Column("entity_id", String(300), nullable=False),
    Column("entity_version", String(64), nullable=False),
    Column("decision_id", Integer, ForeignKey("decisions.id"), nullable=False),
    Column("created_at", String(40), nullable=False),
    UniqueConstraint("subject_key", "entity_id", "entity_version", name="uq_clear_key"),
    Index("ix_clears_entity", "subject_key", "entity_id"),
)

orders = Table(
    "orders", metadata,
    Column("id", Integer, primary_key=True),
    Column("external_id", String(200), nullable=False, unique=True),
    Column("payload", Text, nullable=False),
    Column("result", Text, nullable=False, default="{}"),
    Column("status", String(20), nullable=False),  # clear, review, held, released, refused
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
)

rescreen_runs = Table(
    "rescreen_runs", metadata,
    Column("id", Integer, primary_key=True),
    Column("list_id", String(120), nullable=False),
    Column("old_version", String(120), nullable=True),
    Column("new_version", String(120), nullable=False),
    Column("entities", Integer, nullable=False),
    Column("candidates", Integer, nullable=False),
    Column("alerts", Integer, nullable=False),
    Column("seconds", Float, nullable=False),
    Column("at", String(40), nullable=False),
    UniqueConstraint("list_id", "old_version", "new_version", name="uq_rescreen_run"),
)

order_decisions = Table(
    "order_decisions", metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", Integer, ForeignKey("orders.id"), nullable=False),
    Column("decision", String(20), nullable=False),  # release, refuse
    Column("reason", Text, nullable=False),
    Column("decided_by", String(120), nullable=False),
    Column("decided_at", String(40), nullable=False),
    Column("status", String(30), nullable=False),  # pending_approval, approved, rejected, effective
    Column("approved_by", String(120), nullable=True),
    Column("approved_at", String(40), nullable=True),
    Column("approval_note", Text, nullable=True),
    Index("ix_order_decisions_order", "order_id"),
)

server_state = Table(
    "server_state", metadata,
    Column("key", String(120), primary_key=True),  # e.g. rules_version
    Column("value", Text, nullable=True),
    Column("updated_at", String(40), nullable=False),
)
