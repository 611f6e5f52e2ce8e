"""The week a camp is built from: the boxing microcycle's patterns, the progressive taper's
shape, Foster's monotony on rolling 7-day windows, and a questionnaire's stand-in history."""

from __future__ import annotations

import functools
import math
from datetime import date, timedelta
from typing import Final

import numpy as np
import polars as pl

from drago.analysis.camp.model import FloatArray
from drago.errors import UsageError

#: Weekly patterns by rest days: (session, weight), weights summing to 7 (one week's volume).
#: A boxing microcycle (drago convention): hard sparring days apart, technical pads and bag
#: between them, roadwork and strength on the lighter days, the rest day after the last.
PATTERNS: Final[dict[int, tuple[tuple[str, ...], tuple[float, ...]]]] = {
    1: (
        ("sparring", "strength", "pads", "roadwork", "sparring", "bag", "rest"),
        (1.6, 0.7, 1.2, 0.8, 1.6, 1.1, 0.0),
    ),
    2: (
        ("sparring", "strength", "pads", "rest", "sparring", "bag", "rest"),
        (1.7, 1.0, 1.3, 0.0, 1.7, 1.3, 0.0),
    ),
    3: (
        ("sparring", "strength", "pads", "rest", "sparring", "rest", "rest"),
        (2.0, 1.3, 1.7, 0.0, 2.0, 0.0, 0.0),
    ),
}


def taper_factors(days: int, cut: float) -> FloatArray:
    """Volume of each taper day as a fraction of the last build week's: an exponential decay
    e^(−t/τ), t = 1..days, with τ chosen so that the mean reduction is `cut`.

    Examples
    --------
    >>> f = taper_factors(10, 0.5)
    >>> round(float(f.mean()), 6), bool(np.all(np.diff(f) < 0))
    (0.5, True)

    References
    ----------
    Mujika I., Padilla S. (2003) Scientific bases for precompetition tapering strategies.
    Med Sci Sports Exerc 35(7), 1182-1187.
    """
    if not 0.0 < cut < 1.0:
        raise ValueError(f"taper cut must be between 0 and 1, not {cut}")
    r = _taper_ratio(days, cut)
    return np.asarray(r ** np.arange(1, days + 1, dtype=np.float64), dtype=np.float64)


@functools.lru_cache(maxsize=4096)
def _taper_ratio(days: int, cut: float) -> float:
    """The day-to-day ratio r = e^(−1/τ) of `taper_factors` (kept: the planner asks for the
    same taper many times while it varies the build weeks)."""
    # with r = e^(-1/tau), the mean of r^t over t = 1..days is r (1 - r^days) / (days (1 - r)),
    # which rises with r from 0 to 1: bisect on r
    target, lo, hi = 1.0 - cut, 0.0, 1.0
    for _ in range(60):
        r = 0.5 * (lo + hi)
        if r * (1.0 - r**days) / (days * (1.0 - r)) > target:
            hi = r
        else:
            lo = r
    return 0.5 * (lo + hi)


def rolling_monotony(history: FloatArray, loads: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Foster's monotony (mean / SD of 7 daily loads) of every 7 days ending on a camp day:
    those wholly inside the camp, and the first six, which reach into the days before it
    (history shorter than 6 days counts its missing days as rest). A window without any load
    has monotony 0; one of equal non-zero loads, infinity.

    Examples
    --------
    >>> inside, across = rolling_monotony(np.full(6, 100.0), np.array([0, 50, 80, 0, 50, 80, 0]))
    >>> [round(float(v), 2) for v in across[:2]], [round(float(v), 2) for v in inside]
    ([2.27, 2.0], [1.01])
    """
    pre = np.concatenate([np.zeros(max(6 - len(history), 0)), history[-6:]])
    series = np.concatenate([pre, loads])
    windows = np.lib.stride_tricks.sliding_window_view(series, 7)
    mean = windows.mean(axis=1)
    sd = windows.std(axis=1, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mono = np.where(sd > 0, mean / np.where(sd > 0, sd, 1.0), np.where(mean > 0, np.inf, 0.0))
    return mono[6:], mono[: min(6, len(mono))]


def pattern_phase(pattern: FloatArray, history: FloatArray, ref: float) -> int:
    """The rotation of the weekly pattern whose first week, at the recent volume, keeps the
    7-day windows reaching back into the history least monotonous (0 on ties)."""
    best, chosen = math.inf, 0
    for k in range(7):
        first = np.roll(pattern, -k) * ref
        _, across = rolling_monotony(history, first)
        worst = float(across.max()) if len(across) else 0.0
        if worst < best - 1e-9:
            best, chosen = worst, k
    return chosen


#: Range of the questionnaire's answers: usual hours of training a week, and usual CR-10 RPE.
WEEKLY_HOURS: Final = (1.0, 40.0)
USUAL_RPE: Final = (1.0, 10.0)


def questionnaire_history(
    camp_start: date, *, weekly_hours: float, usual_rpe: float, srpe_to_trimp: float
) -> pl.DataFrame:
    """Four weeks of daily load standing in for an athlete without history: their usual
    weekly hours at their usual session RPE (sRPE load, Foster et al. 2001) on their load
    scale, spread over the one-rest-day pattern, ending the day before the camp.

    Examples
    --------
    >>> h = questionnaire_history(date(2026, 3, 1), weekly_hours=7, usual_rpe=5,
    ...                           srpe_to_trimp=0.4)
    >>> h.height, round(float(h["load"].sum()) / 4, 1)
    (28, 840.0)
    """
    for name, value, (low, high) in (
        ("weekly hours", weekly_hours, WEEKLY_HOURS),
        ("usual RPE", usual_rpe, USUAL_RPE),
    ):
        if not low <= value <= high:  # NaN fails too
            raise UsageError(f"{name} must be {low:g}-{high:g}, not {value}")
    daily = weekly_hours * 60.0 * usual_rpe * srpe_to_trimp / 7.0
    weights = np.array(PATTERNS[1][1])
    days = pl.date_range(camp_start - timedelta(28), camp_start - timedelta(1), "1d", eager=True)
    return pl.DataFrame({"date": days, "load": daily * np.tile(weights, 4)})
