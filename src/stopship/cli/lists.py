"""CLI commands: ``stopship lists load|update|show|diff|export``.

Thin commands over ``stopship.store`` (ListStore, loader, fetch, export). Progress bars
and tables go to stderr/stdout through rich; ``--json`` prints machine-readable output.
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from stopship.cli.common import data_dir_of, err_console, fail
from stopship.errors import ConfigError, Location, StopshipError
from stopship.settings import ENV_DATABASE_URL
from stopship.store import ListStore
from stopship.store.loader import LoadProgress, LoadSummary

# Tables are wide: keep them readable when piped (rich falls back to 80 columns).
console = Console(width=None if sys.stdout.isatty() else 160)
lists_app = typer.Typer(help="Load, update, inspect, compare and export restricted-party "
                             "lists (versioned; a load becomes current only when complete).",
                        no_args_is_help=True)

SKIPPED_SHOWN = 10  # skipped rows listed with file, line and field after a load
DB_HELP = ("Database URL (default: SQLite in the data directory); e.g. "
           "postgresql://postgres@127.0.0.1:5432/stopship.")


def _db_option() -> Any:
    return typer.Option(None, "--database-url", envvar=ENV_DATABASE_URL, help=DB_HELP)


def _allow_shrink_option() -> Any:
    return typer.Option(False, "--allow-shrink", help="Accept a new version that drops "
                        "more than --max-drop of the current version's entities or is "
                        "under half its size (refused by default: a truncated file).")


def _max_drop_option() -> Any:
    return typer.Option(0.2, "--max-drop", min=0.0, max=1.0, help="Share of the current "
                        "version's entities a new version may drop (0-1).")


def _wait_option() -> Any:
    return typer.Option(0.0, "--wait", min=0.0, help="Seconds to wait while another "
                        "load of the same list runs (default: fail at once).")


def _open(ctx: typer.Context, database_url: str | None) -> ListStore:
    return ListStore.open(data_dir_of(ctx), database_url)


class _RichProgress(LoadProgress):
    """Parse and write progress on stderr (hidden when stderr is not a terminal)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def _task(self, key: str, description: str, total: int | None) -> TaskID:
        if key not in self.tasks:
            self.tasks[key] = self.progress.add_task(description, total=total)
        return self.tasks[key]

    def parsing(self, label: str, entities: int, done: bool = False) -> None:
        task = self._task(f"parse:{label}", f"parse {label}", None)
        self.progress.update(task, completed=entities, total=entities if done else None)

    def writing(self, list_id: str, done: int, total: int) -> None:
        task = self._task(f"write:{list_id}", f"write {list_id}", total)
        self.progress.update(task, completed=done)


@contextmanager
def _progress() -> Any:
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   console=err_console, transient=True)
    with bar:
        yield _RichProgress(bar)


def _print_summary(summary: LoadSummary) -> None:
    table = Table(title="Load summary (+ added, - removed, ~ changed since the previous "
                        "version)", box=box.SIMPLE_HEAD)
    for col in ("list", "status", "ver", "rows read", "entities", "+", "-", "~", "skipped"):
        table.add_column(col, justify="left" if col in ("list", "status") else "right",
                         no_wrap=col != "list", min_width=len(col))
    for ds in summary.datasets:
        rows = f"{ds.rows_read:,}"
        table.add_section()
        table.add_row(f"[bold]{ds.label}[/]", "[red]failed[/]" if ds.error else "", "",
                      rows if ds.files else "", "", "", "", "",
                      f"{len(ds.skipped):,}" if ds.files else "")
        for r in ds.lists:
            table.add_row(f"  {r.list_id}", r.status, str(r.version), "",
                          f"{r.entity_count:,}", f"{r.added:,}", f"{r.removed:,}",
                          f"{r.changed:,}", "")
    console.print(table)
    for ds in summary.datasets:
        if ds.error:
            err_console.print(f"[bold red]error[/] {ds.label}: {ds.error}")
        for reason, count in ds.skipped_by_reason().most_common():
            console.print(f"  {ds.label}: skipped {count:,} row(s): {reason}")
        if ds.not_taken:
            taken = ", ".join(f"{k} ({v:,})" for k, v in sorted(ds.not_taken.items()))
            console.print(f"  {ds.label}: not taken from these files: {taken}")
        for note in ds.notes:
            console.print(f"  {ds.label}: {note}")
        for fs in ds.files:
            if fs.skipped:
                console.print(f"  {fs.name}: {fs.rows_read:,} rows read, {fs.skipped:,} skipped")
        for row in ds.skipped[:SKIPPED_SHOWN]:
            console.print(f"    skipped: {Location(row.file, row.line, row.field)}: {row.reason}",
                          soft_wrap=True)
        if len(ds.skipped) > SKIPPED_SHOWN:
            console.print(f"    (first {SKIPPED_SHOWN} of {len(ds.skipped):,} skipped rows shown; "
                          "--json or `stopship lists show LIST` for more)")


