"""The vectorised science equals the per-athlete loop it replaced, to 1e-9 and string for string.

`tests/readiness_reference.py` keeps the loop as it was (one Python pass per morning, one call
per athlete); `readiness_by`, `daily_by_athlete` and the lake's `Step` compute many athletes at
once. Random histories have gaps, unreliable mornings, missing and partial questionnaires,
suspensions and ACWR on the band edges; the real data is the store of tests/test_lake.py.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from drago.analysis.daily import athlete_daily, daily_by_athlete
from drago.analysis.readiness import readiness_by, readiness_series
from drago.lake import synth
from drago.lake.apply import Step, union_rows
from drago.store.lake_files import read_athletes, read_table
from tests.readiness_reference import athlete_daily_loop, readiness_series_loop

D0 = date(2025, 1, 1)
#: Values on the rules' edges and on rounding ties of the reasons' numbers.
EDGES = (1.3, 1.5, 1.3000000001, 3.125, 3.135, 2.675, 0.0)


@st.composite
def mornings(draw: st.DrawFn, athlete: int) -> pl.DataFrame:
    """One athlete's per-day inputs: days with gaps, any mix of signals present."""
    offsets = draw(st.lists(st.integers(0, 150), min_size=0, max_size=90, unique=True))
    n = len(offsets)

    def column(values: st.SearchStrategy[object]) -> list[object]:
        return draw(st.lists(st.one_of(st.none(), values), min_size=n, max_size=n))

    ln = st.one_of(st.floats(2.0, 5.5), st.sampled_from(EDGES[3:6]))
    item = st.integers(1, 7)
    return pl.DataFrame(
        {
            "athlete_id": [athlete] * n,
            "date": [D0 + timedelta(days=d) for d in offsets],
            "ln_rmssd": column(ln),
            "reliable": column(st.booleans()),
            "rhr_bpm": column(st.floats(35, 80)),
            **{name: column(item) for name in ("sleep", "stress", "fatigue", "soreness")},
            "mood": column(item),
            "acwr": column(st.one_of(st.floats(0, 3), st.sampled_from(EDGES))),
            "suspension": draw(
                st.lists(st.sampled_from([None] * 9 + ["concussion"]), min_size=n, max_size=n)
            ),
        },
        schema_overrides={
            "athlete_id": pl.Int64,
            "date": pl.Date,
            "ln_rmssd": pl.Float64,
            "reliable": pl.Boolean,
            "rhr_bpm": pl.Float64,
            "sleep": pl.Float64,
            "stress": pl.Float64,
            "fatigue": pl.Float64,
            "soreness": pl.Float64,
            "mood": pl.Float64,
            "acwr": pl.Float64,
            "suspension": pl.String,
        },
    )


@st.composite
def federations(draw: st.DrawFn) -> pl.DataFrame:
    count = draw(st.integers(1, 4))
    return pl.concat([draw(mornings(k * 7 + 3)) for k in range(count)])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(days=federations())
def test_readiness_of_many_athletes_equals_the_loop_of_each(days: pl.DataFrame) -> None:
    together = readiness_by(days, by="athlete_id")
    for athlete in days["athlete_id"].unique().to_list():
        alone = days.filter(pl.col("athlete_id") == athlete).drop("athlete_id")
        expected = readiness_series_loop(alone)
        got = together.filter(pl.col("athlete_id") == athlete).drop("athlete_id")
        assert_frame_equal(got, expected, rel_tol=1e-9, abs_tol=1e-9)
        assert_frame_equal(readiness_series(alone), expected, rel_tol=1e-9, abs_tol=1e-9)


def test_bad_wellness_is_refused_as_before() -> None:
    days = pl.DataFrame(
        {
            "athlete_id": [1, 1],
            "date": [D0, D0 + timedelta(1)],
            "sleep": [2.0, 9.0],
            "stress": [1.0] * 2,
            "fatigue": [1.0] * 2,
            "soreness": [1.0] * 2,
        }
    )
    with pytest.raises(ValueError, match="2025-01-02: sleep must be a whole number") as new:
        readiness_by(days)
    with pytest.raises(ValueError) as old:
        readiness_series_loop(days.drop("athlete_id"))
    assert str(new.value) == str(old.value)


