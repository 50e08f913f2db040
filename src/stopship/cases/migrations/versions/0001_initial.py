"""Server tables and the append-only audit table.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

from stopship.audit.tables import drop_trigger_ddl, trigger_ddl
from stopship.cases import tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_ORDER = ["users", "api_keys", "sessions", "customers", "customer_keys", "orders", "cases",
          "alerts", "decisions", "clears", "rescreen_runs", "audit_events"]


def upgrade() -> None:
    bind = op.get_bind()
    for name in _ORDER:
        tables.metadata.tables[name].create(bind, checkfirst=True)
    for ddl in trigger_ddl(bind.dialect.name):
        op.execute(ddl)


def downgrade() -> None:
    bind = op.get_bind()
    for ddl in drop_trigger_ddl(bind.dialect.name):
        op.execute(ddl)
    for name in reversed(_ORDER):
        tables.metadata.tables[name].drop(bind, checkfirst=True)
