"""The bundled datasets: official list files shipped with stopship, described by
``resources/bundled/manifest.yaml`` (source, files, mapping, lists to take, publisher,
list date, official URL, origin, and which feeds ``lists update`` may fetch)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from stopship.errors import ConfigError, Location
from stopship.settings import RESOURCES

BUNDLED = RESOURCES / "bundled"
MANIFEST = BUNDLED / "manifest.yaml"
PACKAGE = RESOURCES.parent  # src/stopship: mapping paths are relative to it


@dataclass(frozen=True)
class Feed:
    """One file ``lists update`` fetches: the name it is saved under, and either the key
    of the URL in the source's ``source.yaml`` ``feeds:`` or a URL given directly."""

    name: str
    feed: str | None = None
    url: str | None = None
    sha256: str | None = None


@dataclass
class Dataset:
    id: str
    source: str
    files: list[Path]
    lists: list[str]
    mapping: Path | None = None
    publisher: str | None = None
    list_date: str | None = None
    url: str | None = None
    origin: str | None = None
    update: list[Feed] = field(default_factory=list)

    def source_kwargs(self) -> dict[str, Any]:
        return {"mapping": self.mapping} if self.mapping is not None else {}


def load_manifest(path: Path = MANIFEST) -> list[Dataset]:
    """Every dataset of a manifest file, with file and mapping paths made absolute."""
    where = Location(str(path))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the bundled manifest: {exc}", where) from exc
    out: list[Dataset] = []
    for number, item in enumerate(data.get("datasets") or [], start=1):
        if not isinstance(item, dict) or not item.get("id") or not item.get("source"):
            raise ConfigError(f"dataset #{number} needs an id and a source", where)
        feeds = [Feed(name, (spec or {}).get("feed"), (spec or {}).get("url"),
                      (spec or {}).get("sha256"))
                 for name, spec in (item.get("update") or {}).items()]
        mapping = item.get("mapping")
        out.append(Dataset(
            id=str(item["id"]), source=str(item["source"]),
            files=[path.parent / f for f in item.get("files") or []],
            lists=[str(x) for x in item.get("lists") or []],
            mapping=(PACKAGE / mapping) if mapping else None,
            publisher=item.get("publisher"), list_date=_text(item.get("list_date")),
            url=item.get("url"), origin=item.get("origin"), update=feeds))
    return out


def select(datasets: list[Dataset], wanted: list[str] | None) -> list[Dataset]:
    """The datasets named in ``wanted`` (by dataset id or by a list id they carry)."""
    if not wanted:
        return datasets
    chosen = [d for d in datasets if d.id in wanted or set(d.lists) & set(wanted)]
    known = {d.id for d in datasets} | {x for d in datasets for x in d.lists}
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise ConfigError(f"no bundled dataset or list {', '.join(unknown)}; known: "
                          f"{', '.join(sorted(d.id for d in datasets))}")
    return chosen


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
