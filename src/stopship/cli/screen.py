"""CLI commands: ``stopship screen`` (a customer file) and ``stopship check`` (one name)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from stopship.cli.common import data_dir_of, err_console, fail
from stopship.errors import InputError, StopshipError


def _lists(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [v.strip() for v in value.split(",") if v.strip()] or None


def screen_command(
    ctx: typer.Context,
    input: str = typer.Argument(..., help="Customer file: CSV, XLSX, Parquet or JSONL "
                                "(columns id,name[,schema,country,dob,address,identifiers]); "
                                "- reads stdin."),
    output: str = typer.Option(..., "--output", "-o", help="Where to write results; - for stdout."),
    lists: str | None = typer.Option(None, "--lists", help="Comma-separated list ids "
                                     "(default: every loaded list), e.g. us_ofac_sdn,us_bis_el."),
    min_score: float | None = typer.Option(None, "--min-score", min=0.0, max=1.0,
                                           help="Report hits at or above this score "
                                           "(default: the recommended threshold)."),
    fmt: str | None = typer.Option(None, "--format", help="jsonl, csv, xlsx or html "
                                   "(default: from the output's extension, else jsonl)."),
    processes: int | None = typer.Option(None, "--processes", help="Worker processes "
                                         "(default: all cores)."),
    engine_name: str = typer.Option("local", "--engine", help="local (this machine's cores) "
                                    "or spark (the index is broadcast to the executors once)."),
    master: str = typer.Option("local[2]", "--master", help="Spark master URL with "
                               "--engine spark, e.g. local[2] or spark://host:7077."),
) -> None:
    """Screen every record of a customer file against the restricted-party lists."""
    from stopship.screening.batch import screen_file
    from stopship.screening.open import open_screener

    if engine_name not in ("local", "spark"):
        fail(InputError(f"unknown engine {engine_name!r}; use local or spark"))
    try:
        engine = open_screener(data_dir_of(ctx), _lists(lists))
        if engine_name == "spark":
            from stopship.engines.spark_engine import SparkBatchScreener

            engine = SparkBatchScreener(engine, master=master)  # type: ignore[assignment]
        with Progress(TextColumn("screening"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err_console, transient=True) as bar:
            task = bar.add_task("screen", total=None)
            summary = screen_file(engine, input, output, fmt, min_score, processes=processes,
                                  progress=lambda n: bar.advance(task, n))
    except StopshipError as exc:
        fail(exc)
        return
    err_console.print(
        f"[bold]{summary['records']:,}[/] records, [bold]{summary['alerts']:,}[/] alerts "
        f"({summary['hits']:,} hits), {summary['unscreened']:,} not screened, "
        f"{summary['seconds']:.1f} s, {summary['records_per_second']:,.0f} records/s; "
        f"threshold {summary['threshold']}; results in {output}")


def check_command(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The name to check, in any script."),
    country: str | None = typer.Option(None, "--country", help="ISO code or country name."),
    schema: str | None = typer.Option(None, "--schema", help="person, organization, vessel "
                                      "or aircraft."),
    dob: str | None = typer.Option(None, "--dob", help="Date of birth (YYYY-MM-DD or YYYY)."),
    identifiers: str | None = typer.Option(None, "--ids", help="Identifiers, e.g. "
                                           "'INN 7707083893; IMO 9123456'."),
    lists: str | None = typer.Option(None, "--lists", help="Comma-separated list ids."),
    min_score: float | None = typer.Option(None, "--min-score", min=0.0, max=1.0,
                                           help="Show hits at or above this score "
                                           "(default: 0.5, to show near misses too)."),
    limit: int = typer.Option(5, "--limit", help="How many hits to show."),
) -> None:
    """Check one name and print the top hits with their explanations."""
    from stopship.screening.open import open_screener
    from stopship.screening.types import QueryRecord

    try:
        engine = open_screener(data_dir_of(ctx), _lists(lists))
        record = QueryRecord("check", name, schema, country, dob, None,
                             [identifiers] if identifiers else [])
        hits = engine.screen(record, 0.5 if min_score is None else min_score, limit)
    except InputError as exc:
        fail(exc)
        return
    except StopshipError as exc:
        fail(exc)
        return
    console = Console()
    if not hits:
        console.print(f"no hits for {name!r} (threshold {engine.threshold})")
        return
    table = Table(title=f"{name}  (alert threshold {engine.threshold})")
    for col in ("#", "score", "alert", "list", "source id", "list name"):
        table.add_column(col, overflow="fold")
    for i, h in enumerate(hits, start=1):
        table.add_row(str(i), f"{h.score:.2f}", "ALERT" if h.score >= engine.threshold else "",
                      h.list_id, h.source_id, h.name)
    console.print(table)
    for i, h in enumerate(hits, start=1):
        console.print(f"[bold]{i}.[/] {escape(h.explanation.summary)}", highlight=False)


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.command("screen")(screen_command)
    app.command("check")(check_command)


__all__ = ["register", "Path"]
