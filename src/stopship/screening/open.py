"""Open a screener over the store's current list versions, building the index once.

The index folder is keyed by the hash of the current versions: the first screening
after a list load builds and persists it (seconds); later ones load it (well under a
second)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from stopship.errors import NotFoundError, StopshipError, StoreError
from stopship.index import build_index, index_path, load_index, save_index
from stopship.model import Entity
from stopship.screening.engine import ScreeningEngine


def _versions(store: Any) -> dict[str, str]:
    current = store.current_versions()
    items = current.values() if isinstance(current, dict) else current
    out: dict[str, str] = {}
    for info in items:
        if info is None:
            continue
        list_id = getattr(info, "list_id", None)
        version = getattr(info, "version", info)
        digest = getattr(info, "digest", None) or ""
        if list_id is None and isinstance(current, dict):
            list_id = next(k for k, v in current.items() if v is info)
        out[str(list_id)] = f"{version}:{digest}"
    return out


def open_screener(data_dir: Path, lists: list[str] | None = None,
                  algorithm: str = "default") -> ScreeningEngine:
    """An engine over the current versions of the lists in ``data_dir``'s store,
    restricted to ``lists`` when given (unknown list ids raise NotFoundError)."""
    try:
        from stopship.store import ListStore
    except ImportError as exc:  # pragma: no cover - the store ships with stopship
        raise StoreError(f"the list store is not available: {exc}") from exc
    store = ListStore.open(Path(data_dir))
    versions = _versions(store)
    if not versions:
        raise NotFoundError("no lists are loaded yet: load them first with `stopship lists load`")
    if lists:
        unknown = sorted(set(lists) - set(versions))
        if unknown:
            raise NotFoundError(f"unknown list(s) {', '.join(unknown)}; loaded lists: "
                                f"{', '.join(sorted(versions))}")
    folder = index_path(Path(data_dir), versions)
    try:
        data = load_index(folder)
    except StoreError:

        def entities() -> Iterator[Entity]:
            for list_id in sorted(versions):
                yield from store.iter_entities(list_id)

        data = build_index(entities())
        save_index(data, folder)

    # Hits carry the entity as it is in the list version the index was built from (not a
    # newer current one); a version never changes, so entities read once are kept.
    pinned = {list_id: int(v.split(":", 1)[0]) for list_id, v in versions.items()}

    @lru_cache(maxsize=20_000)
    def load_entity(entity_id: str) -> Entity | None:
        try:
            return store.get_entity(  # type: ignore[no-any-return]
                entity_id, version=pinned.get(entity_id.split(":", 1)[0]))
        except StopshipError:
            return None

    def load_entities(entity_ids: list[str]) -> dict[str, Entity]:
        try:
            return store.get_entities(entity_ids, versions=pinned)  # type: ignore[no-any-return]
        except StopshipError:
            return {}

    return ScreeningEngine(data, lists, algorithm, entity_loader=load_entity,
                           entities_loader=load_entities)
