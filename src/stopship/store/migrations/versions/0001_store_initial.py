"""List store: lists, versions, entities.

Revision ID: store_0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "store_0001"
down_revision = None
branch_labels = None
depends_on = None

_BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "store_lists",
        sa.Column("list_id", sa.String(100), primary_key=True),
        sa.Column("title", sa.Text, nullable=True),
        sa.Column("publisher", sa.Text, nullable=True),
        sa.Column("current_version_id", _BigId, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "store_versions",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        sa.Column("list_id", sa.String(100), sa.ForeignKey("store_lists.list_id"),
                  nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source_id", sa.String(100), nullable=True),
        sa.Column("title", sa.Text, nullable=True),
        sa.Column("publisher", sa.Text, nullable=True),
        sa.Column("list_date", sa.String(40), nullable=True),
        sa.Column("url", sa.Text, nullable=True),
        sa.Column("files", sa.Text, nullable=False),
        sa.Column("entity_count", sa.Integer, nullable=False),
        sa.Column("counts", sa.Text, nullable=False),
        sa.Column("report", sa.Text, nullable=False),
        sa.Column("digest", sa.String(64), nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.UniqueConstraint("list_id", "version", name="uq_store_versions_list_version"),
    )
    op.create_table(
        "store_entities",
        sa.Column("version_id", _BigId, sa.ForeignKey("store_versions.id"), primary_key=True),
        sa.Column("entity_id", sa.String(300), primary_key=True),
        sa.Column("schema", sa.String(20), nullable=False),
        sa.Column("caption", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_index("ix_store_entities_entity", "store_entities", ["entity_id"])


def downgrade() -> None:
    op.drop_index("ix_store_entities_entity", table_name="store_entities")
    op.drop_table("store_entities")
    op.drop_table("store_versions")
    op.drop_table("store_lists")
