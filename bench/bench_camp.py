"""Camp planner and model-fit speed: one athlete, a year of history, an 8-week camp.

`plan_camp` runs SLSQP once per taper length (7-14 days) over the weekly volumes and the taper
cut, with the population Busso model and with plain Banister; `performance_fit` fits Busso's
model to 60 noisy tests over 240 days. Best of a few runs, after one warm-up call. The issue's
budget is 2 s for an 8-week plan.

Run: .venv/bin/python bench/bench_camp.py [weeks]
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402
import scipy  # type: ignore[import-untyped]  # noqa: E402

from drago.analysis.camp.model import (  # noqa: E402
    PerformanceParams,
    performance_fit,
    performance_predict,
)
from drago.analysis.camp.plan import plan_camp  # noqa: E402

RUNS = 5
D0 = date(2026, 1, 1)


def best(call: Callable[[], object]) -> float:
    call()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    weeks = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    rng = np.random.default_rng(0)
    n = 365
    load = rng.gamma(3.0, 30, n) * (rng.random(n) > 0.25)
    history = pl.DataFrame({"date": [D0 + timedelta(i) for i in range(n)], "load": load})
    fight = D0 + timedelta(n + 7 * weeks)
    for label, params in (
        ("busso2003 (population)", None),
        ("banister1975", PerformanceParams(k1=1, k2=2, tau1=42, tau2=7)),
    ):

        def run(p: PerformanceParams | None = params) -> object:
            return plan_camp(history, fight_date=fight, weeks=weeks, params=p)

        t = best(run)
        plan = plan_camp(history, fight_date=fight, weeks=weeks, params=params)
        print(
            f"plan_camp {weeks} weeks, {label}: {t:.3f} s (best of {RUNS}); fight day "
            f"{plan.fight_day_prediction:.1f} vs ramp {plan.ramp_prediction:.1f}, taper "
            f"{plan.taper_days} d at -{plan.taper_cut:.0%}"
        )
    true = PerformanceParams(p0=300, k1=0.05, k3=0.0004, tau1=40, tau2=6, method="busso2003")
    days = np.arange(3, 240, 4)
    perf = performance_predict(np.append(load[:240], 0.0), true)[days]
    daily = history.head(240)
    tests = pl.DataFrame(
        {
            "date": [D0 + timedelta(int(d)) for d in days],
            "performance": perf + rng.normal(0, 1, len(days)),
        }
    )
    t = best(lambda: performance_fit(daily, tests, method="busso2003"))
    print(f"performance_fit busso2003, 240 days, {len(days)} tests: {t:.3f} s (best of {RUNS})")
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}"
    )


if __name__ == "__main__":
    main()
