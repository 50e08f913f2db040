"""Customers' prepared names (re-screening), order release decisions (four eyes for
orders held by any rule) and server state (the rules version in use, for auditing rule
changes).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from stopship.cases import tables

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_NEW_TABLES = ["order_decisions", "server_state"]
_NEW_COLUMNS: list[tuple[str, sa.types.TypeEngine[Any]]] = [
    ("prepared", sa.Text()), ("prepared_version", sa.Integer())]


def upgrade() -> None:
    bind = op.get_bind()
    # 0001 creates tables from the current metadata, so a fresh database already has them
    have = {c["name"] for c in sa.inspect(bind).get_columns("customers")}
    missing = [(n, t) for n, t in _NEW_COLUMNS if n not in have]
    if missing:
        with op.batch_alter_table("customers") as batch:
            for name, type_ in missing:
                batch.add_column(sa.Column(name, type_, nullable=True))
    for name in _NEW_TABLES:
        tables.metadata.tables[name].create(bind, checkfirst=True)


def downgrade() -> None:
    bind = op.get_bind()
    for name in reversed(_NEW_TABLES):
        tables.metadata.tables[name].drop(bind, checkfirst=True)
    with op.batch_alter_table("customers") as batch:
        for name, _type in reversed(_NEW_COLUMNS):
            batch.drop_column(name)
