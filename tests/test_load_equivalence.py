"""The load series with fewer Polars operations (issue 19) equals the previous implementation
(tests/load_reference.py) on random federations: same values to 1e-9, same dtypes, same row
order, and the same error where the previous one raised."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from drago.analysis.acwr import acwr, monotony_strain
from drago.analysis.daily import with_local_date
from drago.analysis.load import daily_load, daily_series, session_load, srpe_trimp_ratio
from drago.analysis.plausibility import check_finite, session_plausibility
from drago.analysis.pmc import check_daily, pmc
from tests.load_reference import (
    ref_acwr,
    ref_check_daily,
    ref_check_finite,
    ref_daily_load,
    ref_daily_series,
    ref_monotony_strain,
    ref_pmc,
    ref_session_load,
    ref_session_plausibility,
    ref_srpe_trimp_ratio,
    ref_with_local_date,
)

D0 = date(2026, 1, 1)
#: Loads as stored: mostly ordinary, some missing (null), unknown (NaN), zero or huge.
LOADS = st.one_of(
    st.none(),
    st.just(float("nan")),
    st.just(0.0),
    st.floats(0.0, 2000.0),
    st.just(1e307),
)


@st.composite
def federations(draw: st.DrawFn) -> pl.DataFrame:
    """Sessions of up to four athletes over up to 70 days: same-day sessions, gaps, duplicates
    (`counts` false or null), athletes whose every session is a duplicate; `counts` present or
    not, loads with nulls and NaN, athlete ids as Int32 or Int64 (a few null)."""
    n = draw(st.integers(1, 40))
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from([1, 2, 3, 4, 4, None]),
                st.integers(0, 70),
                LOADS,
                LOADS,
                LOADS,
                st.sampled_from([True, True, True, False, None]),
            ),
            min_size=n,
            max_size=n,
        )
    )
    frame = pl.DataFrame(
        {
            "athlete_id": [r[0] for r in rows],
            "date": [D0 + timedelta(r[1]) for r in rows],
            "trimp_banister": [r[2] for r in rows],
            "trimp_edwards": [r[3] for r in rows],
            "srpe_load": [r[4] for r in rows],
            "counts": [r[5] for r in rows],
        },
        schema_overrides={
            "athlete_id": draw(st.sampled_from([pl.Int32, pl.Int64])),
            "trimp_banister": pl.Float64,
            "trimp_edwards": pl.Float64,
            "srpe_load": pl.Float64,
            "counts": pl.Boolean,
        },
    )
    if draw(st.booleans()):
        frame = frame.drop("counts")
    return frame


DAYS = st.one_of(st.none(), st.integers(-10, 80).map(lambda d: D0 + timedelta(d)))


@st.composite
def ends_frames(draw: st.DrawFn) -> pl.DataFrame | None:
    ids = draw(st.lists(st.integers(1, 5), unique=True, max_size=4))
    if draw(st.booleans()):
        return None
    days = [D0 + timedelta(draw(st.integers(-5, 80))) for _ in ids]
    schema = {"athlete_id": pl.Int64, "end": pl.Date}
    return pl.DataFrame({"athlete_id": ids, "end": days}, schema=schema)


def same(new: Callable[[], Any], old: Callable[[], Any]) -> None:
    """Both return equal frames (1e-9, dtypes, row order), or both raise the same error."""
    try:
        expected = old()
    except Exception as error:  # the reference's error, whatever it is
        with pytest.raises(type(error)) as raised:
            new()
        assert str(raised.value) == str(error)
        return
    got = new()
    if expected is None:
        assert got is None
        return
    assert_frame_equal(got, expected, check_exact=False, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=150, deadline=None)
@given(
    federations(),
    st.sampled_from(["auto", "trimp", "edwards", "srpe"]),
    DAYS,
    DAYS,
    ends_frames(),
    st.integers(0, 4),
)
def test_daily_series_equals_the_previous_implementation(
    sessions: pl.DataFrame,
    method: str,
    start: date | None,
    end: date | None,
    ends: pl.DataFrame | None,
    min_pairs: int,
) -> None:
    kwargs: dict[str, Any] = {"method": method, "start": start, "end": end, "min_pairs": min_pairs}
    same(
        lambda: daily_series(sessions, ends=ends, **kwargs),
        lambda: ref_daily_series(sessions, ends=ends, **kwargs),
    )
    same(lambda: daily_load(sessions, **kwargs), lambda: ref_daily_load(sessions, **kwargs))


@settings(max_examples=40, deadline=None)
@given(
    federations(),
    st.sampled_from([(42.0, 7.0, 7, 28, 7), (10.0, 3.0, 3, 10, 4), (0.0, 7.0, 7, 7, 1)]),
)
def test_daily_series_parameters_equal_the_previous_implementation(
    sessions: pl.DataFrame, windows: tuple[float, float, int, int, int]
) -> None:
    ctl, atl, acute, chronic, monotony = windows
    kwargs: dict[str, Any] = {
        "ctl_days": ctl,
        "atl_days": atl,
        "acute_days": acute,
        "chronic_days": chronic,
        "monotony_days": monotony,
    }
    same(lambda: daily_series(sessions, **kwargs), lambda: ref_daily_series(sessions, **kwargs))


@settings(max_examples=100, deadline=None)
@given(federations(), st.integers(0, 4), st.sampled_from([0.4, 1.0, -1.0]), st.booleans())
def test_srpe_ratio_and_session_load_equal_the_previous_implementation(
    sessions: pl.DataFrame, min_pairs: int, fallback: float, own_ratios: bool
) -> None:
    same(
        lambda: srpe_trimp_ratio(sessions, min_pairs=min_pairs, fallback=fallback),
        lambda: ref_srpe_trimp_ratio(sessions, min_pairs=min_pairs, fallback=fallback),
    )
    undated = sessions.drop("date", "trimp_edwards")
    ratios = ref_srpe_trimp_ratio(undated, min_pairs=min_pairs) if own_ratios else None
    same(lambda: session_load(undated, ratios), lambda: ref_session_load(undated, ratios))


@st.composite
def daily_frames(draw: st.DrawFn) -> pl.DataFrame:
    """A daily frame as `daily_load` returns it, or broken: a gap, an athlete out of order,
    a null, NaN or infinite load."""
    parts = []
    for athlete in draw(st.lists(st.integers(1, 4), unique=True, min_size=1, max_size=3)):
        n = draw(st.integers(1, 40))
        loads = draw(st.lists(st.floats(0.0, 1000.0), min_size=n, max_size=n))
        first = D0 + timedelta(draw(st.integers(0, 10)))
        days = [first + timedelta(d) for d in range(n)]
        parts.append(pl.DataFrame({"athlete_id": [athlete] * n, "date": days, "load": loads}))
    frame = pl.concat(parts)
    broken = draw(st.sampled_from(["no", "no", "no", "gap", "null", "nan", "inf"]))
    if broken == "gap" and frame.height > 2:
        frame = frame.filter(pl.int_range(pl.len()) != frame.height // 2)
    elif broken in ("null", "nan", "inf"):
        bad = {"null": None, "nan": float("nan"), "inf": float("inf")}[broken]
        frame = frame.with_columns(
            pl.when(pl.int_range(pl.len()) == 0).then(bad).otherwise("load").alias("load")
        )
    return frame


@settings(max_examples=100, deadline=None)
@given(daily_frames())
def test_pmc_acwr_monotony_equal_the_previous_implementation(daily: pl.DataFrame) -> None:
    same(lambda: check_daily(daily), lambda: ref_check_daily(daily))
    same(lambda: pmc(daily), lambda: ref_pmc(daily))
    same(lambda: acwr(daily), lambda: ref_acwr(daily))
    same(lambda: monotony_strain(daily), lambda: ref_monotony_strain(daily))
    for missing in (False, True):
        same(
            lambda m=missing: check_finite(daily, ("load",), what="x", nan_is_missing=m),
            lambda m=missing: ref_check_finite(daily, ("load",), what="x", nan_is_missing=m),
        )


ZONES = ["UTC", "America/New_York", "Asia/Tokyo", "Europe/Rome", "Pacific/Kiritimati"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 3), st.sampled_from(ZONES), st.integers(0, 60 * 24 * 20)),
        max_size=30,
    )
)
def test_with_local_date_equals_the_previous_implementation(
    rows: list[tuple[int, str, int]],
) -> None:
    frame = pl.DataFrame(
        {
            "athlete_id": [r[0] for r in rows],
            "id": list(range(len(rows))),
            "tz": [r[1] for r in rows],
            "start_utc": [datetime(2026, 3, 20) + timedelta(minutes=r[2]) for r in rows],
        },
        schema={
            "athlete_id": pl.Int64,
            "id": pl.Int64,
            "tz": pl.String,
            "start_utc": pl.Datetime("us"),
        },
    )
    same(lambda: with_local_date(frame), lambda: ref_with_local_date(frame))


MEASURE = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(0.0, 300.0),
    st.floats(0.0, 100_000.0),
)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["run", "ride", "sparring", "other", None]),
            *(MEASURE for _ in range(5)),
        ),
        max_size=12,
    )
)
def test_session_plausibility_equals_the_previous_implementation(
    rows: list[tuple[Any, ...]],
) -> None:
    names = ("duration_s", "span_s", "hr_min_bpm", "hr_max_bpm", "speed_p99_ms")
    frame = pl.DataFrame(
        {
            "id": list(range(len(rows))),
            "activity": [r[0] for r in rows],
            **{name: [r[i + 1] for r in rows] for i, name in enumerate(names)},
        },
        schema={"id": pl.Int64, "activity": pl.String, **dict.fromkeys(names, pl.Float64)},
    )
    same(lambda: session_plausibility(frame), lambda: ref_session_plausibility(frame))
