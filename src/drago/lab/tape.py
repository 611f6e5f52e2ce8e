"""The tale of the tape: what two fighters bring to the night, side by side.

One side gathers what the rest of the lab already computes for an athlete (profile and
weight, fitness and form, readiness, punch output, fight record); `drago compare` and the
dashboard's `/compare` both print it (`lab.tape`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from drago.lab.athletes import AthletesService
from drago.lab.camp import CampService
from drago.lab.context import LabContext, Service
from drago.lab.fight import FightsService
from drago.lab.load import LoadService
from drago.lab.punch_report import PunchOutput
from drago.lab.punches import PunchesService
from drago.lab.readiness import ReadinessService
from drago.lab.records import FightLine
from drago.store import athletes as athlete_rows

#: How far back the readiness trend and the fitness change look, days.
TREND_DAYS = 28
#: How old a readiness verdict may be to be shown as today's.
RECENT_DAYS = 14
#: Load columns shown for today.
TODAY_COLUMNS = (
    "date",
    "load",
    "ctl",
    "atl",
    "tsb",
    "acwr_rolling",
    "acwr_ewma",
    "acwr_band",
    "monotony",
)


@dataclass(frozen=True)
class TapeSide:
    """One fighter on the tale of the tape (see the module docstring)."""

    profile: dict[str, Any]
    today: dict[str, Any] | None
    ctl_change: float | None
    readiness: dict[str, Any] | None
    readiness_trend: dict[str, int]
    punches: PunchOutput | None
    record: dict[str, Any]
    fights: list[FightLine]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class TapeService(Service):
    """The tale of the tape (`lab.tape`, see the module docstring)."""

    def __init__(
        self,
        ctx: LabContext,
        athletes: AthletesService,
        load: LoadService,
        readiness: ReadinessService,
        camp: CampService,
        punches: PunchesService,
        fights: FightsService,
    ) -> None:
        super().__init__(ctx)
        self._athletes = athletes
        self._load = load
        self._readiness = readiness
        self._camp = camp
        self._punches = punches
        self._fights = fights

    def side(self, name: str) -> TapeSide:
        """The tale of the tape for one athlete, as of today in their time zone."""
        row = athlete_rows.get_athlete(self.store, name)
        today = datetime.now(ZoneInfo(row.tz)).date()
        listing = self._athletes.get(row.name).profile
        weights = self._camp.body_mass(row.name)
        profile = {
            k: listing.get(k)
            for k in (
                "name",
                "team",
                "sex",
                "birth_year",
                "weight_class",
                "stance",
                "hr_max_bpm",
                "hr_rest_bpm",
                "n_sessions",
            )
        }
        profile["age_years"] = today.year - row.birth_year if row.birth_year else None
        profile["kg"] = float(weights["kg"][-1]) if weights.height else None
        profile["kg_date"] = weights["date"][-1] if weights.height else None

        series = self._load.series(row.name)
        now = series.row(-1, named=True) if series.height else None
        ctl_change = None
        if now is not None:
            before = series.filter(pl.col("date") == today - timedelta(TREND_DAYS))
            if before.height:
                ctl_change = float(now["ctl"]) - float(before["ctl"][0])
            now = {k: now[k] for k in TODAY_COLUMNS if k in now}

        recent = self._readiness.series(row.name, since=today - timedelta(TREND_DAYS))
        latest = None
        if recent.height and recent["date"][-1] >= today - timedelta(RECENT_DAYS):
            last = recent.row(-1, named=True)
            latest = {k: last[k] for k in ("date", "verdict", "reason")}
        trend = Counter(v for v in recent["verdict"].to_list() if v is not None)

        record, fights = self._fights.record(row.name)
        return TapeSide(
            profile=profile,
            today=now,
            ctl_change=ctl_change,
            readiness=latest,
            readiness_trend={k: trend[k] for k in ("green", "amber", "red")},
            punches=self._punches.output(row.name),
            record=record.to_dict(),
            fights=fights,
        )
