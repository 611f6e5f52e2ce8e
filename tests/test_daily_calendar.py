"""The daily calendar (`daily_load`) against a plain-Python reference, day by day.

The calendar is built with Polars (a row per athlete-day, sessions scattered onto it; issue 19
moved it off NumPy); this reference walks the days one by one with dicts.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from drago.analysis.load import _calendar, daily_load

DAY0 = date(1969, 12, 20)  # spans cross 1970-01-01, where days since the epoch change sign

session_st = st.tuples(
    st.sampled_from([3, 11, 40]),  # athlete
    st.integers(0, 40),  # day
    st.one_of(st.none(), st.floats(0, 500)),  # load
    st.booleans(),  # counts
)
day_st = st.one_of(st.none(), st.integers(-5, 45).map(lambda d: DAY0 + timedelta(d)))


def reference(
    rows: list[tuple[int, int, float | None, bool]],
    start: date | None,
    end: date | None,
    ends: dict[int, date],
) -> list[tuple[int, date, float, int, int]]:
    """One row per athlete and day from min(first counted session, start) to the athlete's own
    end, else `end`, else the last counted session; then cut at `start` (as `daily_load`)."""
    out = []
    for athlete in sorted({a for a, *_ in rows}):
        days = sorted(DAY0 + timedelta(d) for a, d, _, counts in rows if a == athlete and counts)
        lo = min([*days[:1], *([start] if start else [])], default=None)
        hi = ends.get(athlete, end if end is not None else (days[-1] if days else None))
        if lo is None or hi is None:
            continue
        day = lo
        while day <= hi:
            mine = [
                load
                for a, d, load, counts in rows
                if a == athlete and counts and DAY0 + timedelta(d) == day
            ]
            if start is None or day >= start:
                total = math.fsum(x for x in mine if x is not None)
                gaps = sum(x is None for x in mine)
                out.append((athlete, day, total, len(mine), gaps))
            day += timedelta(1)
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(session_st, max_size=30), day_st, day_st, st.booleans())
def test_daily_load_matches_a_day_by_day_reference(
    rows: list[tuple[int, int, float | None, bool]],
    start: date | None,
    end: date | None,
    own_end: bool,
) -> None:
    sessions = pl.DataFrame(
        {
            "athlete_id": [a for a, *_ in rows],
            "date": [DAY0 + timedelta(d) for _, d, *_ in rows],
            "srpe_load": [x for *_, x, _ in rows],
            "counts": [c for *_, c in rows],
        },
        schema={
            "athlete_id": pl.Int64,
            "date": pl.Date,
            "srpe_load": pl.Float64,
            "counts": pl.Boolean,
        },
    )
    ends = {11: DAY0 + timedelta(30)} if own_end else {}
    if ends:
        frame = _calendar(
            sessions,
            "srpe",
            start,
            end,
            10,
            0.4,
            pl.DataFrame({"athlete_id": list(ends), "end": list(ends.values())}),
        )
        if start is not None:
            frame = frame.filter(pl.col("date") >= start)
    else:
        frame = daily_load(sessions, method="srpe", start=start, end=end)
    got = frame.rows()
    want = reference(rows, start, end, ends)
    assert [r[:2] + r[3:] for r in got] == [r[:2] + r[3:] for r in want]
    for (*_, load, _, _), (*_, expected, _, _) in zip(got, want, strict=True):
        assert math.isclose(load, expected, rel_tol=1e-12, abs_tol=1e-9)
    assert frame.schema["sessions"] == pl.UInt32 and frame.schema["date"] == pl.Date
