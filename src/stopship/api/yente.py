"""A yente-compatible ``POST /match/{dataset}``: clients written for OpenSanctions' yente
can point at stopship. Request and response follow yente's shapes (queries keyed by id,
FollowTheMoney ``schema`` and ``properties``; results with ``score``, ``match`` and
per-feature ``features``); the scoring is stopship's."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from stopship import audit
from stopship.api.auth import context, require
from stopship.api.errors import ApiError
from stopship.api.schemas import MatchExample, MatchRequest, clean_name
from stopship.cases.users import Principal
from stopship.model import Entity
from stopship.screening.types import Hit, QueryRecord

router = APIRouter(tags=["yente compatibility"])

# FtM's LegalEntity is "a party of unknown kind" (Person and Organization both extend it):
# a query with it (or Thing) constrains no kind, and an entity whose schema the loader
# guessed (``flags.schema_inferred``: a CSL row without a type, an Entity List row) is one.
FTM_TO_SCHEMA = {"person": "person", "organization": "organization", "company": "organization",
                 "legalentity": None, "publicbody": "organization",
                 "vessel": "vessel", "airplane": "aircraft", "thing": None}
SCHEMA_TO_FTM = {"person": "Person", "organization": "Organization", "vessel": "Vessel",
                 "aircraft": "Airplane", None: "LegalEntity"}
ID_PROPS = ("idNumber", "registrationNumber", "taxNumber", "innCode", "ogrnCode", "imoNumber",
            "mmsi", "swiftBic", "leiCode", "passportNumber", "vatCode", "dunsCode")
IDENT_TO_PROP = {"inn": "innCode", "ogrn": "ogrnCode", "imo": "imoNumber", "mmsi": "mmsi",
                 "swift": "swiftBic", "lei": "leiCode", "passport": "passportNumber",
                 "tax_id": "taxNumber", "registration": "registrationNumber",
                 "duns": "dunsCode"}


def _values(props: dict[str, Any], key: str) -> list[str]:
    value = props.get(key)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [str(v).strip() for v in items if v is not None and str(v).strip()]


def to_query(key: str, example: MatchExample) -> QueryRecord:
    schema_key = example.schema_.lower()
    if schema_key not in FTM_TO_SCHEMA:
        raise ApiError(422, "invalid_input", "unknown schema",
                       [{"field": f"queries.{key}.schema",
                         "message": f"unsupported schema {example.schema_!r}"}])
    props = example.properties
    names = _values(props, "name") or _values(props, "alias")
    if not names:
        raise ApiError(422, "invalid_input", "a query needs a name",
                       [{"field": f"queries.{key}.properties.name", "message": "required"}])
    try:
        name = clean_name(names[0])
    except ValueError as exc:
        raise ApiError(422, "invalid_input", "invalid name",
                       [{"field": f"queries.{key}.properties.name", "message": str(exc)}]
                       ) from exc
    countries = (_values(props, "country") or _values(props, "nationality")
                 or _values(props, "jurisdiction"))
    country = countries[0].upper() if countries and len(countries[0]) == 2 else None
    dates = _values(props, "birthDate") or _values(props, "incorporationDate")
    dob = dates[0] if dates else None
    idents = [f"{p} {v}" for p in ID_PROPS for v in _values(props, p)]
    addresses = _values(props, "address")
    address = addresses[0] if addresses else None
    return QueryRecord(id=example.id or key, name=name, schema=FTM_TO_SCHEMA[schema_key],
                       country=country, dob=dob, address=address, identifiers=idents)


def entity_properties(entity: Entity | None, hit: Hit) -> dict[str, list[str]]:
    if entity is None:
        return {"name": [hit.name]}
    props: dict[str, list[str]] = {}

    def add(key: str, value: str | None) -> None:
        if value and value not in props.setdefault(key, []):
            props[key].append(value)

    for name in entity.names:
        add("name" if name.kind == "primary" else "alias", name.value)
    for country in entity.countries:
        add("nationality" if country.role in ("nationality", "citizenship") else "country",
            country.code.lower())
    for date in entity.dates:
        add({"birth": "birthDate", "incorporated": "incorporationDate"}.get(date.role,
                                                                               "modifiedAt"),
            date.value)
    for ident in entity.identifiers:
        add(IDENT_TO_PROP.get(ident.scheme, "idNumber"), ident.value)
    for address in entity.addresses:
        add("address", address.full)
    for program in entity.programs:
        add("program", program)
    if entity.remarks:
        add("notes", entity.remarks)
    return props


def features(hit: Hit) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in hit.explanation.features:
        key = item.get("name") or item.get("feature") or item.get("id")
        value = item.get("score", item.get("value", item.get("weight")))
        if key is None or value is None:
            continue
        try:
            out[str(key)] = round(float(value), 4)
        except (TypeError, ValueError):
            continue
    return out


def ftm_schema(hit: Hit) -> str:
    """The FtM schema of a hit: LegalEntity when the list gave no type and the loader
    guessed one (read from the entity, or from the explanation when the hit has none)."""
    if hit.entity is not None:
        inferred = bool(hit.entity.flags.get("schema_inferred"))
    else:
        inferred = any(row.get("feature") == "schema_compatibility"
                       and (row.get("detail") or {}).get("inferred")
                       for row in hit.explanation.features)
    return "LegalEntity" if inferred else SCHEMA_TO_FTM.get(hit.schema, "LegalEntity")


def result(hit: Hit, threshold: float) -> dict[str, Any]:
    entity = hit.entity
    return {
        "id": hit.entity_id,
        "caption": entity.caption if entity else hit.name,
        "schema": ftm_schema(hit),
        "properties": entity_properties(entity, hit),
        "datasets": [hit.list_id],
        "referents": [],
        "target": True,
        "first_seen": None, "last_seen": None, "last_change": None,
        "score": round(hit.score, 4),
        "match": hit.score >= threshold,
        "features": features(hit),
        "explanation": hit.explanation.summary,
    }


@router.post("/match/{dataset}", summary="yente-compatible entity matching")
def match(dataset: str, body: MatchRequest, request: Request,
          threshold: float = Query(0.7, ge=0, le=1), limit: int = Query(5, ge=1, le=500),
          cutoff: float = Query(0.0, ge=0, le=1),
          algorithm: str = Query("best", max_length=40),
          who: Principal = Depends(require("screen"))) -> dict[str, Any]:
    ctx = context(request)
    screener, lists = ctx.screening()
    if dataset not in ("default", "all", "sanctions") and dataset not in lists:
        raise ApiError(404, "not_found", f"no dataset {dataset!r}; use default or one of "
                       f"{', '.join(sorted(lists)) or '(no lists loaded)'}")
    queries = {key: to_query(key, example) for key, example in body.queries.items()}
    responses: dict[str, Any] = {}
    total_hits = 0
    for key, query in queries.items():
        hits = screener.screen(query, min_score=cutoff, limit=limit * 4 if dataset in lists
                               else limit)
        if dataset in lists:
            hits = [h for h in hits if h.list_id == dataset][:limit]
        total_hits += len(hits)
        example = body.queries[key]
        responses[key] = {
            "status": 200,
            "results": [result(h, threshold) for h in hits],
            "total": {"value": len(hits), "relation": "eq"},
            "query": {"id": example.id, "schema": example.schema_,
                      "properties": example.properties},
        }
    with ctx.engine.begin() as conn:
        audit.append(conn, who.name, "screening", subject_type="match", subject_id=dataset,
                     lists=lists, details={"records": len(queries), "hits": total_hits,
                                           "api": "yente", "algorithm": algorithm})
    return {"responses": responses, "limit": limit,
            "matcher": {"stopship": {"description": "stopship name matching with "
                                     "transliteration, legal forms and identifiers",
                                     "coefficient": 1.0, "url": "/docs"}}}
