"""Helpers every command shares: the data dir from the global option, error display."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from stopship import settings
from stopship.errors import StopshipError

err_console = Console(stderr=True)


def data_dir_of(ctx: typer.Context) -> Path:
    root = ctx.find_root()
    explicit = (root.obj or {}).get("data_dir") if root.obj else None
    return settings.data_dir(explicit)


def fail(exc: StopshipError) -> None:
    """Print a StopshipError for a person and exit 1."""
    err_console.print(f"[bold red]error:[/] {exc}")
    raise typer.Exit(1)
