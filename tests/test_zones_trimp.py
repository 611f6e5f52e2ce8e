"""Zones and session load: worked examples, gap handling and monotonicity properties."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drago.analysis.srpe import srpe_load
from drago.analysis.trimp import (
    session_loads,
    trimp_banister,
    trimp_edwards,
    trimp_lucia,
)
from drago.analysis.zones import hr_zone_seconds, sample_durations

REST, MAX = 60.0, 190.0
T0 = datetime(2026, 1, 5, 17, tzinfo=UTC)


def banister(hr: np.ndarray, t: np.ndarray, sex: str = "m") -> float:
    dt = sample_durations(t, hr)
    return trimp_banister(hr, dt, hr_rest_bpm=REST, hr_max_bpm=MAX, sex=sex)  # type: ignore[arg-type]


def all_loads(hr: np.ndarray, t: np.ndarray) -> tuple[float, float, float]:
    dt = sample_durations(t, hr)
    return (
        trimp_banister(hr, dt, hr_rest_bpm=REST, hr_max_bpm=MAX, sex="m"),
        trimp_edwards(hr, dt, hr_max_bpm=MAX),
        trimp_lucia(hr, dt, hr_vt1_bpm=150, hr_vt2_bpm=175),
    )


# --- worked examples ------------------------------------------------------------------------


def test_banister_worked_example_by_hand() -> None:
    x = 90 / 130  # 150 bpm, rest 60, max 190
    men = x * 0.64 * math.exp(1.92 * x)  # one minute
    women = x * 0.86 * math.exp(1.67 * x)
    t = np.arange(60.0)
    assert banister(np.full(60, 150.0), t) == pytest.approx(men) == pytest.approx(1.674, abs=5e-4)
    assert banister(np.full(60, 150.0), t, "f") == pytest.approx(women)


def test_banister_equals_the_average_hr_formula_at_constant_hr() -> None:
    """GoldenCheetah's average-HR formula and the per-sample sum agree when HR is steady."""
    t, hr = np.arange(3600.0), np.full(3600, 160.0)
    x = 100 / 130
    assert banister(hr, t) == pytest.approx(60 * x * 0.64 * math.exp(1.92 * x))


def test_banister_clips_the_reserve_fraction() -> None:
    t = np.arange(60.0)
    assert banister(np.full(60, 50.0), t) == 0.0  # below rest: x = 0
    assert banister(np.full(60, 230.0), t) == pytest.approx(0.64 * math.exp(1.92))  # x = 1


def test_banister_rejects_bad_parameters() -> None:
    with pytest.raises(ValueError, match="valid: m, f"):
        trimp_banister([150.0], [1.0], hr_rest_bpm=60, hr_max_bpm=190, sex="x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="HR rest < HR max"):
        trimp_banister([150.0], [1.0], hr_rest_bpm=190, hr_max_bpm=60, sex="m")


def test_edwards_by_hand() -> None:
    # 5 min in each Edwards zone of a 200-bpm max, 5 min below 50 %: 5 * (1+2+3+4+5) = 75
    hr = np.repeat([90.0, 110.0, 130.0, 150.0, 170.0, 195.0], 300)
    assert trimp_edwards(hr, np.ones(hr.size), hr_max_bpm=200) == pytest.approx(75.0)
    assert trimp_edwards([210.0] * 60, np.ones(60), hr_max_bpm=200) == pytest.approx(5.0)


def test_lucia_by_hand_and_boundaries() -> None:
    hr = np.array([149.0, 150.0, 174.0, 175.0])  # VT1 itself is zone 2, VT2 itself zone 3
    assert trimp_lucia(hr, np.full(4, 60.0), hr_vt1_bpm=150, hr_vt2_bpm=175) == 1 + 2 + 2 + 3
    with pytest.raises(ValueError, match="VT1 < VT2"):
        trimp_lucia(hr, np.ones(4), hr_vt1_bpm=175, hr_vt2_bpm=150)


def test_srpe_foster_2001() -> None:
    assert srpe_load(7, 90 * 60) == 630.0
    with pytest.raises(ValueError, match="CR-10"):
        srpe_load(15, 3600)


def test_zone_seconds_karvonen_and_hrmax() -> None:
    # reserve 130: 50 % = 125 bpm, 60 % = 138, 70 % = 151, 80 % = 164, 90 % = 177
    hr = np.array([124.0, 125.0, 138.0, 151.0, 164.0, 177.0, 200.0])
    t = np.arange(7.0)
    got = hr_zone_seconds(t, hr, hr_rest_bpm=REST, hr_max_bpm=MAX)
    assert got.tolist() == [1.0, 1.0, 1.0, 1.0, 2.0]
    # % of max: 95 = 50 %, 114 = 60 %, 171 = 90 %
    hr = np.array([94.0, 95.0, 114.0, 171.0])
    got = hr_zone_seconds(np.arange(4.0), hr, hr_rest_bpm=REST, hr_max_bpm=MAX, model="hrmax")
    assert got.tolist() == [1.0, 1.0, 0.0, 0.0, 1.0]
    with pytest.raises(ValueError, match="valid: karvonen, hrmax"):
        hr_zone_seconds(t, hr[:1].repeat(7), hr_rest_bpm=REST, hr_max_bpm=MAX, model="polar")


# --- gaps -----------------------------------------------------------------------------------


def test_sample_durations_rules() -> None:
    t = np.array([0.0, 1.0, 2.0, 10.0, 11.0, 12.0])
    hr = np.array([100.0, np.nan, 100.0, 0.0, 100.0, 100.0])
    assert sample_durations(t, hr).tolist() == [1.0, 0.0, 5.0, 0.0, 1.0, 1.0]
    assert sample_durations([5.0], [100.0]).tolist() == [0.0]
    assert sample_durations([3.0, 2.0], [100.0, 100.0]).tolist() == [0.0, 0.0]


def with_dropout(hr: np.ndarray, at: int, as_nulls: bool) -> tuple[np.ndarray, np.ndarray]:
    """The same 1-Hz record with 10 minutes of dropout inserted after sample `at`."""
    t = np.arange(hr.size, dtype=float)
    t = np.where(np.arange(hr.size) > at, t + 600, t)
    if not as_nulls:
        return hr, t
    fill_t = np.arange(at + 1, at + 601, dtype=float)
    order = np.argsort(np.r_[t, fill_t], kind="stable")
    return np.r_[hr, np.full(600, np.nan)][order], np.r_[t, fill_t][order]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(40, 220), min_size=20, max_size=200),
    st.integers(0, 18),
)
def test_a_dropout_neither_inflates_nor_zeroes_the_load(hrs: list[float], where: int) -> None:
    hr = np.array(hrs)
    at = where % (hr.size - 1)
    base = all_loads(hr, np.arange(hr.size, dtype=float))
    # Logged as samples without HR: exactly the load of the record without the dropout.
    assert all_loads(*with_dropout(hr, at, as_nulls=True)) == pytest.approx(base)
    # Logged as missing samples: the sample before the gap stands for the 5-s cap, not 600 s.
    gap_hr, gap_t = with_dropout(hr, at, as_nulls=False)
    capped_t = np.where(np.arange(hr.size) > at, np.arange(hr.size) + 4.0, np.arange(hr.size))
    assert all_loads(gap_hr, gap_t) == pytest.approx(all_loads(hr, capped_t))
    for with_gap, without in zip(all_loads(gap_hr, gap_t), base, strict=True):
        assert without <= with_gap <= without * 5 + 1e-9  # bounded by one sample at the cap


