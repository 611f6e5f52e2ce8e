"""The three engines that run the per-athlete step over a lake: local, Dask and Spark.

Each reads the lake's three input tables, stacks them into the `INPUT_SCHEMA` union, groups it
by athlete (the one shuffle) and applies `Step` to every group; the science is in `Step`, never
here. Each returns the daily rows as one Polars frame for the shared results writer.
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
from drago.lake.apply import (
    INPUT_SCHEMA,
    PROJECTIONS,
    RESULT_SCHEMA,
    Step,
    conform_input,
    union_rows,
)
from drago.store.lake_files import files, files_by_athlete, read_table, schema

ENGINES: Final = ("local", "dask", "spark")
#: About how many lake files one Dask task reads (a month of one athlete's table is one small
#: file); a task always holds whole athletes.
FILES_PER_PARTITION: Final = 500
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


def run_local(root: Path, manifest: dict[str, Any], step: Step) -> pl.DataFrame:
    """One process: DuckDB reads the Parquet, Polars groups by athlete, the step runs in turn."""
    tables = {table: read_table(root, table) for table in PROJECTIONS}
    rows = union_rows(tables)
    parts = [step.polars(group) for group in rows.partition_by("athlete", maintain_order=False)]
    return _finish(pl.concat(parts) if parts else pl.DataFrame(schema=RESULT_SCHEMA))


def _finish(daily: pl.DataFrame) -> pl.DataFrame:
    return daily.select(pl.col(c).cast(t) for c, t in RESULT_SCHEMA.items()).sort("athlete", "date")


# --- Dask -----------------------------------------------------------------------------------


def _read_batch(paths: list[str], kind: str, projection: dict[str, str]) -> Any:
    """Some Parquet files of one lake table as `INPUT_SCHEMA` rows (Arrow-backed pandas)."""
    import pandas as pd
    import pyarrow.parquet as pq

    tables = [pq.read_table(p, columns=["athlete", *projection.values()]) for p in paths]
    rows = pl.from_arrow(pa.concat_tables(tables, promote_options="permissive"))
    assert isinstance(rows, pl.DataFrame)
    rows = rows.select(
        pl.col("athlete"),
        pl.lit(kind).alias("kind"),
        *(pl.col(src).alias(dst) for dst, src in projection.items()),
    )
    return conform_input(rows).to_arrow().to_pandas(types_mapper=pd.ArrowDtype)


def batches(paths: list[str], per_batch: int) -> list[list[str]]:
    """`paths` cut into lists of at most `per_batch` (the lake's files are small: one Dask
    partition per file would swamp the scheduler with tasks).

    Examples
    --------
    >>> batches(["a", "b", "c"], 2)
    [['a', 'b'], ['c']]
    """
    return [paths[i : i + per_batch] for i in range(0, len(paths), per_batch)]


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


def _read_athletes(files_by_table: dict[str, list[str]]) -> Any:
    """Every file of some whole athletes, all tables, as `INPUT_SCHEMA` rows (pandas)."""
    import pandas as pd

    frames = [
        _read_batch(paths, PROJECTIONS[table][0], PROJECTIONS[table][1])
        for table, paths in files_by_table.items()
        if paths
    ]
    return pd.concat(frames, ignore_index=True) if frames else _empty_pandas(INPUT_SCHEMA)


def _step_partition(rows: Any, step: Step) -> Any:
    """The per-athlete step over each athlete of one partition (each athlete is whole in it)."""
    if len(rows) == 0:
        return _empty_pandas(RESULT_SCHEMA)
    out = rows.groupby("athlete", sort=False).apply(step.pandas, include_groups=False)
    return out.reset_index(drop=True)


def run_dask(root: Path, manifest: dict[str, Any], step: Step, *, client: Any) -> pl.DataFrame:
    """Dask: a dataframe whose partitions each hold whole athletes (the lake is partitioned by
    athlete, so grouping needs no shuffle), read with `from_map`, then group by athlete and
    apply `step` within each partition (`map_partitions`) on the `distributed` `client`."""
    import dask.dataframe as dd

    by_athlete: dict[str, dict[str, list[str]]] = {}
    for table in PROJECTIONS:
        for athlete, paths in files_by_athlete(root, manifest, table).items():
            tables = by_athlete.setdefault(athlete, {t: [] for t in PROJECTIONS})
            tables[table] += [str(p) for p in paths]
    if not by_athlete:
        return pl.DataFrame(schema=RESULT_SCHEMA)
    per_partition = max(
        1,
        FILES_PER_PARTITION
        * len(by_athlete)
        // max(1, sum(len(paths) for tables in by_athlete.values() for paths in tables.values())),
    )
    groups = batches(sorted(by_athlete), per_partition)
    parts = [
        {t: [p for a in group for p in by_athlete[a][t]] for t in PROJECTIONS} for group in groups
    ]
    rows = dd.from_map(
        _read_athletes, parts, meta=_empty_pandas(INPUT_SCHEMA), enforce_metadata=False
    )
    result = rows.map_partitions(_step_partition, step, meta=_empty_pandas(RESULT_SCHEMA))
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


def run_spark(root: Path, manifest: dict[str, Any], step: Step, *, spark: Any) -> pl.DataFrame:
    """Spark: `read.parquet` per table, union by name, `groupBy("athlete").applyInArrow(step)`
    on the SparkSession `spark`."""
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
    if not frames:
        return pl.DataFrame(schema=RESULT_SCHEMA)
    union = reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), frames)
    union = union.select(
        *(F.col(c).cast(_SPARK_TYPES[type(t)]).alias(c) for c, t in INPUT_SCHEMA.items())
    )
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

    result = union.groupBy("athlete").applyInArrow(apply, schema=spark_schema(RESULT_SCHEMA))
    frame = pl.from_arrow(result.toArrow())
    assert isinstance(frame, pl.DataFrame)
    return _finish(frame)
