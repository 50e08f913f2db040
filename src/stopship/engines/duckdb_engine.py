"""DuckDB engine: in-process, no setup; reads CSV/Parquet directly, spills to disk."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pyarrow as pa

from stopship.errors import InputError, Location


class DuckDBDialect:
    def median(self, expr: str) -> str:
        return f"median({expr})"

    def parse_date(self, expr: str, fmt: str | None) -> str:
        if not fmt:
            return f"TRY_CAST({expr} AS DATE)"
        return f"CAST(try_strptime(CAST({expr} AS VARCHAR), '{fmt}') AS DATE)"


    def digits(self, expr: str) -> str:
        return f"regexp_replace(CAST({expr} AS VARCHAR), '[^0-9]', '', 'g')"


def _quote_list(paths: Sequence[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


class DuckDBEngine:
    name = "duckdb"

    def __init__(self, workdir: Path | None = None, memory_limit: str | None = None) -> None:
        self.con = duckdb.connect()
        self.dialect = DuckDBDialect()
        self._tmp = tempfile.mkdtemp(prefix="stopship-duckdb-", dir=workdir)
        self.con.execute(f"SET temp_directory = '{self._tmp}'")
        self.con.execute("SET preserve_insertion_order = false")
        if memory_limit:
            self.con.execute(f"SET memory_limit = '{memory_limit}'")
        self._keep: list[pa.Table] = []

    def read(self, view: str, paths: Sequence[Path], fmt: str, delimiter: str = ",") -> None:
        for path in paths:
            if not Path(path).exists():
                raise InputError("input file not found", Location(file=str(path)))
        if fmt == "parquet":
            source = f"read_parquet({_quote_list(paths)}, union_by_name = true)"
        elif fmt == "csv":
            source = (f"read_csv({_quote_list(paths)}, header = true, all_varchar = true, "
                      f"delim = '{delimiter}', union_by_name = true)")
        else:
            raise InputError(f"unknown input format {fmt!r}", Location(file=str(paths[0])))
        try:
            self.con.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM {source}")
        except duckdb.Error as exc:
            raise InputError(f"cannot read input: {exc}", Location(file=str(paths[0]))) from exc

    def register(self, view: str, table: pa.Table) -> None:
        self._keep.append(table)
        self.con.register(view, table)

    def view(self, name: str, query: str) -> None:
        self.con.execute(f"CREATE OR REPLACE VIEW {name} AS {query}")

    def materialise(self, table: str, query: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TABLE {table} AS {query}")

    def sql(self, query: str) -> pa.Table:
        return self.con.sql(query).to_arrow_table()

    def columns(self, view: str) -> list[str]:
        return [row[0] for row in self.con.execute(f"DESCRIBE {view}").fetchall()]

    def close(self) -> None:
        self.con.close()
        import shutil
        shutil.rmtree(self._tmp, ignore_errors=True)
