"""The training week around a session (`lab.sessions.week`) and a session as the gym pages list
it: dataclasses loaded by the commands and pages that show them, not by every command that
opens a lab (creating a frozen dataclass costs about 1 ms of CPU; issue 19)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from datetime import date as Day
from typing import Any


@dataclass(frozen=True)
class SessionLine:
    """A session as the gym pages list it: local day and time, minutes, RPE, notes."""

    id: int
    day: date
    time: str
    activity: str
    minutes: float
    rpe: float | None
    notes: str | None


@dataclass(frozen=True)
class DayLoad:
    """One day's load as the load series counts it (None: no series that day)."""

    date: date
    load: float | None


@dataclass(frozen=True)
class SessionWeek:
    """The training week (Monday to Sunday, local dates) around session `session_id` on
    `date`: each day's load, their total, the load series' row on the session's day (`day`:
    load, ctl, atl, tsb, acwr_ewma, acwr_band, monotony, strain; empty without a series),
    and the week's sessions."""

    session_id: int
    date: Day
    monday: Day
    days: list[DayLoad]
    total_load: float
    day: dict[str, Any]
    sessions: list[SessionLine] = field(default_factory=list)


def session_line(s: dict[str, Any]) -> SessionLine:
    """A row of the sessions listing with its local `day` and time (`local`) as a line."""
    return SessionLine(
        id=s["id"],
        day=s["day"],
        time=s["local"].strftime("%H:%M"),
        activity=s["activity"],
        minutes=round(s["duration_s"] / 60.0, 1),
        rpe=s["rpe"],
        notes=s["notes"],
    )
