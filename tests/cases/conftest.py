from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from stopship.cases.db import make_engine, upgrade
from stopship.cases.testing import postgres_available, sqlite_url, temp_postgres


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = sqlite_url(tmp_path)
        upgrade(url)
        eng = make_engine(url)
        yield eng
        eng.dispose()
        return
    if not postgres_available():
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    with temp_postgres("cases") as url:
        upgrade(url)
        eng = make_engine(url)
        yield eng
        eng.dispose()

