"""Benchmark: re-screen a customer master against a list delta.

Generates N customers (default 1,000,000) from Faker's name vocabularies, loads them into
a fresh SQLite (or PostgreSQL with --postgres) server database, then re-screens them
against a delta of D changed entries (default 100: half planted near existing customers).
Uses the real screening engine (``stopship.screening.engine.build_screener``) when it is
importable, else the TokenScreener test double; the output says which. Loading stores each
customer's prepared name (as an import does), which the re-screen runs through the delta's
index; ``--recall`` then screens every customer too and counts the alerts only it found.

    uv run python bench/bench_rescreen.py [--customers 1000000] [--delta 100] [--postgres]
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

from stopship.cases.customers import CustomerRecord, bulk_insert
from stopship.cases.db import make_engine, upgrade
from stopship.cases.rescreen import rescreen
from stopship.cases.testing import FakeDelta, TokenScreener, sqlite_url, temp_postgres
from stopship.model import Entity

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
        cutoff: float | None = None, keys: bool = False) -> dict[str, Any]:
    rng = random.Random(seed)
    upgrade(url)
    engine = make_engine(url)
    names = _names(rng, customers)
    t0 = time.perf_counter()
    step = 50_000
    for start in range(0, customers, step):
        chunk = [CustomerRecord(f"C{start + i}", n) for i, n in enumerate(names[start:start + step])]
        with engine.begin() as conn:
            bulk_insert(conn, chunk, start + 1)
    load_s = time.perf_counter() - t0
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
                      processes=0, **extra)
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
            "screener": label, "load_s": round(load_s, 1), "rescreen_s": round(total, 2),
            "rescreen_cpu_s": round(cpu, 1), "load_average": round(load, 1),
            "blocked": result.blocked, "candidates": result.candidates,
            "candidates_s": round(result.candidates_seconds, 2),
            "alerts": len(result.alerts),
            **({} if missed is None else {
                "missed_vs_full_scan": missed, "full_scan_s": full_s,
                "recall": round(len(result.alerts) / max(1, len(result.alerts) + missed), 4)})}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--delta", type=int, default=100)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--recall", action="store_true",
                        help="also screen every customer, to count what blocking missed")
    parser.add_argument("--prefilter", type=float, default=None,
                        help="token-set ratio cutoff of the old keys' pre-filter (0 = off)")
    parser.add_argument("--keys", action="store_true",
                        help="the older 4-letter-prefix blocking keys instead of the "
                             "stored prepared names (for comparison)")
    args = parser.parse_args(argv)
    if args.postgres:
        with temp_postgres("bench") as url:
            figures = run(url, args.customers, args.delta, recall=args.recall,
                          cutoff=args.prefilter, keys=args.keys)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            figures = run(sqlite_url(Path(tmp)), args.customers, args.delta,
                          recall=args.recall, cutoff=args.prefilter, keys=args.keys)
    for key, value in figures.items():
        print(f"{key:12} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
