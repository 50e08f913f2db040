"""The engine interface and the factory that picks DuckDB (default) or Spark."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import pyarrow as pa

from stopship.errors import ConfigError


class Dialect(Protocol):
    def median(self, expr: str) -> str: ...

    def parse_date(self, expr: str, fmt: str | None) -> str: ...

    def digits(self, expr: str) -> str:
        """``expr`` with every non-digit removed."""


class Engine(Protocol):
    """What the intelligence jobs need from a batch engine."""

    name: str

    @property
    def dialect(self) -> Dialect: ...

    def read(self, view: str, paths: Sequence[Path], fmt: str, delimiter: str = ",") -> None:
        """Register files (csv or parquet) as a view; every column read as found."""

    def register(self, view: str, table: pa.Table) -> None:
        """Register an Arrow table (small: lookups computed in Python) as a view."""

    def view(self, name: str, query: str) -> None:
        """Name a query (evaluated on each use, nothing stored)."""

    def materialise(self, table: str, query: str) -> None:
        """Run ``query`` and keep its result as ``table`` (cached for the next queries)."""

    def sql(self, query: str) -> pa.Table:
        """Run a query and return its (small) result."""

    def columns(self, view: str) -> list[str]: ...

    def close(self) -> None: ...


def open_engine(name: str = "duckdb", master: str | None = None,
                workdir: Path | None = None, memory_limit: str | None = None) -> Engine:
    if name == "duckdb":
        from stopship.engines.duckdb_engine import DuckDBEngine
        return DuckDBEngine(workdir=workdir, memory_limit=memory_limit
                            or os.environ.get("STOPSHIP_DUCKDB_MEMORY", "4GB"))
    if name == "spark":
        from stopship.engines.spark_engine import SparkEngine
        return SparkEngine(master=master or "local[2]", workdir=workdir)
    raise ConfigError(f"unknown engine {name!r}: use duckdb or spark")
