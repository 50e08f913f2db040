"""The ``stopship`` command: global options, then one sub-module per command group."""

from __future__ import annotations

from pathlib import Path

import typer

from stopship.cli import lists, orders, screen, server, trace

app = typer.Typer(
    name="stopship",
    help="Screen customers, orders and trade records against export-control lists.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(
    ctx: typer.Context,
    data_dir: Path | None = typer.Option(  # noqa: UP007
        None, "--data-dir", envvar="STOPSHIP_DATA_DIR",
        help="Where lists, indexes and the database live (default: ~/.local/share/stopship).",
    ),
) -> None:
    """stopship: keep export-controlled goods from being diverted to Russia."""
    ctx.ensure_object(dict)
    ctx.obj["data_dir"] = data_dir


lists.register(app)
screen.register(app)
orders.register(app)
server.register(app)
trace.register(app)

if __name__ == "__main__":  # pragma: no cover
    app()
