"""Store fixtures: a fresh store per test on SQLite (tmp dir) and on PostgreSQL (its
own database ``stopship_test_store_<random>`` on 127.0.0.1:5432, dropped afterwards)."""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from stopship.store import ListStore

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"

# pytest runs with --import-mode=importlib, which puts no test folder on sys.path: make
# this folder's helper module (store_helpers.py, a unique name) importable.
sys.path.insert(0, str(Path(__file__).parent))


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001
        return False


@contextmanager
def temp_pg_database(area: str = "store") -> Iterator[str]:
    """A new, empty PostgreSQL database; yields its SQLAlchemy URL; dropped at the end."""
    import psycopg

    if not _pg_available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not reachable on 127.0.0.1:5432")
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    name = f"stopship_test_{area}_{secrets.token_hex(6)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ListStore]:
    if request.param == "sqlite":
        st = ListStore.open(tmp_path)
        yield st
        st.close()
        return
    with temp_pg_database() as url:
        st = ListStore.open(url=url)
        yield st
        st.close()

