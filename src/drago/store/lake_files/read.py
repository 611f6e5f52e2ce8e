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
    """The `daily` results table of a compute output (of some athletes), sorted."""
    manifest = read_manifest(out, kind=RESULTS_FORMAT)
    paths = files(out, manifest, "daily", None if athletes is None else set(athletes))
    if not paths:
        return pl.DataFrame()
    return _scan(paths, "SELECT * FROM t ORDER BY athlete, date")


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
               arg_max(acwr_ewma, date) AS acwr_ewma, arg_max(acwr_band, date) AS acwr_band,
               sum(load) FILTER (WHERE date > (SELECT max(date) FROM t) - 7) AS load_7d,
               arg_max(verdict, date) FILTER (WHERE verdict IS NOT NULL) AS verdict,
               max(date) FILTER (WHERE verdict IS NOT NULL) AS verdict_date
        FROM t GROUP BY athlete ORDER BY athlete
        """,
    )


def results_manifest(out: Path) -> dict[str, Any]:
    return read_manifest(out, kind=RESULTS_FORMAT)
