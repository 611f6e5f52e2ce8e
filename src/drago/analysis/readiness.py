"""Readiness: HRV baselines, resting HR trend, Hooper wellness and a daily green/amber/red verdict.

`readiness_by` is pure over a per-day frame of many athletes (one row per athlete and local
date), vectorised by athlete, so one call serves the store's athlete, a lake bucket or a
Dask/Spark partition; `readiness_series` is it for one athlete. The verdict's rules are in
`drago.analysis.verdict`. Rules and thresholds are in docs/hrv.md.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import polars as pl

from drago.analysis.plausibility import check_finite
from drago.analysis.verdict import (
    ACWR_AMBER,
    CV_RANGE_SD,
    HOOPER_AMBER,
    HOOPER_RED,
    ITEM_AMBER,
    ITEM_RED,
    RHR_RISE_BPM,
    RULES,
    signals,
    verdict,
    with_context,
)
from drago.vocab import HOOPER_ITEMS, WELLNESS_ITEMS

__all__ = [
    "ACWR_AMBER",
    "CV_RANGE_SD",
    "HOOPER_AMBER",
    "HOOPER_RED",
    "INPUT_COLUMNS",
    "ITEM_AMBER",
    "ITEM_RED",
    "RHR_RISE_BPM",
    "RULES",
    "hooper_score",
    "readiness_series",
]

#: Optional input columns (all nullable) besides `date`.
INPUT_COLUMNS: Final[dict[str, pl.DataType]] = {
    "ln_rmssd": pl.Float64(),
    "reliable": pl.Boolean(),
    "rhr_bpm": pl.Float64(),
    "sleep": pl.Float64(),
    "stress": pl.Float64(),
    "fatigue": pl.Float64(),
    "soreness": pl.Float64(),
    "mood": pl.Float64(),
    "acwr": pl.Float64(),
    "suspension": pl.String(),
}
#: Rolling windows (calendar days, ending on the day) and the values each needs.
SHORT_DAYS, SHORT_MIN = 7, 3
LONG_DAYS, LONG_MIN = 60, 14
#: A rolling variance below this is rounding left by the prefix sums' subtraction (values
#: that are all equal), not variation: it is 0 (an SD of 1e-5 ln units or bpm means nothing).
VARIANCE_FLOOR: Final = 1e-10
#: Half-width of the normal range in SDs of the daily ln rMSSD (Plews et al. 2012).
RANGE_SD: Final = 0.5


def hooper_score(
    sleep: float | None, stress: float | None, fatigue: float | None, soreness: float | None
) -> int | None:
    """Hooper index: sum of sleep, stress, fatigue and soreness (each 1-7, 1 best), 4-28.

    None when any item is missing; ValueError when an item is outside 1-7 or not whole.

    Examples
    --------
    >>> hooper_score(2, 3, 4, 1), hooper_score(2, None, 4, 1)
    (10, None)

    References
    ----------
    Hooper S. L., Mackinnon L. T. (1995) Monitoring overtraining in athletes. Recommendations.
    Sports Med 20(5):321-327.
    """
    items = (sleep, stress, fatigue, soreness)
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in items):
        return None
    total = 0
    for name, value in zip(HOOPER_ITEMS, items, strict=True):
        assert value is not None
        if not (1 <= value <= 7) or value != int(value):
            raise ValueError(f"{name} must be a whole number from 1 (best) to 7, not {value}")
        total += int(value)
    return total


def _column(frame: pl.DataFrame, name: str) -> np.ndarray:
    values: np.ndarray = frame[name].cast(pl.Float64).fill_nan(None).to_numpy().astype(float)
    values[~np.isfinite(values)] = np.nan
    return values


def _rolling(
    key: np.ndarray, group: np.ndarray, x: np.ndarray, days: int, need: int
) -> tuple[np.ndarray, ...]:
    """Mean, sample SD and count of the finite values over `days` calendar days to each day,
    within each group (athlete).

    `key` is sorted and spaces groups far apart (`group * 2**20 + day`), so one binary search
    finds every window's start inside its own group. Prefix sums of the values centred on
    their group's mean (which keeps the variance's subtraction well conditioned): years of
    mornings of any number of athletes cost one pass.
    """
    finite = np.isfinite(x)
    n_groups = int(group[-1]) + 1 if group.size else 0
    seen = np.bincount(group, weights=finite, minlength=n_groups)
    total_by = np.bincount(group, weights=np.where(finite, x, 0.0), minlength=n_groups)
    centre = np.where(seen > 0, total_by / np.maximum(seen, 1), 0.0)[group]
    v = np.where(finite, x - centre, 0.0)
    counts = np.concatenate(([0], np.cumsum(finite)))
    sums = np.concatenate(([0.0], np.cumsum(v)))
    squares = np.concatenate(([0.0], np.cumsum(v * v)))
    starts = np.searchsorted(key, key - days + 1, side="left")
    ends = np.arange(1, key.size + 1)
    count = counts[ends] - counts[starts]
    total = sums[ends] - sums[starts]
    square = squares[ends] - squares[starts]
    enough = count >= need
    safe = np.maximum(count, 1)
    mean = np.where(enough, total / safe + centre, np.nan)
    variance = (square - total * total / safe) / np.maximum(count - 1, 1)
    variance = np.where(variance < VARIANCE_FLOOR, 0.0, variance)
    sd = np.where(enough & (count > 1), np.sqrt(np.maximum(variance, 0.0)), np.nan)
    return mean, sd, count.astype(int)


def readiness_series(days: pl.DataFrame) -> pl.DataFrame:
    """Baselines and a daily verdict for one athlete's per-day frame.

    Parameters
    ----------
    days : pl.DataFrame
        One row per local date: `date` and the nullable columns of `INPUT_COLUMNS` (missing
        columns count as all null). `ln_rmssd` of a row whose `reliable` is False is kept in the
        output but left out of every baseline; a null `reliable` counts as reliable.

    Returns
    -------
    pl.DataFrame
        The input sorted by date plus `ln_rmssd_7d` (7-day mean, >= 3 values), `normal_low` /
        `normal_high` (60-day mean -/+ 0.5 SD of daily values, >= 14 values), `cv_pct` (7-day
        CV of ln rMSSD, judged against its own 60-day range), `rhr_7d`, `rhr_60d`, `hooper`,
        `verdict` (green/amber/red, null without any signal) and `reason` (one line naming
        the signals that drove the verdict, and which rules are drago's convention).
        Nulls stay null; no NaN is ever produced. A day with a `suspension` (its reason) is
        red whatever the other signals say: a medical suspension bars contact until it ends
        (Neidecker et al. 2019), and no morning number overrules the physician.

    Examples
    --------
    >>> import datetime as dt
    >>> d = pl.DataFrame({"date": [dt.date(2026, 1, 5)], "sleep": [2], "stress": [3],
    ...                   "fatigue": [6], "soreness": [2]})
    >>> readiness_series(d).select("hooper", "verdict", "reason").row(0)
    (13, 'amber', 'amber: fatigue 6/7 (drago convention)')

    References
    ----------
    Plews D. J., Laursen P. B., Kilding A. E., Buchheit M. (2012) Heart rate variability in
    elite triathletes, is variation in variability the key to effective training? A case
    comparison. Eur J Appl Physiol 112(11):3729-3741.

    Plews D. J., Laursen P. B., Stanley J., Kilding A. E., Buchheit M. (2013) Training
    adaptation and heart rate variability in elite endurance athletes: opening the door to
    effective monitoring. Sports Med 43(9):773-781.

    Hooper S. L., Mackinnon L. T. (1995) Sports Med 20(5):321-327.

    Gabbett T. J. (2016) The training-injury prevention paradox: should athletes be training
    smarter and harder? Br J Sports Med 50(5):273-280.

    Le Meur Y., Pichon A., Schaal K., et al. (2013) Evidence of parasympathetic hyperactivity
    in functionally overreached athletes. Med Sci Sports Exerc 45(11):2061-2071.

    Neidecker J., Sethi N. K., Taylor R., et al. (2019) Concussion management in combat
    sports: consensus statement from the Association of Ringside Physicians. Br J Sports Med
    53(6):328-333.
    """
    return readiness_by(days.with_columns(pl.lit(0, pl.Int8).alias(_ONE)), by=_ONE).drop(_ONE)


_ONE: Final = "__athlete__"


def readiness_by(days: pl.DataFrame, *, by: str = "athlete_id") -> pl.DataFrame:
    """`readiness_series` of many athletes at once: `days` holds one row per athlete (`by`)
    and date; each athlete's numbers are those of `readiness_series` on their rows alone.
    Sorted by `by` and date. Rolling windows, the signals and the verdict are vectorised over
    all rows (no loop per athlete or per day)."""
    if "date" not in days.columns:
        raise ValueError("readiness_series needs a 'date' column")
    frame = days.with_columns(pl.col("date").cast(pl.Date))
    for name, dtype in INPUT_COLUMNS.items():
        if name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=dtype).alias(name))
    frame = frame.sort(by, "date")
    if frame.select(pl.struct(by, "date").is_duplicated().any()).item():
        raise ValueError("readiness_series needs one row per date; dates repeat")
    if frame["date"].null_count():
        raise ValueError("readiness_series needs a date on every row")
    # NaN is a missing value here (`test_nulls_never_become_nan`); an infinity is refused
    numbers = ("ln_rmssd", "rhr_bpm", "acwr", *WELLNESS_ITEMS)
    check_finite(frame, numbers, what="readiness", nan_is_missing=True)
    group = frame.select(
        (pl.col(by).ne_missing(pl.col(by).shift()).cum_sum() - 1).fill_null(0)
    ).to_series()
    group_ix = group.to_numpy().astype(np.int64)
    day = frame["date"].cast(pl.Int32).to_numpy().astype(np.int64)
    key = group_ix * 2**20 + (day - (int(day.min()) if day.size else 0))
    ln = _column(frame, "ln_rmssd")
    unreliable = frame["reliable"].cast(pl.Boolean).fill_null(True).not_().to_numpy()
    ln_ok = np.where(unreliable, np.nan, ln)
    ln7, sd7, _ = _rolling(key, group_ix, ln_ok, SHORT_DAYS, SHORT_MIN)
    ln60, sd60, n60 = _rolling(key, group_ix, ln_ok, LONG_DAYS, LONG_MIN)
    rhr = _column(frame, "rhr_bpm")
    rhr7, _, _ = _rolling(key, group_ix, rhr, SHORT_DAYS, SHORT_MIN)
    rhr60, _, _ = _rolling(key, group_ix, rhr, LONG_DAYS, LONG_MIN)
    items = {name: _column(frame, name) for name in WELLNESS_ITEMS}
    hooper = _hooper(items, frame["date"])
    low, high = ln60 - RANGE_SD * sd60, ln60 + RANGE_SD * sd60
    with np.errstate(divide="ignore", invalid="ignore"):
        cv = np.where(ln7 != 0, 100.0 * sd7 / np.abs(ln7), np.nan)
    cv60, cvsd60, _ = _rolling(key, group_ix, cv, LONG_DAYS, LONG_MIN)
    cv_low = cv60 - CV_RANGE_SD * cvsd60
    acwr = _column(frame, "acwr")
    decided = verdict(
        signals(ln_ok, ln7, low, high, (cv, cv_low), rhr7, rhr60, items, hooper, acwr)
    )
    building = np.isfinite(ln7) & np.isnan(low)
    context = pl.DataFrame(
        {
            "suspension": frame["suspension"],
            "measured": ~(np.isnan(ln) & np.isnan(rhr)),
            "unreliable": unreliable & ~np.isnan(ln),
            "building": pl.Series(np.where(building, n60, 0)).cast(pl.String),
            "is_building": building,
            "needed": pl.Series([LONG_MIN] * n60.size, dtype=pl.Int64).cast(pl.String),
        }
    )
    verdicts, reasons = with_context(decided, context)
    out = {
        "ln_rmssd_7d": ln7,
        "normal_low": low,
        "normal_high": high,
        "cv_pct": cv,
        "rhr_7d": rhr7,
        "rhr_60d": rhr60,
    }
    hooper_series = pl.Series("hooper", hooper, dtype=pl.Float64, nan_to_null=True)
    return frame.with_columns(
        *(
            pl.Series(name, values, dtype=pl.Float64, nan_to_null=True)
            for name, values in out.items()
        ),
        hooper_series.cast(pl.Int32),
        verdicts.alias("verdict"),
        reasons.alias("reason"),
    )


def _hooper(items: dict[str, np.ndarray], dates: pl.Series) -> np.ndarray:
    """The Hooper sum of each row (NaN when an item is missing); ValueError, naming the first
    day, for an item outside 1-7 or not whole (as `hooper_score`), or a mood outside 1-7."""
    four = np.column_stack([items[name] for name in HOOPER_ITEMS])
    complete = ~np.isnan(four).any(axis=1)
    bad = complete[:, None] & ~((four >= 1) & (four <= 7) & (four == np.floor(four)))
    mood = items["mood"]
    bad_mood = ~np.isnan(mood) & ~((mood >= 1) & (mood <= 7))
    wrong = bad.any(axis=1) | bad_mood
    if wrong.any():
        i = int(np.argmax(wrong))
        if bad[i].any():
            k = int(np.argmax(bad[i]))
            item, value = HOOPER_ITEMS[k], four[i, k]
            problem = f"{item} must be a whole number from 1 (best) to 7, not {value}"
        else:
            problem = f"mood must be from 1 (best) to 7, not {mood[i]}"
        raise ValueError(f"{dates[i]}: {problem}")
    return np.where(complete, four.sum(axis=1), np.nan)
