"""The three engines that run the step over a lake: local, Dask and Spark.

Athletes go to buckets of whole athletes (`drago.store.lake_files.buckets`, also the results files).
Each engine reads a bucket's rows of the three input tables, stacked into the `INPUT_SCHEMA`
union, and applies `Step` to the bucket, which computes all its athletes at once; the science
is in `Step`, never here. The local engine yields bucket after bucket to the results writer
(memory holds one bucket); Dask and Spark run buckets in parallel and return one frame.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import reduce
from pathlib import Path
from typing import Any, Final

import polars as pl
import pyarrow as pa

from drago.errors import UsageError
from drago.lake.apply import INPUT_SCHEMA, PROJECTIONS, RESULT_SCHEMA, Step, union_rows
from drago.store.lake_files import conform, files, read_files, schema

ENGINES: Final = ("local", "dask", "spark")
#: Spark SQL types of the Polars types the union and the results use.
_SPARK_TYPES: Final[dict[type[pl.DataType], str]] = {
    pl.String: "string",
    pl.Int64: "bigint",
    pl.Int32: "int",
    pl.Float64: "double",
    pl.Boolean: "boolean",
    pl.Date: "date",
    pl.Datetime: "timestamp_ntz",
}


def lake_athletes(manifest: dict[str, Any]) -> list[str]:
    """The athletes with rows in any of the lake's input tables, sorted."""
    names: set[str] = set()
    for table in PROJECTIONS:
        parts = manifest.get("tables", {}).get(table, {}).get("partitions", {})
        names.update(str(entry["athlete"]) for entry in parts.values())
    return sorted(names)


def bucket_files(root: Path, manifest: dict[str, Any], names: list[str]) -> dict[str, list[str]]:
    """The files of each input table holding the athletes `names`."""
    return {
        table: [str(p) for p in files(root, manifest, table, set(names))] for table in PROJECTIONS
    }


def read_bucket(paths: dict[str, list[str]]) -> pl.DataFrame:
    """The `INPUT_SCHEMA` rows of a bucket's files (table -> paths), each table's files read at
    once by Polars (only the columns the step uses)."""
    tables = {}
    for table, (_, columns) in PROJECTIONS.items():
        wanted = ["athlete", *columns.values()]
        found = [Path(p) for p in paths.get(table, [])]
        tables[table] = (
            read_files(found, wanted) if found else conform(pl.DataFrame(), table).select(wanted)
        )
    return union_rows(tables)


def run_local(
    root: Path, manifest: dict[str, Any], step: Step, plan: list[list[str]]
) -> Iterator[tuple[list[str], pl.DataFrame]]:
    """One process, bucket by bucket (memory holds one bucket): Polars reads the bucket's files
    and the step computes all its athletes at once."""
    for names in plan:
        yield names, _finish(step.polars(read_bucket(bucket_files(root, manifest, names))))


def split(daily: pl.DataFrame, plan: list[list[str]]) -> Iterator[tuple[list[str], pl.DataFrame]]:
    """A whole result cut into the plan's buckets (for the results writer)."""
    bucket = {name: k for k, names in enumerate(plan) for name in names}
    keyed = daily.with_columns(
        pl.col("athlete").replace_strict(bucket, default=-1, return_dtype=pl.Int64).alias("_b")
    )
    parts = {int(k[0]): part.drop("_b") for k, part in keyed.group_by("_b")}  # type: ignore[arg-type]
    for k, names in enumerate(plan):
        yield names, parts.get(k, pl.DataFrame(schema=RESULT_SCHEMA))


def _finish(daily: pl.DataFrame) -> pl.DataFrame:
    return daily.select(pl.col(c).cast(t) for c, t in RESULT_SCHEMA.items()).sort("athlete", "date")


# --- Dask -----------------------------------------------------------------------------------


def _empty_pandas(schema: dict[str, pl.DataType]) -> Any:
    import pandas as pd

    return pl.DataFrame(schema=schema).to_arrow().to_pandas(types_mapper=pd.ArrowDtype)


@contextmanager
def dask_client(scheduler: str | None = None) -> Iterator[Any]:
    """A `distributed` client of the scheduler at `scheduler`, else of a LocalCluster of
    single-threaded worker processes on 127.0.0.1 (as many as cores; $DRAGO_DASK_WORKERS)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise UsageError("the dask engine needs: pip install 'drago[lake]'") from exc
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    workers = int(os.environ.get("DRAGO_DASK_WORKERS", str(os.cpu_count() or 2)))
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
            processes=True,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _dask_bucket(paths: dict[str, list[str]], step: Step) -> Any:
    """One Dask task: a bucket's files read and all its athletes computed (pandas out)."""
    import pandas as pd

    return step.polars(read_bucket(paths)).to_arrow().to_pandas(types_mapper=pd.ArrowDtype)


