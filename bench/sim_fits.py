"""How often the performance-model fit is `fitted` and how well it recovers known parameters,
at realistic test frequencies (the figures in docs/camp.md).

240 days of simulated training (gamma-distributed daily loads, one day in five off, a slow
wave); tests every 7, 14 or 28 days with noise SD 1 % and 2 % of performance (3 and 6 units
on a performance of about 300: typical test-retest variation of a fitness test); data drawn
from Banister (k1 0.05, k2 0.12, tau1 40, tau2 6) and Busso (k1 0.05, k3 0.0004, tau1 40,
tau2 6, tau3 4) parameters. Run: .venv/bin/python bench/sim_fits.py [runs]
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date, timedelta

import numpy as np
import polars as pl

from drago.analysis.camp.model import PerformanceParams, performance_fit, performance_predict

BANISTER = PerformanceParams(p0=300, k1=0.05, k2=0.12, tau1=40, tau2=6)
BUSSO = PerformanceParams(p0=300, k1=0.05, k3=0.0004, tau1=40, tau2=6, tau3=4, method="busso2003")
D0 = date(2026, 1, 1)


def one(
    true: PerformanceParams, every: int, seed: int, noise: float
) -> tuple[str, str, float, float]:
    rng = np.random.default_rng(seed)
    n = 240
    wave = 1 + 0.5 * np.sin(np.arange(n) / 20)
    load = rng.gamma(2.0, 50, n) * (rng.random(n) > 0.2) * wave
    days = np.arange(every, n, every)
    perf = performance_predict(np.append(load, 0.0), true)[days] + rng.normal(0, noise, len(days))
    daily = pl.DataFrame({"date": [D0 + timedelta(i) for i in range(n)], "load": load})
    tests = pl.DataFrame({"date": [D0 + timedelta(int(d)) for d in days], "performance": perf})
    fit = performance_fit(daily, tests, method=true.method)
    err1 = abs(fit.params.tau1 - true.tau1) / true.tau1
    err2 = abs(fit.params.tau2 - true.tau2) / true.tau2
    return fit.source, fit.params.method, err1, err2


def main(runs: int) -> None:
    print(
        "| data from | noise SD | tests every | fitted (model) | fixed_taus | population | "
        "median tau1 / tau2 error when fitted |"
    )
    print("|---|---|---|---|---|---|---|")
    for true, noise, every in (
        (t, n, e) for t in (BANISTER, BUSSO) for n in (3.0, 6.0) for e in (7, 14, 28)
    ):
        if True:
            out = [one(true, every, seed, noise) for seed in range(runs)]
            sources = Counter(s for s, *_ in out)
            models = Counter(m for s, m, *_ in out if s == "fitted")
            fitted = [(e1, e2) for s, _, e1, e2 in out if s == "fitted"]
            errs = (
                f"{np.median([e[0] for e in fitted]):.0%} / {np.median([e[1] for e in fitted]):.0%}"
                if fitted
                else "-"
            )
            which = ", ".join(f"{m} {c}" for m, c in sorted(models.items()))
            print(
                f"| {true.method} | {noise:g} | {every} d | "
                f"{sources['fitted']}/{runs} ({which or '-'}) | "
                f"{sources['fixed_taus']}/{runs} | {sources['population']}/{runs} | {errs} |"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
