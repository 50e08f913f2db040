"""Screen a whole customer file into a report: the job behind ``stopship screen``."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from stopship.errors import InputError, Location
from stopship.screening.engine import Outcome, ScreeningEngine
from stopship.screening.readers import Row, read_records
from stopship.screening.types import QueryRecord
from stopship.screening.writers import ResultWriter, guess_format


def screen_file(engine: ScreeningEngine, source: str | Path, output: str,
                fmt: str | None = None, min_score: float | None = None, limit: int = 10,
                processes: int | None = None,
                progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Screen every row of ``source`` and write ``output``; returns the summary
    (records, alerts, unscreened rows, hits, seconds, records per second)."""
    kind = guess_format(output, fmt)
    if str(source) != "-" and not Path(source).exists():
        raise InputError("file not found", Location(str(source)))
    writer = ResultWriter(output, kind)
    lines: dict[int, int] = {}
    bad: list[tuple[int, Row]] = []
    counter = iter(range(1, 1 << 62))

    def records() -> Iterator[QueryRecord]:
        for row in read_records(source):
            if row.error is not None or row.record is None:
                bad.append((row.line, row))
                continue
            assert row.record is not None
            seq = next(counter)
            lines[seq] = row.line
            yield row.record

    started = time.perf_counter()
    stats = {"records": 0, "alerts": 0, "hits": 0, "unscreened": 0}

    def flush_bad() -> None:
        while bad:
            line, row = bad.pop(0)
            rec = row.record or QueryRecord(f"line-{line}", "")
            writer.write(Outcome(rec, [], row.error), line)
            stats["records"] += 1
            stats["unscreened"] += 1

    seq = 0
    for outcome in engine.screen_batch(records(), min_score, limit, processes, progress=progress):
        seq += 1
        flush_bad()
        stats["records"] += 1
        if outcome.error:
            stats["unscreened"] += 1
        elif outcome.hits:
            stats["alerts"] += 1
            stats["hits"] += len(outcome.hits)
        writer.write(outcome, lines.pop(seq, 0))
    flush_bad()
    seconds = time.perf_counter() - started
    summary: dict[str, Any] = {
        **stats,
        "seconds": round(seconds, 2),
        "records_per_second": round(stats["records"] / seconds, 1) if seconds > 0 else 0.0,
        "threshold": min_score if min_score is not None else engine.threshold,
        "lists": ",".join(engine.lists),
    }
    writer.close(summary)
    return summary
