"""Screening endpoints: the same hits as the screener, batches, yente's /match shape,
lists and orders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from stopship.api import ServerSettings, create_app
from stopship.api.testing import ENTITIES, Server, entity
from stopship.cases.testing import sqlite_url


def test_screen_one_returns_the_cli_hit_shape_and_audits(server: Server) -> None:
    client = server.key("screen", "audit:read")
    res = client.post("/api/v1/screen", json={"id": "r1", "name": "ALPHA TRADING LLC",
                                              "country": "ae"})
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["lists"] == {"us_ofac_sdn": "1", "us_bis_el": "1"}
    hit = body["hits"][0]
    assert set(hit) == {"query_id", "entity_id", "list", "source_id", "name", "score",
                        "schema", "entity_version", "explanation"}
    assert hit["query_id"] == "r1" and hit["entity_id"] == "us_ofac_sdn:1"
    screener, _ = server.app.state.ctx.screening()
    from stopship.screening.types import QueryRecord

    direct = screener.screen(QueryRecord(id="r1", name="ALPHA TRADING LLC", country="AE"))
    assert [h.as_dict() for h in direct] == body["hits"]
    event = client.get("/api/v1/audit", params={"action": "screening"}).json()["items"][0]
    assert event["lists"] == body["lists"] and event["details"]["hits"] == len(body["hits"])


def test_screen_batch(server: Server) -> None:
    client = server.key("screen")
    records = [{"name": "Ivan Petrov", "schema": "person"}, {"name": "Nobody Known Here"},
               {"id": "x", "name": "Omega Holdings"}]
    res = client.post("/api/v1/screen/batch", json={"records": records, "limit": 3})
    assert res.status_code == 200, res.text
    results = res.json()["results"]
    assert [r["query_id"] for r in results] == ["q1", "q2", "x"]
    assert results[0]["hits"][0]["entity_id"] == "us_ofac_sdn:2"
    assert results[1]["hits"] == []
    assert results[2]["hits"][0]["list"] == "us_bis_el"


def test_yente_match_shape(server: Server) -> None:
    client = server.key("screen")
    body = {"queries": {
        "q1": {"schema": "Person", "properties": {"name": ["Ivan Petrov"],
                                                  "birthDate": ["1970"], "country": ["ru"]}},
        "q2": {"schema": "Company", "properties": {"name": "Alpha Trading"}}}}
    res = client.post("/match/default", params={"threshold": 0.8, "limit": 3}, json=body)
    assert res.status_code == 200, res.text
    data = res.json()
    assert data["limit"] == 3 and set(data["responses"]) == {"q1", "q2"}
    q1 = data["responses"]["q1"]
    assert q1["status"] == 200 and q1["total"] == {"value": len(q1["results"]), "relation": "eq"}
    assert q1["query"]["schema"] == "Person"
    top = q1["results"][0]
    assert {"id", "caption", "schema", "properties", "datasets", "score", "match",
            "features"} <= set(top)
    assert top["id"] == "us_ofac_sdn:2" and top["schema"] == "Person"
    assert top["datasets"] == ["us_ofac_sdn"] and top["match"] is (top["score"] >= 0.8)
    assert top["properties"]["name"] == ["Ivan Petrov"]
    assert all(isinstance(v, float) for v in top["features"].values())
    only_bis = client.post("/match/us_bis_el", json=body).json()
    assert all(r["datasets"] == ["us_bis_el"] for q in only_bis["responses"].values()
               for r in q["results"])
    assert client.post("/match/nope", json=body).status_code == 404
    bad = {"queries": {"q1": {"schema": "Spaceship", "properties": {"name": ["x"]}}}}
    res = client.post("/match/default", json=bad)
    assert res.status_code == 422
    assert res.json()["error"]["details"][0]["field"] == "queries.q1.schema"


def test_yente_match_says_legal_entity_when_the_loader_guessed_the_schema(server: Server
                                                                          ) -> None:
    untyped = entity("4", "Kappa Instruments", list_id="us_bis_el",
                     flags={"schema_inferred": True})  # an Entity List row: no type given
    server.lists.load("us_bis_el", [ENTITIES[2], untyped])
    client = server.key("screen")

    def top(schema: str, name: str) -> dict[str, Any]:
        body = {"queries": {"q": {"schema": schema, "properties": {"name": [name]}}}}
        res = client.post("/match/default", json=body)
        assert res.status_code == 200, res.text
        return res.json()["responses"]["q"]["results"][0]

    guessed, typed = top("Company", "Kappa Instruments"), top("Company", "Omega Holdings")
    assert (guessed["id"], guessed["schema"]) == ("us_bis_el:4", "LegalEntity")
    assert (typed["id"], typed["schema"]) == ("us_bis_el:3", "Organization")
    assert top("Person", "Ivan Petrov")["schema"] == "Person"
    # A LegalEntity query (a party of unknown kind) holds no kind against a list entity:
    # it scores a person exactly as a query without a schema does.
    as_legal_entity, as_thing = top("LegalEntity", "Ivan Petrov"), top("Thing", "Ivan Petrov")
    assert as_legal_entity["id"] == "us_ofac_sdn:2"
    assert as_legal_entity["score"] == as_thing["score"]
    assert as_legal_entity["features"] == as_thing["features"]


def test_yente_schema_of_a_hit_without_its_entity_comes_from_the_explanation() -> None:
    from stopship.api.yente import ftm_schema
    from stopship.screening.types import Explanation, Hit

    def hit(schema: str, features: list[dict[str, Any]]) -> Hit:
        return Hit("q", "us_bis_el:4", "us_bis_el", "4", "Kappa", 0.9,
                   Explanation("Kappa", "Kappa", "", features), schema=schema)

    guessed = [{"feature": "schema_compatibility", "value": 0.0, "effect": 0.0,
                "detail": {"list": "organization", "inferred": True}}]
    assert ftm_schema(hit("organization", guessed)) == "LegalEntity"
    assert ftm_schema(hit("organization", [])) == "Organization"
    assert ftm_schema(hit("vessel", [])) == "Vessel"


def test_lists_versions_and_entities(server: Server) -> None:
    client = server.key("lists:read")
    lists = client.get("/api/v1/lists").json()
    assert lists["current"] == {"us_bis_el": "1", "us_ofac_sdn": "1"}
    versions = client.get("/api/v1/lists/us_ofac_sdn/versions").json()["versions"]
    assert versions[0]["version"] == 1
    entity = client.get("/api/v1/entities/us_ofac_sdn:1").json()
    assert entity["entity"]["names"][0]["value"] == "Alpha Trading LLC"
    assert entity["history"][0][0] == 1
    assert client.get("/api/v1/entities/us_ofac_sdn:999").status_code == 404


def test_order_screening_opens_alerts_on_held_orders(server: Server) -> None:
    client = server.key("orders:screen", "orders:read", "alerts:read")
    order = {"id": "SO-1", "order_date": "2025-03-01",
             "parties": [{"role": "buyer", "name": "Alpha Trading LLC", "country": "AE"}],
             "lines": [{"hs_code": "854231", "quantity": 100, "unit_price": 5.0}]}
    res = client.post("/api/v1/orders/screen", json=order)
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["status"] in ("held", "review") and body["alerts"]
    assert "R-A1" in body["result"]["rules_fired"]
    stored = client.get(f"/api/v1/orders/{body['order_id']}").json()
    assert stored["result"]["fired"][0]["evidence"]
    res = client.post("/api/v1/orders/screen", json={"id": "SO-2", "parties": []})
    assert res.status_code == 422


def test_openapi_document_is_checked_in_and_current(tmp_path) -> None:
    app = create_app(ServerSettings(database_url=sqlite_url(tmp_path)))
    current = json.dumps(app.openapi(), indent=2, sort_keys=True) + "\n"
    path = Path(__file__).parents[2] / "docs" / "openapi.json"
    assert path.exists(), "write it: uv run python -m stopship.api.openapi > docs/openapi.json"
    assert path.read_text(encoding="utf-8") == current, (
        "docs/openapi.json is stale: uv run python -m stopship.api.openapi > docs/openapi.json")
    app.state.ctx.close()
