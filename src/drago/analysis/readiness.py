"""Readiness: HRV baselines, resting HR trend, Hooper wellness and a daily green/amber/red verdict.

`readiness_series` is pure over a per-day frame (one athlete, one row per local date) so it
runs unchanged per group in a distributed engine. Rules and thresholds are in docs/hrv.md.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import polars as pl

from drago.vocab import HOOPER_ITEMS, WELLNESS_ITEMS

__all__ = [
    "ACWR_AMBER",
    "ACWR_RED",
    "HOOPER_AMBER",
    "HOOPER_RED",
    "INPUT_COLUMNS",
    "RHR_RISE_BPM",
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
#: Half-width of the normal range in SDs of the daily ln rMSSD (Plews et al. 2012).
RANGE_SD: Final = 0.5
#: drago's conventions (not published cut-offs): Hooper sum and single-item limits.
HOOPER_AMBER, HOOPER_RED = 18, 22
ITEM_AMBER, ITEM_RED = 6, 7
#: Resting HR 7-day mean this far above its 60-day mean is amber (drago's convention).
RHR_RISE_BPM: Final = 5.0
#: ACWR above these is amber / red (Gabbett 2016: "sweet spot" 0.8-1.3, "danger zone" > 1.5).
ACWR_AMBER, ACWR_RED = 1.3, 1.5
_LEVELS: Final = ("green", "amber", "red")


def hooper_score(sleep: float | None, stress: float | None, fatigue: float | None,
                 soreness: float | None) -> int | None:  # fmt: skip
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


def _rolling(day: np.ndarray, x: np.ndarray, days: int, need: int) -> tuple[np.ndarray, ...]:
    """Mean, sample SD and count of the finite values over `days` calendar days to each day.

    Vectorised with prefix sums of the values centred on their overall mean (which keeps the
    variance's subtraction well conditioned), so years of mornings cost one pass.
    """
    n = day.size
    finite = np.isfinite(x)
    centre = float(x[finite].mean()) if finite.any() else 0.0
    v = np.where(finite, x - centre, 0.0)
    counts = np.concatenate(([0], np.cumsum(finite)))
    sums = np.concatenate(([0.0], np.cumsum(v)))
    squares = np.concatenate(([0.0], np.cumsum(v * v)))
    starts = np.searchsorted(day, day - days + 1, side="left")
    ends = np.arange(1, n + 1)
    count = counts[ends] - counts[starts]
    total = sums[ends] - sums[starts]
    square = squares[ends] - squares[starts]
    enough = count >= need
    safe = np.maximum(count, 1)
    mean = np.where(enough, total / safe + centre, np.nan)
    variance = (square - total * total / safe) / np.maximum(count - 1, 1)
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
        CV of ln rMSSD), `rhr_7d`, `rhr_60d`, `hooper`, `verdict` (green/amber/red, null
        without any signal) and `reason` (one line naming the signal that drove the verdict).
        Nulls stay null; no NaN is ever produced. A day with a `suspension` (its reason) is
        red whatever the other signals say: a medical suspension bars contact until it ends
        (Neidecker et al. 2019), and no morning number overrules the physician.

    Examples
    --------
    >>> import datetime as dt
    >>> d = pl.DataFrame({"date": [dt.date(2026, 1, 5)], "sleep": [2], "stress": [3],
    ...                   "fatigue": [6], "soreness": [2]})
    >>> readiness_series(d).select("hooper", "verdict", "reason").row(0)
    (13, 'amber', 'amber: fatigue 6/7')

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

    Neidecker J., Sethi N. K., Taylor R., et al. (2019) Concussion management in combat
    sports: consensus statement from the Association of Ringside Physicians. Br J Sports Med
    53(6):328-333.
    """
    if "date" not in days.columns:
        raise ValueError("readiness_series needs a 'date' column")
    frame = days.with_columns(pl.col("date").cast(pl.Date))
    for name, dtype in INPUT_COLUMNS.items():
        if name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=dtype).alias(name))
    frame = frame.sort("date")
    if frame["date"].is_duplicated().any():
        raise ValueError("readiness_series needs one row per date; dates repeat")
    if frame["date"].null_count():
        raise ValueError("readiness_series needs a date on every row")
    day = frame["date"].cast(pl.Int32).to_numpy().astype(np.int64)
    ln = _column(frame, "ln_rmssd")
    unreliable = frame["reliable"].cast(pl.Boolean).fill_null(True).not_().to_numpy()
    ln_ok = np.where(unreliable, np.nan, ln)
    ln7, sd7, _ = _rolling(day, ln_ok, SHORT_DAYS, SHORT_MIN)
    ln60, sd60, n60 = _rolling(day, ln_ok, LONG_DAYS, LONG_MIN)
    rhr = _column(frame, "rhr_bpm")
    rhr7, _, _ = _rolling(day, rhr, SHORT_DAYS, SHORT_MIN)
    rhr60, _, _ = _rolling(day, rhr, LONG_DAYS, LONG_MIN)
    items = {name: _column(frame, name) for name in WELLNESS_ITEMS}
    dates = frame["date"].to_list()
    hooper: list[int | None] = []
    for i, when in enumerate(dates):
        try:
            hooper.append(hooper_score(*(_none(items[name][i]) for name in HOOPER_ITEMS)))
            if not math.isnan(items["mood"][i]) and not 1 <= items["mood"][i] <= 7:
                raise ValueError(f"mood must be from 1 (best) to 7, not {items['mood'][i]}")
        except ValueError as exc:
            raise ValueError(f"{when}: {exc}") from exc
    low, high = ln60 - RANGE_SD * sd60, ln60 + RANGE_SD * sd60
    with np.errstate(divide="ignore", invalid="ignore"):
        cv = np.where(ln7 != 0, 100.0 * sd7 / np.abs(ln7), np.nan)
    acwr = _column(frame, "acwr")
    suspensions = frame["suspension"].to_list()
    verdicts: list[str | None] = []
    reasons: list[str] = []
    for i in range(day.size):
        signals = _signals(i, ln_ok, ln7, low, high, rhr7, rhr60, items, hooper[i], acwr)
        verdict, reason = _verdict(signals)
        if suspensions[i] is not None:
            verdict, reason = "red", f"red: medical suspension ({suspensions[i]})"
        elif verdict is None and not (math.isnan(ln[i]) and math.isnan(rhr[i])):
            reason = "no verdict: baselines still building"
        notes = []
        if unreliable[i] and not math.isnan(ln[i]):
            notes.append("today's HRV unreliable, excluded")
        if not math.isnan(ln7[i]) and math.isnan(low[i]):
            notes.append(f"HRV baseline building ({n60[i]}/{LONG_MIN} days)")
        verdicts.append(verdict)
        reasons.append(reason + (f" ({'; '.join(notes)})" if notes else ""))
    out = {
        "ln_rmssd_7d": ln7,
        "normal_low": low,
        "normal_high": high,
        "cv_pct": cv,
        "rhr_7d": rhr7,
        "rhr_60d": rhr60,
    }
    return frame.with_columns(
        *(pl.Series(name, values, dtype=pl.Float64, nan_to_null=True)
          for name, values in out.items()),
        pl.Series("hooper", hooper, dtype=pl.Int32),
        pl.Series("verdict", verdicts, dtype=pl.String),
        pl.Series("reason", reasons, dtype=pl.String),
    )  # fmt: skip


