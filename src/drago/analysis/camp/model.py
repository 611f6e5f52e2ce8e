"""Performance models: Banister's impulse-response model and Busso's variable-gain model.

Performance on day n from the loads w_i of the days before it (today's training shows
tomorrow):

- ``banister1975``: p(n) = p0 + k1 Σ_{i<n} w_i e^(−(n−i)/τ1) − k2 Σ_{i<n} w_i e^(−(n−i)/τ2).
- ``busso2003``: as Banister, but the fatigue gain grows with recent load,
  k2(i) = k3 Σ_{j≤i} w_j e^(−(i−j)/τ3), so p(n) = p0 + k1 Σ w_i e^(−(n−i)/τ1)
  − Σ k2(i) w_i e^(−(n−i)/τ2). Fatigue is then quadratic in load: there is a best load, and
  a taper that cuts volume (not rest) maximises performance, as Busso found.

Both sums run as first-order recursions, O(n) per series.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Final, Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from drago.errors import UsageError

Method = Literal["banister1975", "busso2003"]
METHODS: Final = ("banister1975", "busso2003")
#: Fewest performance tests for a fit: two more than the free parameters of either model (6).
MIN_TESTS: Final = 8
#: Free parameters fitted per method, in order.
FREE: Final[dict[str, tuple[str, ...]]] = {
    "banister1975": ("p0", "k1", "k2", "tau1", "tau2"),
    "busso2003": ("p0", "k1", "k3", "tau1", "tau2", "tau3"),
}
#: Bounds of the fit, in days for the time constants (Busso 2003 and Clarke & Skiba 2013
#: report fitted τ1 of tens of days and τ2, τ3 of days).
TAU_BOUNDS: Final = {"tau1": (5.0, 80.0), "tau2": (1.0, 30.0), "tau3": (1.0, 30.0)}

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class PerformanceParams:
    """Parameters of either model; ``k3``/``tau3`` are used by ``busso2003`` only.

    Gains are in performance units per load unit (AU); time constants in days.
    """

    p0: float = 0.0
    k1: float = 1.0
    k2: float = 2.0
    tau1: float = 42.0
    tau2: float = 7.0
    k3: float = 0.0
    tau3: float = 4.0
    method: Method = "banister1975"


def population_params(
    habitual_load: float, *, method: Method = "busso2003", p0: float = 0.0
) -> PerformanceParams:
    """Population (default) parameters, used when an athlete has too few tests to fit.

    τ1 = 42 d and τ2 = 7 d are Coggan's CTL/ATL constants (Allen & Coggan 2010) and k1 = 1,
    k2 = 2 the conventional fitness/fatigue gains (fatigue twice as strong, shorter-lived;
    Banister 1991; Clarke & Skiba 2013). For ``busso2003``, τ3 = 4 d (drago's assumption) and
    k3 is set so that at the athlete's habitual daily load the variable gain k2(i) equals 2:
    k3 = 2 (1 − e^(−1/τ3)) / habitual_load. The steady-state best load is then about 1.5 ×
    the habitual load. These are conventions, not measurements: fitted values vary widely.

    Examples
    --------
    >>> round(population_params(100.0).k3, 5)
    0.00442
    """
    if habitual_load <= 0:
        raise UsageError("habitual load must be positive to scale the population model")
    base = PerformanceParams(p0=p0, method=method)
    if method == "banister1975":
        return base
    return replace(base, k3=2.0 * (1.0 - math.exp(-1.0 / base.tau3)) / habitual_load)


def _decayed(x: FloatArray, tau: float) -> FloatArray:
    """y_n = Σ_{i<n} x_i e^(−(n−i)/τ): y_n = a (y_{n−1} + x_{n−1}), a = e^(−1/τ)."""
    from scipy.signal import lfilter  # type: ignore[import-untyped]  # lazy: commands start fast

    a = math.exp(-1.0 / tau)
    y = np.zeros(len(x) + 1)
    y[1:] = lfilter([a], [1.0, -a], x)
    return y[:-1]


def fatigue_gain(load: FloatArray, params: PerformanceParams) -> FloatArray:
    """Fatigue gain of each day's load: k2 (Banister), or k3 Σ_{j≤i} w_j e^(−(i−j)/τ3) (Busso)."""
    if params.method == "banister1975":
        return np.full(len(load), params.k2)
    from scipy.signal import lfilter  # type: ignore[import-untyped]

    a = math.exp(-1.0 / params.tau3)
    return params.k3 * np.asarray(lfilter([1.0], [1.0, -a], load), dtype=np.float64)


def performance_predict(load: npt.ArrayLike, params: PerformanceParams) -> FloatArray:
    """Modelled performance on each day of a daily load series (loads before that day count).

    Examples
    --------
    Banister, k1 = 1, k2 = 2, τ1 = 10, τ2 = 2, one load of 100 on day 0:
    p(1) = 100 (e^(−0.1) − 2 e^(−0.5)) = −30.82, p(5) = 100 (e^(−0.5) − 2 e^(−2.5)) = 44.24.

    >>> p = performance_predict([100.0, 0, 0, 0, 0, 0], PerformanceParams(tau1=10, tau2=2))
    >>> [round(float(v), 2) for v in p[[0, 1, 5]]]
    [0.0, -30.82, 44.24]

    References
    ----------
    Banister E. W., Calvert T. W., Savage M. V., Bach T. (1975) A systems model of training for
    athletic performance. Australian Journal of Sports Medicine 7(3), 57-61.

    Busso T. (2003) Variable dose-response relationship between exercise training and
    performance. Medicine & Science in Sports & Exercise 35(7), 1188-1195.

    Clarke D. C., Skiba P. F. (2013) Rationale and resources for teaching the mathematical
    modeling of athletic training and performance. Advances in Physiology Education 37(2),
    134-152.
    """
    if params.method not in METHODS:
        raise ValueError(f"unknown method {params.method!r}; valid: {', '.join(METHODS)}")
    w = np.asarray(load, dtype=np.float64)
    fitness = _decayed(w, params.tau1)
    fatigue = _decayed(fatigue_gain(w, params) * w, params.tau2)
    return params.p0 + params.k1 * fitness - fatigue


@dataclass(frozen=True)
class PerformanceFit:
    """A fitted (or population) model with its uncertainty and fit quality.

    ``stderr`` holds the standard error of each fitted parameter, s² (JᵀJ)⁻¹ at the optimum
    (empty for population values); ``r2`` and ``rmse`` compare the model with the tests (None
    without tests); ``source`` says whether the parameters were ``fitted`` or are the
    ``population`` defaults, and ``note`` why.
    """

    params: PerformanceParams
    source: Literal["fitted", "population"]
    n_tests: int
    stderr: dict[str, float] = field(default_factory=dict)
    r2: float | None = None
    rmse: float | None = None
    note: str = ""


def _quality(observed: FloatArray, modelled: FloatArray) -> tuple[float | None, float]:
    resid = observed - modelled
    ss_tot = float(np.sum((observed - observed.mean()) ** 2))
    r2 = None if ss_tot == 0 else 1.0 - float(np.sum(resid**2)) / ss_tot
    return r2, float(np.sqrt(np.mean(resid**2)))


def _test_index(
    daily: pl.DataFrame, tests: pl.DataFrame
) -> tuple[FloatArray, npt.NDArray[np.int64], FloatArray]:
    for frame, cols in ((daily, {"date", "load"}), (tests, {"date", "performance"})):
        if missing := cols - set(frame.columns):
            raise UsageError(f"frame lacks columns: {', '.join(sorted(missing))}")
    daily = daily.drop_nulls("date").group_by("date").agg(pl.col("load").cast(pl.Float64).sum())
    # one value per calendar day; missing days are rest
    span = pl.date_range(pl.col("date").min(), pl.col("date").max(), "1d").alias("date")
    calendar = daily.select(span) if daily.height else pl.DataFrame(schema={"date": pl.Date})
    load = calendar.join(daily, on="date", how="left")["load"].fill_null(0.0).to_numpy()
    first = calendar["date"][0] if calendar.height else None
    tests = tests.drop_nulls(["date", "performance"]).sort("date")
    if first is None or tests.height == 0:
        return load, np.zeros(0, dtype=np.int64), np.zeros(0)
    day = tests.select((pl.col("date") - pl.lit(first)).dt.total_days()).to_series().to_numpy()
    keep = (day >= 0) & (day < len(load) + 1)
    return load, day[keep].astype(np.int64), tests["performance"].cast(pl.Float64).to_numpy()[keep]


def performance_fit(
    daily: pl.DataFrame,
    tests: pl.DataFrame,
    *,
    method: Method = "busso2003",
    min_tests: int = MIN_TESTS,
) -> PerformanceFit:
    """Fit a performance model to one athlete's daily loads and performance tests.

    ``daily`` has ``date`` and ``load`` (one athlete; missing days are rest; as
    ``drago.analysis.load.daily_series`` gives); ``tests`` has ``date`` and ``performance`` (any
    unit, higher is better; a test on day n sees the loads before n). Tests before the first day
    of loads or after the day following the last are dropped. Bounded non-linear least squares
    (trust-region reflective, ``scipy.optimize.least_squares``), started from several
    time-constant guesses, best kept. With fewer than ``min_tests`` tests the population values
    are returned (``source = "population"``) with p0 = the mean of the tests minus the model's
    mean (0 without tests).

    References
    ----------
    Busso T. (2003) Variable dose-response relationship between exercise training and
    performance. Medicine & Science in Sports & Exercise 35(7), 1188-1195.

    Clarke D. C., Skiba P. F. (2013) Rationale and resources for teaching the mathematical
    modeling of athletic training and performance. Advances in Physiology Education 37(2),
    134-152 (fitting by least squares; parameter identifiability).

    Hellard P., Avalos M., Lacoste L., et al. (2006) Assessing the limitations of the
    Banister model in monitoring training. Journal of Sports Sciences 24(5), 509-520
    (parameter uncertainty and ill-conditioning).
    """
    from scipy.optimize import least_squares  # type: ignore[import-untyped]  # lazy, see _decayed

    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; valid: {', '.join(METHODS)}")
    load, day, perf = _test_index(daily, tests)
    padded = np.append(load, 0.0)  # a test the day after the last load still counts
    habitual = float(load[load > 0].mean()) if (load > 0).any() else 1.0
    if len(perf) < max(min_tests, len(FREE[method]) + 1):
        pop = population_params(habitual, method=method)
        shift = (
            float(perf.mean() - performance_predict(padded, pop)[day].mean()) if len(perf) else 0.0
        )
        r2, rmse = (None, None)
        pop = replace(pop, p0=shift)
        if len(perf):
            r2, rmse = _quality(perf, performance_predict(padded, pop)[day])
        return PerformanceFit(
            pop,
            "population",
            len(perf),
            r2=r2,
            rmse=rmse,
            note=f"{len(perf)} tests < {min_tests}: population values",
        )
    names = FREE[method]
    scale = max(float(np.std(perf)), 1e-9)
    k_guess = scale / (habitual * 10.0)
    lo = {"p0": -np.inf, "k1": 0.0, "k2": 0.0, "k3": 0.0} | {k: v[0] for k, v in TAU_BOUNDS.items()}
    hi = {"p0": np.inf, "k1": np.inf, "k2": np.inf, "k3": np.inf} | {
        k: v[1] for k, v in TAU_BOUNDS.items()
    }

    def params_of(x: FloatArray) -> PerformanceParams:
        return PerformanceParams(method=method, **dict(zip(names, map(float, x), strict=True)))

    def resid(x: FloatArray) -> FloatArray:
        return (performance_predict(padded, params_of(x))[day] - perf) / scale

    best = None
    for tau1, tau2 in ((42.0, 7.0), (25.0, 4.0), (60.0, 12.0)):
        guess = {
            "p0": float(perf[0]),
            "k1": k_guess,
            "k2": 2 * k_guess,
            "tau1": tau1,
            "tau2": tau2,
            "k3": 2 * k_guess / (habitual * tau2),
            "tau3": tau2,
        }
        res = least_squares(
            resid,
            np.array([guess[n] for n in names]),
            method="trf",
            bounds=([lo[n] for n in names], [hi[n] for n in names]),
            x_scale="jac",
        )
        if best is None or res.cost < best.cost:
            best = res
    assert best is not None
    fitted = params_of(best.x)
    dof = len(perf) - len(names)
    s2 = 2.0 * best.cost * scale**2 / dof
    jac = best.jac * scale
    cov = np.linalg.pinv(jac.T @ jac) * s2
    stderr = {n: float(math.sqrt(max(cov[i, i], 0.0))) for i, n in enumerate(names)}
    r2, rmse = _quality(perf, performance_predict(padded, fitted)[day])
    return PerformanceFit(
        fitted,
        "fitted",
        len(perf),
        stderr=stderr,
        r2=r2,
        rmse=rmse,
        note=f"fitted {method} to {len(perf)} tests",
    )
