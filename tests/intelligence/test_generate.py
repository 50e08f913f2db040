"""`stopship trace generate`: reproducible, realistic, consistent with its truth file."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from stopship.intelligence.generate import GenerateReport, generate
from stopship.intelligence.generate.drift import typo, variants
from stopship.intelligence.reference import chpl

COLUMNS = ["record_id", "date", "importer_name", "importer_tax_id", "importer_country",
           "seller_name", "seller_address", "seller_country", "seller_phone", "origin_country",
           "dispatch_country", "hs_code", "brand", "description", "quantity", "unit", "value_usd"]


def _rows(folder: Path) -> list[dict[str, object]]:
    return pq.read_table(folder / "records").to_pylist()


def test_same_seed_same_rows_and_chunking_does_not_matter(tmp_path: Path) -> None:
    a = generate(3000, 5, tmp_path / "a", chunk_rows=1000)
    b = generate(3000, 5, tmp_path / "b", chunk_rows=1000)
    generate(3000, 6, tmp_path / "c", chunk_rows=1000)
    assert a.rows == b.rows == 3000
    assert _rows(tmp_path / "a") == _rows(tmp_path / "b")
    assert _rows(tmp_path / "a") != _rows(tmp_path / "c")
    assert (tmp_path / "a" / "truth" / "seller_spellings.csv").read_bytes() == \
        (tmp_path / "b" / "truth" / "seller_spellings.csv").read_bytes()


def test_columns_and_values_look_like_declarations(generated: tuple[Path, GenerateReport]) -> None:
    folder, report = generated
    table = pq.read_table(folder / "records")
    assert table.column_names == COLUMNS
    assert table.num_rows == report.rows
    con = duckdb.connect()
    stats = con.execute(f"""
        SELECT count(DISTINCT record_id), min(date), max(date),
               min(length(hs_code)), max(length(hs_code)),
               avg(CASE WHEN importer_country = 'RU' THEN 1 ELSE 0 END),
               sum(CASE WHEN value_usd <= 0 OR quantity <= 0 THEN 1 ELSE 0 END),
               count(DISTINCT seller_name), count(DISTINCT brand)
        FROM read_parquet('{folder}/records/*.parquet')""").fetchone()
    assert stats is not None
    assert stats[0] == report.rows                       # ids unique
    assert stats[1] >= dt.date(2019, 1, 1) and stats[2] <= dt.date(2025, 12, 31)
    assert stats[3] >= 6 and stats[4] <= 10              # HS codes of 6 to 10 digits
    assert 0.2 < stats[5] < 0.8                          # Russia a large share, not all
    assert stats[6] == 0
    assert stats[7] > report.sellers                     # sellers spelled several ways
    assert stats[8] >= 20
    inn = con.execute(f"""SELECT importer_tax_id FROM read_parquet('{folder}/records/*.parquet')
                          WHERE importer_country = 'RU' LIMIT 200""").fetchall()
    assert all(v[0] is None or (len(v[0]) == 10 and v[0].isdigit()) for v in inn)


def test_truth_covers_every_seller_spelling_and_plants_networks(
        generated: tuple[Path, GenerateReport]) -> None:
    folder, report = generated
    with (folder / "truth" / "seller_spellings.csv").open() as fh:
        truth = {(r["seller_name"], r["seller_country"]): r["party_id"] for r in csv.DictReader(fh)}
    seen = {(r["seller_name"], r["seller_country"]) for r in
            pq.read_table(folder / "records", columns=["seller_name", "seller_country"]).to_pylist()}
    assert seen <= set(truth)
    with (folder / "truth" / "planted_intermediaries.csv").open() as fh:
        planted = list(csv.DictReader(fh))
    assert len(planted) == report.planted >= 4
    assert any(p["founded"] > "2022-02-24" for p in planted)
    assert all(p["network"].startswith("N") for p in planted)
    codes = set(chpl())
    con = duckdb.connect()
    ids = ",".join(f"'{p['party_id']}'" for p in planted)
    spellings = [k for k, v in truth.items() if v in {p["party_id"] for p in planted}]
    assert spellings and ids
    names = ",".join("'" + n.replace("'", "''") + "'" for n, _ in spellings)
    share = con.execute(f"""
        SELECT avg(CASE WHEN substr(hs_code, 1, 6) IN ({','.join(repr(c) for c in codes)})
                   THEN 1 ELSE 0 END)
        FROM read_parquet('{folder}/records/*.parquet')
        WHERE seller_name IN ({names}) AND date >= DATE '2022-02-24'
          AND importer_country = 'RU'""").fetchone()
    assert share is not None and share[0] > 0.7           # planted ship mostly CHPL into Russia


def test_drift_keeps_the_canonical_spelling_first_and_varies_the_rest() -> None:
    import random
    rng = random.Random(3)
    out = variants("Xinhe Electronics", ["Co., Ltd.", "CO LTD"], "Shenzhen",
                   {"Electronics": "Elec"}, rng, 6)
    assert out[0] == "Shenzhen Xinhe Electronics Co., Ltd."
    assert len(out) == len(set(out)) and len(out) > 2
    assert typo("abc", rng) == "abc"
    assert typo("Electronics", rng) != "Electronics"
