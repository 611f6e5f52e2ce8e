"""Readiness: morning HRV, resting HR and wellness, for the lab and for the snow
(`lab.readiness`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from drago.analysis.daily import day_inputs, readiness_with_load
from drago.analysis.hrv import CORRECTIONS, HrvResult, hrv_analyse
from drago.analysis.readiness import LONG_DAYS
from drago.errors import UsageError
from drago.ingest.rr import read_rr
from drago.lab.base import check_day
from drago.lab.context import LabContext, Service
from drago.lab.load import LoadService
from drago.store import athletes as athlete_rows
from drago.store import camp as camp_rows
from drago.store import readiness as readiness_rows
from drago.store.athletes import AthleteRow
from drago.vocab import WELLNESS_ITEMS

#: Columns of `lab.readiness.series`, the command contract first.
READINESS_COLUMNS = (
    "date",
    "ln_rmssd",
    "ln_rmssd_7d",
    "normal_low",
    "normal_high",
    "rhr_bpm",
    "hooper",
    "verdict",
    "reason",
    "reliable",
    "cv_pct",
    "rhr_7d",
    "acwr",
    "sleep",
    "stress",
    "fatigue",
    "soreness",
    "mood",
)


@dataclass(frozen=True)
class RRFileAnalysis:
    """The HRV of one RR file (`hrv`) and how the file was read: its format and the unit of
    its intervals, detected and why."""

    file: str
    format: str
    unit_detected: str
    unit_reason: str
    hrv: HrvResult

    def to_dict(self) -> dict[str, Any]:
        """The `drago hrv --format json` contract: the HRV's fields, then the file's."""
        return self.hrv.to_dict() | {
            "file": self.file,
            "format": self.format,
            "unit_detected": self.unit_detected,
            "unit_reason": self.unit_reason,
        }


#: The longest baseline window (the normal range), so `since` can trim what is read.
LOOKBACK_DAYS = LONG_DAYS


class ReadinessService(Service):
    """Morning measurements, wellness and the daily verdict (`lab.readiness`)."""

    def __init__(self, ctx: LabContext, load: LoadService) -> None:
        super().__init__(ctx)
        self._load = load

    def analyse_rr_file(
        self,
        path: Path,
        *,
        correction: str = "auto",
        window_s: tuple[float, float] | None = None,
    ) -> RRFileAnalysis:
        """HRV of one RR file (no store involved): metrics, artefacts, and whether to trust it."""
        if correction not in CORRECTIONS:
            raise UsageError(f"--correction must be one of {', '.join(CORRECTIONS)}")
        rr = read_rr(path)
        try:
            result = hrv_analyse(rr.rr_ms, correction=correction, window_s=window_s)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
        return RRFileAnalysis(str(path), rr.format, rr.unit_detected, rr.unit_reason, result)

    def log_wellness(
        self,
        name: str,
        *,
        day: date | None = None,
        rhr_bpm: float | None = None,
        **items: int | None,
    ) -> date:
        """Record the morning questionnaire (each item 1-7, 1 best); returns its date."""
        row = athlete_rows.get_athlete(self.store, name)
        for item, value in items.items():
            if item not in WELLNESS_ITEMS:
                raise UsageError(f"unknown wellness item {item}")
            if value is not None and not 1 <= value <= 7:
                raise UsageError(f"{item} {value} is outside 1-7 (1 best)")
        if rhr_bpm is not None and not 25 <= rhr_bpm <= 150:
            raise UsageError(f"resting HR {rhr_bpm:g} is outside 25-150")
        when = day or datetime.now(ZoneInfo(row.tz)).date()
        check_day(when, row.tz, what="a morning check")
        with self.store.transaction():
            readiness_rows.upsert_wellness(self.store, row.id, when, {**items, "rhr_bpm": rhr_bpm})
        return when

    def series(
        self,
        name: str,
        *,
        since: date | None = None,
        as_of: date | None = None,
        including_today: bool = False,
    ) -> pl.DataFrame:
        """One row per day with a measurement or a questionnaire: ln rMSSD and its baselines,
        resting HR, Hooper score, and a green/amber/red verdict with its reason: the morning's,
        from what was known that morning. `including_today`: the "now" view instead, each
        day's training counted (`lab.gym.readiness_now`), never shown as the morning's."""
        row = athlete_rows.get_athlete(self.store, name)
        today = datetime.now(ZoneInfo(row.tz)).date()
        if as_of is None and not including_today:  # kept while the store is unchanged
            key = ("readiness", row.id, today)
            series = self.ctx.memoised(key, lambda: self._readiness(row, None, None, today))
        else:
            series = self._readiness(row, since, as_of, today, including_today)
        return series if since is None else series.filter(pl.col("date") >= since)

    def _readiness(
        self,
        row: AthleteRow,
        since: date | None,
        as_of: date | None,
        today: date,
        including_today: bool = False,
    ) -> pl.DataFrame:
        days = _with_suspensions(
            day_inputs(
                readiness_rows.measurements(self.store, row.id),
                readiness_rows.wellness(self.store, row.id),
            ),
            camp_rows.suspensions(self.store, row.id),
            today,
        )
        if as_of is not None:
            days = days.filter(pl.col("date") <= as_of)
        if since is not None:  # the baselines look back at most LOOKBACK days
            days = days.filter(pl.col("date") >= since - timedelta(days=LOOKBACK_DAYS))
        if days.height == 0:
            return pl.DataFrame(schema={c: pl.Float64 for c in READINESS_COLUMNS}).with_columns(
                pl.col("date").cast(pl.Date), pl.col("verdict", "reason").cast(pl.String)
            )
        last = days["date"].max()
        # Up to today (the default) unless the mornings run later: the cached series serves both.
        later = last if isinstance(last, date) and last > today else None
        load = self._load.series(row.name, until=later)
        series = readiness_with_load(days, load, including_today=including_today)
        return series.select([c for c in READINESS_COLUMNS if c in series.columns])

    def measurements(self, name: str) -> pl.DataFrame:
        """Every morning RR measurement of an athlete with its HRV."""
        row = athlete_rows.get_athlete(self.store, name)
        return readiness_rows.measurements(self.store, row.id)


def _with_suspensions(days: pl.DataFrame, suspensions: pl.DataFrame, today: date) -> pl.DataFrame:
    """The per-day inputs with a `suspension` reason on every day of a medical suspension up
    to today (or the last input), adding rows for suspended days without any input."""
    if suspensions.height == 0:
        return days
    last_input = days["date"].max() if days.height else None
    end = max(today, last_input) if isinstance(last_input, date) else today
    spans = [
        pl.DataFrame(
            {
                "date": pl.date_range(s["first_day"], min(s["last_day"], end), "1d", eager=True),
                "suspension": s["reason"],
            }
        )
        for s in suspensions.iter_rows(named=True)
        if s["first_day"] <= end
    ]
    if not spans:
        return days
    calendar = pl.concat(spans).unique("date", keep="last").sort("date")
    return days.join(calendar, on="date", how="full", coalesce=True).sort("date")
