"""The DuckDB engine: files in, SQL, Arrow out; dialect pieces the jobs rely on."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from stopship.engines import open_engine
from stopship.errors import ConfigError, InputError


def test_csv_read_all_text_register_and_materialise(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id;code;when\n1;8542 31;01.03.2022\n2;x85-44;bad\n", encoding="utf-8")
    engine = open_engine("duckdb")
    try:
        engine.read("raw", [path], "csv", delimiter=";")
        assert engine.columns("raw") == ["id", "code", "when"]
        d = engine.dialect
        engine.materialise("t", f"SELECT id, {d.digits('code')} AS code, "
                                f"{d.parse_date('`when`', '%d.%m.%Y')} AS dt FROM raw")
        rows = engine.sql("SELECT * FROM t ORDER BY id").to_pylist()
        assert [r["code"] for r in rows] == ["854231", "8544"]
        assert str(rows[0]["dt"]) == "2022-03-01" and rows[1]["dt"] is None
        engine.register("small", pa.table({"x": [3, 1, 2]}))
        assert engine.sql(f"SELECT {d.median('x')} AS m FROM small").to_pylist() == [{"m": 2.0}]
    finally:
        engine.close()


def test_missing_file_and_unknown_engine() -> None:
    engine = open_engine("duckdb")
    try:
        with pytest.raises(InputError):
            engine.read("raw", [Path("/nonexistent/x.parquet")], "parquet")
    finally:
        engine.close()
    with pytest.raises(ConfigError):
        open_engine("oracle")
