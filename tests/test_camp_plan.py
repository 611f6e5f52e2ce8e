"""Camp planner: every constraint on synthetic athletes, the ramp comparison, suspensions."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drago.analysis.camp.fightday import fight_day, history_state
from drago.analysis.camp.model import PerformanceParams, performance_predict, population_params
from drago.analysis.camp.plan import (
    MONOTONY_MAX,
    PATTERNS,
    TAPER_CUT,
    TAPER_DAYS,
    UNGATED,
    WEEK_RATIO,
    CampPlan,
    plan_camp,
    taper_factors,
)
from drago.errors import UsageError

D0 = date(2026, 1, 1)
SESSIONS = {"sparring", "pads", "bag", "conditioning", "roadwork", "strength", "rest"}


def history(n: int = 120, seed: int = 0, scale: float = 30.0, off: float = 0.25) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    load = rng.gamma(3.0, scale, n) * (rng.random(n) > off)
    return pl.DataFrame({"date": [D0 + timedelta(i) for i in range(n)], "load": load})


def check_every_constraint(
    plan: CampPlan, weeks: int, rest_days: int, suspensions: list[tuple[date, date]]
) -> None:
    """Recompute each constraint from the days themselves, not from plan.constraints."""
    gated = [c for c in plan.constraints if c.name not in UNGATED]
    assert all(c.ok for c in gated), [c for c in gated if not c.ok]
    days = plan.days
    load = days["target_load"].to_numpy()
    assert days.height == 7 * weeks and days["date"][-1] == plan.fight_date - timedelta(1)
    assert set(days["session"]) <= SESSIONS
    assert np.all(load >= 0) and load.max() <= plan.day_cap * (1 + 1e-9)
    blocks = load.reshape(-1, 7)
    assert np.all((blocks == 0).sum(axis=1) >= rest_days)
    # monotony on every 7 days wholly inside the camp, not only on camp-aligned weeks
    windows = np.lib.stride_tricks.sliding_window_view(load, 7)
    sd = windows.std(axis=1, ddof=1)
    assert np.all(windows.mean(axis=1)[sd > 0] / sd[sd > 0] < MONOTONY_MAX)
    vols = np.array(plan.weekly_volume)
    ratio = vols[1:] / vols[:-1]
    assert np.all(ratio >= WEEK_RATIO[0] - 1e-6) and np.all(ratio <= WEEK_RATIO[1] + 1e-6)
    assert WEEK_RATIO[1] <= 1.10  # a bounded week-on-week rise (the 10 % rule)
    assert TAPER_DAYS[0] <= plan.taper_days <= TAPER_DAYS[1]
    assert TAPER_CUT[0] - 1e-9 <= plan.taper_cut <= TAPER_CUT[1] + 1e-9
    # a progressive taper: each taper day the last build week's load on that weekday times
    # a falling factor whose mean is 1 - cut
    taper = load[-plan.taper_days :]
    pre = vols[-1] / 7 * np.array(plan.weights)
    pre_taper = pre[np.arange(7 * weeks)[-plan.taper_days :] % 7]
    factors = taper_factors(plan.taper_days, plan.taper_cut)
    assert taper == pytest.approx(pre_taper * factors)
    assert factors.mean() == pytest.approx(1 - plan.taper_cut) and np.all(np.diff(factors) < 0)
    # every training day a session a coach can hand out, adding up to its target
    work = days.filter(pl.col("target_load") > 0)
    assert (work["minutes"] > 0).all() and work["rpe"].is_between(1, 10).all()
    assert (work["planned_load"] - work["target_load"]).abs().max() <= 0.5 * 10 * 0.4 + 1e-9
    for first, last in suspensions:
        during = days.filter(pl.col("date").is_between(first, last))
        assert "sparring" not in during["session"].to_list()
    assert plan.fight_day_prediction >= plan.ramp_prediction - 1e-9


def test_plan_meets_every_constraint_and_beats_the_ramp() -> None:
    h = history()
    fight = D0 + timedelta(120 + 56)
    suspension = [(D0 + timedelta(123), D0 + timedelta(132))]
    plan = plan_camp(h, fight_date=fight, suspensions=suspension)
    check_every_constraint(plan, 8, 1, suspension)
    assert plan.fight_day_prediction > plan.ramp_prediction
    assert [c.name for c in plan.constraints] == [
        "week_ratio",
        "day_load_max",
        "monotony_7d",
        "monotony_7d_from_history",
        "rest_days_per_week",
        "sparring_in_suspension",
        "taper_days",
        "taper_volume_cut",
    ]
    # the plan's own prediction column ends with the day before the fight
    assert plan.days["predicted_performance"].null_count() == 0
    # no sparring in the final week
    assert "sparring" not in plan.days["session"].tail(7).to_list()


def test_plain_banister_does_not_rest_into_the_fight() -> None:
    # In Banister's model the best taper is rest; the 41-60 % cut keeps training in the taper.
    plan = plan_camp(
        history(),
        fight_date=D0 + timedelta(176),
        params=PerformanceParams(k1=1, k2=2, tau1=42, tau2=7),
    )
    check_every_constraint(plan, 8, 1, [])
    assert plan.days["target_load"].tail(plan.taper_days).sum() > 0


def test_history_after_the_camp_start_is_ignored_and_gaps_are_rest() -> None:
    h = history(150)
    fight = D0 + timedelta(120 + 56)
    assert plan_camp(h, fight_date=fight).days.equals(plan_camp(h.head(120), fight_date=fight).days)


def test_errors() -> None:
    h = history()
    fight = D0 + timedelta(176)
    with pytest.raises(UsageError, match="too low"):
        plan_camp(h, fight_date=fight, max_day_load=10.0)
    with pytest.raises(UsageError, match="no training load"):
        plan_camp(h, fight_date=fight + timedelta(60))
    with pytest.raises(UsageError, match="no training history"):
        plan_camp(h, fight_date=D0)
    with pytest.raises(UsageError, match="3-26 weeks"):
        plan_camp(h, fight_date=fight, weeks=2)
    with pytest.raises(UsageError, match="0-3"):
        plan_camp(h, fight_date=fight, rest_days=4)
    with pytest.raises(UsageError, match="positive"):
        plan_camp(h, fight_date=fight, max_day_load=0.0)
    two = pl.concat([h.with_columns(athlete_id=pl.lit(1)), h.with_columns(athlete_id=pl.lit(2))])
    with pytest.raises(UsageError, match="one athlete"):
        plan_camp(two, fight_date=fight)


def test_days_missing_from_the_history_are_rest() -> None:
    h = history()
    fight = D0 + timedelta(176)
    sparse = h.filter(pl.col("load") > 0)
    assert plan_camp(sparse, fight_date=fight).days.equals(plan_camp(h, fight_date=fight).days)


@given(
    seed=st.integers(0, 10_000),
    scale=st.floats(5.0, 200.0),
    off=st.floats(0.1, 0.5),
    weeks=st.integers(3, 12),
    rest_days=st.integers(0, 3),
    busso=st.booleans(),
    suspension=st.tuples(st.integers(0, 80), st.integers(0, 14)),
)
@settings(max_examples=20, deadline=None)
def test_no_plan_breaks_a_constraint(
    seed: int,
    scale: float,
    off: float,
    weeks: int,
    rest_days: int,
    busso: bool,
    suspension: tuple[int, int],
) -> None:
    h = history(90, seed, scale, off)
    fight = D0 + timedelta(90 + 7 * weeks)
    start = D0 + timedelta(90 + suspension[0])
    susp = [(start, start + timedelta(suspension[1]))]
    params = None if busso else PerformanceParams(k1=1, k2=2, tau1=42, tau2=7)
    plan = plan_camp(
        h, fight_date=fight, weeks=weeks, rest_days=rest_days, params=params, suspensions=susp
    )
    check_every_constraint(plan, weeks, rest_days, susp)


def test_docs_name_every_constraint_and_constant() -> None:
    from pathlib import Path

    doc = (Path(__file__).parents[1] / "docs" / "camp.md").read_text(encoding="utf-8")
    plan = plan_camp(history(), fight_date=D0 + timedelta(176))
    for c in plan.constraints:
        assert f"`{c.name}`" in doc
    for cited in (
        "Bosquet",
        "Mujika & Padilla 2003",
        "Foster 1998",
        "Busso 2003",
        "Reale",
        "not a medical\ndevice",
        "Neidecker",
        "Cole et al. 1999",
    ):
        assert cited in doc, cited
    for _, weights in PATTERNS.values():  # the documented monotony of each pattern
        w = np.array(weights)
        assert f"| {w.mean() / w.std(ddof=1):.2f} |" in doc


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 400),
    st.integers(1, 120),
    st.floats(1.0, 200.0),
    st.sampled_from(["busso2003", "banister1975"]),
    st.integers(0, 2**32 - 1),
)
def test_fight_day_matches_performance_predict_to_the_bit(
    n_history: int, n_camp: int, scale: float, method: str, seed: int
) -> None:
    """The planner's fast fight-day value (the history's part computed once) is the same
    float as the whole series' last value, so the faster planner gives the same plans."""
    rng = np.random.default_rng(seed)
    history = rng.gamma(2.0, scale, n_history) * (rng.random(n_history) > 0.3)
    camp = rng.gamma(2.0, scale, n_camp) * (rng.random(n_camp) > 0.2)
    if method == "busso2003":
        params = population_params(float(history.mean()) or 1.0)
    else:
        params = PerformanceParams(
            p0=rng.uniform(0, 500),
            k1=rng.uniform(0, 3),
            k2=rng.uniform(0, 5),
            tau1=rng.uniform(10, 80),
            tau2=rng.uniform(1, 9),
        )
    whole = performance_predict(np.concatenate([history, camp, [0.0]]), params)[-1]
    assert fight_day(history_state(history, params), camp) == whole
