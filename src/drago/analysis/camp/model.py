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

from drago.errors import ImplausibleValue, UsageError

Method = Literal["banister1975", "busso2003"]
Source = Literal["fitted", "fixed_taus", "population"]
SOURCES: Final = ("fitted", "fixed_taus", "population")
METHODS: Final = ("banister1975", "busso2003")
#: Fewest distinct test days for a free fit: two more than the free parameters of the model
#: (7 for Banister's 5, 8 for Busso's 6), and never fewer than this (drago convention).
MIN_TESTS: Final = 8
#: Fewest distinct test days for the fixed-taus fallback (3 free parameters + 2).
MIN_TESTS_FIXED: Final = 5
#: A fitted gain or time constant whose standard error exceeds this fraction of its value is
#: not identified by the data (drago convention; Hellard et al. 2006 show how wide Banister
#: parameters' confidence intervals run on sparse tests).
MAX_REL_SE: Final = 0.5
#: The fixed time constants of the fallback (days): Coggan's CTL/ATL constants (Allen &
#: Coggan 2010), with the gains fitted by linear least squares.
FIXED_TAUS: Final = (42.0, 7.0)
#: Folds of the held-out comparison of Busso against Banister (by test day).
FOLDS: Final = 5
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
    without tests); ``source`` says whether the parameters were ``fitted`` (the data identify
    every parameter), or are a fallback: ``fixed_taus`` (τ1 = 42 d, τ2 = 7 d with fitted p0,
    k1, k2) or the ``population`` defaults; ``note`` says which model and why.
    """

    params: PerformanceParams
    source: Source
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


def check_finite_column(frame: pl.DataFrame, column: str) -> None:
    """Raise ImplausibleValue when a numeric column holds NaN or infinity (nulls pass)."""
    values = frame[column].cast(pl.Float64)
    if values.is_nan().any() or values.is_infinite().any():
        raise ImplausibleValue(f"{column} must hold finite numbers, not NaN or infinity")


def _test_index(
    daily: pl.DataFrame, tests: pl.DataFrame
) -> tuple[FloatArray, npt.NDArray[np.int64], FloatArray]:
    for frame, cols in ((daily, {"date", "load"}), (tests, {"date", "performance"})):
        if missing := cols - set(frame.columns):
            raise UsageError(f"frame lacks columns: {', '.join(sorted(missing))}")
    check_finite_column(daily, "load")
    check_finite_column(tests, "performance")
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
