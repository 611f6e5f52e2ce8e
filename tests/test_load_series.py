"""Daily load, PMC, ACWR, monotony and strain: hand-computed cases, references and properties."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drago.analysis.acwr import acwr, acwr_band, monotony_strain
from drago.analysis.load import daily_load, daily_series, srpe_trimp_ratio
from drago.analysis.pmc import check_daily, pmc
from drago.errors import BadInput

D0 = date(2026, 1, 1)


def daily(loads: list[float], athlete: int = 1) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "athlete_id": [athlete] * len(loads),
            "date": [D0 + timedelta(d) for d in range(len(loads))],
            "load": loads,
        }
    )


def sessions(**columns: list[object]) -> pl.DataFrame:
    return pl.DataFrame(columns).with_columns(pl.col("date").cast(pl.Date))


def gc_pmc(loads: list[float], ctl_days: float = 42, atl_days: float = 7) -> np.ndarray:
    """GoldenCheetah's PMCData loop, written out: lts = stress (1 - lte) + last lts * lte."""
    lte, ste = math.exp(-1 / ctl_days), math.exp(-1 / atl_days)
    ctl = atl = 0.0
    out = []
    for load in loads:
        tsb = ctl - atl  # yesterday's
        ctl = load * (1 - lte) + ctl * lte
        atl = load * (1 - ste) + atl * ste
        out.append((ctl, atl, tsb))
    return np.array(out)


loads_st = st.lists(st.floats(0, 1000), min_size=1, max_size=120)


# --- daily load -----------------------------------------------------------------------------


def test_daily_load_fills_days_off_and_drops_duplicates() -> None:
    s = sessions(
        athlete_id=[1, 1, 1, 2],
        date=[D0, D0, D0 + timedelta(3), D0 + timedelta(1)],
        trimp_banister=[50.0, 30.0, 99.0, 10.0],
        counts=[True, None, False, True],
    )
    out = daily_load(s, method="trimp")
    assert out.filter(pl.col("athlete_id") == 1)["load"].to_list() == [80.0]
    assert out.filter(pl.col("athlete_id") == 2)["date"].to_list() == [D0 + timedelta(1)]
    out = daily_load(s, method="trimp", start=D0 - timedelta(1), end=D0 + timedelta(3))
    assert out.filter(pl.col("athlete_id") == 1)["load"].to_list() == [0.0, 80.0, 0.0, 0.0, 0.0]
    assert out["sessions"].to_list()[:5] == [0, 2, 0, 0, 0]
    assert out.schema["load"] == pl.Float64 and out.schema["date"] == pl.Date


def test_daily_load_without_counts_column_counts_everything() -> None:
    s = sessions(athlete_id=[1, 1], date=[D0, D0 + timedelta(2)], srpe_load=[300.0, None])
    out = daily_load(s, method="srpe")
    assert out["load"].to_list() == [300.0, 0.0, 0.0]
    assert out["sessions_without_load"].to_list() == [0, 0, 1]


def test_daily_load_methods_and_errors() -> None:
    s = sessions(
        athlete_id=[1],
        date=[D0],
        trimp_banister=[100.0],
        trimp_edwards=[float("nan")],
        srpe_load=[400.0],
    )
    assert daily_load(s, method="trimp")["load"].to_list() == [100.0]
    assert daily_load(s, method="srpe")["load"].to_list() == [400.0]
    edwards = daily_load(s, method="edwards")  # NaN input is a missing value, never NaN output
    assert edwards["load"].to_list() == [0.0] and edwards["sessions_without_load"][0] == 1
    with pytest.raises(ValueError, match="valid: trimp, edwards, srpe, auto"):
        daily_load(s, method="tss")
    with pytest.raises(ValueError, match="lacks columns: srpe_load"):
        daily_load(s.drop("srpe_load"), method="auto")
    with pytest.raises(ValueError, match=r"pl\.Date"):
        daily_load(s.with_columns(pl.col("date").cast(pl.Datetime)), method="trimp")


