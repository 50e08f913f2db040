"""Helpers of the store tests (a unique module name, so test modules can import it)."""

from __future__ import annotations

from pathlib import Path

from stopship.model import Entity

FIXTURES = Path(__file__).parents[1] / "fixtures"


def make_entity(native_id: str, name: str, *aliases: str, list_id: str = "test_list",
                schema: str = "organization", remarks: str | None = None) -> Entity:
    entity = Entity(list_id=list_id, native_id=native_id, schema=schema, remarks=remarks)
    entity.add_name(name, "primary")
    for alias in aliases:
        entity.add_name(alias, "alias")
    return entity
