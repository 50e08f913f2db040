"""Rendering for ``stopship lists show`` and ``stopship lists diff`` (tables or JSON)."""

from __future__ import annotations

import json
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from stopship.errors import NotFoundError
from stopship.store import Delta, ListStore, VersionInfo

_SHORT = {"organization": "org"}


def _schemas(counts: dict[str, int]) -> str:
    return ", ".join(f"{_SHORT.get(k, k)} {v:,}"
                     for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))


def _skipped(info: VersionInfo) -> int:
    return int(info.report.get("skipped", 0) or 0)


def print_lists(console: Console, store: ListStore, as_json: bool) -> None:
    """One row per list: current version, list date, entities, counts by schema."""
    infos = store.lists()
    if as_json:
        print(json.dumps([{"list_id": i.list_id, "title": i.title, "publisher": i.publisher,
                           "versions": i.version_count,
                           "current": i.current.as_dict() if i.current else None}
                          for i in infos], indent=2))
        return
    if not infos:
        console.print("No lists loaded yet. Load the bundled lists with "
                      "`stopship lists load --bundled`.")
        return
    table = Table(title="Lists (current versions)", box=box.SIMPLE_HEAD)
    for col in ("list", "ver", "list date", "entities", "by schema", "skipped*", "source"):
        table.add_column(col, justify="right" if col in ("ver", "entities", "skipped*")
                         else "left", no_wrap=col != "by schema",
                         min_width=24 if col == "by schema" else len(col))
    total = 0
    for info in infos:
        cur = info.current
        if cur is None:
            table.add_row(info.list_id, "-", "", "0", "no complete version", "", "")
            continue
        total += cur.entity_count
        table.add_row(info.list_id, str(cur.version), cur.list_date or "",
                      f"{cur.entity_count:,}", _schemas(cur.counts), f"{_skipped(cur):,}",
                      cur.source_id or "")
    console.print(table)
    console.print(f"{len(infos)} lists, {total:,} entities in current versions. *rows skipped "
                  "in the files the version was read from (lists read from one file share "
                  "them). `stopship lists show LIST` shows versions, files and skip reasons.")


def print_list(console: Console, store: ListStore, list_id: str, as_json: bool) -> None:
    """Every version of one list, then the current version's files and skip reasons."""
    versions = store.versions(list_id)
    if as_json:
        print(json.dumps([dict(v.as_dict(), report=v.report) for v in versions], indent=2,
                         default=str))
        return
    table = Table(title=f"{list_id}: versions (* current)", box=box.SIMPLE_HEAD)
    for col in ("ver", "status", "created (UTC)", "list date", "entities", "source", "error"):
        table.add_column(col, justify="right" if col in ("ver", "entities") else "left",
                         no_wrap=col != "error", min_width=len(col),
                         max_width=60 if col == "error" else None)
    style = {"failed": "[red]", "abandoned": "[yellow]", "loading": "[cyan]"}
    for v in versions:
        status = f"{style[v.status]}{v.status}[/]" if v.status in style else v.status
        table.add_row(f"{v.version}{'*' if v.is_current else ''}", status,
                      v.created_at.strftime("%Y-%m-%d %H:%M"), v.list_date or "",
                      f"{v.entity_count:,}", v.source_id or "", (v.error or "")[:300])
    console.print(table)
    current = next((v for v in versions if v.is_current), None)
    if current is None:
        return
    console.print(f"title: {current.title or ''}")
    console.print(f"publisher: {current.publisher or ''}")
    console.print(f"official URL: {current.url or ''}")
    if current.report.get("origin"):
        console.print(f"origin: {current.report['origin']}")
    files = Table(title="files of the current version")
    for col in ("file", "sha256", "bytes", "rows read", "skipped"):
        files.add_column(col)
    stats = {f.get("name"): f for f in current.report.get("files", [])}
    for f in current.files:
        st = stats.get(f.name, {})
        files.add_row(f.name, f.sha256[:16] + "…", f"{f.size or 0:,}",
                      f"{st.get('rows_read', 0):,}", f"{st.get('skipped', 0):,}")
    console.print(files)
    for reason, count in (current.report.get("skipped_by_reason") or {}).items():
        console.print(f"skipped {count:,} row(s): {reason}")
    for key, count in (current.report.get("not_taken") or {}).items():
        console.print(f"not taken from these files: {key} ({count:,} entities)")


def _default_versions(store: ListStore, list_id: str, old: int | None,
                      new: int | None) -> tuple[int | None, int]:
    complete = [v.version for v in store.versions(list_id) if v.status == "complete"]
    if new is None:
        current = store.current_version(list_id)
        if current is None:
            raise NotFoundError(f"list {list_id!r} has no complete version yet")
        new = current.version
    if old is None:
        earlier = [v for v in complete if v < new]
        old = earlier[-1] if earlier else None
    return old, new


def _short(value: Any, width: int = 70) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= width else text[:width - 1] + "…"


def delta_as_dict(delta: Delta) -> dict[str, Any]:
    return {
        "list_id": delta.list_id, "old_version": delta.old_version,
        "new_version": delta.new_version, "summary": delta.summary(),
        "added": [e.to_dict() for e in delta.added],
        "removed": [e.to_dict() for e in delta.removed],
        "changed": [{"id": c.entity_id, "fields": [
            {"field": f.field, "old": f.old, "new": f.new} for f in c.fields]}
            for c in delta.changed],
    }


def print_delta(console: Console, store: ListStore, list_id: str, old: int | None,
                new: int | None, limit: int, as_json: bool) -> None:
    old, new_version = _default_versions(store, list_id, old, new)
    delta = store.diff(list_id, old, new_version)
    if as_json:
        print(json.dumps(delta_as_dict(delta), indent=2, ensure_ascii=False, default=str))
        return
    s = delta.summary()
    console.print(f"{list_id}: version {old if old is not None else '(none)'} -> "
                  f"{new_version}: {s['added']:,} added, {s['removed']:,} removed, "
                  f"{s['changed']:,} changed")
    for title, items in (("added", delta.added), ("removed", delta.removed)):
        if items:
            table = Table(title=title)
            table.add_column("id")
            table.add_column("schema")
            table.add_column("name")
            for e in items[:limit]:
                table.add_row(e.id, e.schema, e.caption)
            console.print(table)
    if delta.changed:
        table = Table(title="changed")
        for col in ("id", "name", "field", "old", "new"):
            table.add_column(col)
        for c in delta.changed[:limit]:
            for n, f in enumerate(c.fields):
                table.add_row(c.entity_id if n == 0 else "", c.new.caption if n == 0 else "",
                              f.field, _short(f.old), _short(f.new))
        console.print(table)
    shown = max(len(delta.added), len(delta.removed), len(delta.changed))
    if shown > limit:
        console.print(f"(first {limit} of each shown; --limit N or --json for all)")