def _sessions(draw: st.DrawFn, athlete: int) -> pl.DataFrame:
    n = draw(st.integers(0, 40))
    hours = draw(st.lists(st.integers(0, 24 * 120), min_size=n, max_size=n))
    load = st.one_of(st.none(), st.floats(5, 400))
    return pl.DataFrame(
        {
            "athlete_id": [athlete] * n,
            "id": list(range(athlete * 1000, athlete * 1000 + n)),
            "start_utc": [datetime(2025, 1, 1) + timedelta(hours=h) for h in hours],
            "tz": [draw(st.sampled_from(["UTC", "Asia/Tokyo", "America/New_York"]))] * n,
            "trimp_banister": draw(st.lists(load, min_size=n, max_size=n)),
            "trimp_edwards": draw(st.lists(load, min_size=n, max_size=n)),
            "srpe_load": draw(st.lists(load, min_size=n, max_size=n)),
            "counts": draw(st.lists(st.booleans(), min_size=n, max_size=n)),
        },
        schema_overrides={
            "athlete_id": pl.Int64,
            "id": pl.Int64,
            "tz": pl.String,
            "trimp_banister": pl.Float64,
            "trimp_edwards": pl.Float64,
            "srpe_load": pl.Float64,
            "start_utc": pl.Datetime("us"),
            "counts": pl.Boolean,
        },
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    method=st.sampled_from(["auto", "trimp", "srpe"]),
    as_of=st.sampled_from([None, date(2025, 3, 1)]),
)
def test_daily_by_athlete_equals_the_step_of_each(
    data: st.DataObject, method: str, as_of: date | None
) -> None:
    athletes = data.draw(st.lists(st.integers(1, 50), min_size=1, max_size=3, unique=True))
    sessions = pl.concat([_sessions(data.draw, a) for a in athletes])
    days = pl.concat([data.draw(mornings(a)) for a in athletes]).select(
        "athlete_id",
        "date",
        "ln_rmssd",
        "reliable",
        "rhr_bpm",
        "sleep",
        "stress",
        "fatigue",
        "soreness",
        "mood",
    )
    together = daily_by_athlete(sessions, days, end=as_of, method=method)
    for athlete in athletes:
        mine_s = sessions.filter(pl.col("athlete_id") == athlete).drop("athlete_id")
        mine_d = days.filter(pl.col("athlete_id") == athlete).drop("athlete_id")
        expected = athlete_daily_loop(mine_s, mine_d, end=as_of, method=method)
        got = together.filter(pl.col("athlete_id") == athlete).drop("athlete_id")
        assert_frame_equal(got, expected, rel_tol=1e-9, abs_tol=1e-9)
        alone = athlete_daily(mine_s, mine_d, end=as_of, method=method)
        assert_frame_equal(alone, expected, rel_tol=1e-9, abs_tol=1e-9)


def test_the_lake_step_over_a_bucket_equals_the_loop_per_athlete(tmp_path: Path) -> None:
    root = tmp_path / "fed"
    synth(root, athletes=5, years=0.6, seed=11)
    people = read_athletes(root)
    tz = dict(zip(people["athlete"], people["tz"], strict=True))
    tables = {t: read_table(root, t) for t in ("sessions", "rr_measurements", "wellness")}
    rows = union_rows(tables)
    together = Step(tz).polars(rows)
    assert together["athlete"].n_unique() == 5
    assert together["verdict"].drop_nulls().n_unique() == 3  # green, amber and red all occur
    for name in tz:
        mine = rows.filter(pl.col("athlete") == name)
        sessions = mine.filter(pl.col("kind") == "session").select(
            "id",
            "start_utc",
            pl.lit(tz[name]).alias("tz"),
            "trimp_banister",
            "trimp_edwards",
            "srpe_load",
            "counts",
        )
        from drago.analysis.daily import day_inputs

        days = day_inputs(
            mine.filter(pl.col("kind") == "rr").select(
                "date", "id", "start_utc", "reliable", "ln_rmssd", "mean_hr_bpm"
            ),
            mine.filter(pl.col("kind") == "wellness").select(
                "date", "rhr_bpm", "sleep", "stress", "fatigue", "soreness", "mood"
            ),
        )
        expected = athlete_daily_loop(sessions, days)
        got = together.filter(pl.col("athlete") == name).drop("athlete")
        assert_frame_equal(got, expected, rel_tol=1e-9, abs_tol=1e-9, check_dtypes=False)
