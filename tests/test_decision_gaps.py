"""Issue 16's findings that had no test of their own until the audit: each test here fails on
the behaviour the issue found (see the module's functions for which finding).

- fits: a fit with tau2 >= tau1, or on a bound, is never "fitted";
- the plan: the build weeks climb to the day cap, not every week sits on it;
- weight: a promotion's "no class drop within N weeks", the bout's own class as the limit;
- inputs: NaN and infinity in the Python API's load, readiness and session frames are
  refused with BadInput instead of NaN or infinite results;
- one load scale: the session table, the PMC chart and the load JSON of the dashboard agree.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from fastapi.testclient import TestClient

from drago.analysis.acwr import acwr, monotony_strain
from drago.analysis.camp.fit import _bounds, _problem, performance_fit
from drago.analysis.camp.model import PerformanceParams, performance_predict
from drago.analysis.camp.plan import plan_camp
from drago.analysis.load import daily_series
from drago.analysis.pmc import pmc
from drago.analysis.readiness import readiness_series
from drago.errors import BadInput
from drago.lab import Lab
from drago.web import create_app
from tests.conftest import Cli
from tests.test_camp_model import frames, training

D0 = date(2026, 1, 1)


# --- fits -----------------------------------------------------------------------------------


def test_tau2_at_or_above_tau1_and_bounds_are_not_identified() -> None:
    names = ("p0", "k1", "k2", "tau1", "tau2")
    lo, hi = _bounds(names)
    ok = PerformanceParams(p0=300, k1=0.05, k2=0.12, tau1=40, tau2=6)
    se = {n: 0.01 * abs(getattr(ok, n)) for n in names}
    assert _problem(ok, se, names, lo, hi) is None
    swapped = PerformanceParams(p0=300, k1=0.05, k2=0.12, tau1=20, tau2=25)
    assert "is not below tau1" in str(_problem(swapped, se, names, lo, hi))
    on_bound = PerformanceParams(p0=300, k1=0.05, k2=0.12, tau1=hi[3], tau2=6)
    assert "upper bound" in str(_problem(on_bound, se, names, lo, hi))


def test_data_with_long_lived_fatigue_are_never_fitted_with_tau2_above_tau1() -> None:
    """Tests drawn from a model whose fatigue outlives fitness (tau2 25 d > tau1 10 d): the
    fit may fall back, never call such parameters fitted."""
    odd = PerformanceParams(p0=300, k1=0.12, k2=0.05, tau1=10, tau2=25)
    for seed in range(3):
        load = training(seed=seed)
        days = np.arange(5, len(load), 5)
        perf = performance_predict(np.append(load, 0.0), odd)[days]
        perf = perf + np.random.default_rng(seed).normal(0, 1.0, len(days))
        fit = performance_fit(*frames(load, days, perf), method="banister1975")
        assert fit.params.tau2 < fit.params.tau1 or fit.source == "population", fit.note


# --- the plan -------------------------------------------------------------------------------


def test_build_weeks_climb_instead_of_all_sitting_on_the_day_cap() -> None:
    rng = np.random.default_rng(11)
    load = rng.gamma(3.0, 30.0, 120) * (rng.random(120) > 0.25)
    history = pl.DataFrame({"date": [D0 + timedelta(i) for i in range(120)], "load": load})
    plan = plan_camp(history, fight_date=D0 + timedelta(120 + 56))
    days = plan.days["target_load"].to_numpy()[:28].reshape(4, 7)  # the first four weeks
    at_cap = np.isclose(days.max(axis=1), plan.day_cap, rtol=1e-6)
    assert not at_cap.all(), (days.max(axis=1), plan.day_cap)
    assert plan.weekly_volume[0] < max(plan.weekly_volume[:4])  # they climb


# --- weight ---------------------------------------------------------------------------------


def _boxer(lab: Lab, today: date) -> date:
    """A welterweight with ten weeks of training, a bout at welterweight four weeks ago and the
    next one at super lightweight (140 lb, 63.5 kg) in three weeks."""
    lab.athletes.add("rocky", sex="m", weight_class="welterweight")
    for back in range(70, 0, -1):
        if back % 7:
            lab.sessions.log(
                athlete="rocky", day=today - timedelta(back), minutes=50, rpe=6, activity="pads"
            )
    lab.camp.record_weight("rocky", kg=67.0, day=today)
    lab.fights.new(
        red="rocky",
        blue="Spider Rico",
        day=today - timedelta(28),
        rounds=8,
        weight_class="welterweight",
    )
    fight = today + timedelta(21)
    lab.fights.new(
        red="rocky", blue="Apollo Creed", day=fight, rounds=10, weight_class="super lightweight"
    )
    return fight


def test_no_class_drop_within_weeks_is_a_warning_everywhere(db: Path, cli: Cli) -> None:
    today = D0 + timedelta(100)
    with Lab(db) as lab:
        fight = _boxer(lab, today)
        plain = lab.camp.plan("rocky", fight_date=fight, until=today)
        ruled = lab.camp.plan("rocky", fight_date=fight, until=today, no_drop_weeks=8)
        loose = lab.camp.plan("rocky", fight_date=fight, until=today, no_drop_weeks=4)
        view = lab.camp.view("rocky", as_of=today, no_drop_weeks=8)
    # the bout's own class sets the limit, not the athlete's usual one
    assert plain.weight is not None and plain.weight.limit_kg == pytest.approx(63.503, abs=1e-3)
    drop = [w for w in ruled.to_dict()["warnings"] if "class drop" in w]
    assert drop == [
        f"pro: a bout at 66.7 kg on {today - timedelta(28)}, 7 weeks before, and now 63.5 kg: "
        "these rules allow no class drop within 8 weeks"
    ]
    assert not any("class drop" in w for w in plain.to_dict()["warnings"])
    assert not any("class drop" in w for w in loose.to_dict()["warnings"])  # 7 weeks > 4
    assert drop[0] in view.warnings and view.weight.weigh_in.no_drop_weeks == 8
    status = cli.json(
        "camp", "status", "rocky", "--as-of", today.isoformat(), "--no-drop-weeks", "8"
    )
    assert drop[0] in status["warnings"]
    bad = cli(
        "camp",
        "plan",
        "rocky",
        "--fight-date",
        fight.isoformat(),
        "--as-of",
        today.isoformat(),
        "--no-drop-weeks",
        "0",
        code=2,
    )
    assert "no class drop within 1-52 weeks" in bad.output


# --- inputs ---------------------------------------------------------------------------------


def _daily(loads: list[float]) -> pl.DataFrame:
    days = [D0 + timedelta(i) for i in range(len(loads))]
    return pl.DataFrame({"athlete_id": [1] * len(loads), "date": days, "load": loads})


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_in_python_api_frames_are_bad_input(bad: float) -> None:
    daily = _daily([50.0] * 39 + [bad])
    for function in (pmc, acwr, monotony_strain):
        with pytest.raises(BadInput, match="finite numbers"):
            function(daily)
    sessions = pl.DataFrame(
        {"athlete_id": [1, 1], "date": [D0, D0 + timedelta(1)], "srpe_load": [300.0, 200.0]}
    )
    if not math.isnan(bad):  # NaN in a session's load is documented as "no value"
        with pytest.raises(BadInput, match="finite numbers"):
            daily_series(sessions.with_columns(pl.Series("srpe_load", [300.0, bad])), method="srpe")
        days = [D0 + timedelta(i) for i in range(20)]
        for column in ("ln_rmssd", "rhr_bpm", "acwr"):
            frame = pl.DataFrame({"date": days, column: [4.0] * 19 + [bad]})
            with pytest.raises(BadInput, match="finite numbers"):
                readiness_series(frame)


# --- one load scale -------------------------------------------------------------------------


def test_the_dashboard_shows_one_load_for_a_session(drago_home: Path) -> None:
    db = drago_home / "scale.duckdb"
    day = date.today() - timedelta(1)
    with Lab(db) as lab:
        lab.athletes.add("drago", sex="m")
        lab.sessions.log(athlete="drago", day=day, minutes=60, rpe=7, activity="bag")
    with TestClient(create_app(db)) as web:
        [session] = web.get("/api/athletes/drago/sessions").json()["items"]
        assert session["srpe_load"] == 420 and session["load"] == pytest.approx(168.0)
        series = web.get(f"/api/athletes/drago/load?since={day}").json()["items"]
        assert series[0]["load"] == pytest.approx(168.0)
        page = web.get("/athletes/drago").text
    assert 'title="srpe x 0.40 (population)">168</td>' in page
    spec = page[page.index('data-figure="pmc">') :]
    assert (
        "168.0" in spec[: spec.index("</script>")] and "420" not in spec[: spec.index("</script>")]
    )


def test_morning_checks_weigh_ins_and_tests_dated_ahead_are_refused(db: Path, cli: Cli) -> None:
    """A log more than a day ahead is refused at every door, not only for sessions."""
    ahead = date.today() + timedelta(days=30)
    with Lab(db) as lab:
        lab.athletes.add("rocky", sex="m")
        with pytest.raises(BadInput, match=r"a morning check on .* is in the future"):
            lab.readiness.log_wellness("rocky", day=ahead, sleep=2, stress=2, fatigue=2, soreness=2)
        with pytest.raises(BadInput, match=r"a weigh-in on .* is in the future"):
            lab.camp.record_weight("rocky", kg=70.0, day=ahead)
        with pytest.raises(BadInput, match=r"a performance test on .* is in the future"):
            lab.camp.add_test("rocky", day=ahead, test="bag-3min", value=400.0)
        lab.camp.record_weight("rocky", kg=70.0, day=date.today() + timedelta(days=1))  # time zones
    out = cli("weight", "rocky", "--kg", "70", "--date", ahead.isoformat(), code=2)
    assert "in the future" in out.output and "Traceback" not in out.output
    out = cli(
        "wellness",
        "rocky",
        "--sleep",
        "2",
        "--stress",
        "2",
        "--fatigue",
        "2",
        "--soreness",
        "2",
        "--date",
        ahead.isoformat(),
        code=2,
    )
    assert "in the future" in out.output
