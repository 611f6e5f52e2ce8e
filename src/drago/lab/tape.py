"""The tale of the tape: what two fighters bring to the night, side by side.

One side gathers what the rest of the lab already computes for an athlete (profile and
weight, fitness and form, readiness, punch output, fight record); `drago compare` and the
dashboard's `/compare` both print it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import polars as pl

from drago.lab.records import fight_lines, record_of
from drago.store import athletes as athlete_rows

if TYPE_CHECKING:
    from drago.lab import Lab

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
    punches: dict[str, Any] | None
    record: dict[str, Any]
    fights: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def tape_side(lab: Lab, name: str) -> TapeSide:
    """The tale of the tape for one athlete, as of today in their time zone."""
    row = athlete_rows.get_athlete(lab.store, name)
    today = datetime.now(ZoneInfo(row.tz)).date()
    listing = lab.athlete(row.name).profile
    weights = lab.body_mass(row.name)
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

    series = lab.load_series(row.name)
    now = series.row(-1, named=True) if series.height else None
    ctl_change = None
    if now is not None:
        before = series.filter(pl.col("date") == today - timedelta(TREND_DAYS))
        if before.height:
            ctl_change = float(now["ctl"]) - float(before["ctl"][0])
        now = {k: now[k] for k in TODAY_COLUMNS if k in now}

    recent = lab.readiness(row.name, since=today - timedelta(TREND_DAYS))
    latest = None
    if recent.height and recent["date"][-1] >= today - timedelta(RECENT_DAYS):
        last = recent.row(-1, named=True)
        latest = {k: last[k] for k in ("date", "verdict", "reason")}
    trend = Counter(v for v in recent["verdict"].to_list() if v is not None)

    fights = fight_lines(lab, row.name)
    record = record_of(fights).to_dict()
    return TapeSide(
        profile=profile,
        today=now,
        ctl_change=ctl_change,
        readiness=latest,
        readiness_trend={k: trend[k] for k in ("green", "amber", "red")},
        punches=lab.punch_output(row.name),
        record=record,
        fights=fights,
    )
