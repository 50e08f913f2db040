"""Lists, their versions and deltas, list entries with their history; re-screening."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request

from stopship.api.auth import context, require
from stopship.api.errors import ApiError
from stopship.api.schemas import RescreenIn
from stopship.cases.listload import after_load
from stopship.cases.users import Principal
from stopship.model import Entity

router = APIRouter(prefix="/api/v1", tags=["lists"])


def plain(value: Any) -> Any:
    """JSON-able form of store objects (dataclasses with as_dict, entities, versions)."""
    if isinstance(value, Entity):
        return value.to_dict()
    if hasattr(value, "as_dict"):
        return plain(value.as_dict())
    if is_dataclass(value) and not isinstance(value, type):
        return plain(asdict(value))
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def version_arg(value: str | None) -> Any:
    if value is None or value == "":
        return None
    return int(value) if value.isdigit() else value


def delta_dict(delta: Any) -> dict[str, Any]:
    changed = []
    for ch in getattr(delta, "changed", []) or []:
        new = getattr(ch, "new", None) if not isinstance(ch, dict) else ch.get("new")
        fields = getattr(ch, "fields", None) if not isinstance(ch, dict) else ch.get("fields")
        changed.append({"entity_id": getattr(new, "id", None), "caption": getattr(new, "caption", None),
                        "fields": plain(fields or [])})
    return {
        "list_id": getattr(delta, "list_id", None),
        "old_version": plain(getattr(delta, "old_version", None)),
        "new_version": plain(getattr(delta, "new_version", None)),
        "added": [{"entity_id": e.id, "caption": e.caption} for e in delta.added],
        "removed": [{"entity_id": e.id, "caption": e.caption}
                    for e in getattr(delta, "removed", []) if isinstance(e, Entity)],
        "changed": changed,
    }


@router.get("/lists", summary="Lists and their current versions")
def get_lists(request: Request, _: Principal = Depends(require("lists:read"))) -> dict[str, Any]:
    store = context(request).store()
    return {"lists": plain(store.lists()), "current": plain(
        {k: str(v) for k, v in dict(store.current_versions()).items()})}


@router.get("/lists/{list_id}/versions", summary="Versions of one list")
def get_versions(list_id: str, request: Request,
                 _: Principal = Depends(require("lists:read"))) -> dict[str, Any]:
    store = context(request).store()
    return {"list_id": list_id, "versions": plain(store.versions(list_id))}


@router.get("/lists/{list_id}/delta", summary="What changed between two versions")
def get_delta(list_id: str, request: Request, new: str, old: str | None = None,
              _: Principal = Depends(require("lists:read"))) -> dict[str, Any]:
    store = context(request).store()
    return delta_dict(store.diff(list_id, version_arg(old), version_arg(new)))


@router.get("/entities/{entity_id:path}", summary="A list entry and its history")
def get_entity(entity_id: str, request: Request,
               _: Principal = Depends(require("lists:read"))) -> dict[str, Any]:
    store = context(request).store()
    entity = store.get_entity(entity_id)
    if entity is None:
        raise ApiError(404, "not_found", f"no list entry {entity_id!r}")
    history = store.entity_history(entity_id) if hasattr(store, "entity_history") else []
    return {"entity": entity.to_dict(), "history": plain(history)}


@router.post("/lists/{list_id}/rescreen",
             summary="Re-screen the customer master against a list delta")
def post_rescreen(list_id: str, body: RescreenIn, request: Request,
                  who: Principal = Depends(require("lists:write"))) -> dict[str, Any]:
    ctx = context(request)
    builder = ctx.settings.entity_screener_builder
    if builder is None:
        try:
            from stopship.screening.engine import build_screener  # type: ignore[import-not-found]
        except ImportError as exc:
            raise ApiError(503, "unavailable", "the screening engine is not installed") from exc
        builder = build_screener
    result = after_load(ctx.engine, ctx.store(), list_id, version_arg(body.old_version),
                        version_arg(body.new_version), builder, actor=who.name)
    ctx.invalidate()
    return result.as_dict()