# --- properties -----------------------------------------------------------------------------

hr_lists = st.lists(st.floats(40, 220), min_size=2, max_size=300)


@settings(max_examples=60, deadline=None)
@given(hr_lists, st.integers(1, 300))
def test_load_is_monotone_in_duration(hrs: list[float], extra: int) -> None:
    hr = np.array(hrs)
    longer = np.r_[hr, np.full(extra, hr[-1])]
    before = all_loads(hr, np.arange(hr.size, dtype=float))
    after = all_loads(longer, np.arange(longer.size, dtype=float))
    assert all(a >= b - 1e-9 for a, b in zip(after, before, strict=True))


@settings(max_examples=60, deadline=None)
@given(hr_lists, st.floats(0, 60))
def test_load_is_monotone_in_intensity(hrs: list[float], rise: float) -> None:
    hr = np.array(hrs)
    t = np.arange(hr.size, dtype=float)
    before, after = all_loads(hr, t), all_loads(hr + rise, t)
    assert all(a >= b - 1e-9 for a, b in zip(after, before, strict=True))


# --- session_loads --------------------------------------------------------------------------


def records(hr_by_session: dict[int, list[float | None]]) -> pl.DataFrame:
    rows = [
        (index, T0 + timedelta(hours=index, seconds=i), hr)
        for index, hrs in hr_by_session.items()
        for i, hr in enumerate(hrs)
    ]
    return pl.DataFrame(
        rows,
        schema={
            "session_index": pl.Int32,
            "timestamp": pl.Datetime("us", "UTC"),
            "hr_bpm": pl.Float64,
        },
        orient="row",
    )


def test_session_loads_per_session_and_nulls() -> None:
    hr = [150.0] * 60
    frame = records({0: hr, 1: [None] * 30, 2: [0.0] * 5 + [160.0] * 60})
    out = session_loads(frame.reverse(), sex="m", hr_rest_bpm=REST, hr_max_bpm=MAX)
    assert out["session_index"].to_list() == [0, 1, 2]
    assert out["trimp_banister"][0] == pytest.approx(1.674, abs=5e-4)
    assert out.row(1) == (1, None, None, None, None, None)
    assert out["trimp_lucia"].null_count() == 3
    assert out["hr_time_s"][2] == 60.0
    assert sum(out["zone_s"][0]) == 60.0
    loads = session_loads(
        frame, sex="f", hr_rest_bpm=REST, hr_max_bpm=MAX, hr_vt1_bpm=150, hr_vt2_bpm=175
    )
    assert loads["trimp_lucia"].to_list() == [pytest.approx(2.0), None, pytest.approx(2.0)]
    for column in ("trimp_banister", "trimp_edwards", "trimp_lucia", "hr_time_s"):
        assert not loads[column].is_nan().any()


def test_session_loads_of_no_records_is_an_empty_frame() -> None:
    out = session_loads(records({}), sex="m", hr_rest_bpm=REST, hr_max_bpm=MAX)
    assert out.height == 0 and "zone_s" in out.columns
