"""The per-athlete readiness loop and athlete step as they were before the vectorised form
(drago 2026-12, `drago.analysis.readiness.readiness_series` and `athlete_daily`): the oracle
the vectorised code is checked against to 1e-9 (tests/test_lake_vectorised.py). Its rules are
issue 16's (ACWR of the day before, amber at most; HRV above range; the CV of ln rMSSD), written
once more as the per-morning loop."""

from __future__ import annotations

import math
from datetime import date
from typing import Final

import numpy as np
import polars as pl

from drago.analysis.daily import DAILY_SCHEMA, LOAD_COLUMNS, READINESS_COLUMNS, with_local_date
from drago.analysis.load import daily_series
from drago.analysis.readiness import (
    ACWR_AMBER,
    CV_RANGE_SD,
    HOOPER_AMBER,
    HOOPER_RED,
    INPUT_COLUMNS,
    ITEM_AMBER,
    ITEM_RED,
    LONG_DAYS,
    LONG_MIN,
    RANGE_SD,
    RHR_RISE_BPM,
    SHORT_DAYS,
    SHORT_MIN,
    VARIANCE_FLOOR,
    hooper_score,
)
from drago.vocab import HOOPER_ITEMS, WELLNESS_ITEMS

_LEVELS = ("green", "amber", "red")


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
    variance = np.where(variance < VARIANCE_FLOOR, 0.0, variance)
    sd = np.where(enough & (count > 1), np.sqrt(np.maximum(variance, 0.0)), np.nan)
    return mean, sd, count.astype(int)


def readiness_series_loop(days: pl.DataFrame) -> pl.DataFrame:
    """The readiness loop as it was: one Python pass of `_signals`/`_verdict` per day."""
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
    items = {name: _column(frame, name) for name in (*HOOPER_ITEMS, "mood")}
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
    cv60, cvsd60, _ = _rolling(day, cv, LONG_DAYS, LONG_MIN)
    cv_low = cv60 - CV_RANGE_SD * cvsd60
    acwr = _column(frame, "acwr")
    suspensions = frame["suspension"].to_list()
    verdicts: list[str | None] = []
    reasons: list[str] = []
    for i in range(day.size):
        signals = _signals(
            i, ln_ok, ln7, low, high, (cv, cv_low), rhr7, rhr60, items, hooper[i], acwr
        )
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
        *(
            pl.Series(name, values, dtype=pl.Float64, nan_to_null=True)
            for name, values in out.items()
        ),
        pl.Series("hooper", hooper, dtype=pl.Int32),
        pl.Series("verdict", verdicts, dtype=pl.String),
        pl.Series("reason", reasons, dtype=pl.String),
    )


def _none(value: float) -> float | None:
    return None if math.isnan(value) else value


#: (level 0/1/2, phrase, kind): kind "acwr" never counts toward "two ambers make a red";
#: kind "hrv_high" is an amber only beside another amber or red signal.
Signal = tuple[int, str, str]
_CONVENTION: Final = "drago convention"


def _signals(
    i: int,
    ln_ok: np.ndarray,
    ln7: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    cv: tuple[np.ndarray, np.ndarray],
    rhr7: np.ndarray,
    rhr60: np.ndarray,
    items: dict[str, np.ndarray],
    hooper: int | None,
    acwr: np.ndarray,
) -> list[Signal]:
    """Every available signal of day `i` as (level 0/1/2, phrase, kind)."""
    out: list[Signal] = []
    if not math.isnan(ln7[i]) and not math.isnan(low[i]):
        span = f"normal {low[i]:.2f}-{high[i]:.2f}"
        if ln7[i] < low[i] and ln_ok[i] < low[i]:
            out.append(
                (
                    2,
                    f"ln rMSSD 7-day {ln7[i]:.2f} and today {ln_ok[i]:.2f} below {span} "
                    f"({_CONVENTION})",
                    "hrv",
                )
            )
        elif ln7[i] < low[i]:
            out.append((1, f"ln rMSSD 7-day {ln7[i]:.2f} below {span} (Plews 2012)", "hrv"))
        elif ln7[i] > high[i]:
            out.append(
                (
                    0,
                    f"ln rMSSD 7-day {ln7[i]:.2f} above {span}: with other signs a "
                    "possible sign of overreaching (Le Meur 2013)",
                    "hrv_high",
                )
            )
        else:
            out.append((0, "HRV", "hrv"))
    cv7, cv_low = cv
    if not math.isnan(cv7[i]) and not math.isnan(cv_low[i]) and cv7[i] < cv_low[i]:
        out.append(
            (
                1,
                f"ln rMSSD CV {cv7[i]:.1f} % below its usual {cv_low[i]:.1f} % "
                f"(Plews 2012; cut-off {_CONVENTION})",
                "cv",
            )
        )
    if not math.isnan(rhr7[i]) and not math.isnan(rhr60[i]):
        if rhr7[i] >= rhr60[i] + RHR_RISE_BPM:
            out.append(
                (
                    1,
                    f"resting HR 7-day {rhr7[i]:.0f} bpm, 60-day {rhr60[i]:.0f} bpm "
                    f"({_CONVENTION})",
                    "rhr",
                )
            )
        else:
            out.append((0, "resting HR", "rhr"))
    worst = [(items[name][i], name) for name in WELLNESS_ITEMS]
    worst = [(v, name) for v, name in worst if not math.isnan(v)]
    if worst or hooper is not None:
        value, name = max(worst) if worst else (0.0, "")
        if value >= ITEM_RED:
            out.append((2, f"{name} {value:.0f}/7 ({_CONVENTION})", "wellness"))
        elif hooper is not None and hooper >= HOOPER_RED:
            out.append((2, f"Hooper {hooper}/28 ({_CONVENTION})", "wellness"))
        elif value >= ITEM_AMBER:
            out.append((1, f"{name} {value:.0f}/7 ({_CONVENTION})", "wellness"))
        elif hooper is not None and hooper >= HOOPER_AMBER:
            out.append((1, f"Hooper {hooper}/28 ({_CONVENTION})", "wellness"))
        else:
            out.append((0, "wellness", "wellness"))
    if not math.isnan(acwr[i]):
        if acwr[i] > ACWR_AMBER:
            phrase = f"ACWR {acwr[i]:.2f} above 1.3 (Gabbett 2016; a prompt, not injury risk)"
            out.append((1, phrase, "acwr"))
        else:
            out.append((0, "ACWR", "acwr"))
    return out


