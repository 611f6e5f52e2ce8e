"""Fight-camp planner: the daily loads that maximise modelled fight-day performance.

The camp is the ``weeks × 7`` days before the fight. Its loads come from a few numbers: one
volume per build week (the mean daily load of a full week) and a taper of L days (7-14) cutting
the last build week's volume by a fraction c (41-60 %); a fixed weekly pattern spreads each
week's volume over its days (hard days, easy days, rest days). For each L, SLSQP
(``scipy.optimize.minimize``) chooses the weekly volumes and c that maximise the model's
performance on fight day; the best L wins. Every constraint is either a bound or a linear
inequality of that problem, or holds by construction of the pattern, and is re-checked on the
final loads (``CampPlan.constraints``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

import numpy as np
import polars as pl

from drago.analysis.camp.fightday import HistoryState, fight_day, history_state
from drago.analysis.camp.model import (
    FloatArray,
    PerformanceParams,
    check_finite_column,
    performance_predict,
    population_params,
)
from drago.analysis.camp.prescribe import prescribe
from drago.analysis.camp.week import PATTERNS, pattern_phase, rolling_monotony, taper_factors
from drago.analysis.load import SRPE_TO_TRIMP_FALLBACK
from drago.errors import UsageError

#: Week-on-week volume band outside the taper: at most +10 % a week (drago convention, the
#: coaches' "10 % rule": Gabbett 2016 ties rapid week-to-week rises to non-contact injury
#: without a validated cut-off), and no drop below 0.8 x (the ACWR "sweet spot"'s floor).
#: The first build week is bounded against the mean week of the 4 weeks before the camp.
WEEK_RATIO: Final = (0.8, 1.10)
#: Taper length in days and volume cut: Bosquet et al. 2007 (8-14 d, 41-60 %), within the
#: wider ranges of Mujika & Padilla 2003 (4-28 d, 60-90 %). The cut is the taper's mean
#: reduction; the taper itself is progressive (`taper_factors`), not a step: Mujika & Padilla
#: 2003 find progressive non-linear tapers better than step tapers, and Thomas, Mujika &
#: Busso 2009 reach the same shape in model simulations.
TAPER_DAYS: Final = (7, 14)
TAPER_CUT: Final = (0.41, 0.60)
#: Daily cap: the 95th percentile of the last 84 days' daily loads × 1.10 (drago's choice:
#: a camp may reach a little past the athlete's hardest usual days, not far past them).
CAP_QUANTILE: Final = 0.95
CAP_FACTOR: Final = 1.10
CAP_WINDOW_DAYS: Final = 84
#: Foster 1998: weekly monotony (mean / SD of the week's daily loads) kept below 2.0.
MONOTONY_MAX: Final = 2.0
#: Checks reported but not imposed: the days before the camp are history, not the plan's.
UNGATED: Final = frozenset({"monotony_7d_from_history"})
#: No sparring in the last days of the taper (sharpening on pads instead).
NO_SPARRING_LAST_DAYS: Final = 7
#: The plain plan it must beat: +5 % of the starting volume a week, then a 10-day 50 % taper.
RAMP_STEP, RAMP_TAPER_DAYS, RAMP_CUT = 0.05, 10, 0.50


@dataclass(frozen=True)
class Constraint:
    """One rule of the plan: its bounds (None where open) and the range the plan shows."""

    name: str
    limit: str
    low: float | None
    high: float | None
    min_seen: float
    max_seen: float
    ok: bool


@dataclass(frozen=True)
class CampPlan:
    """A day-by-day camp: ``days`` (date, target_load, session, predicted_performance, and
    the prescription: activity, minutes, rpe, hr_zone, planned_load)."""

    days: pl.DataFrame
    fight_date: date
    fight_day_prediction: float
    ramp_prediction: float
    taper_days: int
    taper_cut: float
    weekly_volume: list[float]
    day_cap: float
    constraints: list[Constraint]
    params: PerformanceParams
    #: The weekly pattern's weights as the camp's first week has them (rotated, see _Setup).
    weights: tuple[float, ...] = ()


@dataclass(frozen=True)
class _Setup:
    """The planner's inputs; `weights` is the weekly pattern as the camp's first 7 days see it
    (rotated so that the rest day keeps the 7-day windows across the camp's start varied)."""

    history: FloatArray
    weights: FloatArray
    sessions: tuple[str, ...]
    n: int
    ref: float
    cap: float
    params: PerformanceParams
    state: HistoryState


def _loads(x: FloatArray, taper: int, s: _Setup) -> FloatArray:
    """Daily loads from weekly volumes x[:-1] and taper mean cut x[-1] (progressive)."""
    build = s.n - taper
    week = np.minimum(np.arange(s.n) // 7, len(x) - 2)
    volume = x[:-1][week]
    volume[build:] = x[-2] * taper_factors(taper, float(x[-1]))
    return volume * s.weights[np.arange(s.n) % 7]


def _fight_day(loads: FloatArray, s: _Setup) -> float:
    """Fight-day performance after the history and `loads`: `performance_predict`'s last value
    to the bit, with the history's part computed once (`drago.analysis.camp.fightday`)."""
    return fight_day(s.state, loads)


def _optimise(taper: int, s: _Setup) -> FloatArray:
    weeks = math.ceil((s.n - taper) / 7)
    top = s.cap / float(s.weights.max())
    lo, hi = WEEK_RATIO
    x0 = np.append(np.minimum(s.ref * (1 + RAMP_STEP * np.arange(1, weeks + 1)), top), 0.5)
    if taper != RAMP_TAPER_DAYS:
        x0[:-1] = np.minimum(s.ref, top)
    scale = np.append(np.full(weeks, s.ref), 1.0)
    norm = abs(_fight_day(_loads(x0, taper, s), s)) + s.ref

    def objective(z: FloatArray) -> float:
        return -_fight_day(_loads(z * scale, taper, s), s) / norm

    # lo·prev ≤ m_w ≤ hi·prev (prev = ref before week 0), as A z − b ≥ 0 in units of ref
    a, b = np.zeros((2 * weeks, weeks + 1)), np.zeros(2 * weeks)
    for w in range(weeks):
        a[2 * w, w], a[2 * w + 1, w] = 1.0, -1.0
        if w:
            a[2 * w, w - 1], a[2 * w + 1, w - 1] = -lo, hi
        else:
            b[0], b[1] = lo, -hi
    cons = {"type": "ineq", "fun": lambda z: a @ z - b, "jac": lambda z: a}
    bounds = [(0.0, top / s.ref)] * weeks + [TAPER_CUT]
    from scipy.optimize import minimize  # type: ignore[import-untyped]  # lazy: fast start

    res = minimize(
        objective,
        x0 / scale,
        method="SLSQP",
        bounds=bounds,
        constraints=cons,
        options={"maxiter": 200, "ftol": 1e-10},
    )
    x = np.clip(res.x, [b[0] for b in bounds], [b[1] for b in bounds]) * scale
    feasible = bool(np.all(a @ (x / scale) - b >= -1e-7))
    return x if feasible else x0


def _check(
    loads: FloatArray, x: FloatArray, taper: int, spar: int, s: _Setup, rest_days: int
) -> list[Constraint]:
    eps = 1e-6
    vols = np.concatenate([[s.ref], x[:-1]])
    ratios = vols[1:] / np.where(vols[:-1] > 0, vols[:-1], np.nan)
    ratios = np.nan_to_num(ratios, nan=1.0)
    blocks = loads.reshape(-1, 7)
    rests = (blocks <= 0).sum(axis=1)
    inside, across = rolling_monotony(s.history, loads)
    cut = float(x[-1])

    def c(
        name: str,
        limit: str,
        low: float | None,
        high: float | None,
        seen: FloatArray,
        *,
        strict: bool = False,
    ) -> Constraint:
        """Within [low, high] to a relative 1e-6 (high itself excluded when ``strict``)."""
        mn, mx = float(np.min(seen)), float(np.max(seen))
        ok_low = low is None or mn >= low - eps * max(1.0, abs(low))
        ok_high = high is None or (mx < high if strict else mx <= high + eps * max(1.0, abs(high)))
        return Constraint(name, limit, low, high, mn, mx, bool(ok_low and ok_high))

    lo_r, hi_r = WEEK_RATIO
    return [
        c("week_ratio", f"{lo_r}-{hi_r} x previous week", lo_r, hi_r, ratios),
        c("day_load_max", f"<= {s.cap:.1f}", None, s.cap, loads),
        c(
            "monotony_7d",
            f"< {MONOTONY_MAX} on every 7 days",
            None,
            MONOTONY_MAX,
            inside,
            strict=True,
        ),
        c(
            "monotony_7d_from_history",
            f"< {MONOTONY_MAX} on the 7 days across the start",
            None,
            MONOTONY_MAX,
            across,
            strict=True,
        ),
        c("rest_days_per_week", f">= {rest_days}", float(rest_days), None, rests.astype(float)),
        c("sparring_in_suspension", "0 days", None, 0.0, np.array([float(spar)])),
        c(
            "taper_days",
            f"{TAPER_DAYS[0]}-{TAPER_DAYS[1]} days",
            float(TAPER_DAYS[0]),
            float(TAPER_DAYS[1]),
            np.array([float(taper)]),
        ),
        c(
            "taper_volume_cut",
            f"{TAPER_CUT[0]:.0%}-{TAPER_CUT[1]:.0%}",
            TAPER_CUT[0],
            TAPER_CUT[1],
            np.array([cut]),
        ),
    ]


def _suspended(start: date, n: int, suspensions: Sequence[tuple[date, date]]) -> list[bool]:
    days = [start + timedelta(d) for d in range(n)]
    return [any(a <= day <= b for a, b in suspensions) for day in days]


def _sessions(n: int, s: _Setup, suspended: Sequence[bool]) -> list[str]:
    """The pattern's sessions; sparring becomes pads in a suspension and the last 7 days."""
    out = []
    for d in range(n):
        sess = s.sessions[d % 7]
        if sess == "sparring" and (suspended[d] or d >= n - NO_SPARRING_LAST_DAYS):
            sess = "pads"
        out.append(sess)
    return out


def plan_camp(
    history: pl.DataFrame,
    *,
    fight_date: date,
    weeks: int = 8,
    rest_days: int = 1,
    params: PerformanceParams | None = None,
    suspensions: Sequence[tuple[date, date]] = (),
    max_day_load: float | None = None,
    srpe_to_trimp: float = SRPE_TO_TRIMP_FALLBACK,
    hr_zones: bool = False,
) -> CampPlan:
    """Plan the camp's daily target loads and sessions that maximise fight-day performance.

    ``history`` is one athlete's daily series (``date``, ``load``) up to the camp; days missing
    from it (inside it or between its end and the camp) count as rest, days from the camp's
    start on are ignored. ``params`` defaults to the ``busso2003`` population model scaled to
    the athlete's habitual load (see ``population_params``); with the plain Banister model the
    optimum is bounded only by the constraints (its best taper is rest, held off by the 41-60 %
    cut). ``suspensions`` are (first, last) dates of medical suspensions: no sparring then.
    ``max_day_load`` overrides the cap from history (P95 of the last 84 days × 1.10). The plan
    is never worse than the plain ramp (+5 % of the starting volume a week, 10-day 50 % taper),
    which is one of the candidates.

    Each day is also a session a coach can hand out (`prescribe`): `activity`, `minutes`,
    target `rpe`, `hr_zone` (with `hr_zones`, for athletes with HR data) and `planned_load`,
    the session's load on the athlete's scale (`srpe_to_trimp`: their TRIMP per sRPE unit).

    Raises ``UsageError`` when the history has no load in its last 28 days, or the cap is too
    low for the first week to reach 0.8 × the history's last 4 weeks' weekly volume.

    References
    ----------
    Busso T. (2003) Variable dose-response relationship between exercise training and
    performance. Med Sci Sports Exerc 35(7), 1188-1195.

    Mujika I., Padilla S. (2003) Scientific bases for precompetition tapering strategies.
    Med Sci Sports Exerc 35(7), 1182-1187.

    Bosquet L., Montpetit J., Arvisais D., Mujika I. (2007) Effects of tapering on
    performance: a meta-analysis. Med Sci Sports Exerc 39(8), 1358-1365.

    Foster C. (1998) Monitoring training in athletes with reference to overtraining
    syndrome. Med Sci Sports Exerc 30(7), 1164-1168.

    Gabbett T. J. (2016) The training-injury prevention paradox. Br J Sports Med 50(5), 273-280.
    """
    if not 3 <= weeks <= 26:
        raise UsageError(f"a camp lasts 3-26 weeks, not {weeks}")
    if not 0 <= rest_days <= 3:
        raise UsageError(f"rest days a week must be 0-3, not {rest_days}")
    start = fight_date - timedelta(weeks * 7)
    if missing := {"date", "load"} - set(history.columns):
        raise UsageError(f"history lacks columns: {', '.join(sorted(missing))}")
    check_finite_column(history, "load")
    hist = history.filter(pl.col("date") < start).sort("date")
    if hist.height == 0:
        raise UsageError(f"no training history before the camp starts on {start}")
    if "athlete_id" in hist.columns and hist["athlete_id"].n_unique() > 1:
        raise UsageError("history must hold one athlete's daily series")
    # one row per calendar day up to the camp; days missing from the history are rest
    calendar = pl.DataFrame(
        {"date": pl.date_range(hist["date"][0], start - timedelta(1), "1d", eager=True)}
    )
    daily = hist.group_by("date").agg(pl.col("load").cast(pl.Float64).sum())
    load = calendar.join(daily, on="date", how="left")["load"].fill_null(0.0).to_numpy()
    ref = float(load[-28:].sum() / 4.0) / 7.0
    if ref <= 0:
        raise UsageError("no training load in the 28 days before the camp: nothing to build on")
    if max_day_load is not None and max_day_load <= 0:
        raise UsageError(f"max day load must be positive, not {max_day_load}")
    cap = (
        max_day_load
        if max_day_load is not None
        else CAP_FACTOR * float(np.quantile(load[-CAP_WINDOW_DAYS:], CAP_QUANTILE))
    )
    names, pattern = PATTERNS[max(rest_days, 1)]
    phase = pattern_phase(np.array(pattern), load, ref)
    weights = np.roll(np.array(pattern), -phase)
    names = names[phase:] + names[:phase]
    if cap / weights.max() < WEEK_RATIO[0] * ref:
        raise UsageError(
            f"day cap {cap:.1f} is too low for a first week of "
            f"{WEEK_RATIO[0]} x the recent weekly volume ({7 * ref:.1f})"
        )
    positive = load[load > 0]
    p = params or population_params(float(positive.mean()) if len(positive) else ref)
    s = _Setup(load, weights, names, weeks * 7, ref, cap, p, history_state(load, p))
    suspended = _suspended(start, s.n, suspensions)
    sessions = _sessions(s.n, s, suspended)
    spar = sum(1 for d, sess in enumerate(sessions) if sess == "sparring" and suspended[d])
    best: tuple[float, FloatArray, int] | None = None
    ramp = 0.0
    for taper in range(TAPER_DAYS[0], TAPER_DAYS[1] + 1):
        x = _optimise(taper, s)
        loads = _loads(x, taper, s)
        ok = all(c.ok for c in _check(loads, x, taper, spar, s, rest_days) if c.name not in UNGATED)
        value = _fight_day(loads, s)
        if taper == RAMP_TAPER_DAYS:
            nb = math.ceil((s.n - taper) / 7)
            top = cap / float(weights.max())
            xr = np.append(np.minimum(ref * (1 + RAMP_STEP * np.arange(1, nb + 1)), top), RAMP_CUT)
            ramp = _fight_day(_loads(xr, taper, s), s)
            if not ok or value < ramp:
                x, value, ok = xr, ramp, True
        if ok and (best is None or value > best[0]):
            best = (value, x, taper)
    assert best is not None  # the ramp is always a feasible candidate
    value, x, taper = best
    loads = _loads(x, taper, s)
    perf = performance_predict(np.concatenate([load, loads, [0.0]]), p)[len(load) :]
    days = pl.DataFrame(
        {
            "date": pl.date_range(start, fight_date - timedelta(1), "1d", eager=True),
            "target_load": loads,
            "session": sessions,
            "predicted_performance": perf[:-1],
        }
    )
    days = prescribe(days, srpe_to_trimp=srpe_to_trimp, hr_zones=hr_zones)
    return CampPlan(
        days,
        fight_date,
        float(perf[-1]),
        ramp,
        taper,
        float(x[-1]),
        [float(v) * 7 for v in x[:-1]],
        cap,
        _check(loads, x, taper, spar, s, rest_days),
        p,
        tuple(float(w) for w in weights),
    )
