"""A screening engine over the real fixture entities."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stopship.model import Entity
from stopship.screening.engine import ScreeningEngine, build_screener

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "matching" / "entities.jsonl"


@pytest.fixture(scope="session")
def entities() -> list[Entity]:
    lines = FIXTURE.read_text("utf-8").splitlines()
    return [Entity.from_dict(json.loads(line)) for line in lines if line.strip()]


@pytest.fixture(scope="session")
def engine(entities: list[Entity]) -> ScreeningEngine:
    return build_screener(entities)
