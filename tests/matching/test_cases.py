"""The table-driven matching cases (tests/fixtures/matching/cases.yaml) on real entries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from stopship.screening.engine import ScreeningEngine
from stopship.screening.types import QueryRecord

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "matching"

CASES: list[dict[str, Any]] = yaml.safe_load((FIXTURES / "cases.yaml").read_text("utf-8"))


def _id(case: dict[str, Any]) -> str:
    return f"{case['family']}:{case['query']}"


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_case(case: dict[str, Any], screener: ScreeningEngine) -> None:
    record = QueryRecord("q", case["query"], case.get("schema"), case.get("country"),
                         case.get("dob"), None, [case["ids"]] if case.get("ids") else [])
    hits = screener.screen(record)
    found = {h.entity_id: h for h in hits}
    why = case["why"]
    if case.get("expect"):
        assert case["expect"] in found, f"{why}: expected {case['expect']}, got {list(found)}"
        explanation = found[case["expect"]].explanation
        assert explanation.summary and explanation.matched_name
    elif case.get("not"):
        assert case["not"] not in found, f"{why}: {found[case['not']].explanation.summary}"
    else:
        assert not hits, f"{why}: {[h.explanation.summary for h in hits]}"


def test_every_family_is_covered() -> None:
    families = {c["family"] for c in CASES}
    assert {"script", "romanisation", "legal_form", "abbreviation", "typo", "joined_split",
            "person", "generic", "numbers", "identifier"} <= families
