"""Readiness: baselines on synthetic series, a worked case per verdict rule, real mornings,
and properties (nulls stay null, never NaN)."""

from __future__ import annotations

import math
from datetime import UTC, date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drago.analysis.hrv import hrv_analyse
from drago.analysis.readiness import hooper_score, readiness_series
from drago.ingest.rr import read_rr

D0 = date(2026, 1, 1)
RR = Path(__file__).parent / "data" / "rr"


def days(n: int, **columns: Any) -> pl.DataFrame:
    return pl.DataFrame({"date": [D0 + timedelta(days=i) for i in range(n)], **columns})


def test_baselines_follow_the_definitions() -> None:
    ln = 4.0 + 0.2 * np.sin(np.arange(90) / 5.0) + np.random.default_rng(2).normal(0, 0.1, 90)
    out = readiness_series(days(90, ln_rmssd=ln))
    for i in (13, 40, 89):
        window = ln[max(0, i - 59) : i + 1]
        mean, sd = window.mean(), window.std(ddof=1)
        assert out["normal_low"][i] == pytest.approx(mean - 0.5 * sd)
        assert out["normal_high"][i] == pytest.approx(mean + 0.5 * sd)
        week = ln[i - 6 : i + 1]
        assert out["ln_rmssd_7d"][i] == pytest.approx(week.mean())
        assert out["cv_pct"][i] == pytest.approx(100 * week.std(ddof=1) / week.mean())
    assert out["normal_low"][:13].is_null().all() and out["normal_low"][13] is not None
    assert out["ln_rmssd_7d"][:2].is_null().all() and out["ln_rmssd_7d"][2] is not None


def test_windows_are_calendar_days_and_skip_unreliable() -> None:
    frame = pl.DataFrame(
        {
            "date": [D0, D0 + timedelta(days=1), D0 + timedelta(days=2), D0 + timedelta(days=9)],
            "ln_rmssd": [4.0, 4.2, 9.9, 4.4],
            "reliable": [True, None, False, True],
        }
    )
    out = readiness_series(frame)
    assert out["ln_rmssd_7d"].to_list() == [None, None, None, None]  # day 3 is unreliable
    assert out["ln_rmssd"][2] == 9.9 and "unreliable" in out["reason"][2]
    shuffled = readiness_series(frame.reverse())
    assert shuffled["date"].to_list() == frame["date"].to_list()


def test_sixty_day_window_drops_old_days() -> None:
    ln = np.r_[np.full(30, 3.0), np.full(60, 4.0) + np.resize([0.1, -0.1], 60)]
    out = readiness_series(days(90, ln_rmssd=ln))
    assert out["normal_low"][89] == pytest.approx(4.0 - 0.5 * np.std(ln[30:], ddof=1))


def base(n: int = 30, **extra: Any) -> dict[str, Any]:
    """A settled month: ln rMSSD ~4.0 +- 0.1, resting HR ~50, good wellness."""
    wiggle = np.resize([0.1, -0.1, 0.05, -0.05], n)
    columns = {
        "ln_rmssd": 4.0 + wiggle,
        "rhr_bpm": 50.0 + 10 * wiggle,
        "sleep": [2] * n,
        "stress": [2] * n,
        "fatigue": [2] * n,
        "soreness": [2] * n,
    }
    columns.update(extra)
    return columns


def last(**changes: Any) -> tuple[str, str]:
    columns = base()
    for name, values in changes.items():
        columns[name] = list(columns.get(name, [None] * 30))
        for offset, value in values.items():
            columns[name][offset] = value
    out = readiness_series(days(30, **columns))
    return out["verdict"][-1], out["reason"][-1]


def test_green_names_what_was_checked() -> None:
    verdict, reason = last()
    assert verdict == "green" and reason == "green: HRV, resting HR, wellness in range"


def test_hrv_trend_below_range_is_amber_and_with_today_red() -> None:
    verdict, reason = last(ln_rmssd={-3: 3.5, -2: 3.5, -1: 4.1})
    assert verdict == "amber" and reason.startswith("amber: ln rMSSD 7-day")
    verdict, reason = last(ln_rmssd={-3: 3.5, -2: 3.5, -1: 3.5})
    assert verdict == "red" and "and today 3.50 below normal" in reason


def test_resting_hr_trend_up_is_amber() -> None:
    verdict, reason = last(rhr_bpm={-i: 62.0 for i in range(1, 5)})
    assert verdict == "amber" and reason.startswith("amber: resting HR 7-day")


def test_wellness_rules() -> None:
    assert last(fatigue={-1: 6}) == ("amber", "amber: fatigue 6/7 (drago convention)")
    assert last(soreness={-1: 7}) == ("red", "red: soreness 7/7 (drago convention)")
    assert last(**{k: {-1: 5} for k in ("sleep", "stress", "fatigue", "soreness")}) == (
        "amber",
        "amber: Hooper 20/28 (drago convention)",
    )
    assert (
        last(**{k: {-1: 6} for k in ("sleep", "stress")}, fatigue={-1: 5}, soreness={-1: 5})[0]
        == "red"
    )
    assert last(mood={-1: 6}) == ("amber", "amber: mood 6/7 (drago convention)")


def test_acwr_alone_is_never_red() -> None:
    assert last(acwr={-1: 1.4})[0] == "amber"
    assert last(acwr={-1: 1.6}) == (
        "amber",
        "amber: ACWR 1.60 above 1.3 (Gabbett 2016; a prompt, not injury risk)",
    )
    assert last(acwr={-1: 9.0})[0] == "amber"
    assert last(acwr={-1: 1.1}) == ("green", "green: HRV, resting HR, wellness, ACWR in range")
    # nor does it make a second amber: "two ambers" counts the athlete's own signals
    assert last(fatigue={-1: 6}, acwr={-1: 1.6})[0] == "amber"


