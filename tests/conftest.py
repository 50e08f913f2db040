"""Fixtures shared by the server-side test folders (api, web, audit, cases): a database on
SQLite and, marked ``postgres``, on a freshly created PostgreSQL database of its own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

DB_PARAMS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _area(request: pytest.FixtureRequest) -> str:
    return request.node.path.parent.name


@pytest.fixture
def server(tmp_path) -> Iterator[Any]:
    from stopship.api.testing import build_server, close
    from stopship.cases.testing import sqlite_url

    srv = build_server(sqlite_url(tmp_path), tmp_path)
    yield srv
    close(srv)


@pytest.fixture(params=DB_PARAMS)
def any_server(request: pytest.FixtureRequest, tmp_path) -> Iterator[Any]:
    from stopship.api.testing import build_server, close

    with _database_url(request, tmp_path) as url:
        srv = build_server(url, tmp_path)
        yield srv
        close(srv)


@pytest.fixture(params=DB_PARAMS)
def cases_engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Any]:
    from stopship.cases.db import make_engine, upgrade

    with _database_url(request, tmp_path) as url:
        upgrade(url)
        eng = make_engine(url)
        yield eng
        eng.dispose()


@contextmanager
def _database_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """SQLite in tmp_path, or a temporary PostgreSQL database dropped afterwards."""
    from stopship.cases.testing import postgres_available, sqlite_url, temp_postgres

    if request.param == "sqlite":
        yield str(sqlite_url(tmp_path))
        return
    if not postgres_available():
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    with temp_postgres(_area(request)) as url:
        yield str(url)
