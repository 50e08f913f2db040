"""A screener over the real fixture entities, shared by the matching tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stopship.model import Entity
from stopship.screening.engine import ScreeningEngine, build_screener

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "matching"


def fixture_entities() -> list[Entity]:
    lines = (FIXTURES / "entities.jsonl").read_text("utf-8").splitlines()
    return [Entity.from_dict(json.loads(line)) for line in lines if line.strip()]


@pytest.fixture(scope="session")
def entities() -> list[Entity]:
    return fixture_entities()


@pytest.fixture(scope="session")
def screener(entities: list[Entity]) -> ScreeningEngine:
    return build_screener(entities)