def _finish(summary: LoadSummary, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(summary.as_dict(), indent=2, default=str))
    else:
        _print_summary(summary)
    if not summary.ok:
        raise typer.Exit(1)


@lists_app.command("load")
def load(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(None, help="List files to load (one source per call)."),
    bundled: bool = typer.Option(False, "--bundled", help="Load every list shipped with "
                                 "stopship (see docs/data-sources.md)."),
    dataset: list[str] = typer.Option(None, "--dataset", help="With --bundled: only this "
                                      "dataset or list id (repeatable)."),
    source: str | None = typer.Option(None, "--source", help="Source id: us_ofac_sdn, "
                                      "us_trade_csl, un_sc, tabular, ftm (default: guessed "
                                      "from the file names)."),
    mapping: Path | None = typer.Option(None, "--mapping", help="Mapping YAML for a "
                                        "tabular list (CSV, XLSX, JSON)."),
    list_id: list[str] = typer.Option(None, "--list-id", help="Take only this list id from "
                                      "the files (repeatable); for FtM files: the list id to "
                                      "give the entities."),
    strict: bool = typer.Option(False, "--strict", help="Fail on the first bad row "
                                "instead of skipping and reporting it."),
    max_bytes: int | None = typer.Option(None, "--max-bytes", help="Refuse any file "
                                         "(or what a .gz unpacks to) larger than this."),
    allow_shrink: bool = _allow_shrink_option(),
    max_drop: float = _max_drop_option(),
    wait: float = _wait_option(),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    database_url: str | None = _db_option(),
) -> None:
    """Load list files (or the bundled lists) as new list versions.

    Each list becomes a new version, current only when completely written; a failed
    load leaves the current version in place, and so does a new version that drops
    much of the current one (unless --allow-shrink). Identical content is reported as
    "unchanged" and writes nothing."""
    from stopship.store.loader import load_bundled, load_files

    if bundled == bool(paths):
        fail(ConfigError("give list files to load, or --bundled (not both)"))
    try:
        with _open(ctx, database_url) as store, _progress() as progress:
            if bundled:
                summary = load_bundled(store, only=dataset or None, strict=strict,
                                       progress=progress, allow_shrink=allow_shrink,
                                       max_drop=max_drop, lock_wait=wait)
            else:
                summary = LoadSummary([load_files(
                    store, source, paths, mapping=mapping, list_ids=list_id or None,
                    strict=strict, max_bytes=max_bytes, progress=progress,
                    allow_shrink=allow_shrink, max_drop=max_drop, lock_wait=wait)])
    except StopshipError as exc:
        fail(exc)
    _finish(summary, as_json)


