"""The service layer: every surface (CLI, web, notebooks) calls a `Lab`.

A Lab opens a store, validates what users give it, calls ingest and analysis, and answers
with Polars frames or plain dataclasses. It never prints.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from drago.activities import check_activity
from drago.errors import UsageError
from drago.importing import FileOutcome, ImportReport, import_paths
from drago.store import Store
from drago.store import athletes as athlete_rows
from drago.store.db import utc_now
from drago.store.sessions import insert_session, list_sessions

#: Plausible ranges of the values a user types; outside them is a typo, not physiology.
RANGES: dict[str, tuple[float, float]] = {
    "hr_max_bpm": (100, 250),
    "hr_rest_bpm": (25, 120),
    "hr_threshold_bpm": (80, 240),
    "hr_threshold2_bpm": (80, 240),
    "rpe": (0, 10),
    "minutes": (1, 24 * 60),
    "birth_year": (1900, 2100),
}
#: Local time given to a hand-logged session without one (midday keeps the local date safe).
DEFAULT_LOG_TIME = time(12, 0)


def check_range(name: str, value: float | None) -> None:
    """Raise UsageError when a typed value is outside its plausible range."""
    if value is None:
        return
    low, high = RANGES[name]
    if not low <= value <= high:
        raise UsageError(f"{name.replace('_', ' ')} {value:g} is outside {low:g}-{high:g}")


def check_tz(tz: str) -> str:
    """A valid IANA time zone name, or UsageError."""
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UsageError(f"unknown time zone {tz!r}: use an IANA name like Europe/Moscow") from exc
    return tz


@dataclass(frozen=True)
class AthleteView:
    """One athlete: profile, dated values, and what the data says when values are missing."""

    profile: dict[str, Any]
    values: pl.DataFrame
    estimates: dict[str, float | None]


class Lab:
    """A drago lab over one store (`path`: the DuckDB file; default: the user's data dir)."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.store = Store(path, read_only=read_only)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Lab:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # athletes -------------------------------------------------------------------------------

    def add_athlete(
        self,
        name: str,
        *,
        sex: str,
        tz: str = "UTC",
        hr_max_bpm: float | None = None,
        hr_rest_bpm: float | None = None,
        birth_year: int | None = None,
        weight_class: str | None = None,
        stance: str | None = None,
    ) -> int:
        """Add an athlete; values given here apply to their whole history."""
        if not name.strip():
            raise UsageError("an athlete needs a name")
        if sex not in ("m", "f"):
            raise UsageError(f"sex must be m or f, not {sex!r}")
        check_range("hr_max_bpm", hr_max_bpm)
        check_range("hr_rest_bpm", hr_rest_bpm)
        check_range("birth_year", birth_year)
        with self.store.transaction():
            athlete_id = athlete_rows.add_athlete(
                self.store,
                name,
                sex=sex,
                tz=check_tz(tz),
                birth_year=birth_year,
                weight_class=weight_class,
                stance=stance,
            )
            for key, value in (("hr_max_bpm", hr_max_bpm), ("hr_rest_bpm", hr_rest_bpm)):
                if value is not None:
                    athlete_rows.set_value(
                        self.store, athlete_id, key, value, athlete_rows.BEGINNING
                    )
        return athlete_id

    def set_athlete(
        self,
        name: str,
        *,
        valid_from: date | None = None,
        values: dict[str, float | None] | None = None,
        **profile: Any,
    ) -> None:
        """Change an athlete: dated values apply from `valid_from` on.

        Without `valid_from`, a value of a kind the athlete never had applies to their whole
        history, and a change of one they had applies from today (in their time zone).
        """
        row = athlete_rows.get_athlete(self.store, name)
        if profile.get("tz") is not None:
            check_tz(profile["tz"])
        check_range("birth_year", profile.get("birth_year"))
        today = datetime.now(ZoneInfo(row.tz)).date()
        with self.store.transaction():
            athlete_rows.update_profile(self.store, row.id, **profile)
            for key, value in (values or {}).items():
                if value is None:
                    continue
                check_range(key, value)
                start = valid_from
                if start is None:
                    known = athlete_rows.has_value(self.store, row.id, key)
                    start = today if known else athlete_rows.BEGINNING
                athlete_rows.set_value(self.store, row.id, key, value, start)

    def athletes(self) -> pl.DataFrame:
        """Every athlete with current values; estimates from data where values are missing."""
        return athlete_rows.list_athletes(self.store).with_columns(
            pl.col("hr_max_bpm").is_null().alias("hr_max_estimated"),
            pl.col("hr_rest_bpm").is_null().alias("hr_rest_estimated"),
            pl.col("hr_max_bpm").fill_null(pl.col("hr_max_observed_bpm")),
            pl.col("hr_rest_bpm").fill_null(pl.col("hr_low_observed_bpm")),
        )

    def athlete(self, name: str) -> AthleteView:
        row = athlete_rows.get_athlete(self.store, name)
        listing = self.athletes().filter(pl.col("id") == row.id).row(0, named=True)
        estimates = {
            "hr_max_bpm": listing["hr_max_observed_bpm"],
            "hr_rest_bpm": listing["hr_low_observed_bpm"],
        }
        return AthleteView(listing, athlete_rows.values(self.store, row.id), estimates)

    # sessions -------------------------------------------------------------------------------

    def import_paths(
        self,
        paths: Sequence[str | Path],
        *,
        athlete: str,
        recover: bool = False,
        progress: Callable[[FileOutcome, int], None] | None = None,
        workers: int | None = None,
    ) -> ImportReport:
        """Import files and folders (recursively) for one athlete, each file in one transaction."""
        row = athlete_rows.get_athlete(self.store, athlete)
        return import_paths(
            self.store, row.id, paths, recover=recover, progress=progress, workers=workers
        )

    def log_session(
        self,
        *,
        athlete: str,
        day: date,
        minutes: float,
        rpe: float,
        activity: str,
        at: time | None = None,
        notes: str | None = None,
    ) -> int:
        """Log a session by hand (the snow): local date and time, minutes and CR-10 RPE."""
        row = athlete_rows.get_athlete(self.store, athlete)
        check_range("minutes", minutes)
        check_range("rpe", rpe)
        try:
            word = check_activity(activity)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
        local = datetime.combine(day, at or DEFAULT_LOG_TIME, tzinfo=ZoneInfo(row.tz))
        start = local.astimezone(UTC).replace(tzinfo=None)
        fields = {
            "athlete_id": row.id,
            "start_utc": start,
            "duration_s": minutes * 60.0,
            "activity": word,
            "rpe": rpe,
            "notes": notes,
            "n_records": 0,
            "n_rr": 0,
            "recovered": False,
            "created_utc": utc_now(),
        }
        with self.store.transaction():
            return insert_session(self.store, fields)

    def sessions(self, *, athlete: str | None = None, since: date | None = None) -> pl.DataFrame:
        """Sessions, oldest first, with `start` as a UTC datetime."""
        athlete_id = athlete_rows.get_athlete(self.store, athlete).id if athlete else None
        frame = list_sessions(self.store, athlete_id=athlete_id, since=since)
        return frame.rename({"start_utc": "start"}).with_columns(
            pl.col("start").dt.replace_time_zone("UTC")
        )
