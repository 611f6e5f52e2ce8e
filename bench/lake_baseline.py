"""The local engine as it was before the vectorised lake (drago 2026-12), kept as the baseline
that `bench_lake.py` runs in the same run as today's engine.

DuckDB reads every input file with `union_by_name`; each athlete goes through the loop step
(`tests/readiness_reference.athlete_daily_loop`: `daily_series`, then the readiness loop, one
Python pass per morning); the results are written one file per athlete and month.

Run: .venv/bin/python bench/lake_baseline.py LAKE OUT   (prints seconds and rows as JSON)
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import polars as pl  # noqa: E402
from tests.readiness_reference import athlete_daily_loop  # noqa: E402

from drago.analysis.daily import day_inputs  # noqa: E402
from drago.lake.apply import ITEMS, PROJECTIONS, RESULT_SCHEMA, conform_input, union_rows  # noqa: E402
from drago.store.lake_files import (  # noqa: E402
    RESULTS_FORMAT,
    VERSION,
    read_athletes,
    read_table,
    write_manifest,
    write_partitions,
)


def old_step(rows: pl.DataFrame, tz: dict[str, str]) -> pl.DataFrame:
    """One athlete's union rows -> their daily rows, as the old `Step.polars` did."""
    rows = conform_input(rows)
    athlete = str(rows["athlete"][0])
    kind = pl.col("kind")
    sessions = rows.filter(kind == "session").select(
        "id",
        "start_utc",
        pl.lit(tz.get(athlete, "UTC")).alias("tz"),
        "trimp_banister",
        "trimp_edwards",
        "srpe_load",
        "counts",
    )
    measurements = rows.filter(kind == "rr").select(
        "date", "id", "start_utc", "reliable", "ln_rmssd", "mean_hr_bpm"
    )
    wellness = rows.filter(kind == "wellness").select("date", "rhr_bpm", *ITEMS)
    out = athlete_daily_loop(sessions, day_inputs(measurements, wellness))
    return out.with_columns(pl.lit(athlete).alias("athlete")).select(
        pl.col(c).cast(t) for c, t in RESULT_SCHEMA.items()
    )


def compute(lake: Path, out: Path) -> dict[str, Any]:
    """The old `drago lake compute --engine local`: seconds computing, seconds writing, rows."""
    began = time.perf_counter()
    people = read_athletes(lake)
    tz = dict(zip(people["athlete"], people["tz"], strict=True))
    rows = union_rows({table: read_table(lake, table) for table in PROJECTIONS})
    parts = [old_step(group, tz) for group in rows.partition_by("athlete")]
    daily = pl.concat(parts).sort("athlete", "date")
    computed = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    entries: dict[str, dict[str, Any]] = {}
    names = set(daily["athlete"].unique().to_list())
    done = write_partitions(
        out, "daily", daily, entries, month_column="date", athletes=names, sort=("date",)
    )
    manifest = {
        "format": RESULTS_FORMAT,
        "version": VERSION,
        "athletes": len(names),
        "updated_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "tables": {"daily": {"rows": daily.height, "partitions": entries}},
    }
    write_manifest(out, manifest)
    return {
        "seconds": computed - began,
        "write_s": time.perf_counter() - computed,
        "rows": daily.height,
        "athletes": len(names),
        "files": done.written,
    }


if __name__ == "__main__":
    print(json.dumps(compute(Path(sys.argv[1]), Path(sys.argv[2]))))