def test_two_ambers_make_a_red_and_say_it_is_a_convention() -> None:
    verdict, reason = last(fatigue={-1: 6}, rhr_bpm={-i: 62.0 for i in range(1, 5)})
    assert verdict == "red" and reason.endswith("(two ambers: drago convention)")
    assert "fatigue 6/7" in reason and "resting HR 7-day" in reason


def test_hrv_above_range_has_its_own_message() -> None:
    verdict, reason = last(ln_rmssd={-3: 4.6, -2: 4.6, -1: 4.6})
    assert verdict == "green" and "above normal" in reason and "Le Meur 2013" in reason
    # beside another warning it is a warning too (Le Meur: "with other signs")
    verdict, reason = last(ln_rmssd={-3: 4.6, -2: 4.6, -1: 4.6}, fatigue={-1: 6})
    assert verdict == "red" and "above normal" in reason


def test_a_falling_hrv_cv_is_amber() -> None:
    # steady day-to-day variation for weeks, then a week of identical mornings (CV 0)
    wobble = {-i: (4.05 if i % 2 else 3.95) for i in range(8, 30)}
    verdict, reason = last(ln_rmssd={**wobble, **{-i: 4.0 for i in range(1, 8)}})
    assert verdict == "amber" and "CV" in reason and "Plews 2012" in reason


def test_a_questionnaire_alone_gets_a_verdict_and_nothing_gets_none() -> None:
    items = {"sleep": [3, None], "stress": [2, None], "fatigue": [3, None], "soreness": [2, None]}
    snow = pl.DataFrame({"date": [D0, D0 + timedelta(days=1)], **items})
    out = readiness_series(snow)
    assert out["verdict"].to_list() == ["green", None]
    assert out["reason"].to_list() == ["green: wellness in range", "no data"]
    assert out["hooper"].to_list() == [10, None]


def test_hooper_score() -> None:
    assert hooper_score(1, 1, 1, 1) == 4 and hooper_score(7, 7, 7, 7) == 28
    assert hooper_score(None, 1, 1, 1) is None and hooper_score(math.nan, 1, 1, 1) is None
    for bad in (0, 8, 2.5):
        with pytest.raises(ValueError, match="1 \\(best\\) to 7"):
            hooper_score(bad, 1, 1, 1)
    with pytest.raises(ValueError, match="2026-01-01: fatigue"):
        readiness_series(days(1, sleep=[1], stress=[1], fatigue=[9], soreness=[1]))
    with pytest.raises(ValueError, match="one row per date"):
        readiness_series(pl.DataFrame({"date": [D0, D0]}))


def test_real_mornings() -> None:
    rows = []
    for path in sorted((RR / "hrvlogger_h10_daily").glob("ot_m*_RRIntervals.csv")):
        rec = read_rr(path)
        result = hrv_analyse(rec.rr_ms)
        rows.append(
            {
                "date": rec.local_date(UTC),
                "ln_rmssd": result.ln_rmssd,
                "reliable": result.reliable,
                "rhr_bpm": result.mean_hr_bpm,
            }
        )
    out = readiness_series(pl.DataFrame(rows))
    assert out.height == 23 and out["date"][0] == date(2023, 2, 8)
    assert out["ln_rmssd_7d"][2] is not None and out["ln_rmssd_7d"][:2].is_null().all()
    assert out["normal_low"][12] is None and out["normal_low"][13] is not None
    assert set(out["verdict"][13:].to_list()) <= {"green", "amber", "red"}
    assert out["reason"][0] == "no verdict: baselines still building"


optional_float = st.one_of(st.none(), st.floats(2.0, 5.5))
item = st.one_of(st.none(), st.integers(1, 7))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_nulls_never_become_nan(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 40))
    dates = sorted(data.draw(st.sets(st.integers(0, 120), min_size=n, max_size=n)))
    draw = lambda strategy: data.draw(st.lists(strategy, min_size=n, max_size=n))  # noqa: E731
    frame = pl.DataFrame(
        {
            "date": [D0 + timedelta(days=d) for d in dates],
            "ln_rmssd": draw(st.one_of(optional_float, st.just(math.nan))),
            "reliable": draw(st.one_of(st.none(), st.booleans())),
            "rhr_bpm": draw(st.one_of(st.none(), st.floats(35, 90))),
            **{k: draw(item) for k in ("sleep", "stress", "fatigue", "soreness", "mood")},
            "acwr": draw(st.one_of(st.none(), st.floats(0, 3))),
        },
        schema_overrides={"ln_rmssd": pl.Float64, "rhr_bpm": pl.Float64, "acwr": pl.Float64},
    )
    out = readiness_series(frame)
    assert out.height == n
    for name in ("ln_rmssd_7d", "normal_low", "normal_high", "cv_pct", "rhr_7d", "rhr_60d"):
        assert out[name].dtype == pl.Float64 and not out[name].is_nan().any(), name
    assert set(out["verdict"].drop_nulls().to_list()) <= {"green", "amber", "red"}
    assert all(reason and "\n" not in reason for reason in out["reason"])
    for i, row in enumerate(frame.iter_rows(named=True)):
        assert (out["verdict"][i] is None) == out["reason"][i].startswith("no ")
        if all(v is None or v != v for k, v in row.items() if k not in ("date", "reliable")):
            assert out["verdict"][i] is None
