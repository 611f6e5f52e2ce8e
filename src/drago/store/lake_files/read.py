"""Reading a lake and its results with DuckDB over Parquet (one process; no store needed)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from drago.errors import BadInput
from drago.store.lake_files.layout import (
    ATHLETES_FILE,
    RESULTS_FORMAT,
    conform,
    files,
    read_manifest,
)


def _scan(paths: list[Path], sql: str = "SELECT * FROM t") -> pl.DataFrame:
    """Run `sql` over the Parquet files as table `t` (an in-memory DuckDB, closed after)."""
    con = duckdb.connect()
    try:
        listing = ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths)
        con.execute(
            f"CREATE VIEW t AS SELECT * FROM read_parquet([{listing}], "
            "hive_partitioning = false, union_by_name = true)"
        )
        frame: pl.DataFrame = con.sql(sql).pl()
        return frame
    except duckdb.Error as exc:
        raise BadInput(paths[0].parent if paths else None, f"unreadable Parquet: {exc}") from exc
    finally:
        con.close()


def read_athletes(root: Path) -> pl.DataFrame:
    """The lake's athletes table."""
    read_manifest(root)
    path = root / ATHLETES_FILE
    if not path.is_file():
        raise BadInput(root, f"not a drago lake: no {ATHLETES_FILE}")
    return conform(_scan([path]), "athletes")


def read_table(root: Path, table: str, athletes: Iterable[str] | None = None) -> pl.DataFrame:
    """All rows of a partitioned table (of some athletes), conformed to its schema."""
    manifest = read_manifest(root)
    chosen = None if athletes is None else set(athletes)
    paths = files(root, manifest, table, chosen)
    if not paths:
        return conform(pl.DataFrame(), table)
    return conform(_scan(paths), table)


def read_results(out: Path, athletes: Iterable[str] | None = None) -> pl.DataFrame:
    """The `daily` results table of a compute output (of some athletes), sorted: a Polars
    scan of the files that hold them (few: results are bucketed by athlete)."""
    manifest = read_manifest(out, kind=RESULTS_FORMAT)
    chosen = None if athletes is None else set(athletes)
    paths = files(out, manifest, "daily", chosen)
    if not paths:
        return pl.DataFrame()
    frame = read_files(paths)
    if chosen is not None:
        frame = frame.filter(pl.col("athlete").is_in(sorted(chosen)))
    return frame.sort("athlete", "date")


def read_files(paths: list[Path], columns: list[str] | None = None) -> pl.DataFrame:
    """Parquet files of one table read at once by Polars (in parallel), only `columns` (all
    when None); BadInput naming the directory when one is unreadable."""
    try:
        return pl.read_parquet(
            [str(p) for p in paths],
            columns=columns,
            hive_partitioning=False,
            missing_columns="insert",
        )
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise BadInput(paths[0].parent, f"unreadable Parquet: {exc}") from exc


def read_inputs(
    root: Path, manifest: dict[str, Any], columns: dict[str, list[str]], athletes: Iterable[str]
) -> dict[str, pl.DataFrame]:
    """Some athletes' rows of the lake's partitioned tables (`columns`: table -> columns to
    read), each table's files read at once by Polars; a table without files is empty."""
    chosen = set(athletes)
    out = {}
    for table, wanted in columns.items():
        paths = files(root, manifest, table, chosen)
        if paths:
            out[table] = read_files(paths, wanted)
        else:
            out[table] = conform(pl.DataFrame(), table).select(wanted)
    return out


def results_overview(out: Path) -> pl.DataFrame:
    """Each athlete's latest day in a compute output: load, CTL, ATL, TSB, ACWR and verdict."""
    manifest = read_manifest(out, kind=RESULTS_FORMAT)
    paths = files(out, manifest, "daily")
    if not paths:
        return pl.DataFrame()
    return _scan(
        paths,
        """
        SELECT athlete, max(date) AS date,
               arg_max(ctl, date) AS ctl, arg_max(atl, date) AS atl, arg_max(tsb, date) AS tsb,
               arg_max(acwr_rolling, date) AS acwr_rolling,
               arg_max(acwr_ewma, date) AS acwr_ewma, arg_max(acwr_band, date) AS acwr_band,
               sum(load) FILTER (WHERE date > (SELECT max(date) FROM t) - 7) AS load_7d,
               arg_max(verdict, date) FILTER (WHERE verdict IS NOT NULL) AS verdict,
               max(date) FILTER (WHERE verdict IS NOT NULL) AS verdict_date
        FROM t GROUP BY athlete ORDER BY athlete
        """,
    )


def results_manifest(out: Path) -> dict[str, Any]:
    return read_manifest(out, kind=RESULTS_FORMAT)
