"""The one interface every list source implements, and the per-file parse report.

A source turns official files into model entities. It never touches the store: the
store decides what becomes current. One source may feed several lists (the CSL
carries thirteen), so each entity names its own ``list_id``.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from stopship.errors import ConfigError, InputError, Location
from stopship.model import Entity


@dataclass
class SkippedRow:
    file: str
    line: int | None
    field: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "field": self.field, "reason": self.reason}


@dataclass
class ParseReport:
    """What a parse read, produced and skipped, per file. With ``strict`` the first
    skipped row raises InputError instead of being recorded."""

    strict: bool = False
    rows_read: Counter[str] = field(default_factory=Counter)
    entities: Counter[str] = field(default_factory=Counter)  # by list_id
    skipped: list[SkippedRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def skip(self, file: str | Path, line: int | None, field_name: str | None, reason: str) -> None:
        if self.strict:
            raise InputError(reason, Location(str(file), line, field_name))
        self.skipped.append(SkippedRow(str(file), line, field_name, reason))

    def skipped_by_reason(self) -> Counter[str]:
        return Counter(s.reason for s in self.skipped)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows_read": dict(self.rows_read),
            "entities": dict(self.entities),
            "skipped": len(self.skipped),
            "skipped_by_reason": dict(self.skipped_by_reason()),
            "notes": list(self.notes),
        }


@dataclass
class SourceMeta:
    """The metadata file beside each parser: publisher, official URL, formats, lists."""

    id: str
    title: str
    publisher: str
    url: str | None = None
    formats: list[str] = field(default_factory=list)
    lists: dict[str, dict[str, Any]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> SourceMeta:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"cannot read source metadata: {exc}", Location(str(path))) from exc
        known = {k: data.pop(k) for k in list(data) if k in cls.__dataclass_fields__}
        return cls(**known, extra=data)


class Source(ABC):
    """A parser for one official format. Subclasses set ``meta_file`` (beside the module)."""

    meta_file: Path

    def __init__(self) -> None:
        self.meta = SourceMeta.load(self.meta_file)

    @property
    def id(self) -> str:
        return self.meta.id

    @abstractmethod
    def parse(self, files: Sequence[Path], report: ParseReport) -> Iterator[Entity]:
        """Yield entities from ``files``; record skipped rows in ``report``."""


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


MAX_FILE_BYTES = 512 * 1024 * 1024


def check_size(path: Path, limit: int = MAX_FILE_BYTES) -> None:
    """Refuse a file far larger than any official list before reading it."""
    size = path.stat().st_size
    if size > limit:
        raise InputError(
            f"file is {size:,} bytes, over the {limit:,}-byte limit for a list file "
            "(raise it with --max-bytes if this is really a list)",
            Location(str(path)),
        )