@lists_app.command("update")
def update(
    ctx: typer.Context,
    dataset: list[str] = typer.Option(None, "--dataset", help="Only this dataset or list "
                                      "id (repeatable)."),
    url_override: list[str] = typer.Option(None, "--url-override", help="NAME=URL: fetch "
                                           "feed file NAME (or DATASET:NAME) from URL."),
    sha256: list[str] = typer.Option(None, "--sha256", help="NAME=HEX: the expected "
                                     "sha256 of feed file NAME."),
    timeout: float = typer.Option(60.0, "--timeout", help="Seconds per network operation."),
    retries: int = typer.Option(3, "--retries", help="Further attempts after a failure."),
    max_bytes: int = typer.Option(512 * 1024 * 1024, "--max-bytes",
                                  help="Refuse a download larger than this."),
    strict: bool = typer.Option(False, "--strict", help="Fail on the first bad row."),
    allow_shrink: bool = _allow_shrink_option(),
    max_drop: float = _max_drop_option(),
    wait: float = _wait_option(),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    database_url: str | None = _db_option(),
) -> None:
    """Fetch the official live feeds (OFAC SDN, UN, trade.gov CSL) and load them.

    Needs the network; nothing else in stopship uses it. Downloads are kept in
    <data dir>/downloads/."""
    from stopship.store.fetch import Fetcher
    from stopship.store.fetch import update as run_update

    try:
        overrides = _pairs(url_override, "--url-override")
        checksums = _pairs(sha256, "--sha256")
        fetcher = Fetcher(timeout=timeout, retries=retries, max_bytes=max_bytes)
        with _open(ctx, database_url) as store, _progress() as progress:
            summary = run_update(store, data_dir_of(ctx) / "downloads",
                                 only=dataset or None, overrides=overrides,
                                 checksums=checksums, fetcher=fetcher, strict=strict,
                                 progress=progress, allow_shrink=allow_shrink,
                                 max_drop=max_drop, lock_wait=wait)
        fetcher.close()
    except StopshipError as exc:
        fail(exc)
    _finish(summary, as_json)


@lists_app.command("show")
def show(
    ctx: typer.Context,
    list_name: str | None = typer.Argument(None, metavar="[LIST]",
                                           help="A list id: show all its versions."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    database_url: str | None = _db_option(),
) -> None:
    """Show the lists and their current versions, or every version of one list:
    dates, entity counts by schema, rows read and skipped, source and files."""
    from stopship.cli.lists_show import print_list, print_lists

    try:
        with _open(ctx, database_url) as store:
            if list_name:
                print_list(console, store, list_name, as_json)
            else:
                print_lists(console, store, as_json)
    except StopshipError as exc:
        fail(exc)


@lists_app.command("diff")
def diff(
    ctx: typer.Context,
    list_name: str = typer.Argument(..., metavar="LIST", help="A list id."),
    old: int | None = typer.Argument(None, help="Old version (default: the one before "
                                     "NEW)."),
    new: int | None = typer.Argument(None, help="New version (default: current)."),
    limit: int = typer.Option(50, "--limit", help="Entities shown per kind of change."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole delta as JSON."),
    database_url: str | None = _db_option(),
) -> None:
    """Show what changed between two versions of a list: added, removed and changed
    entities with the fields that changed."""
    from stopship.cli.lists_show import print_delta

    try:
        with _open(ctx, database_url) as store:
            print_delta(console, store, list_name, old, new, limit, as_json)
    except StopshipError as exc:
        fail(exc)


@lists_app.command("export")
def export(
    ctx: typer.Context,
    list_name: str = typer.Argument(..., metavar="LIST", help="A list id."),
    fmt: str = typer.Option("jsonl", "--format", help="jsonl, csv or ftm."),
    output: str = typer.Option("-", "--output", "-o", help="File to write; - for stdout."),
    version: int | None = typer.Option(None, "--version", help="Version (default: current)."),
    database_url: str | None = _db_option(),
) -> None:
    """Export a list version's entities as JSON lines, CSV or FollowTheMoney."""
    from stopship.store.export import FORMATS, write

    if fmt not in FORMATS:
        fail(ConfigError(f"unknown format {fmt!r}; use {', '.join(FORMATS)}"))
    try:
        with _open(ctx, database_url) as store:
            entities = store.iter_entities(list_name, version)
            if output == "-":
                count = write(entities, sys.stdout, fmt)
            else:
                with open(output, "w", encoding="utf-8", newline="") as out:
                    count = write(entities, out, fmt)
    except StopshipError as exc:
        fail(exc)
    except BrokenPipeError:  # `... | head`: the reader has had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None
    except OSError as exc:
        fail(ConfigError(f"cannot write {output}: {exc}"))
    err_console.print(f"exported {count:,} record(s) of {list_name}")


def _pairs(values: list[str] | None, option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values or []:
        key, sep, rest = value.partition("=")
        if not sep or not key or not rest:
            raise ConfigError(f"{option} takes NAME=VALUE, not {value!r}")
        out[key] = rest
    return out


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.add_typer(lists_app, name="lists")