def test_auto_fits_a_personal_ratio_or_falls_back() -> None:
    n = 12
    rich = sessions(
        athlete_id=[1] * (n + 1),
        date=[D0 + timedelta(d) for d in range(n + 1)],
        trimp_banister=[60.0 + d for d in range(n)] + [None],
        srpe_load=[200.0] * n + [500.0],
    )
    ratio = srpe_trimp_ratio(rich)
    expected = float(np.median([(60.0 + d) / 200 for d in range(n)]))
    assert ratio.row(0) == (1, pytest.approx(expected), n, "athlete")
    auto = daily_load(rich, method="auto")
    assert auto["load"][-1] == pytest.approx(500 * expected)
    assert auto["load"][0] == 60.0  # sensor TRIMP wins where present
    poor = rich.head(3).vstack(rich.tail(1))
    assert srpe_trimp_ratio(poor).row(0)[1:] == (0.40, 3, "population")
    assert srpe_trimp_ratio(poor, fallback=0.5, min_pairs=3).row(0)[-1] == "athlete"


def test_an_athletes_series_does_not_depend_on_the_others() -> None:
    rng = np.random.default_rng(1)
    frames = [
        sessions(
            athlete_id=[a] * 40,
            date=sorted(D0 + timedelta(int(d)) for d in rng.integers(0, 90, 40)),
            trimp_banister=[
                None if rng.random() < 0.3 else float(rng.uniform(20, 200)) for _ in range(40)
            ],
            srpe_load=rng.uniform(50, 600, 40).tolist(),
        )
        for a in (1, 2, 3)
    ]
    together = daily_series(pl.concat(frames), method="auto")
    alone = daily_series(frames[1], method="auto")
    assert together.filter(pl.col("athlete_id") == 2).equals(alone)


# --- PMC ------------------------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(loads_st)
def test_pmc_matches_goldencheetah(loads: list[float]) -> None:
    out = pmc(daily(loads))
    np.testing.assert_allclose(out.select("ctl", "atl", "tsb").to_numpy(), gc_pmc(loads), atol=1e-8)


def test_pmc_matches_scipy_lfilter() -> None:
    signal = pytest.importorskip("scipy.signal")
    loads = np.random.default_rng(0).uniform(0, 300, 400)
    lam = 1 - math.exp(-1 / 42)
    expected = signal.lfilter([lam], [1, -(1 - lam)], loads)
    np.testing.assert_allclose(pmc(daily(loads.tolist()))["ctl"].to_numpy(), expected)


def test_ctl_of_a_constant_load_converges_to_it() -> None:
    out = pmc(daily([100.0] * 600))
    assert out["ctl"][-1] == pytest.approx(100.0, rel=1e-6)
    assert out["atl"][-1] == pytest.approx(100.0, rel=1e-9)
    assert out["ctl"].is_sorted()


@settings(max_examples=50, deadline=None)
@given(loads_st)
def test_a_rest_day_lowers_ctl_and_atl(loads: list[float]) -> None:
    out = pmc(daily([*loads, 0.0]))
    before, after = out.row(-2, named=True), out.row(-1, named=True)
    assert after["ctl"] <= before["ctl"] and after["atl"] <= before["atl"]
    if before["ctl"] > 0:
        assert after["ctl"] < before["ctl"] and after["atl"] < before["atl"]


@settings(max_examples=50, deadline=None)
@given(loads_st, st.floats(1, 1000))
def test_more_load_raises_atl_more_than_ctl(loads: list[float], extra: float) -> None:
    base = pmc(daily(loads))
    more = pmc(daily([*loads[:-1], loads[-1] + extra]))
    d_ctl = more["ctl"][-1] - base["ctl"][-1]
    d_atl = more["atl"][-1] - base["atl"][-1]
    assert d_atl > d_ctl > 0


def test_check_daily_refuses_holes_and_nulls() -> None:
    with pytest.raises(ValueError, match="consecutive days"):
        check_daily(daily([1.0, 2.0, 3.0]).filter(pl.col("load") != 2.0))
    with pytest.raises(ValueError, match="null 'load'"):
        check_daily(daily([1.0, None]))  # type: ignore[list-item]
    for bad in (math.nan, math.inf, -math.inf):  # the Python API's BadInput, not a NaN result
        with pytest.raises(BadInput, match="finite numbers"):
            check_daily(daily([1.0, bad]))


# --- ACWR, monotony, strain -----------------------------------------------------------------


def test_rolling_acwr_by_hand() -> None:
    loads = [10.0] * 21 + [40.0] * 7 + [0.0]
    out = acwr(daily(loads))
    assert out["acwr_rolling"].null_count() == 27
    row = out.row(27, named=True)
    assert row["acwr_rolling"] == pytest.approx(40 / ((21 * 10 + 7 * 40) / 28))
    assert row["acwr_rolling_uncoupled"] == pytest.approx(4.0)
    row = out.row(28, named=True)  # day 28: acute = 6 * 40 / 7; days 1..21 = 20 * 10 + 40
    assert row["acwr_rolling_uncoupled"] == pytest.approx((240 / 7) / (240 / 21))


