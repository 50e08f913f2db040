import dataclasses
import json
from pathlib import Path

from stopship.model.order import Line, Order, Owner, Party, Payment, PriorOrder, Route
from stopship.rules.schema import SPECS, json_schema

DOCS = Path(__file__).parents[2] / "docs" / "order.schema.json"


def test_published_schema_is_current():
    """docs/order.schema.json is what json_schema() produces
    (regenerate: uv run python -m stopship.rules.schema)."""
    assert json.loads(DOCS.read_text("utf-8")) == json_schema()


def test_specs_cover_the_dataclasses_exactly():
    pairs = {"order": Order, "party": Party, "owner": Owner, "line": Line, "route": Route,
             "payment": Payment, "prior_order": PriorOrder}
    for name, cls in pairs.items():
        assert set(SPECS[name]) == {f.name for f in dataclasses.fields(cls)}, name


def test_schema_shape():
    schema = json_schema()
    assert schema["required"] == ["id", "parties", "lines"]
    assert schema["$defs"]["party"]["properties"]["role"]["enum"][:2] == ["buyer", "ship_to"]
    assert schema["$defs"]["line"]["required"] == ["hs_code"]
