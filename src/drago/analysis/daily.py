"""One athlete's daily series from its raw rows: the function the store and every engine share.

The store (`drago.lab`) and the lake engines (`drago.lake`: local, Dask, Spark) all build an
athlete's day-by-day numbers through the functions below, so the science has one copy:

- `with_local_date`: the training day of each session, in the athlete's time zone;
- `day_inputs`: one row per morning from RR measurements and wellness questionnaires;
- `readiness_with_load`: readiness (`readiness_series`) with the day before's rolling ACWR;
- `daily_by_athlete`: all of it for many athletes at once, one row per athlete and day (the
  lake's `daily` table); `athlete_daily` is it for one athlete.
"""

from __future__ import annotations

from datetime import date
from typing import Final

import polars as pl

from drago.analysis.load import SERIES_COLUMNS, daily_series
from drago.analysis.plan import ENGINE
from drago.vocab import WELLNESS_ITEMS

# drago.analysis.readiness (NumPy) is imported where readiness is computed: `drago status`
# and `drago sessions` use this module's load part only (issue 19, the first keystroke).

#: Columns of the load part of `athlete_daily` (from `daily_series`).
LOAD_COLUMNS: Final = tuple(c for c in SERIES_COLUMNS if c not in ("athlete_id", "date"))
#: Columns of the readiness part of `athlete_daily` (from `readiness_series`).
READINESS_COLUMNS: Final = (
    "ln_rmssd",
    "ln_rmssd_7d",
    "normal_low",
    "normal_high",
    "cv_pct",
    "rhr_bpm",
    "rhr_7d",
    "hooper",
    "verdict",
    "reason",
)
#: The per-day frame `athlete_daily` returns, column by column (besides `athlete`).
DAILY_SCHEMA: Final[dict[str, pl.DataType]] = {
    "date": pl.Date(),
    "load": pl.Float64(),
    "sessions": pl.UInt32(),
    "sessions_without_load": pl.UInt32(),
    "ctl": pl.Float64(),
    "atl": pl.Float64(),
    "tsb": pl.Float64(),
    "acwr_rolling": pl.Float64(),
    "acwr_rolling_uncoupled": pl.Float64(),
    "acwr_ewma": pl.Float64(),
    "acwr_band": pl.String(),
    "monotony": pl.Float64(),
    "strain": pl.Float64(),
    "ln_rmssd": pl.Float64(),
    "ln_rmssd_7d": pl.Float64(),
    "normal_low": pl.Float64(),
    "normal_high": pl.Float64(),
    "cv_pct": pl.Float64(),
    "rhr_bpm": pl.Float64(),
    "rhr_7d": pl.Float64(),
    "hooper": pl.Int32(),
    "verdict": pl.String(),
    "reason": pl.String(),
}


def with_local_date(frame: pl.DataFrame, column: str = "start_utc") -> pl.DataFrame:
    """Add `date`: the local calendar day of each row's UTC `column` in its `tz`.

    Examples
    --------
    >>> from datetime import datetime
    >>> s = pl.DataFrame({"athlete_id": [1], "id": [1], "tz": ["America/New_York"],
    ...     "start_utc": [datetime(2026, 1, 2, 3, 0)]})
    >>> with_local_date(s)["date"].to_list()
    [datetime.date(2026, 1, 1)]
    """
    # a time zone is a literal of the conversion: one part per zone, converted and sorted in
    # one plan
    parts = [
        part.lazy().with_columns(
            pl.col(column)
            .dt.replace_time_zone("UTC")
            .dt.convert_time_zone(str(part["tz"][0]))
            .dt.date()
            .alias("date")
        )
        for part in frame.partition_by("tz", maintain_order=True)
    ]
    if not parts:
        return frame.with_columns(pl.lit(None, pl.Date).alias("date"))
    return pl.concat(parts).sort("athlete_id", "date", "id").collect(engine=ENGINE)


def day_inputs(
    measurements: pl.DataFrame, wellness: pl.DataFrame, *, by: str | None = None
) -> pl.DataFrame:
    """One row per day with a morning measurement or a questionnaire, for `readiness_series`.

    The day's measurement is its first reliable one (else its first one), ordered by
    `start_utc` then `id`; the resting HR is the questionnaire's, else the measurement's mean HR.
    `measurements`: `date`, `id`, `start_utc`, `reliable`, `ln_rmssd`, `mean_hr_bpm`;
    `wellness`: `date`, `rhr_bpm` and the items (1-7, 1 best). Both for one athlete, or for
    many with the athlete in column `by` (one row per athlete and day, sorted by both).
    """
    keys = [by, "date"] if by else ["date"]
    first = (
        measurements.sort(
            *keys,
            pl.col("reliable").cast(pl.Boolean).fill_null(False),
            pl.col("start_utc"),
            pl.col("id"),
            descending=[*(False for _ in keys), True, False, False],
            nulls_last=True,
        )
        .unique(keys, keep="first", maintain_order=True)
        .select(
            *keys,
            pl.col("ln_rmssd").cast(pl.Float64),
            pl.col("reliable").cast(pl.Boolean),
            pl.col("mean_hr_bpm").cast(pl.Float64),
        )
    )
    items = wellness.select(
        *keys,
        pl.col("rhr_bpm").cast(pl.Float64),
        *(pl.col(c).cast(pl.Float64) for c in WELLNESS_ITEMS),
    )
    joined = first.join(items, on=keys, how="full", coalesce=True)
    return joined.select(
        *keys,
        "ln_rmssd",
        "reliable",
        pl.coalesce("rhr_bpm", "mean_hr_bpm").alias("rhr_bpm"),
        *WELLNESS_ITEMS,
    ).sort(keys)