def test_ewma_acwr_williams_2017() -> None:
    rng = np.random.default_rng(3)
    loads = rng.uniform(0, 500, 60).tolist()
    acute = chronic = loads[0]
    expected = []
    for load in loads:
        acute = load * 2 / 8 + acute * (1 - 2 / 8)
        chronic = load * 2 / 29 + chronic * (1 - 2 / 29)
        expected.append(acute / chronic)
    out = acwr(daily(loads))
    assert out["acwr_ewma"].null_count() == 27
    np.testing.assert_allclose(out["acwr_ewma"].to_numpy()[27:], expected[27:])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 1000), min_size=28, max_size=80))
def test_coupled_acwr_is_4r_over_r_plus_3(loads: list[float]) -> None:
    out = acwr(daily(loads)).drop_nulls("acwr_rolling_uncoupled")
    r = out["acwr_rolling_uncoupled"].to_numpy()
    np.testing.assert_allclose(out["acwr_rolling"].to_numpy(), 4 * r / (r + 3), rtol=1e-9)


def test_monotony_and_strain_foster_1998() -> None:
    week = [300.0, 0.0, 300.0, 0.0, 300.0, 0.0, 0.0]
    out = monotony_strain(daily([*week, 300.0]))
    mean, sd = np.mean(week), np.std(week, ddof=1)
    assert out["monotony"].null_count() == 6
    assert out["monotony"][6] == pytest.approx(mean / sd)
    assert out["strain"][6] == pytest.approx(sum(week) * mean / sd)
    flat = monotony_strain(daily([200.0] * 10))
    assert flat["monotony"].null_count() == 10 and flat["strain"].null_count() == 10


def test_acwr_bands() -> None:
    assert [acwr_band(v) for v in (0.0, 0.79, 0.8, 1.0, 1.3, 1.31, 1.5, 1.6)] == [
        "under-training",
        "under-training",
        "sweet spot",
        "sweet spot",
        "sweet spot",
        "caution",
        "caution",
        "spike",
    ]
    with pytest.raises(ValueError):
        acwr_band(float("nan"))
    bands = acwr(daily([100.0] * 30))["acwr_band"]
    assert bands.null_count() == 27 and bands[-1] == "sweet spot"


# --- the whole series -----------------------------------------------------------------------

COLUMNS = ("ctl", "atl", "tsb", "acwr_rolling", "acwr_rolling_uncoupled", "acwr_ewma")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(0, 800)), min_size=1, max_size=70))
def test_series_never_holds_nan(values: list[float | None]) -> None:
    s = sessions(
        athlete_id=[1] * len(values),
        date=[D0 + timedelta(2 * d) for d in range(len(values))],
        trimp_banister=values,
        srpe_load=[None] * len(values),
    )
    out = daily_series(s, method="auto")
    for column in (*COLUMNS, "monotony", "strain", "load"):
        assert not out[column].is_nan().any(), column
        assert not out[column].is_infinite().any(), column


def test_daily_series_start_keeps_history() -> None:
    s = sessions(
        athlete_id=[1] * 40,
        date=[D0 + timedelta(d) for d in range(40)],
        trimp_banister=[100.0] * 40,
    )
    full = daily_series(s, method="trimp")
    late = daily_series(s, method="trimp", start=D0 + timedelta(30))
    assert late.height == 10 and late.equals(full.tail(10))
    early = daily_series(s, method="trimp", start=D0 - timedelta(5))
    assert early.height == 45 and early["load"].head(5).to_list() == [0.0] * 5


def test_empty_and_out_of_range_inputs_give_empty_frames() -> None:
    empty = pl.DataFrame(
        schema={"athlete_id": pl.Int64, "date": pl.Date, "trimp_banister": pl.Float64}
    )
    assert daily_series(empty, method="trimp").height == 0
    s = sessions(athlete_id=[1, 2], date=[D0, D0], trimp_banister=[5.0, 6.0], counts=[False, True])
    assert daily_load(s, method="trimp", end=D0 - timedelta(30)).height == 0
    # an athlete with only duplicates gets days only when both ends are given
    both = daily_load(s, method="trimp", start=D0 - timedelta(1), end=D0 + timedelta(1))
    assert both.group_by("athlete_id").len().sort("athlete_id")["len"].to_list() == [3, 3]
