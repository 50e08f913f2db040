"""Batch engines: the same SQL jobs run in-process on DuckDB or on Apache Spark.

An engine reads input files into named views, runs SQL and hands results back as Arrow
tables. The jobs in ``stopship.intelligence`` are written once against this interface;
where the dialects differ the engine supplies the expression (``Engine.dialect``).
"""

from __future__ import annotations

from stopship.engines.base import Engine, open_engine

__all__ = ["Engine", "open_engine"]