def readiness_with_load(
    days: pl.DataFrame, load: pl.DataFrame, *, including_today: bool = False
) -> pl.DataFrame:
    """`readiness_series` of an athlete's per-day inputs with, as each morning's `acwr`, the
    rolling (coupled 7:28) ACWR of the day before from their load series `load` (as
    `daily_series` returns it; may be empty). The ratio is the one Gabbett's band was drawn
    from, and the day before's, so the morning verdict depends only on what was known that
    morning: logging the day's training later does not change it.

    `including_today`: the "now" view instead, each day with its own ratio (its training
    counted): the same rules once the day's sessions are in, never the morning's verdict."""
    if "acwr_rolling" in load.columns:
        chosen = _SAME_DAY_ACWR if including_today else _DAY_BEFORE_ACWR
        days = days.join(load.select(*chosen), on="date", how="left")
    from drago.analysis.readiness import readiness_series

    return readiness_series(days)


#: Each morning's `acwr`: the rolling (coupled 7:28) ratio of the day before.
_DAY_BEFORE_ACWR: Final = (
    (pl.col("date") + pl.duration(days=1)).cast(pl.Date).alias("date"),
    pl.col("acwr_rolling").alias("acwr"),
)
#: The "now" view's `acwr`: the day's own rolling ratio, its training counted.
_SAME_DAY_ACWR: Final = ("date", pl.col("acwr_rolling").alias("acwr"))


def athlete_daily(
    sessions: pl.DataFrame,
    days: pl.DataFrame,
    *,
    end: date | None = None,
    method: str = "auto",
) -> pl.DataFrame:
    """One athlete's day-by-day load series and readiness, one row per day (`DAILY_SCHEMA`):
    `daily_by_athlete` of one athlete.

    `sessions`: `id`, `start_utc` (naive UTC), `tz`, `trimp_banister`, `trimp_edwards`,
    `srpe_load`, `counts`; `days`: as `day_inputs` returns.

    Examples
    --------
    >>> from datetime import datetime
    >>> s = pl.DataFrame({"id": [1], "start_utc": [datetime(2026, 1, 1, 9)], "tz": ["UTC"],
    ...     "trimp_banister": [100.0], "trimp_edwards": [None], "srpe_load": [None],
    ...     "counts": [True]})
    >>> m = pl.DataFrame({"date": [date(2026, 1, 2)], "sleep": [2.0]})
    >>> athlete_daily(s, m).select("date", pl.col("ctl").round(2), "hooper").rows()
    [(datetime.date(2026, 1, 1), 2.35, None), (datetime.date(2026, 1, 2), 2.3, None)]
    """
    one = pl.lit(0, pl.Int64).alias("athlete_id")
    out = daily_by_athlete(
        sessions.with_columns(one), days.with_columns(one), end=end, method=method
    )
    return out.drop("athlete_id")


def daily_by_athlete(
    sessions: pl.DataFrame,
    days: pl.DataFrame,
    *,
    end: date | None = None,
    method: str = "auto",
) -> pl.DataFrame:
    """Many athletes' day-by-day load series and readiness at once: `athlete_id` (integer) and
    `DAILY_SCHEMA`, one row per athlete and day, sorted by both.

    `sessions`: `athlete_id`, `id`, `start_utc` (naive UTC), `tz`, `trimp_banister`,
    `trimp_edwards`, `srpe_load`, `counts`; `days`: `athlete_id` and the columns `day_inputs`
    returns. Each athlete's load series runs from their first session to `end` (default: their
    last session or morning, whichever is later); readiness rows are the days with a morning up
    to then. Days in either appear once, the other part null. An athlete's numbers are those
    of `drago load` and `drago readiness` on their rows alone, whoever else is in the frames:
    the load series (`daily_series`) and the readiness (`readiness_by`) are window
    expressions by athlete, with no loop per athlete or per day.
    """
    key = pl.col("athlete_id").cast(pl.Int64)
    sessions = with_local_date(sessions.with_columns(key).filter(pl.col("start_utc").is_not_null()))
    days = days.with_columns(key)
    ends = None
    if end is None:
        ends = (
            pl.concat([sessions.select("athlete_id", "date"), days.select("athlete_id", "date")])
            .group_by("athlete_id")
            .agg(pl.col("date").max().alias("end"))
        )
    else:
        sessions = sessions.filter(pl.col("date") <= end)
        days = days.filter(pl.col("date") <= end)
    if sessions.height:
        load = daily_series(sessions, method=method, end=end, ends=ends)
    else:
        load = pl.DataFrame(schema={"athlete_id": pl.Int64(), **_LOAD_SCHEMA})
    if days.height:
        from drago.analysis.readiness import readiness_by

        acwr = load.select("athlete_id", *_DAY_BEFORE_ACWR)
        ready = readiness_by(days.join(acwr, on=["athlete_id", "date"], how="left"))
        ready = ready.select("athlete_id", "date", *(_column(ready, c) for c in READINESS_COLUMNS))
    else:
        ready = pl.DataFrame(
            schema={"athlete_id": pl.Int64(), "date": pl.Date(), **_READINESS_SCHEMA}
        )
    out = load.join(ready, on=["athlete_id", "date"], how="full", coalesce=True)
    return out.sort("athlete_id", "date").select(
        "athlete_id", *(pl.col(c).cast(t) for c, t in DAILY_SCHEMA.items())
    )


_LOAD_SCHEMA: Final = {c: DAILY_SCHEMA[c] for c in ("date", *LOAD_COLUMNS)}
_READINESS_SCHEMA: Final = {c: DAILY_SCHEMA[c] for c in READINESS_COLUMNS}


def _column(frame: pl.DataFrame, name: str) -> pl.Expr:
    if name in frame.columns:
        return pl.col(name)
    return pl.lit(None, DAILY_SCHEMA[name]).alias(name)
