"""Fitting the performance models to an athlete's tests, or falling back honestly.

A model is `fitted` only when the data identify it (enough distinct test days, τ2 < τ1, no
parameter on a bound, relative standard errors under `MAX_REL_SE`, and for Busso a better
prediction of left-out tests than the simpler model); otherwise `fixed_taus` (τ1, τ2 fixed,
gains fitted) or the `population` values, with the reason in the note. docs/camp.md has the
decision table and a simulation of recovery and fallback rates.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import polars as pl

from drago.analysis.camp.model import (
    FIXED_TAUS,
    FOLDS,
    FREE,
    MAX_REL_SE,
    METHODS,
    MIN_TESTS,
    MIN_TESTS_FIXED,
    TAU_BOUNDS,
    FloatArray,
    Method,
    PerformanceFit,
    PerformanceParams,
    _decayed,
    _quality,
    _test_index,
    performance_predict,
    population_params,
)


@dataclass(frozen=True)
class _Nls:
    """One non-linear least-squares fit: parameters, standard errors, and why it is not
    identified (None when it is)."""

    params: PerformanceParams
    stderr: dict[str, float]
    cost: float
    problem: str | None


def _bounds(names: tuple[str, ...]) -> tuple[list[float], list[float]]:
    lo = {"p0": -np.inf, "k1": 0.0, "k2": 0.0, "k3": 0.0} | {k: v[0] for k, v in TAU_BOUNDS.items()}
    hi = {"p0": np.inf, "k1": np.inf, "k2": np.inf, "k3": np.inf} | {
        k: v[1] for k, v in TAU_BOUNDS.items()
    }
    return [lo[n] for n in names], [hi[n] for n in names]


def _nls(
    method: Method,
    padded: FloatArray,
    day: npt.NDArray[np.int64],
    perf: FloatArray,
    starts: list[dict[str, float]],
) -> _Nls:
    """Bounded least squares (trust-region reflective) from each start, best kept, with the
    checks that decide whether the data identify the parameters."""
    from scipy.optimize import least_squares  # type: ignore[import-untyped]  # lazy: fast start

    names = FREE[method]
    scale = max(float(np.std(perf)), 1e-9)
    lo, hi = _bounds(names)

    def params_of(x: FloatArray) -> PerformanceParams:
        return PerformanceParams(method=method, **dict(zip(names, map(float, x), strict=True)))

    def resid(x: FloatArray) -> FloatArray:
        return (performance_predict(padded, params_of(x))[day] - perf) / scale

    best = None
    for guess in starts:
        x0 = np.clip([guess[n] for n in names], lo, hi)
        res = least_squares(resid, x0, method="trf", bounds=(lo, hi), x_scale="jac")
        if best is None or res.cost < best.cost:
            best = res
    assert best is not None
    fitted = params_of(best.x)
    dof = max(len(perf) - len(names), 1)
    s2 = 2.0 * best.cost * scale**2 / dof
    jac = best.jac * scale
    cov = np.linalg.pinv(jac.T @ jac) * s2
    stderr = {n: float(math.sqrt(max(cov[i, i], 0.0))) for i, n in enumerate(names)}
    return _Nls(fitted, stderr, float(best.cost), _problem(fitted, stderr, names, lo, hi))


def _problem(
    params: PerformanceParams,
    stderr: dict[str, float],
    names: tuple[str, ...],
    lo: list[float],
    hi: list[float],
) -> str | None:
    """Why the fitted parameters are not identified, or None: tau2 must stay below tau1, no
    parameter may end on a bound, and each relative standard error must stay under
    `MAX_REL_SE`."""
    if params.tau2 >= params.tau1:
        return f"tau2 {params.tau2:.1f} d is not below tau1 {params.tau1:.1f} d"
    for n, low, high in zip(names, lo, hi, strict=True):
        value = getattr(params, n)
        # a time constant within 0.1 % of its range of a bound; a gain at zero (a gain's
        # scale is the data's, so "near" zero is left to the relative standard error)
        slack = 1e-3 * (high - low) if math.isfinite(high - low) else 1e-12
        if math.isfinite(low) and value - low <= slack:
            return f"{n} ended on its lower bound ({low:g})"
        if math.isfinite(high) and high - value <= slack:
            return f"{n} ended on its upper bound ({high:g})"
    for n in names:
        if n == "p0":
            continue
        value = abs(getattr(params, n))
        rel = stderr[n] / value if value > 0 else math.inf
        if not rel < MAX_REL_SE:
            return f"relative SE of {n} {_pct(rel)} > {MAX_REL_SE:.0%}"
    return None


def _pct(rel: float) -> str:
    return "inf %" if not math.isfinite(rel) else f"{rel:.0%}"


def _starts(method: Method, perf: FloatArray, habitual: float) -> list[dict[str, float]]:
    scale = max(float(np.std(perf)), 1e-9)
    k_guess = scale / (habitual * 10.0)
    out = []
    for tau1, tau2 in ((42.0, 7.0), (25.0, 4.0), (60.0, 12.0)):
        out.append(
            {
                "p0": float(perf[0]),
                "k1": k_guess,
                "k2": 2 * k_guess,
                "tau1": tau1,
                "tau2": tau2,
                "k3": 2 * k_guess / (habitual * tau2),
                "tau3": tau2,
            }
        )
    return out


def _held_out_rmse(
    fit: Callable[[npt.NDArray[np.int64], FloatArray], PerformanceParams | None],
    padded: FloatArray,
    day: npt.NDArray[np.int64],
    perf: FloatArray,
) -> float:
    """RMSE on left-out tests: `FOLDS` folds over the distinct test days (every FOLDS-th day
    out), each refitted on the others by `fit` (None: too few tests to fit, inf)."""
    days = np.unique(day)
    errors: list[float] = []
    for fold in range(min(FOLDS, len(days))):
        out = np.isin(day, days[fold::FOLDS])
        params = fit(day[~out], perf[~out])
        if params is None:
            return math.inf
        pred = performance_predict(padded, params)[day[out]]
        errors.extend((pred - perf[out]).tolist())
    return float(np.sqrt(np.mean(np.square(errors))))


def _refit(
    method: Method, padded: FloatArray, start: PerformanceParams
) -> Callable[[npt.NDArray[np.int64], FloatArray], PerformanceParams | None]:
    """A refit of `method` from `start` on a subset of the tests, for `_held_out_rmse`."""

    def fit(day: npt.NDArray[np.int64], perf: FloatArray) -> PerformanceParams | None:
        if len(perf) < len(FREE[method]) + 1:
            return None
        guess = {n: getattr(start, n) for n in FREE[method]}
        return _nls(method, padded, day, perf, [guess]).params

    return fit


def _refit_fixed(
    padded: FloatArray,
) -> Callable[[npt.NDArray[np.int64], FloatArray], PerformanceParams | None]:
    def fit(day: npt.NDArray[np.int64], perf: FloatArray) -> PerformanceParams | None:
        return _fixed_taus(padded, day, perf)[0] if len(perf) >= 4 else None

    return fit


def _fixed_taus(
    padded: FloatArray, day: npt.NDArray[np.int64], perf: FloatArray
) -> tuple[PerformanceParams, dict[str, float], str | None]:
    """Banister with τ1, τ2 = `FIXED_TAUS` and p0, k1, k2 by linear least squares (k1, k2 >= 0):
    the fallback when the time constants are not identified."""
    from scipy.optimize import least_squares  # type: ignore[import-untyped]  # lazy: fast start

    tau1, tau2 = FIXED_TAUS
    fitness = _decayed(padded, tau1)[day]
    fatigue = _decayed(padded, tau2)[day]
    design = np.column_stack([np.ones(len(day)), fitness, -fatigue])

    res = least_squares(
        lambda x: design @ x - perf,
        np.array([float(perf.mean()), 0.0, 0.0]),
        bounds=([-np.inf, 0.0, 0.0], [np.inf, np.inf, np.inf]),
        method="trf",
    )
    p0, k1, k2 = map(float, res.x)
    dof = max(len(perf) - 3, 1)
    s2 = float(np.sum((design @ res.x - perf) ** 2)) / dof
    cov = np.linalg.pinv(design.T @ design) * s2
    stderr = {n: float(math.sqrt(max(cov[i, i], 0.0))) for i, n in enumerate(("p0", "k1", "k2"))}
    params = PerformanceParams(p0=p0, k1=k1, k2=k2, tau1=tau1, tau2=tau2)
    problem = None
    for n in ("k1", "k2"):
        value = getattr(params, n)
        rel = stderr[n] / value if value > 0 else math.inf
        if not rel < MAX_REL_SE:
            problem = f"relative SE of {n} {_pct(rel)} > {MAX_REL_SE:.0%}"
            break
    return params, stderr, problem


def performance_fit(
    daily: pl.DataFrame,
    tests: pl.DataFrame,
    *,
    method: Method = "busso2003",
    min_tests: int = MIN_TESTS,
) -> PerformanceFit:
    """Fit a performance model to one athlete's daily loads and performance tests, or fall
    back honestly when the data cannot identify it.

    ``daily`` has ``date`` and ``load`` (one athlete; missing days are rest; as
    ``drago.analysis.load.daily_series`` gives); ``tests`` has ``date`` and ``performance`` (any
    unit, higher is better; a test on day n sees the loads before n). Tests before the first day
    of loads or after the day following the last are dropped.

    The decision, in order (each rule with its source in docs/camp.md):

    1. ``busso2003`` (when asked) is ``fitted`` if there are at least max(``min_tests``, 8)
       distinct test days, its parameters are identified (τ2 < τ1, none on a bound, every
       relative standard error under ``MAX_REL_SE``) and it predicts left-out tests better
       than an identified Banister fit (``FOLDS``-fold by test day).
    2. ``banister1975`` is ``fitted`` on the same conditions (7 distinct days at least).
    3. ``fixed_taus``: τ1 = 42 d, τ2 = 7 d with p0, k1, k2 fitted (≥ 5 distinct test days,
       both gains' relative SE under ``MAX_REL_SE``).
    4. ``population``: the defaults of ``population_params`` with p0 shifted onto the tests.

    There must be training load before the tests for anything but the population values. The
    ``note`` names the model used and the reason the ones before it were not.

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
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; valid: {', '.join(METHODS)}")
    load, day, perf = _test_index(daily, tests)
    padded = np.append(load, 0.0)  # a test the day after the last load still counts
    habitual = float(load[load > 0].mean()) if (load > 0).any() else 1.0
    n_days = len(np.unique(day))
    seen = float(padded[: int(day.max())].sum()) if len(day) else 0.0
    why: list[str] = []
    if len(perf) and seen <= 0:
        why.append("no training load before the tests")
    candidates: list[Method] = (
        ["busso2003", "banister1975"] if method == "busso2003" else ["banister1975"]
    )
    fits: dict[str, _Nls] = {}
    if not why:
        for m in candidates:
            need = max(min_tests, len(FREE[m]) + 2)
            if n_days < need:
                why.append(f"{m}: {n_days} distinct test days < {need}")
                continue
            fit = _nls(m, padded, day, perf, _starts(m, perf, habitual))
            if fit.problem is not None:
                why.append(f"{m}: {fit.problem}")
                continue
            fits[m] = fit
    chosen: str | None = None
    if "busso2003" in fits:
        # Busso's extra parameter must earn its place on tests it did not see, against the
        # simpler model that would be used instead
        simpler = "banister1975" if "banister1975" in fits else "fixed_taus"
        refit = (
            _refit("banister1975", padded, fits["banister1975"].params)
            if simpler == "banister1975"
            else _refit_fixed(padded)
        )
        busso = _held_out_rmse(
            _refit("busso2003", padded, fits["busso2003"].params), padded, day, perf
        )
        other = _held_out_rmse(refit, padded, day, perf)
        if busso < other:
            chosen = "busso2003"
            why.append(f"held-out RMSE {busso:.3g} vs {simpler} {other:.3g}")
        else:
            why.append(
                f"busso2003 no better on left-out tests ({busso:.3g} vs {simpler} {other:.3g})"
            )
            del fits["busso2003"]
    if chosen is None and "banister1975" in fits:
        chosen = "banister1975"

    def quality(p: PerformanceParams) -> tuple[float | None, float | None]:
        if not len(perf):
            return None, None
        return _quality(perf, performance_predict(padded, p)[day])

    if chosen is not None:
        fit = fits[chosen]
        r2, rmse = quality(fit.params)
        note = f"{chosen} fitted to {len(perf)} tests on {n_days} days"
        return PerformanceFit(
            fit.params,
            "fitted",
            len(perf),
            stderr=fit.stderr,
            r2=r2,
            rmse=rmse,
            note=_join(note, why),
        )
    if seen > 0 and n_days >= MIN_TESTS_FIXED:
        params, stderr, problem = _fixed_taus(padded, day, perf)
        if problem is None:
            r2, rmse = quality(params)
            note = (
                f"fixed_taus fallback: tau1 {FIXED_TAUS[0]:g} d, tau2 {FIXED_TAUS[1]:g} d "
                f"with gains fitted to {len(perf)} tests"
            )
            return PerformanceFit(
                params,
                "fixed_taus",
                len(perf),
                stderr=stderr,
                r2=r2,
                rmse=rmse,
                note=_join(note, why),
            )
        why.append(f"fixed_taus: {problem}")
    elif seen > 0:
        why.append(f"fixed_taus: {n_days} distinct test days < {MIN_TESTS_FIXED}")
    pop = population_params(habitual, method=method)
    shift = float(perf.mean() - performance_predict(padded, pop)[day].mean()) if len(perf) else 0.0
    pop = replace(pop, p0=shift)
    r2, rmse = quality(pop)
    if not len(perf):
        why = ["no tests"]
    note = f"population values ({method})"
    return PerformanceFit(pop, "population", len(perf), r2=r2, rmse=rmse, note=_join(note, why))


def _join(note: str, why: list[str]) -> str:
    return f"{note}: {'; '.join(why)}" if why else note
