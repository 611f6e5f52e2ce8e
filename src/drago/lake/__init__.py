"""Federation scale: drago's per-athlete science over a Parquet lake, on one process, Dask or Spark.

The surfaces call these functions (and `lab.lake.export`, `lab.lake.overview`); the lake's I/O
is in `drago.store.lake_files`, the science in `drago.analysis.daily`. See docs/lake.md.
"""

from __future__ import annotations

import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from drago.analysis.load import METHOD_COLUMNS
from drago.errors import UsageError
from drago.lake.apply import RESULT_SCHEMA, Step
from drago.lake.engines import (
    ENGINES,
    dask_client,
    lake_athletes,
    run_dask,
    run_local,
    run_spark,
    spark_context,
    spark_session,
    split,
)
from drago.lake.synth import synth_chunks
from drago.store.lake_files import (
    RESULTS_FORMAT,
    Written,
    buckets,
    read_athletes,
    read_manifest,
    write_lake,
    write_results,
)

__all__ = [
    "ENGINES",
    "RESULT_SCHEMA",
    "Computed",
    "Step",
    "Written",
    "compute",
    "spark_session",
    "synth",
]


@dataclass(frozen=True)
class Computed:
    """What a compute did: engine, athletes, daily rows, seconds computing (reading the lake,
    the step, collecting; not writing), seconds starting the engine, and what was written
    (with the seconds writing)."""

    engine: str
    out: Path
    athletes: int
    rows: int
    seconds: float
    startup_s: float
    written: Written


def synth(to: Path, *, athletes: int, years: float, seed: int = 0) -> Written:
    """Write a synthetic federation lake (stated as synthetic in its manifest)."""
    if athletes < 1 or not 0 < years <= 50:
        raise UsageError("--athletes must be at least 1 and --years between 0 and 50")
    done = Written()
    source = f"drago lake synth --athletes {athletes} --years {years:g} --seed {seed}"
    for tables in synth_chunks(athletes, years, seed=seed):  # memory holds one chunk
        done.add(write_lake(to, tables, synthetic=True, source=source))
    return done


def compute(
    root: Path,
    *,
    engine: str = "local",
    out: Path | None = None,
    as_of: date | None = None,
    method: str = "auto",
    scheduler: str | None = None,
    master: str | None = None,
    spark: Any = None,
) -> Computed:
    """Every athlete's daily series and readiness over the lake at `root`, written as Parquet
    under `out/daily` (default `root/results`) in buckets of whole athletes (at most 64 files).

    `as_of` ends every athlete's series on that day (default: each athlete's last session or
    morning). `scheduler` is a Dask scheduler address, `master` a Spark master URL; `spark` an
    existing SparkSession to use."""
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    if method not in METHOD_COLUMNS:
        raise UsageError(f"unknown load method {method!r}: use one of {', '.join(METHOD_COLUMNS)}")
    manifest = read_manifest(root)
    people = read_athletes(root)
    step = Step(dict(zip(people["athlete"], people["tz"], strict=True)), as_of, method)
    plan = buckets(lake_athletes(manifest))
    target = out or root / "results"
    info = {
        "engine": engine,
        "lake": str(root.resolve()),
        "as_of": as_of.isoformat() if as_of else None,
        "method": method,
        "synthetic": bool(manifest.get("synthetic")),
    }
    began = time.perf_counter()
    with ExitStack() as stack:
        if engine == "dask":
            client = stack.enter_context(dask_client(scheduler))
        elif engine == "spark" and spark is None:
            spark = stack.enter_context(spark_context(master))
        started = time.perf_counter()
        if engine == "local":  # streaming: one bucket in memory at a time
            written = write_results(target, run_local(root, manifest, step, plan), info)
        else:
            if engine == "dask":
                daily = run_dask(root, manifest, step, plan, client=client)
            else:
                daily = run_spark(root, manifest, step, plan, spark=spark)
            collected = time.perf_counter()
            written = write_results(target, split(daily, plan), info)
            written.seconds = time.perf_counter() - collected
        seconds = time.perf_counter() - started - written.seconds
    startup_s = started - began
    done = read_manifest(target, kind=RESULTS_FORMAT)
    rows = int(done["tables"]["daily"]["rows"])
    return Computed(engine, target, int(done["athletes"]), rows, seconds, startup_s, written)
