"""The list store: versioned, immutable snapshots of each list, atomic loads, deltas.

Public API (kept stable; other packages and users' scripts rely on it)::

    store = ListStore.open(data_dir=None, url=None, *, stale_after=None)
                                                        # SQLite <data_dir>/stopship.db or URL
    store.reap_abandoned() -> list[VersionInfo]         # loading -> abandoned (dead process)
    store.lists() -> list[ListInfo]
    store.versions(list_id) -> list[VersionInfo]        # every load attempt, oldest first
    store.version(list_id, version=None) -> VersionInfo # a complete version (None: current)
    store.current_version(list_id) -> VersionInfo | None
    store.current_versions() -> dict[str, VersionInfo]  # str(VersionInfo) == "3"
    store.iter_entities(list_id, version=None) -> Iterator[Entity]
    store.get_entity(entity_id, version=None) -> Entity
    store.entity_history(entity_id) -> list[tuple[int, str]]   # (version, content_hash)
    store.load(list_id, entities, meta, *, allow_shrink=False, max_drop=None,
               lock_wait=0.0) -> LoadResult              # created | unchanged
        # ShrinkRefused (a StoreError) when it drops > max_drop (0.2) or halves the list;
        # StoreError "another load of LIST is in progress" after lock_wait seconds
    store.diff(list_id, old_version, new_version=None) -> Delta
    migrate(url)                                        # Alembic upgrade to head

Unknown lists, versions and entities raise ``stopship.errors.NotFoundError``.
Loading files through a source is ``stopship.store.loader``; the bundled data is
``stopship.store.bundled``; fetching live feeds is ``stopship.store.fetch``.
"""

from stopship.errors import NotFoundError
from stopship.store.db import make_engine, migrate
from stopship.store.guard import ShrinkRefused
from stopship.store.liststore import ListStore
from stopship.store.types import (
    Delta,
    EntityChange,
    FieldChange,
    FileInfo,
    ListInfo,
    LoadMeta,
    LoadResult,
    VersionInfo,
)

__all__ = [
    "Delta",
    "EntityChange",
    "FieldChange",
    "FileInfo",
    "ListInfo",
    "ListStore",
    "LoadMeta",
    "LoadResult",
    "NotFoundError",
    "ShrinkRefused",
    "VersionInfo",
    "make_engine",
    "migrate",
]
