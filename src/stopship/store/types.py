"""What the list store hands out: plain dataclasses, stable for the other packages.

Versions are numbered per list from 1. ``str(VersionInfo)`` is the version number, so
callers that keep ``{list_id: str(version)}`` (screening results, audit events) get
``{"us_ofac_sdn": "3"}``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from stopship.model import Entity

LOADING, COMPLETE, FAILED, ABANDONED = "loading", "complete", "failed", "abandoned"
CREATED, UNCHANGED = "created", "unchanged"


@dataclass(frozen=True)
class FileInfo:
    """One file a version was read from: name (without directories), sha256, size."""

    name: str
    sha256: str
    size: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "sha256": self.sha256, "size": self.size}


@dataclass
class LoadMeta:
    """Where a load came from; stored on the version. ``report`` is the parse report of
    the files (``ParseReport.as_dict()`` plus skipped rows), kept as JSON."""

    source_id: str | None = None
    title: str | None = None
    publisher: str | None = None
    list_date: str | None = None
    url: str | None = None
    files: list[FileInfo] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class VersionInfo:
    """One version of one list. ``status`` is loading, complete, failed or abandoned (a
    load whose process died; ``error`` says why it was judged gone); only complete
    versions can be read or become current. ``pid``/``hostname``: the loading process."""

    list_id: str
    version: int
    status: str
    created_at: datetime
    completed_at: datetime | None
    source_id: str | None
    title: str | None
    publisher: str | None
    list_date: str | None
    url: str | None
    files: tuple[FileInfo, ...]
    entity_count: int
    counts: dict[str, int]
    report: dict[str, Any]
    digest: str | None
    error: str | None
    is_current: bool = False
    pid: int | None = None
    hostname: str | None = None

    def __str__(self) -> str:
        return str(self.version)

    @classmethod
    def from_row(cls, row: Any, is_current: bool) -> VersionInfo:
        """From a ``store_versions`` row (JSON columns decoded, times made UTC)."""
        files = tuple(FileInfo(f["name"], f["sha256"], f.get("size"))
                      for f in json.loads(row.files or "[]"))
        return cls(
            list_id=row.list_id, version=int(row.version), status=row.status,
            created_at=_utc(row.created_at), completed_at=_utc(row.completed_at)
            if row.completed_at is not None else None,
            source_id=row.source_id, title=row.title, publisher=row.publisher,
            list_date=row.list_date, url=row.url, files=files,
            entity_count=int(row.entity_count or 0), counts=json.loads(row.counts or "{}"),
            report=json.loads(row.report or "{}"), digest=row.digest, error=row.error,
            is_current=is_current, pid=getattr(row, "pid", None),
            hostname=getattr(row, "hostname", None))

    def as_dict(self) -> dict[str, Any]:
        return {
            "list_id": self.list_id, "version": self.version, "status": self.status,
            "current": self.is_current,
            "created_at": self.created_at.isoformat(),
            "completed_at": self.completed_at.isoformat() if self.completed_at else None,
            "source_id": self.source_id, "title": self.title, "publisher": self.publisher,
            "list_date": self.list_date, "url": self.url,
            "files": [f.as_dict() for f in self.files], "entity_count": self.entity_count,
            "counts": dict(self.counts), "digest": self.digest, "error": self.error,
            "pid": self.pid, "hostname": self.hostname,
        }


@dataclass(frozen=True)
class ListInfo:
    """A list known to the store and its current version (None until one completes)."""

    list_id: str
    title: str | None
    publisher: str | None
    current: VersionInfo | None
    version_count: int


@dataclass
class LoadResult:
    """What ``ListStore.load`` did. ``status`` is ``created`` (a new current version) or
    ``unchanged`` (same ids and content hashes as the current version: nothing written,
    ``version`` is the current one). ``added/removed/changed`` count against the
    previous current version."""

    list_id: str
    status: str
    version: int
    previous_version: int | None
    entity_count: int
    counts: dict[str, int]
    added: int = 0
    removed: int = 0
    changed: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "list_id": self.list_id, "status": self.status, "version": self.version,
            "previous_version": self.previous_version, "entities": self.entity_count,
            "counts": dict(self.counts), "added": self.added, "removed": self.removed,
            "changed": self.changed, "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class FieldChange:
    """One top-level field of ``Entity.to_dict()`` (names, countries, identifiers,
    flags, remarks...) that differs between two versions, with both values."""

    field: str
    old: Any
    new: Any


@dataclass
class EntityChange:
    """An entity present in both versions whose content changed."""

    entity_id: str
    old: Entity
    new: Entity
    fields: list[FieldChange]

    @property
    def field_names(self) -> list[str]:
        return [f.field for f in self.fields]


@dataclass
class Delta:
    """What changed from ``old_version`` to ``new_version`` of a list (``old_version``
    None: everything is added). Lists are sorted by entity id."""

    list_id: str
    old_version: int | None
    new_version: int
    added: list[Entity] = field(default_factory=list)
    removed: list[Entity] = field(default_factory=list)
    changed: list[EntityChange] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def summary(self) -> dict[str, int]:
        return {"added": len(self.added), "removed": len(self.removed),
                "changed": len(self.changed)}


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
