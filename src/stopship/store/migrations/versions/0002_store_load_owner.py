"""List store: who runs a load (pid, hostname) on each version row.

A ``loading`` version whose process is gone is later marked ``abandoned``; the
version's ``created_at`` is when its load started.

Revision ID: store_0002
Revises: store_0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "store_0002"
down_revision = "store_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("store_versions") as batch:
        batch.add_column(sa.Column("pid", sa.Integer, nullable=True))
        batch.add_column(sa.Column("hostname", sa.String(255), nullable=True))
    op.create_index("ix_store_versions_status", "store_versions", ["status"])


def downgrade() -> None:
    op.drop_index("ix_store_versions_status", table_name="store_versions")
    with op.batch_alter_table("store_versions") as batch:
        batch.drop_column("hostname")
        batch.drop_column("pid")
