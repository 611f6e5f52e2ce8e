"""A lake whose athletes have sessions but no morning measurements or questionnaires."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from drago.store.lake_files.layout import conform, schema
from tests.conftest import Cli


def test_an_empty_table_conforms_to_no_rows() -> None:
    """conform() of a frame without columns selected literals from it, which Polars answers
    with one row of nulls: an athlete-less row of every missing table."""
    for table in ("sessions", "wellness", "rr_measurements"):
        empty = conform(pl.DataFrame(), table)
        assert empty.height == 0 and empty.schema == pl.Schema(schema(table))


def test_a_lake_without_mornings_computes(tmp_path: Path) -> None:
    """`drago lake compute` of a lake with sessions only (no wellness, no RR measurement)
    failed with a traceback ("readiness_series needs one row per date; dates repeat": the
    null rows of the two empty tables were one athlete's repeated day)."""
    cli = Cli(tmp_path / "lab" / "drago.duckdb")
    cli("athlete", "add", "Drago", "--sex", "m", "--tz", "UTC")
    day = ("--athlete", "Drago", "--date", "2026-01-02")
    cli("log", *day, "--minutes", "30", "--rpe", "6", "--activity", "pads")
    lake, out = tmp_path / "lake", tmp_path / "out"
    cli("lake", "export", "--to", str(lake))
    cli("lake", "compute", str(lake), "--engine", "local", "--out", str(out))
    daily = pl.read_parquet(sorted((out / "daily").rglob("*.parquet")))
    assert set(daily["athlete"].to_list()) == {"Drago"}
    lake_day = daily.filter(pl.col("date") == pl.date(2026, 1, 2)).row(0, named=True)
    store_day = cli.json("load", "Drago", "--until", "2026-01-02")[-1]
    assert store_day["date"] == "2026-01-02"
    assert lake_day["load"] == store_day["load"] > 0  # the lake's numbers are the store's
