"""Apache Spark engine (pyspark, the ``spark`` extra): the same SQL jobs as DuckDB, for data
that outgrows one machine. ``master`` is ``local[2]`` here, any cluster URL in production.

Also ``screen_with_spark``: screen a customer master on the workers, the screening index
shipped to each executor once (a broadcast variable), hits equal to the local engine's.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from stopship.errors import ConfigError, InputError, Location
from stopship.screening.types import Hit, QueryRecord

_STRFTIME_TO_JAVA = {"%Y": "yyyy", "%y": "yy", "%m": "MM", "%d": "dd", "%H": "HH", "%M": "mm",
                     "%S": "ss", "%b": "MMM", "%B": "MMMM"}


class SparkDialect:
    def median(self, expr: str) -> str:
        return f"percentile({expr}, 0.5)"

    def parse_date(self, expr: str, fmt: str | None) -> str:
        if not fmt:
            return f"try_cast({expr} AS DATE)"
        java = fmt
        for a, b in _STRFTIME_TO_JAVA.items():
            java = java.replace(a, b)
        return f"try_to_date(CAST({expr} AS STRING), '{java}')"


    def digits(self, expr: str) -> str:
        return f"regexp_replace(CAST({expr} AS STRING), '[^0-9]', '')"


def spark_session(master: str = "local[2]", app: str = "stopship", workdir: Path | None = None,
                  shuffle_partitions: int = 8) -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ConfigError("pyspark is not installed: install the extra with "
                          "`uv sync --extra spark` (needs Java 17)") from exc
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    local_dir = tempfile.mkdtemp(prefix="stopship-spark-", dir=workdir)
    builder = (SparkSession.builder.master(master).appName(app)
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
               .config("spark.sql.ansi.enabled", "false")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.local.dir", local_dir)
               .config("spark.driver.memory", os.environ.get("STOPSHIP_SPARK_DRIVER_MEMORY", "3g"))
               .config("spark.sql.execution.arrow.pyspark.enabled", "false"))
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _spark_type(t: pa.DataType) -> Any:
    from pyspark.sql import types as T
    if pa.types.is_integer(t):
        return T.LongType()
    if pa.types.is_floating(t):
        return T.DoubleType()
    if pa.types.is_date(t):
        return T.DateType()
    if pa.types.is_boolean(t):
        return T.BooleanType()
    return T.StringType()


def _arrow_type(t: Any) -> pa.DataType:
    name = type(t).__name__
    return {"LongType": pa.int64(), "IntegerType": pa.int32(), "ShortType": pa.int16(),
            "ByteType": pa.int8(), "DoubleType": pa.float64(), "FloatType": pa.float32(),
            "DateType": pa.date32(), "BooleanType": pa.bool_(),
            "TimestampType": pa.timestamp("us")}.get(name, pa.string())


class SparkEngine:
    name = "spark"

    def __init__(self, master: str = "local[2]", workdir: Path | None = None) -> None:
        self.spark = spark_session(master, workdir=workdir)
        self.dialect = SparkDialect()
        self._cached: list[Any] = []

    def read(self, view: str, paths: Sequence[Path], fmt: str, delimiter: str = ",") -> None:
        for path in paths:
            if not Path(path).exists():
                raise InputError("input file not found", Location(file=str(path)))
        files = [str(p) for p in paths]
        if fmt == "parquet":
            df = self.spark.read.option("mergeSchema", "true").parquet(*files)
        elif fmt == "csv":
            df = self.spark.read.options(header=True, sep=delimiter, multiLine=True,
                                         escape='"').csv(files)
        else:
            raise InputError(f"unknown input format {fmt!r}", Location(file=files[0]))
        df.createOrReplaceTempView(view)

    def register(self, view: str, table: pa.Table) -> None:
        from pyspark.sql import types as T
        schema = T.StructType([T.StructField(f.name, _spark_type(f.type), True)
                               for f in table.schema])
        rows = [tuple(r.values()) for r in table.to_pylist()]
        self.spark.createDataFrame(rows, schema).createOrReplaceTempView(view)

    def view(self, name: str, query: str) -> None:
        self.spark.sql(query).createOrReplaceTempView(name)

    def materialise(self, table: str, query: str) -> None:
        df = self.spark.sql(query).persist()
        df.count()
        df.createOrReplaceTempView(table)
        self._cached.append(df)

    def sql(self, query: str) -> pa.Table:
        df = self.spark.sql(query)
        schema = pa.schema([(f.name, _arrow_type(f.dataType)) for f in df.schema.fields])
        rows = [r.asDict() for r in df.collect()]
        return pa.Table.from_pylist(rows, schema=schema)

    def columns(self, view: str) -> list[str]:
        return list(self.spark.table(view).columns)

    def close(self) -> None:
        for df in self._cached:
            df.unpersist()
        self._cached.clear()
        self.spark.catalog.clearCache()


# -- screening on Spark ---------------------------------------------------------------
def _screen_partition(rows: Iterator[QueryRecord], screener: Any, min_score: float | None,
                      limit: int) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    for record in rows:
        try:
            hits = screener.screen(record, min_score, limit)
        except InputError:  # an unusable record has no hits, as in ``screen_many``
            hits = []
        yield record.id, [_hit_dict(h) for h in hits]


def _hit_dict(h: Hit) -> dict[str, Any]:
    return {"query_id": h.query_id, "entity_id": h.entity_id, "list_id": h.list_id,
            "source_id": h.source_id, "name": h.name, "score": h.score, "schema": h.schema,
            "entity_version": h.entity_version, "summary": h.explanation.summary,
            "query_name": h.explanation.query_name, "matched_name": h.explanation.matched_name,
            "features": h.explanation.features}


def _hit_from(d: dict[str, Any]) -> Hit:
    from stopship.screening.types import Explanation
    return Hit(d["query_id"], d["entity_id"], d["list_id"], d["source_id"], d["name"], d["score"],
               Explanation(d["query_name"], d["matched_name"], d["summary"], d["features"]),
               d["schema"], d["entity_version"])


def screen_with_spark(records: Iterable[QueryRecord], screener: Any, spark: Any | None = None,
                      master: str = "local[2]", min_score: float | None = None, limit: int = 10,
                      partitions: int | None = None) -> list[list[Hit]]:
    """Screen ``records`` on Spark executors; the screener (index + matcher) is broadcast to
    the workers once and each partition screens its records locally. Returns hits per
    record, in the input order (as ``Screener.screen_many``)."""
    session = spark or spark_session(master)
    sc = session.sparkContext
    items = list(records)
    if not items:
        return []
    shared = sc.broadcast(screener)
    rdd = sc.parallelize(items, partitions or max(2, sc.defaultParallelism))
    result = dict(rdd.mapPartitions(
        lambda part: _screen_partition(part, shared.value, min_score, limit)).collect())
    shared.unpersist()
    out = [[_hit_from(h) for h in result.get(r.id, [])] for r in items]
    fill = getattr(screener, "fill_entities", None)
    if fill is not None:  # Hit.entity, as the local engine gives it
        fill(out)
    return out


def screen_file_with_spark(path: Path, screener: Any, spark: Any | None = None,
                           master: str = "local[2]", min_score: float | None = None,
                           limit: int = 10) -> Iterator[tuple[str, list[Hit]]]:
    """Screen a CSV/Parquet customer master read by Spark itself (columns id, name and
    optionally schema, country, address): nothing passes through the driver but hits."""
    session = spark or spark_session(master)
    shared = session.sparkContext.broadcast(screener)
    reader = session.read
    df = (reader.parquet(str(path)) if str(path).endswith(".parquet")
          else reader.options(header=True).csv(str(path)))
    cols = set(df.columns)

    def to_records(rows: Iterable[Any]) -> Iterator[QueryRecord]:
        for row in rows:
            d = row.asDict()
            yield QueryRecord(id=str(d.get("id")), name=str(d.get("name") or ""),
                              schema=d.get("schema") if "schema" in cols else None,
                              country=d.get("country") if "country" in cols else None,
                              address=d.get("address") if "address" in cols else None)

    out = df.rdd.mapPartitions(lambda part: _screen_partition(
        to_records(part), shared.value, min_score, limit)).filter(lambda x: bool(x[1]))
    for rid, hits in out.toLocalIterator():
        yield rid, [_hit_from(h) for h in hits]


def _outcome_partition(rows: Iterator[tuple[int, QueryRecord]], screener: Any,
                       min_score: float | None, limit: int
                       ) -> Iterator[tuple[int, list[dict[str, Any]], str | None]]:
    for seq, record in rows:
        out = screener.outcome(record, min_score, limit)
        yield seq, [_hit_dict(h) for h in out.hits], out.error


class SparkBatchScreener:
    """Runs ``ScreeningEngine.screen_batch``'s contract on Spark: the engine (index and
    matcher) is broadcast to the executors ONCE, then every chunk of records is screened
    there; outcomes come back in input order, with the same hits and refusal reasons as
    the local engine. ``stopship screen --engine spark`` uses it through ``screen_file``."""

    def __init__(self, engine: Any, master: str = "local[2]", spark: Any | None = None,
                 chunk_size: int = 200_000) -> None:
        self.engine = engine
        self.threshold = engine.threshold
        self.lists = engine.lists
        self.session = spark or spark_session(master)
        self._shared = self.session.sparkContext.broadcast(engine)
        self.chunk_size = chunk_size

    def screen_batch(self, records: Iterable[QueryRecord], min_score: float | None = None,
                     limit: int = 10, processes: int | None = None,
                     progress: Any | None = None) -> Iterator[Any]:
        from stopship.screening.engine import Outcome

        sc = self.session.sparkContext
        shared = self._shared
        batch: list[QueryRecord] = []

        def run(chunk: list[QueryRecord]) -> Iterator[Any]:
            rdd = sc.parallelize(list(enumerate(chunk)), max(2, sc.defaultParallelism))
            got = sorted(rdd.mapPartitions(
                lambda part: _outcome_partition(part, shared.value, min_score, limit)).collect())
            outcomes = [Outcome(chunk[seq], [_hit_from(h) for h in hits], error)
                        for seq, hits, error in got]
            self.engine.fill_entities(o.hits for o in outcomes)  # Hit.entity, as locally
            yield from outcomes
            if progress:
                progress(len(chunk))

        for record in records:
            batch.append(record)
            if len(batch) >= self.chunk_size:
                yield from run(batch)
                batch = []
        if batch:
            yield from run(batch)

    def close(self) -> None:
        self._shared.unpersist()
