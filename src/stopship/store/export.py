"""Writing a list version's entities as JSON lines, CSV or FollowTheMoney JSON lines.

- ``jsonl``: one ``Entity.to_dict()`` per line (reads back with ``Entity.from_dict``).
- ``csv``: one row per entity, multi-valued fields joined with ``"; "`` (for people and
  spreadsheets; lossy: use jsonl to move data between tools).
- ``ftm``: FollowTheMoney entities (``stopship.sources.ftm.export``), as OpenSanctions
  and yente read them.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from typing import TextIO

from stopship.errors import ConfigError
from stopship.model import Entity

FORMATS = ("jsonl", "csv", "ftm")
CSV_COLUMNS = ["id", "list_id", "native_id", "schema", "name", "aliases", "weak_aliases",
               "former_names", "countries", "addresses", "identifiers", "dates",
               "programs", "listed_on", "flags", "remarks"]
SEP = "; "


def write_jsonl(entities: Iterable[Entity], out: TextIO) -> int:
    count = 0
    for entity in entities:
        out.write(json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


def csv_row(entity: Entity) -> dict[str, str]:
    def names(kinds: tuple[str, ...]) -> str:
        return SEP.join(n.value for n in entity.names if n.kind in kinds)

    return {
        "id": entity.id, "list_id": entity.list_id, "native_id": entity.native_id,
        "schema": entity.schema, "name": entity.caption,
        "aliases": SEP.join(n.value for n in entity.names
                            if n.kind in ("alias", "original") or
                            (n.kind == "primary" and n.value != entity.caption)),
        "weak_aliases": names(("weak",)), "former_names": names(("former",)),
        "countries": SEP.join(f"{c.code} ({c.role})" for c in entity.countries),
        "addresses": SEP.join(a.full for a in entity.addresses),
        "identifiers": SEP.join(f"{i.scheme}:{i.value}" + (f" ({i.country})" if i.country
                                                           else "")
                                for i in entity.identifiers),
        "dates": SEP.join(f"{d.role}:{d.value}" for d in entity.dates),
        "programs": SEP.join(entity.programs), "listed_on": entity.listed_on or "",
        "flags": json.dumps(entity.flags, ensure_ascii=False, sort_keys=True)
        if entity.flags else "",
        "remarks": entity.remarks or "",
    }


def write_csv(entities: Iterable[Entity], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for entity in entities:
        writer.writerow(csv_row(entity))
        count += 1
    return count


def write_ftm(entities: Iterable[Entity], out: TextIO) -> int:
    from stopship.sources.ftm.export import export_ftm

    count = 0
    for record in export_ftm(entities):
        out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


WRITERS: dict[str, Callable[[Iterable[Entity], TextIO], int]] = {
    "jsonl": write_jsonl, "csv": write_csv, "ftm": write_ftm,
}


def write(entities: Iterable[Entity], out: TextIO, fmt: str) -> int:
    """Write ``entities`` to ``out`` in ``fmt``; returns the number of records written."""
    try:
        writer = WRITERS[fmt]
    except KeyError:
        raise ConfigError(f"unknown export format {fmt!r}; use {', '.join(FORMATS)}") from None
    return writer(entities, out)
