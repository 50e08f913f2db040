"""Shared fixtures for the order-rule tests: real list entities, a small fake screener
(exact normalised-name match; the real engine is tested in test_integration.py), and the
generated orders with their expected outcomes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stopship.model import Entity
from stopship.rules.catalogue import default_ruleset
from stopship.rules.contacts import ContactIndex
from stopship.rules.engine import OrderScreener
from stopship.rules.text import fold
from stopship.screening.types import Explanation, Hit, QueryRecord

FIXTURES = Path(__file__).parent.parent / "fixtures" / "orders"


class FakeScreener:
    """Exact match of folded names against every name of the entities."""

    threshold = 0.8

    def __init__(self, entities: list[Entity]) -> None:
        self.by_name: dict[str, list[Entity]] = {}
        for entity in entities:
            for name in entity.names:
                self.by_name.setdefault(fold(name.value), []).append(entity)
        self.list_versions = {"us_ofac_sdn": "2024-05-fixture", "us_bis_el": "2026-07-fixture"}
        self.calls = 0

    def screen(self, record: QueryRecord, min_score: float | None = None,
               limit: int = 10) -> list[Hit]:
        return [Hit(query_id=record.id, entity_id=e.id, list_id=e.list_id,
                    source_id=e.native_id, name=e.caption, score=1.0,
                    explanation=Explanation(record.name, e.caption, "exact"),
                    schema=e.schema, entity=e)
                for e in self.by_name.get(fold(record.name), [])][:limit]

    def screen_many(self, records: list[QueryRecord], min_score: float | None = None,
                    limit: int = 10) -> list[list[Hit]]:
        self.calls += 1
        return [self.screen(r, min_score, limit) for r in records]


def load_entities() -> list[Entity]:
    path = FIXTURES / "listed_entities.jsonl"
    return [Entity.from_dict(json.loads(line)) for line in path.read_text("utf-8").splitlines()
            if line.strip()]


@pytest.fixture(scope="session")
def listed() -> list[Entity]:
    return load_entities()


@pytest.fixture()
def fake_screener(listed: list[Entity]) -> FakeScreener:
    return FakeScreener(listed)


@pytest.fixture()
def order_screener(listed: list[Entity], fake_screener: FakeScreener) -> OrderScreener:
    ruleset = default_ruleset()
    contacts = ContactIndex.from_entities(listed, ruleset.ref.free_mail)
    return OrderScreener(fake_screener, ruleset, contacts)


@pytest.fixture(scope="session")
def expected() -> dict[str, dict[str, object]]:
    return json.loads((FIXTURES / "generated_expected.json").read_text("utf-8"))
