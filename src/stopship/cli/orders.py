"""CLI commands: ``stopship orders screen|explain`` and ``stopship rules list|show``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
import yaml
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from stopship.cli.common import data_dir_of, err_console, fail
from stopship.errors import InputError, Location, StopshipError
from stopship.model import Entity
from stopship.rules.catalogue import RuleSet, load_ruleset
from stopship.rules.decide import Decision
from stopship.rules.engine import OrderScreener
from stopship.rules.orders_io import FORMATS, read_orders
from stopship.rules.report import OUTPUT_FORMATS, DecisionWriter, Summary

orders_app = typer.Typer(help="Screen orders: parties, items, route and red flags -> decision.",
                         no_args_is_help=True)
rules_app = typer.Typer(help="The order-rule catalogue (R-A1 ... R-D5).", no_args_is_help=True)
console = Console()

RULES_CONFIG = typer.Option(None, "--rules-config", exists=True, dir_okay=False,
                            help="YAML file that enables, disables or tunes rules and country sets.")
ENTITIES = typer.Option(None, "--entities", exists=True, dir_okay=False,
                        help="Screen against list entities from this JSON-lines file "
                             "(Entity.to_dict per line) instead of the loaded lists.")
LISTS = typer.Option(None, "--lists", help="Comma-separated list ids to screen against "
                                           "(default: every loaded list).")


def _ruleset(rules_config: Path | None) -> RuleSet:
    return load_ruleset(config_path=rules_config) if rules_config else load_ruleset()


def _screener(ctx: typer.Context, ruleset: RuleSet, entities: Path | None,
              lists: str | None) -> OrderScreener:
    wanted = [x.strip() for x in lists.split(",") if x.strip()] if lists else None
    if entities is not None:
        ents = []
        for n, line in enumerate(entities.read_text("utf-8").splitlines(), 1):
            if line.strip():
                try:
                    ents.append(Entity.from_dict(json.loads(line)))
                except (ValueError, KeyError, TypeError) as exc:
                    raise InputError(f"not an entity: {exc}", Location(str(entities), n)) from exc
        if wanted:
            ents = [e for e in ents if e.list_id in wanted]
        versions = {lid: f"file {entities.name}" for lid in sorted({e.list_id for e in ents})}
        return OrderScreener.from_entities(ents, ruleset, versions)
    data_dir = data_dir_of(ctx)
    from stopship.store import ListStore

    with ListStore.open(data_dir) as store:
        if not store.current_versions():
            raise InputError(f"no lists are loaded in {data_dir}; run `stopship lists load "
                             "--bundled` first, or pass --entities FILE")
    return OrderScreener.open(data_dir, ruleset, wanted)


@orders_app.command("screen")
def screen(
    ctx: typer.Context,
    input: str = typer.Argument(..., help="Orders file: .json, .jsonl, .csv or .xlsx (- for stdin)."),
    output: str = typer.Option("-", "--output", "-o", help="Where to write decisions (- for stdout)."),
    fmt: str = typer.Option("jsonl", "--format", "-f", help=f"Output format: {', '.join(OUTPUT_FORMATS)}."),
    input_format: str | None = typer.Option(None, "--input-format",
                                            help=f"Input format ({', '.join(FORMATS)}); default from the extension."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid",
                                      help="Screen the valid orders and report the invalid ones, instead of stopping."),
    rules_config: Path | None = RULES_CONFIG,
    entities: Path | None = ENTITIES,
    lists: str | None = LISTS,
    batch_size: int = typer.Option(2000, "--batch-size", help="Orders screened per batch."),
) -> None:
    """Screen every order of INPUT and write one decision per order (clear, review, hold)
    with every fired rule and its evidence; print a summary to stderr."""
    if fmt not in OUTPUT_FORMATS:
        fail(InputError(f"unknown format {fmt!r}; use one of {', '.join(OUTPUT_FORMATS)}"))
    if fmt == "xlsx" and output == "-":
        fail(InputError("xlsx output needs --output FILE.xlsx"))
    try:
        read = read_orders(input, input_format, strict=not skip_invalid)
        for problem in read.problems:
            err_console.print(f"[yellow]skipped:[/] {problem.location}: {problem.message}")
        ruleset = _ruleset(rules_config)
        screener = _screener(ctx, ruleset, entities, lists)
    except StopshipError as exc:
        _show_problems(exc)
        fail(exc)
        return
    summary = Summary()
    writer = DecisionWriter(output, fmt, stdout=sys.stdout)
    with Progress(TextColumn("screening orders"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err_console, transient=True) as progress:
        task = progress.add_task("orders", total=len(read.orders))
        for decision in screener.screen_iter(read.orders, batch_size):
            writer.write(decision)
            summary.add(decision)
            progress.advance(task)
    writer.close(summary)
    _print_summary(summary, ruleset)


def _show_problems(exc: StopshipError) -> None:
    for problem in getattr(exc, "problems", [])[:200]:
        err_console.print(f"[red]problem:[/] {problem.location}: {problem.message}")


def _print_summary(summary: Summary, ruleset: RuleSet) -> None:
    data = summary.as_dict()
    table = Table(title=f"{summary.orders} orders (rules {ruleset.version})")
    table.add_column("decision")
    table.add_column("orders", justify="right")
    for key, value in data["by_decision"].items():
        table.add_row(key, str(value))
    err_console.print(table)
    if summary.by_rule:
        top = Table(title="top rules")
        top.add_column("rule")
        top.add_column("title")
        top.add_column("orders", justify="right")
        for rule_id, count in data["top_rules"]:
            top.add_row(rule_id, ruleset.rules[rule_id].title, str(count))
        err_console.print(top)


@orders_app.command("explain")
def explain(
    ctx: typer.Context,
    order_file: str = typer.Argument(..., metavar="ORDER.json", help="One order as JSON (- for stdin)."),
    as_json: bool = typer.Option(False, "--json", help="Print the decision as JSON."),
    rules_config: Path | None = RULES_CONFIG,
    entities: Path | None = ENTITIES,
    lists: str | None = LISTS,
) -> None:
    """Screen one order and explain the decision in readable form: every fired rule, why,
    the evidence, its source and what would clear it."""
    try:
        read = read_orders(order_file, "json" if order_file == "-" else None)
        ruleset = _ruleset(rules_config)
        screener = _screener(ctx, ruleset, entities, lists)
    except StopshipError as exc:
        _show_problems(exc)
        fail(exc)
        return
    for decision in screener.screen_many(read.orders):
        if as_json:
            console.print_json(json.dumps(decision.as_dict(), ensure_ascii=False))
        else:
            _explain(decision)


def _explain(d: Decision) -> None:
    colour = {"hold": "bold white on red", "review": "bold black on yellow",
              "clear": "bold black on green"}[d.decision]
    console.print(f"Order [bold]{d.order_id}[/]: [{colour}] {d.decision.upper()} [/] "
                  f"(risk score {d.risk_score:.1f})")
    if not d.fired:
        console.print("No rule fired: nothing on the lists, items, route or profile calls for review.")
    for f in d.fired:
        console.print(f"\n[bold]{f.id}[/] {f.title} -> [bold]{f.action}[/] ({f.severity})")
        console.print(f"  why: {f.message}")
        for e in f.evidence:
            line = f"  - {e.field} = {e.value!r}"
            if e.entity_id:
                line += f" ~ {e.entity_name} [{e.entity_id}]"
                if e.score is not None:
                    line += f" score {e.score:.2f}"
            if e.note:
                line += f" ({e.note})"
            console.print(line, highlight=False)
        console.print(f"  clears when: {f.clears_when}")
        console.print(f"  source: {'; '.join(f.sources)}", style="dim")
    console.print(f"\nrules {d.rules_version}; lists: "
                  + (", ".join(f"{k} {v}" for k, v in d.list_versions.items()) or "none")
                  + f"; screened {d.screened_at}", style="dim")


@rules_app.command("list")
def rules_list(rules_config: Path | None = RULES_CONFIG) -> None:
    """List every rule of the catalogue: id, action, severity, enabled, title."""
    try:
        ruleset = _ruleset(rules_config)
    except StopshipError as exc:
        fail(exc)
        return
    table = Table(title=f"order rules {ruleset.version}")
    for col in ("id", "action", "severity", "enabled", "title"):
        table.add_column(col)
    for r in ruleset.rules.values():
        table.add_row(r.id, r.action, r.severity, "yes" if r.enabled else "no", r.title)
    console.print(table)


@rules_app.command("show")
def rules_show(
    rule_id: str = typer.Argument(..., help="A rule id such as R-B1."),
    rules_config: Path | None = RULES_CONFIG,
) -> None:
    """Show one rule: its sentence, sources, action, what clears it and its parameters."""
    try:
        spec = _ruleset(rules_config).get(rule_id)
    except StopshipError as exc:
        fail(exc)
        return
    console.print(f"[bold]{spec.id}[/] {spec.title}")
    console.print(spec.sentence)
    console.print(f"action: {spec.action}   severity: {spec.severity}   "
                  f"enabled: {'yes' if spec.enabled else 'no'}")
    console.print(f"clears when: {spec.clears_when}")
    console.print("sources:")
    for source in spec.sources:
        console.print(f"  - {source}")
    console.print("parameters:")
    console.print(yaml.safe_dump(spec.params, sort_keys=False, allow_unicode=True).rstrip()
                  or "  (none)", highlight=False)


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.add_typer(orders_app, name="orders")
    app.add_typer(rules_app, name="rules")