def _verdict(signals: list[Signal]) -> tuple[str | None, str]:
    """Worst signal wins; two ambers besides ACWR make a red (drago convention); ACWR alone is
    amber at most; HRV above range is amber only beside another warning. The reason names the
    deciding signals and says which rules are drago's convention."""
    if not signals:
        return None, "no data"
    others = [s for s in signals if s[2] != "hrv_high"]
    if any(level > 0 for level, _, _ in others):
        signals = [(1, p, k) if k == "hrv_high" else (lv, p, k) for lv, p, k in signals]
    worst = max(level for level, _, _ in signals)
    ambers = [phrase for level, phrase, kind in signals if level == 1 and kind != "acwr"]
    if worst == 1 and len(ambers) >= 2:
        return "red", f"red: {' and '.join(ambers)} (two ambers: {_CONVENTION})"
    if worst == 0:
        high = [phrase for _, phrase, kind in signals if kind == "hrv_high"]
        plain = [phrase for _, phrase, kind in signals if kind != "hrv_high"]
        reason = f"green: {', '.join(plain)} in range" if plain else "green"
        return "green", reason + (f"; {high[0]}" if high else "")
    drivers = [phrase for level, phrase, _ in signals if level == worst]
    return _LEVELS[worst], f"{_LEVELS[worst]}: {'; '.join(drivers)}"


def athlete_daily_loop(
    sessions: pl.DataFrame, days: pl.DataFrame, *, end: date | None = None, method: str = "auto"
) -> pl.DataFrame:
    """`athlete_daily` as it was: one athlete, `daily_series` then the readiness loop."""
    sessions = with_local_date(
        sessions.with_columns(pl.lit(0, pl.Int64).alias("athlete_id")).filter(
            pl.col("start_utc").is_not_null()
        )
    )
    if end is None:
        found = [sessions["date"].max(), days["date"].max() if days.height else None]
        dates = [d for d in found if isinstance(d, date)]
        end = max(dates) if dates else None
    if end is not None:
        sessions = sessions.filter(pl.col("date") <= end)
        days = days.filter(pl.col("date") <= end)
    if sessions.height:
        load = daily_series(sessions, method=method, end=end).drop("athlete_id")
    else:
        load = pl.DataFrame(schema={c: DAILY_SCHEMA[c] for c in ("date", *LOAD_COLUMNS)})
    if days.height:
        before = load.select(
            (pl.col("date") + pl.duration(days=1)).cast(pl.Date).alias("date"),
            pl.col("acwr_rolling").alias("acwr"),
        )
        joined = days.join(before, on="date", how="left")
        ready = readiness_series_loop(joined)
    else:
        ready = days.head(0)
    ready = ready.select(
        pl.col("date"),
        *(
            pl.col(c) if c in ready.columns else pl.lit(None, DAILY_SCHEMA[c]).alias(c)
            for c in READINESS_COLUMNS
        ),
    )
    out = load.join(ready, on="date", how="full", coalesce=True).sort("date")
    return out.select(pl.col(c).cast(t) for c, t in DAILY_SCHEMA.items())