def _none(value: float) -> float | None:
    return None if math.isnan(value) else value


Signal = tuple[int, str]


def _signals(i: int, ln_ok: np.ndarray, ln7: np.ndarray, low: np.ndarray, high: np.ndarray,
             rhr7: np.ndarray, rhr60: np.ndarray, items: dict[str, np.ndarray],
             hooper: int | None, acwr: np.ndarray) -> list[Signal]:  # fmt: skip
    """Every available signal of day `i` as (level 0/1/2, phrase)."""
    out: list[Signal] = []
    if not math.isnan(ln7[i]) and not math.isnan(low[i]):
        span = f"normal {low[i]:.2f}-{high[i]:.2f}"
        if ln7[i] < low[i] and ln_ok[i] < low[i]:
            out.append((2, f"ln rMSSD 7-day {ln7[i]:.2f} and today {ln_ok[i]:.2f} below {span}"))
        elif ln7[i] < low[i]:
            out.append((1, f"ln rMSSD 7-day {ln7[i]:.2f} below {span}"))
        else:
            out.append((0, "HRV"))
    if not math.isnan(rhr7[i]) and not math.isnan(rhr60[i]):
        if rhr7[i] >= rhr60[i] + RHR_RISE_BPM:
            out.append((1, f"resting HR 7-day {rhr7[i]:.0f} bpm, 60-day {rhr60[i]:.0f} bpm"))
        else:
            out.append((0, "resting HR"))
    worst = [(items[name][i], name) for name in WELLNESS_ITEMS]
    worst = [(v, name) for v, name in worst if not math.isnan(v)]
    if worst or hooper is not None:
        value, name = max(worst) if worst else (0.0, "")
        if value >= ITEM_RED:
            out.append((2, f"{name} {value:.0f}/7"))
        elif hooper is not None and hooper >= HOOPER_RED:
            out.append((2, f"Hooper {hooper}/28"))
        elif value >= ITEM_AMBER:
            out.append((1, f"{name} {value:.0f}/7"))
        elif hooper is not None and hooper >= HOOPER_AMBER:
            out.append((1, f"Hooper {hooper}/28"))
        else:
            out.append((0, "wellness"))
    if not math.isnan(acwr[i]):
        level = 2 if acwr[i] > ACWR_RED else 1 if acwr[i] > ACWR_AMBER else 0
        out.append((level, f"ACWR {acwr[i]:.2f}" if level else "ACWR"))
    return out


def _verdict(signals: list[Signal]) -> tuple[str | None, str]:
    """Worst signal wins; two ambers make a red. The reason names the deciding signals."""
    if not signals:
        return None, "no data"
    worst = max(level for level, _ in signals)
    ambers = [phrase for level, phrase in signals if level == 1]
    if worst == 1 and len(ambers) >= 2:
        return "red", f"red: {' and '.join(ambers)} (two ambers)"
    if worst == 0:
        return "green", f"green: {', '.join(phrase for _, phrase in signals)} in range"
    drivers = [phrase for level, phrase in signals if level == worst]
    return _LEVELS[worst], f"{_LEVELS[worst]}: {'; '.join(drivers)}"
