"""Daily load series speed: 1,000 athletes x 5 years of synthetic sessions in one call.

Each athlete trains a few times a week (some weeks heavier, some days off, some doubles), a
third of sessions without HR (sRPE only), a few without RPE, 2 % marked duplicate. One call of
`daily_series(method="auto")` computes daily load, CTL/ATL/TSB, both rolling ACWRs, the EWMA
ACWR and its band, monotony and strain for all of them. Best of a few runs.

Run: .venv/bin/python bench/bench_load.py [athletes] [years]
"""

from __future__ import annotations

import os
import platform
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

from drago.analysis.load import daily_series  # noqa: E402

RUNS = 3


def synthetic_sessions(athletes: int, years: int, seed: int = 0) -> pl.DataFrame:
    """About 4 sessions a week per athlete over `years`, as the store would hand them over."""
    rng = np.random.default_rng(seed)
    days = 365 * years
    per_athlete = rng.poisson(4 * days / 7, athletes)
    n = int(per_athlete.sum())
    athlete = np.repeat(np.arange(1, athletes + 1), per_athlete)
    day = rng.integers(0, days, n)
    minutes = rng.uniform(30, 120, n)
    rpe = rng.integers(2, 10, n).astype(np.float64)
    intensity = rng.uniform(0.5, 0.9, n)
    trimp = minutes * intensity * 0.64 * np.exp(1.92 * intensity)
    srpe = rpe * minutes
    no_hr = rng.random(n) < 1 / 3
    no_rpe = ~no_hr & (rng.random(n) < 0.1)
    return pl.DataFrame(
        {
            "athlete_id": athlete,
            "date": pl.Series(day + (date(2021, 1, 1) - date(1970, 1, 1)).days).cast(pl.Date),
            "trimp_banister": np.where(no_hr, np.nan, trimp),
            "trimp_edwards": np.where(no_hr, np.nan, minutes * 3),
            "srpe_load": np.where(no_rpe, np.nan, srpe),
            "counts": rng.random(n) > 0.02,
        }
    ).with_columns(pl.col("trimp_banister", "trimp_edwards", "srpe_load").fill_nan(None))


def main() -> None:
    athletes = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    years = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    sessions = synthetic_sessions(athletes, years)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        out = daily_series(sessions, method="auto")
        times.append(time.perf_counter() - start)
    print(
        f"daily_series: {athletes} athletes x {years} years, {sessions.height:,} sessions -> "
        f"{out.height:,} athlete-days in {min(times):.2f} s (best of {RUNS}; "
        f"{out.height / min(times) / 1e6:.1f} M days/s)"
    )
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"polars {pl.__version__} ({pl.thread_pool_size()} threads)"
    )


if __name__ == "__main__":
    main()
