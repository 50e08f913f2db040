"""Migrations: ``migrate(url)`` creates the store tables under their own Alembic version
table and is a no-op when run again."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from stopship.store import make_engine, migrate
from stopship.store.db import VERSION_TABLE, current_revision, head_revision


def test_migrate_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate(url)
    migrate(url)
    engine = make_engine(url)
    try:
        names = set(inspect(engine).get_table_names())
        assert {"store_lists", "store_versions", "store_entities", VERSION_TABLE} <= names
        assert current_revision(engine) == head_revision() == "store_0002"
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()
