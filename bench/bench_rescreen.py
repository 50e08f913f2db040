"""Benchmark: re-screen a customer master against a list delta.

Generates N customers (default 1,000,000) from Faker's name vocabularies, loads them into
a fresh SQLite (or PostgreSQL with --postgres) server database, then re-screens them
against a delta of D changed entries (default 100: half planted near existing customers).
Uses the real screening engine (``stopship.screening.engine.build_screener``) when it is
importable, else the TokenScreener test double; the output says which. Loading stores each
customer's prepared name (as an import does), which the re-screen runs through the delta's
index; ``--recall`` then screens every customer too and counts the alerts only it found.
Runs on SQLite and PostgreSQL (``--backends``) and writes its section of
docs/benchmarks.md (``--no-write`` leaves it alone).

    uv run python bench/bench_rescreen.py [--customers 1000000] [--delta 100] [--recall]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from faker.providers.company.en_US import Provider as CompanyProvider
from faker.providers.person.en_US import Provider as PersonProvider
from faker.providers.person.ru_RU import Provider as RuPersonProvider

from stopship.cases.customers import CustomerRecord
from stopship.cases.db import make_engine, upgrade
from stopship.cases.rescreen import rescreen
from stopship.cases.screening import import_customers
from stopship.cases.testing import FakeDelta, TokenScreener, sqlite_url, temp_postgres
from stopship.model import Entity

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import write_section  # noqa: E402

WORDS = ["Trading", "Logistics", "Components", "Electronics", "Systems", "Industrial",
         "Technologies", "Import Export", "Supply", "Engineering", "Global", "Machinery"]
SUFFIXES = list(CompanyProvider.company_suffixes) + ["LLC", "Ltd", "FZE", "OOO", "GmbH"]


def _names(rng: random.Random, n: int) -> list[str]:
    first = list(PersonProvider.first_names) + list(RuPersonProvider.first_names_male)
    last = list(PersonProvider.last_names) + list(RuPersonProvider.last_names_male)
    out = []
    for _ in range(n):
        if rng.random() < 0.5:
            out.append(f"{rng.choice(first)} {rng.choice(last)}")
        else:
            out.append(f"{rng.choice(last)} {rng.choice(WORDS)} {rng.choice(SUFFIXES)}")
    return out


def _cpu() -> float:
    """CPU seconds (user + system) of this process and its finished forked workers."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _builder() -> tuple[str, Callable[[list[Entity]], Any]]:
    try:
        from stopship.screening.engine import build_screener

        return "stopship.screening.engine.build_screener", build_screener
    except ImportError:
        return "TokenScreener test double (real engine not importable)", TokenScreener


def run(url: str, customers: int, delta_size: int, seed: int = 7, recall: bool = False,
        cutoff: float | None = None, keys: bool = False, processes: int = 0) -> dict[str, Any]:
    rng = random.Random(seed)
    upgrade(url)
    engine = make_engine(url)
    names = _names(rng, customers)
    records = [CustomerRecord(f"C{i}", n) for i, n in enumerate(names)]
    t0 = time.perf_counter()
    c0 = _cpu()
    imported = import_customers(engine, records, None, actor="bench", lists={},
                                source_name="bench", processes=0)
    load_s = time.perf_counter() - t0
    load_cpu = _cpu() - c0
    assert imported.changed == customers
    del records
    changed = []
    for i in range(delta_size):
        base = rng.choice(names) if i % 2 == 0 else _names(rng, 1)[0]
        entity = Entity(list_id="us_ofac_sdn", native_id=f"B{i}", schema="organization",
                        remarks="changed in this version")
        entity.add_name(base, "primary")
        changed.append({"new": entity, "fields": ["remarks"]})
    label, build = _builder()
    t1 = time.perf_counter()
    cpu0 = _cpu()
    extra: dict[str, Any] = {} if cutoff is None else {"prefilter_cutoff": cutoff}
    if keys:
        extra["use_reach"] = False
    result = rescreen(engine, FakeDelta(changed=changed), build, list_id="us_ofac_sdn",
                      old_version="v1", new_version="v2", lists={"us_ofac_sdn": "v2"},
                      processes=processes, **extra)
    total = time.perf_counter() - t1
    cpu = _cpu() - cpu0
    load = os.getloadavg()[0]
    missed = None
    full_s = None
    if recall:  # screen every customer: alerts it opens are the ones blocking missed
        t2 = time.perf_counter()
        full = rescreen(engine, FakeDelta(changed=changed), build, list_id="us_ofac_sdn",
                        old_version="v1", new_version="v2", lists={"us_ofac_sdn": "v2"},
                        processes=0, blocking=False, force=True)
        missed = len(full.alerts)
        full_s = round(time.perf_counter() - t2, 1)
    engine.dispose()
    return {"database": url.split(":")[0], "customers": customers, "delta": delta_size,
            "screener": label, "import_s": round(load_s, 1),
            "import_cpu_s": round(load_cpu, 1), "rescreen_s": round(total, 2),
            "rescreen_cpu_s": round(cpu, 1), "load_average": round(load, 1),
            "blocked": result.blocked, "candidates": result.candidates,
            "candidates_s": round(result.candidates_seconds, 2),
            "alerts": len(result.alerts),
            **({} if missed is None else {
                "missed_vs_full_scan": missed, "full_scan_s": full_s,
                "recall": round(len(result.alerts) / max(1, len(result.alerts) + missed), 4)})}



