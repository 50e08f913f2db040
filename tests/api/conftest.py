from __future__ import annotations

from collections.abc import Iterator

import pytest

from stopship.api.testing import Server, build_server, close
from stopship.cases.testing import postgres_available, sqlite_url, temp_postgres


@pytest.fixture
def server(tmp_path) -> Iterator[Server]:
    srv = build_server(sqlite_url(tmp_path), tmp_path)
    yield srv
    close(srv)
@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_server(request: pytest.FixtureRequest, tmp_path) -> Iterator[Server]:
    if request.param == "sqlite":
        srv = build_server(sqlite_url(tmp_path), tmp_path)
        yield srv
        close(srv)
        return
    if not postgres_available():
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    with temp_postgres("api") as url:
        srv = build_server(url, tmp_path)
        yield srv
        close(srv)
