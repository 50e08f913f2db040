"""The customer master: list, read, add via JSON, import CSV/XLSX (screened on import)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile

from stopship.api.auth import context, require
from stopship.api.errors import ApiError
from stopship.api.schemas import CustomersIn, clean_name
from stopship.cases import customers as cust
from stopship.cases.screening import import_customers
from stopship.cases.users import Principal
from stopship.errors import Location, Problem
from stopship.screening.types import Screener

router = APIRouter(prefix="/api/v1", tags=["customers"])


def _screening(request: Request) -> tuple[Screener | None, dict[str, str]]:
    ctx = context(request)
    try:
        return ctx.screening()
    except ApiError:
        return None, {}


@router.get("/customers", summary="Customers")
def get_customers(request: Request, q: str | None = Query(None, max_length=200),
                  limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0),
                  _: Principal = Depends(require("customers:read"))) -> dict[str, Any]:
    with context(request).read_engine.connect() as conn:
        items, total = cust.list_customers(conn, limit, offset, q)
    return {"total": total, "items": items}


@router.get("/customers/{customer_id}", summary="One customer")
def get_customer(customer_id: int, request: Request,
                 _: Principal = Depends(require("customers:read"))) -> dict[str, Any]:
    with context(request).read_engine.connect() as conn:
        data = cust.get(conn, customer_id)
    if data is None:
        raise ApiError(404, "not_found", f"no customer {customer_id}")
    return data


@router.post("/customers", status_code=201, summary="Add or update customers (screened)")
def post_customers(body: CustomersIn, request: Request,
                   who: Principal = Depends(require("customers:write"))) -> dict[str, Any]:
    records = [cust.CustomerRecord(
        external_id=c.external_id, name=c.name, schema=c.schema_,
        country=c.country.upper() if c.country else None, dob=c.dob, address=c.address,
        identifiers=list(c.identifiers)) for c in body.customers]
    screener, lists = _screening(request)
    ctx = context(request)
    result = import_customers(ctx.engine, records, screener, actor=who.name, lists=lists,
                              rules_version=ctx.settings.rules_version)
    return result.as_dict() | {"screened_against": lists}


@router.post("/customers/import", status_code=201,
             summary="Import a CSV or XLSX customer file (screened on import)")
def post_import(request: Request, file: UploadFile = File(...),
                who: Principal = Depends(require("customers:write"))) -> dict[str, Any]:
    name = file.filename or "upload.csv"
    if not name.lower().endswith((".csv", ".xlsx")):
        raise ApiError(415, "unsupported_media_type", "upload a .csv or .xlsx file",
                       [{"field": "file", "message": f"{name!r} is neither CSV nor XLSX"}])
    data = file.file.read()
    records, problems = cust.parse_file(data, name)
    good = []
    for rec in records:
        try:
            rec.name = clean_name(rec.name)
            good.append(rec)
        except ValueError as exc:
            problems.append(Problem(str(exc), Location(name, None, "name")))
    screener, lists = _screening(request)
    ctx = context(request)
    result = import_customers(ctx.engine, good, screener, actor=who.name, lists=lists,
                              rules_version=ctx.settings.rules_version, source_name=name,
                              problems=[p.as_dict() for p in problems])
    return result.as_dict() | {"screened_against": lists}