def _row(f: dict[str, Any]) -> str:
    recall = (f"{f['missed_vs_full_scan']:,} | **{f['recall']}** | {f['full_scan_s']} s"
              if "recall" in f else "not measured | | ")
    return (f"| {f['backend']} | {f['customers']:,} | {f['import_s']} s | {f['import_cpu_s']} s "
            f"| {f['candidates']:,} ({100 * f['candidates'] / max(1, f['customers']):.1f} %) "
            f"| **{f['rescreen_s']} s** | {f['rescreen_cpu_s']} s | {f['alerts']:,} | {recall} "
            f"| {f['load_average']} |")


def _section(rows: list[dict[str, Any]], argv: list[str]) -> str:
    command = "uv run python bench/bench_rescreen.py " + " ".join(argv)
    return f"""Command: `{command.strip()}` (the 2-core machine, shared with other jobs: the
load average over the last minute, read when the re-screen ends, is in the last column).

{rows[0]['delta']} changed list entries (half of them copies of existing customer names, so
they must alert) against generated customers (Faker name vocabularies: ~1,000 first names,
~1,500 last names, 12 trade words, legal suffixes: a much less diverse master than a real
one, where every company name shares a trade word with a dozen delta entries). Screener:
{rows[0]['screener']}.

- **import**: `stopship.cases.screening.import_customers` (the API's and the CLI's path)
  of all customers into an empty database, without screening: external-id lookup, each
  name prepared once (`stopship.cases.prepared.Encoder`, both cores) and bulk writes
  (`stopship.cases.bulk`: `executemany` on SQLite, `COPY` on PostgreSQL).
- **re-screen**: `stopship.cases.rescreen.rescreen` with `processes=0`, as `stopship db
  rescreen` runs it: the delta's engine is built, every customer's stored prepared form is
  read in id ranges by two forked workers and run through the reach test
  (`stopship.cases.reach`), the survivors ("candidates") are screened once per distinct
  record in the same workers, and the alerts are written with their audit events.
  Wall and CPU (user + system of the process and its workers).
- **recall**: the same engine then screens every customer (no reach test) in the same run;
  "missed" counts the alerts only that full scan opened.

CPU counts this process and its forked workers, not the PostgreSQL server. With other
jobs holding one core or more (load average 2-4), wall time is close to CPU time: the two
workers get about one core between them; an idle machine would give them two. Earlier
methods and what changed: "Re-screening: how it got here" below.

| backend | customers | import wall | import CPU | candidates (of all) | re-screen wall | re-screen CPU | alerts | missed vs full scan | recall | full scan wall | load average |
|---|---|---|---|---|---|---|---|---|---|---|---|
{chr(10).join(_row(r) for r in rows)}
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--delta", type=int, default=100)
    parser.add_argument("--backends", default="sqlite,postgres",
                        help="comma-separated: sqlite, postgres (127.0.0.1:5432)")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL only")
    parser.add_argument("--recall", action="store_true",
                        help="also screen every customer, to count what blocking missed")
    parser.add_argument("--prefilter", type=float, default=None,
                        help="token-set ratio cutoff of the old keys' pre-filter (0 = off)")
    parser.add_argument("--keys", action="store_true",
                        help="the older 4-letter-prefix blocking keys instead of the "
                             "stored prepared names (for comparison)")
    parser.add_argument("--processes", type=int, default=0,
                        help="re-screen processes: 0 = both cores, as `stopship db rescreen`; "
                             "1 = in-process, as the server's background re-screen")
    parser.add_argument("--no-write", action="store_true",
                        help="do not touch docs/benchmarks.md")
    args = parser.parse_args(argv)
    backends = ["postgres"] if args.postgres else [
        b.strip() for b in args.backends.split(",") if b.strip()]
    rows = []
    for backend in backends:
        kw = {"recall": args.recall, "cutoff": args.prefilter, "keys": args.keys,
              "processes": args.processes}
        if backend == "postgres":
            with temp_postgres("bench") as url:
                figures = run(url, args.customers, args.delta, **kw)
            figures["backend"] = "PostgreSQL"
        else:
            with tempfile.TemporaryDirectory() as tmp:
                figures = run(sqlite_url(Path(tmp)), args.customers, args.delta, **kw)
            figures["backend"] = "SQLite"
        rows.append(figures)
        for key, value in figures.items():
            print(f"{key:14} {value}", flush=True)
    if not args.no_write and not args.keys and args.prefilter is None and not args.processes:
        write_section("Re-screening a customer master",
                      _section(rows, list(argv if argv is not None else sys.argv[1:])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
