"""Which days a chart opens on: the current camp (from 8 weeks before the athlete's next fight
to the fight) or else the last 90 days; a coach widens it with the range picker (a year, all).

A camp is a sliver of a long history, and a chart of 2011-2026 shows neither its load nor its
mornings (drago convention, issue 17).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import polars as pl

from drago.errors import UsageError
from drago.lab.base import local_today
from drago.store import athletes as athlete_rows
from drago.store import camp as camp_rows

if TYPE_CHECKING:
    from drago.lab.load import LoadService
    from drago.lab.readiness import ReadinessService
    from drago.store import Store

#: The ranges a chart offers, and how many days back each reaches (None: all, camp: the camp).
RANGES: dict[str, int | None] = {"auto": None, "camp": None, "90d": 90, "1y": 365, "all": None}
DEFAULT_DAYS = 90
#: A camp's length before the fight, weeks (`drago camp plan`'s default).
CAMP_WEEKS = 8


@dataclass(frozen=True)
class ChartWindow:
    """First and last day to draw (`start` None: from the first day with data), the range
    chosen (`camp`, `90d`, `1y` or `all`: `auto` resolved) and a label for the reader."""

    start: date | None
    end: date
    chosen: str
    label: str


def chart_window(
    store: Store,
    load: LoadService,
    readiness: ReadinessService,
    name: str,
    *,
    choice: str = "auto",
    as_of: date | None = None,
) -> ChartWindow:
    """The days a chart of athlete `name` opens on (see the module docstring)."""
    if choice not in RANGES:
        raise UsageError(f"range must be one of {', '.join(RANGES)}, not {choice!r}")
    row = athlete_rows.get_athlete(store, name)
    today = as_of or local_today(store, row.name)
    if choice in ("auto", "camp"):
        fight = camp_rows.next_fight_date(store, row.id, today)
        if fight is not None and fight - timedelta(CAMP_WEEKS * 7) <= today:
            start = fight - timedelta(CAMP_WEEKS * 7)
            return ChartWindow(start, fight, "camp", f"the camp to the fight on {fight}")
        choice = "90d"
    if choice == "all":
        return ChartWindow(None, today, "all", "all the history")
    days = RANGES[choice] or DEFAULT_DAYS
    last = _last_day(load, readiness, row.name, today)
    if last is not None and last < today - timedelta(days):  # nothing lately: end at the data
        label = f"the {days} days up to the last entry ({last})"
        return ChartWindow(last - timedelta(days), last, choice, label)
    return ChartWindow(today - timedelta(days), today, choice, f"the last {days} days")


def _last_day(
    load: LoadService, readiness: ReadinessService, name: str, today: date
) -> date | None:
    """The last day up to `today` with a session or a morning entry, None without any."""
    loads = load.series(name)
    trained = loads.filter((pl.col("load") > 0) & (pl.col("date") <= today))["date"].max()
    mornings = readiness.series(name).filter(pl.col("date") <= today)["date"].max()
    days = [d for d in (trained, mornings) if isinstance(d, date)]
    return max(days) if days else None


__all__ = ["CAMP_WEEKS", "RANGES", "ChartWindow", "chart_window"]
