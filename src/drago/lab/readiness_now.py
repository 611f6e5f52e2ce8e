"""Readiness "now": this morning's verdict as it stands, fixed by the morning's inputs, and,
clearly apart, the same rules once the day's training is logged.

The morning verdict takes the rolling ACWR of the day before (`drago.analysis.daily`), so a
session logged later never changes it; the now view takes the day's own ratio, its sessions
counted. The now view is labelled as such wherever it is shown (`NOW_LABEL`), and never
replaces the morning's verdict in a listing (issue 16: "the morning verdict is fixed by the
morning's inputs; a later 'now' view may add the day's training, clearly apart").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Final

import polars as pl

from drago.lab.base import local_today
from drago.store import athletes as athlete_rows

if TYPE_CHECKING:
    from drago.lab.context import LabContext
    from drago.lab.gym import GymService
    from drago.lab.load import LoadService
    from drago.lab.readiness import ReadinessService
    from drago.lab.session_week import SessionLine

#: How the now view is named on every surface.
NOW_LABEL: Final = "now, including today's training (not the morning verdict)"


@dataclass(frozen=True)
class ReadinessNow:
    """The morning's verdict and reason, and apart from them the now view: the verdict with
    today's training counted, today's sessions and load, and today's rolling ACWR and band."""

    athlete: str
    date: date
    morning_verdict: str | None
    morning_reason: str
    now_verdict: str | None
    now_reason: str
    load_today: float | None
    acwr_rolling: float | None
    acwr_band: str | None
    sessions: list[SessionLine] = field(default_factory=list)
    label: str = NOW_LABEL

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        return {
            "athlete": out["athlete"],
            "date": out["date"],
            "morning": {"verdict": self.morning_verdict, "reason": self.morning_reason},
            "now": {
                "label": self.label,
                "verdict": self.now_verdict,
                "reason": self.now_reason,
                "load_today": self.load_today,
                "acwr_rolling": self.acwr_rolling,
                "acwr_band": self.acwr_band,
                "sessions": out["sessions"],
            },
        }


def _day_row(frame: pl.DataFrame, day: date) -> dict[str, Any]:
    rows = frame.filter(pl.col("date") == day)
    return rows.row(0, named=True) if rows.height else {}


def readiness_now(
    ctx: LabContext,
    readiness: ReadinessService,
    load: LoadService,
    gym: GymService,
    name: str,
    *,
    as_of: date | None = None,
) -> ReadinessNow:
    """The morning verdict of `as_of` (default the athlete's today) and the now view beside it,
    kept while the store is unchanged."""
    row = athlete_rows.get_athlete(ctx.store, name)
    day = as_of or local_today(ctx.store, row.name)
    return ctx.memoised(
        ("readiness_now", row.id, day),
        lambda: _readiness_now(readiness, load, gym, row.name, day),
    )


def _readiness_now(
    readiness: ReadinessService, load_service: LoadService, gym: GymService, name: str, day: date
) -> ReadinessNow:
    morning = _day_row(readiness.series(name, since=day, as_of=day), day)
    load = _day_row(load_service.series(name, until=day), day)
    sessions = gym.day(name, as_of=day).sessions
    no_check = "no check-in yet today"
    if not sessions:
        now = morning
        now_reason = "no training logged yet today: as the morning"
    else:
        now = _day_row(readiness.series(name, since=day, as_of=day, including_today=True), day)
        now_reason = now.get("reason") or no_check
    return ReadinessNow(
        athlete=name,
        date=day,
        morning_verdict=morning.get("verdict"),
        morning_reason=morning.get("reason") or no_check,
        now_verdict=now.get("verdict"),
        now_reason=now_reason,
        load_today=load.get("load"),
        acwr_rolling=load.get("acwr_rolling"),
        acwr_band=load.get("acwr_band"),
        sessions=sessions,
    )


__all__ = ["NOW_LABEL", "ReadinessNow", "readiness_now"]
