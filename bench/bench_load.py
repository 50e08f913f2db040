"""Benchmark: load every bundled list (parse + versioned store write) into a fresh SQLite
store and a fresh PostgreSQL database; target under 20 s each on this machine.

    uv run python bench/bench_load.py [--runs 3] [--no-postgres] [--no-write]

Each run opens a new, empty store (migrations included in "open"), loads all bundled
datasets with ``stopship.store.loader.load_bundled``, then loads them again (every list
reports "unchanged"). Also times the CLI end to end (`stopship lists load --bundled` in
a subprocess: Python start, imports, everything) once. Writes its section of
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import write_section  # noqa: E402

from stopship.store import ListStore  # noqa: E402
from stopship.store.loader import LoadSummary, load_bundled  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
COMMAND = "uv run python bench/bench_load.py"


@contextmanager
def _sqlite() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        yield f"sqlite:///{Path(tmp) / 'stopship.db'}"


@contextmanager
def _postgres() -> Iterator[str]:
    import psycopg

    name = f"stopship_bench_load_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _one_run(make: object) -> dict[str, float | int]:
    with make() as url:  # type: ignore[operator]
        started = time.perf_counter()
        store = ListStore.open(url=url)
        opened = time.perf_counter()
        summary = load_bundled(store)
        loaded = time.perf_counter()
        again = load_bundled(store)
        reloaded = time.perf_counter()
        store.close()
    _check(summary, "created")
    _check(again, "unchanged")
    write = sum(r.seconds for d in summary.datasets for r in d.lists)
    return {"open": opened - started, "load": loaded - opened, "write": write,
            "parse": (loaded - opened) - write, "reload": reloaded - loaded,
            "entities": sum(r.entity_count for d in summary.datasets for r in d.lists),
            "lists": sum(len(d.lists) for d in summary.datasets)}


def _check(summary: LoadSummary, status: str) -> None:
    if not summary.ok:
        raise SystemExit(f"bundled load failed: {summary.as_dict()}")
    bad = [r.list_id for d in summary.datasets for r in d.lists if r.status != status]
    if bad:
        raise SystemExit(f"expected {status} for every list, not for {bad}")


def _cli_seconds() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "stopship.cli.main", "--data-dir", tmp,
                        "lists", "load", "--bundled", "--json"], check=True,
                       stdout=subprocess.DEVNULL)
        return time.perf_counter() - started


def _median(runs: list[dict[str, float | int]], key: str) -> float:
    return float(statistics.median(float(r[key]) for r in runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-write", action="store_true",
                        help="do not touch docs/benchmarks.md")
    args = parser.parse_args()

    load_before = " / ".join(f"{x:.1f}" for x in os.getloadavg()) + " (1, 5, 15 min)"
    backends: dict[str, object] = {"SQLite (WAL, file)": _sqlite}
    if not args.no_postgres:
        backends["PostgreSQL 127.0.0.1"] = _postgres
    rows = []
    entities = lists = 0
    for label, make in backends.items():
        try:
            runs = [_one_run(make) for _ in range(args.runs)]
        except Exception as exc:  # noqa: BLE001 - e.g. PostgreSQL not running
            rows.append(f"| {label} | not measured: {type(exc).__name__}: {exc} | | | | |")
            continue
        entities, lists = int(runs[0]["entities"]), int(runs[0]["lists"])
        row = (f"| {label} | {_median(runs, 'load'):.2f} s | {_median(runs, 'parse'):.2f} s "
               f"| {_median(runs, 'write'):.2f} s | {_median(runs, 'reload'):.2f} s "
               f"| {_median(runs, 'open'):.2f} s |")
        rows.append(row)
        print(row, flush=True)
    cli = _cli_seconds()
    print(f"CLI end to end: {cli:.2f} s", flush=True)

    body = f"""Command: `{COMMAND}` (median of {args.runs} runs per backend, each into a new,
empty database; {platform.python_implementation()} {platform.python_version()}, 2 cores).

All bundled lists: {lists} lists, {entities:,} entities (OFAC SDN, BIS Entity List, MEU,
DPL, UN, and the 9 CSL-only lists). Target: under 20 s.

| backend | load all bundled | of which parse | of which store write | load again (all unchanged) | open + migrate |
|---|---|---|---|---|---|
{chr(10).join(rows)}

`stopship lists load --bundled` end to end on SQLite (a new process: interpreter start,
imports, migrations, parse, write): {cli:.2f} s.

"parse" is reading the gzip-compressed official files with each source's parser;
"store write" is `ListStore.load` (content hashes, JSON, batched inserts of 2,000 rows,
one transaction per list version). Loading unchanged content parses everything again,
then compares the content digest with the current version and writes nothing.
Load average at the start of the run: {load_before} (the 2-core machine was shared with
other jobs; figures on an idle machine are lower).
"""
    if not args.no_write:
        write_section("List loading", body)
    print(body)


if __name__ == "__main__":
    main()
