from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from stopship.cases.db import VERSION_TABLE, current_revision, make_engine, upgrade
from stopship.cases.testing import sqlite_url


def test_migrations_create_tables_with_own_version_table(engine: Engine) -> None:
    names = set(inspect(engine).get_table_names())
    assert {"users", "api_keys", "customers", "alerts", "cases", "decisions", "clears",
            "audit_events", VERSION_TABLE} <= names
    assert "alembic_version" not in names  # the list store's table is not ours
    assert current_revision(engine) == "0002"


def test_upgrade_is_idempotent(tmp_path) -> None:
    url = sqlite_url(tmp_path)
    upgrade(url)
    upgrade(url)
    engine = make_engine(url)
    assert current_revision(engine) == "0002"
    engine.dispose()
