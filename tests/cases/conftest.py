from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine


@pytest.fixture
def engine(cases_engine: Engine) -> Engine:
    """The cases database on SQLite and PostgreSQL (tests/conftest.py:cases_engine)."""
    return cases_engine

