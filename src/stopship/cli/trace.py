"""CLI commands: ``stopship trace generate`` and ``stopship trace run``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from stopship.errors import StopshipError

trace_app = typer.Typer(
    name="trace", no_args_is_help=True,
    help="Find the intermediaries in trade records: generate data, run the analysis.")
_err = Console(stderr=True)


@trace_app.command("generate")
def generate_cmd(
    rows: int = typer.Option(100_000, "--rows", min=1, help="Number of declaration lines."),
    seed: int = typer.Option(1, "--seed", help="Random seed (same seed, same data)."),
    output: Path = typer.Option(..., "--output", "-o", help="Folder for records/ and truth/."),
    chunk_rows: int = typer.Option(1_000_000, "--chunk-rows", min=1000,
                                   help="Rows per Parquet write."),
) -> None:
    """Generate realistic trade records with planted transshipment networks and a truth file."""
    from stopship.intelligence.generate import generate
    try:
        report = generate(rows, seed, output, chunk_rows=chunk_rows)
    except StopshipError as exc:
        _err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    typer.echo(f"{report.rows:,} rows, {report.sellers:,} sellers ({report.planted} planted "
               f"intermediaries), {report.buyers:,} buyers -> {output}")


@trace_app.command("run")
def run_cmd(
    ctx: typer.Context,
    inputs: list[Path] = typer.Argument(
        ..., help="Trade record files (CSV/Parquet) or folders; the folder written by "
        "`trace generate` means its records/."),
    output: Path = typer.Option(..., "--output", "-o", help="Folder for the outputs."),
    engine: str = typer.Option("duckdb", "--engine", help="duckdb (default) or spark."),
    master: str = typer.Option("local[2]", "--master", help="Spark master URL (--engine spark)."),
    mapping: Path | None = typer.Option(None, "--mapping",  # noqa: UP007
                                        help="Vendor mapping YAML (default: canonical layout)."),
    customers: Path | None = typer.Option(None, "--customers",  # noqa: UP007
                                          help="A manufacturer's customer file to screen."),
    weights: Path | None = typer.Option(None, "--weights",  # noqa: UP007
                                        help="Risk weights YAML (default: shipped)."),
    evidence: Path | None = typer.Option(  # noqa: UP007
        None, "--evidence", help="Components found in weapons (CSV: manufacturer, part_number, "
        "hs_code, weapon_system, date): weights the brands and codes found."),
    list_ids: list[str] = typer.Option([], "--list", help="Lists to check (default: all loaded)."),
    min_score: float = typer.Option(50.0, "--min-score", help="Score for the high-risk list."),
    top_share: float | None = typer.Option(None, "--top-share",  # noqa: UP007
                                           help="Cap the high-risk list at this share of parties."),
    no_letters: bool = typer.Option(False, "--no-letters", help="Skip the supplier letters."),
) -> None:
    """Resolve parties, score them, write the high-risk list, letters, network and report."""
    from stopship.intelligence.ingest import trade_inputs
    from stopship.intelligence.listed import load_list_context
    from stopship.intelligence.run import run
    try:
        inputs, notes = trade_inputs(inputs)
        for note in notes:
            _err.print(f"note: {note}", markup=False, highlight=False, soft_wrap=True)
        lists = load_list_context((ctx.obj or {}).get("data_dir"), list_ids or None)
        for w in lists.warnings:
            _err.print(f"[yellow]warning:[/yellow] {w}")
        result = run(inputs, output, lists, engine=engine, master=master, mapping=mapping,
                     weights=str(weights) if weights else None, customers=customers,
                     min_score=min_score, top_share=top_share, letters=not no_letters,
                     progress=lambda m: _err.print(f"[dim]{m}[/dim]"), evidence=evidence)
    except StopshipError as exc:
        _err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    a = result.analysis
    typer.echo(f"{a.ingest.rows_kept:,} records, {len(a.ranked):,} parties, "
               f"{result.high_risk} high-risk -> {output / 'high_risk_parties.csv'}; "
               f"{len(result.letters)} letters")


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.add_typer(trace_app, name="trace")