def run_dask(
    root: Path, manifest: dict[str, Any], step: Step, plan: list[list[str]], *, client: Any
) -> pl.DataFrame:
    """Dask: one partition per bucket of whole athletes (`from_map`; the lake is partitioned
    by athlete, so no shuffle), each computed at once by the step, on the `distributed`
    `client`; the workers get the bucket's file list, never the manifest."""
    import dask.dataframe as dd

    if not plan:
        return pl.DataFrame(schema=RESULT_SCHEMA)
    parts = [bucket_files(root, manifest, names) for names in plan]
    result = dd.from_map(
        _dask_bucket, parts, step=step, meta=_empty_pandas(RESULT_SCHEMA), enforce_metadata=False
    )
    table = client.compute(result).result()
    frame = pl.from_arrow(pa.Table.from_pandas(table, preserve_index=False))
    assert isinstance(frame, pl.DataFrame)
    return _finish(frame)


# --- Spark ----------------------------------------------------------------------------------


def spark_schema(schema: dict[str, pl.DataType]) -> str:
    """A Spark DDL schema string of Polars types.

    Examples
    --------
    >>> spark_schema({"athlete": pl.String(), "date": pl.Date()})
    'athlete string, date date'
    """
    return ", ".join(f"{name} {_SPARK_TYPES[type(dtype)]}" for name, dtype in schema.items())


def spark_session(master: str | None = None) -> Any:
    """A SparkSession: local mode on 127.0.0.1 (no UI, few shuffle partitions) or `master`.
    The driver's heap is $DRAGO_SPARK_MEMORY (default 4g; Spark's 1g is too small to collect
    the daily rows of 1,000 athletes x 5 years)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise UsageError("the spark engine needs: pip install 'drago[lake]' and Java 17") from exc
    cores = os.cpu_count() or 2
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers run this Python
    session = (
        SparkSession.builder.master(master or f"local[{cores}]")
        .appName("drago-lake")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", os.environ.get("DRAGO_SPARK_MEMORY", "4g"))
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", str(max(2, cores * 2)))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


@contextmanager
def spark_context(master: str | None = None) -> Iterator[Any]:
    """`spark_session(master)`, stopped after."""
    session = spark_session(master)
    try:
        yield session
    finally:
        session.stop()


def run_spark(
    root: Path, manifest: dict[str, Any], step: Step, plan: list[list[str]], *, spark: Any
) -> pl.DataFrame:
    """Spark: `read.parquet` per table, union by name, a `bucket` column (the plan's, joined
    by athlete), then `groupBy("bucket").applyInArrow`: each bucket reaches the step as one
    Arrow table and all its athletes are computed at once."""
    from pyspark.sql import functions as F

    frames = []
    for table, (kind, columns) in PROJECTIONS.items():
        if not files(root, manifest, table):
            continue
        # One directory, schema given: no listing job, no footer reading per file.
        frame = (
            spark.read.schema(spark_schema(schema(table)))
            .option("recursiveFileLookup", "true")
            .option("pathGlobFilter", "*.parquet")
            .parquet(str(root / table))
        )
        frames.append(
            frame.select(
                F.col("athlete"),
                F.lit(kind).alias("kind"),
                *(F.col(src).alias(dst) for dst, src in columns.items()),
            )
        )
    if not frames or not plan:
        return pl.DataFrame(schema=RESULT_SCHEMA)
    union = reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), frames)
    union = union.select(
        *(F.col(c).cast(_SPARK_TYPES[type(t)]).alias(c) for c, t in INPUT_SCHEMA.items())
    )
    keys = spark.createDataFrame(
        [(name, k) for k, names in enumerate(plan) for name in names], "athlete string, bucket int"
    )
    union = union.join(F.broadcast(keys), on="athlete", how="inner")
    out_schema = pl.DataFrame(schema=RESULT_SCHEMA).to_arrow().schema
    arrow_schema = pa.schema(
        [
            pa.field(
                f.name,
                pa.string()
                if pa.types.is_large_string(f.type) or pa.types.is_string_view(f.type)
                else f.type,
            )
            for f in out_schema
        ]
    )

    def apply(table: pa.Table) -> pa.Table:
        return step.arrow(table).cast(arrow_schema)

    result = union.groupBy("bucket").applyInArrow(apply, schema=spark_schema(RESULT_SCHEMA))
    frame = pl.from_arrow(result.toArrow())
    assert isinstance(frame, pl.DataFrame)
    return _finish(frame)
