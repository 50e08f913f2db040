"""``stopship trace generate``: realistic synthetic trade records with planted networks and a
truth file. Seeded and reproducible; streams Parquet in chunks."""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import pyarrow.parquet as pq

from stopship.intelligence.generate.parties import World
from stopship.intelligence.generate.rows import RowSampler

__all__ = ["GenerateReport", "generate"]


@dataclass
class GenerateReport:
    rows: int
    sellers: int
    planted: int
    buyers: int
    files: list[str]


def generate(rows: int, seed: int, output: Path, chunk_rows: int = 1_000_000,
             rows_per_file: int = 10_000_000) -> GenerateReport:
    """Write ``records/part-*.parquet`` and ``truth/`` under ``output``."""
    output = Path(output)
    (output / "records").mkdir(parents=True, exist_ok=True)
    world = World(rows, seed)
    sampler = RowSampler(world, seed + 1)
    files: list[str] = []
    writer: pq.ParquetWriter | None = None
    in_file = 0
    for table in sampler.chunks(rows, chunk_rows):
        if writer is None or in_file >= rows_per_file:
            if writer is not None:
                writer.close()
            path = output / "records" / f"part-{len(files):05d}.parquet"
            files.append(str(path))
            writer = pq.ParquetWriter(path, table.schema, compression="zstd")
            in_file = 0
        writer.write_table(table)
        in_file += table.num_rows
    if writer is not None:
        writer.close()
    _write_truth(world, output / "truth")
    report = GenerateReport(rows, len(world.sellers), world.n_planted, len(world.buyers), files)
    (output / "generate.json").write_text(json.dumps({**asdict(report), "seed": seed}, indent=2))
    return report


def _write_truth(world: World, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "parties.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["party_id", "kind", "canonical_name", "country", "founded", "network",
                    "listed_as", "shares_address_with", "phone"])
        for s in world.sellers:
            w.writerow([s.pid, s.kind, s.names[0], s.country, s.founded.isoformat(),
                        s.network or "", s.listed_as or "", s.shares_address_with or "", s.phone])
    with (folder / "planted_intermediaries.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["party_id", "canonical_name", "country", "founded", "network", "listed_as"])
        for s in world.sellers:
            if s.kind == "planted":
                w.writerow([s.pid, s.names[0], s.country, s.founded.isoformat(), s.network,
                            s.listed_as or ""])
    with (folder / "seller_spellings.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["seller_name", "seller_country", "party_id"])
        for s in world.sellers:
            for name in s.names:
                w.writerow([name, s.country, s.pid])
    with (folder / "buyers.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["buyer_id", "country", "tax_id", "listed_as", "spellings"])
        for b in world.buyers:
            w.writerow([b.bid, b.country, b.tax_id or "", b.listed_as or "", ";".join(b.names)])
