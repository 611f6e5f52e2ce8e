"""The coach's today board: one row per athlete with this morning's verdict and its reason,
whether they checked in, today's planned session from the camp plan, yesterday's load done
vs planned, weight vs the camp's trajectory, a medical suspension, and the camp's warnings.

It reads the verdict through `lab.readiness.series` and the plan through `lab.camp.plan`, so a
change to the readiness rules or the camp plan's rows shows here without a change here; plan
columns beyond `date` and `target_load` (`session`, `activity`, `minutes`, `rpe`...) are passed on.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from datetime import date as Day
from typing import Any

import polars as pl

from drago.errors import UsageError
from drago.lab.athletes import AthletesService
from drago.lab.base import local_today
from drago.lab.camp import CampService
from drago.lab.camp_reports import CampReport
from drago.lab.context import LabContext, Service
from drago.lab.load import LoadService
from drago.lab.readiness import ReadinessService
from drago.lab.window import CAMP_WEEKS
from drago.store import athletes as athlete_rows
from drago.store import camp as camp_rows

#: Order of the verdicts when the board is sorted by them: who needs the coach first.
VERDICT_ORDER = {"red": 0, "amber": 1, "green": 2, None: 3}
#: Columns of a board row, the contract (`GET /api/today`) first.
COLUMNS = (
    "athlete",
    "verdict",
    "reason",
    "checked_in",
    "planned",
    "team",
    "date",
    "yesterday_done",
    "yesterday_planned",
    "kg",
    "planned_kg",
    "kg_vs_plan",
    "suspension",
    "fight_date",
    "camp_warnings",
)


@dataclass(frozen=True)
class BoardRow:
    """One athlete on the board (see the module docstring); `planned`: today's row of the camp
    plan (None outside a camp), `kg_vs_plan`: the last weigh-in minus today's planned kg,
    `camp_warnings`: the camp plan's and the weight cut's warnings, as `drago camp plan` says
    them (empty outside a camp)."""

    athlete: str
    verdict: str | None
    reason: str | None
    checked_in: bool
    planned: dict[str, Any] | None
    team: str | None
    date: date
    yesterday_done: float | None
    yesterday_planned: float | None
    kg: float | None
    planned_kg: float | None
    kg_vs_plan: float | None
    suspension: str | None
    fight_date: Day | None
    camp_warnings: list[str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class TodayService(Service):
    """The coach's today board (`lab.today`, see the module docstring)."""

    def __init__(
        self,
        ctx: LabContext,
        athletes: AthletesService,
        load: LoadService,
        readiness: ReadinessService,
        camp: CampService,
    ) -> None:
        super().__init__(ctx)
        self._athletes = athletes
        self._load = load
        self._readiness = readiness
        self._camp = camp

    def _camp_of(self, name: str, athlete_id: int, today: date) -> CampReport | None:
        """The camp the athlete is in today (a fight within CAMP_WEEKS), None outside one or
        when there is no history to plan from."""
        fight = camp_rows.next_fight_date(self.store, athlete_id, today)
        if fight is None or fight - timedelta(CAMP_WEEKS * 7) > today:
            return None

        def plan() -> CampReport | None:
            try:
                return self._camp.plan(name, fight_date=fight, weeks=CAMP_WEEKS, until=today)
            except UsageError:  # no sessions yet: nothing to plan from
                return None

        return self.ctx.memoised(("today_camp", athlete_id, fight, today), plan)

    @staticmethod
    def _plan_day(report: CampReport | None, day: date) -> dict[str, Any] | None:
        if report is None:
            return None
        rows = report.plan.days.filter(pl.col("date") == day)
        if rows.height == 0:
            return None
        row = rows.row(0, named=True)
        row.pop("predicted_performance", None)
        if isinstance(row.get("target_load"), float):
            row["target_load"] = round(row["target_load"], 1)
        return row

    def _suspension(self, athlete_id: int, today: date) -> str | None:
        frame = camp_rows.suspensions(self.store, athlete_id).filter(
            (pl.col("first_day") <= today) & (pl.col("last_day") >= today)
        )
        if frame.height == 0:
            return None
        last = frame.row(-1, named=True)
        return f"{last['reason']} (until {last['last_day']})"

    def row(self, name: str, *, as_of: date | None = None, team: str | None = None) -> BoardRow:
        """One athlete's row of the board, as of today in their time zone (or `as_of`)."""
        profile = athlete_rows.get_athlete(self.store, name)
        today = as_of or local_today(self.store, profile.name)
        yesterday = today - timedelta(1)
        ready = self._readiness.series(profile.name, since=today).filter(pl.col("date") == today)
        row = ready.row(0, named=True) if ready.height else {}
        answers = ("hooper", "ln_rmssd", "rhr_bpm", "sleep", "stress", "fatigue", "soreness")
        checked_in = any(row.get(k) is not None for k in answers)
        camp = self._camp_of(profile.name, profile.id, today)
        planned_yesterday = self._plan_day(camp, yesterday)
        series = self._load.series(profile.name, until=today).filter(pl.col("date") == yesterday)
        done = float(series["load"][0]) if series.height and series["load"][0] is not None else None
        weights = self._camp.body_mass(profile.name).filter(pl.col("date") <= today)
        kg = float(weights["kg"][-1]) if weights.height else None
        planned_kg = None
        if camp is not None and camp.weight is not None:
            plan_kg = camp.weight.days.filter(pl.col("date") == today)["planned_kg"]
            planned_kg = float(plan_kg[0]) if plan_kg.len() and plan_kg[0] is not None else None
        reason = row.get("reason")
        if not checked_in and reason is None:
            reason = "no check-in yet today"
        return BoardRow(
            athlete=profile.name,
            verdict=row.get("verdict") if checked_in or row.get("verdict") == "red" else None,
            reason=reason,
            checked_in=checked_in,
            planned=self._plan_day(camp, today),
            team=team,
            date=today,
            yesterday_done=None if done is None else round(done, 1),
            yesterday_planned=None
            if planned_yesterday is None
            else planned_yesterday["target_load"],
            kg=kg,
            planned_kg=None if planned_kg is None else round(planned_kg, 1),
            kg_vs_plan=None if kg is None or planned_kg is None else round(kg - planned_kg, 1),
            suspension=self._suspension(profile.id, today),
            fight_date=camp.plan.fight_date if camp is not None else None,
            camp_warnings=[] if camp is None else camp.warnings,
        )

    def board(
        self, *, names: list[str] | None = None, as_of: date | None = None, sort: str = "verdict"
    ) -> list[BoardRow]:
        """The board for `names` (default: every athlete the lab lists, which in team mode are the
        caller's), sorted by `sort` (any column; `verdict` puts red first, then amber, green, and
        those without a verdict)."""
        if sort not in COLUMNS:
            raise UsageError(f"sort by one of {', '.join(COLUMNS)}, not {sort!r}")
        people = self._athletes.list()
        teams = dict(zip(people["name"].to_list(), people["team"].to_list(), strict=True))
        chosen = names if names is not None else list(teams)
        rows = [self.row(n, as_of=as_of, team=teams.get(n)) for n in chosen]
        return sorted(rows, key=lambda r: _sort_key(r, sort))


def _sort_key(row: BoardRow, column: str) -> tuple[Any, ...]:
    if column == "verdict":
        return (VERDICT_ORDER.get(row.verdict, 3), row.athlete.lower())
    if column == "planned":
        value: Any = (row.planned or {}).get("target_load")
    elif column == "camp_warnings":
        return (-len(row.camp_warnings), row.athlete.lower())
    else:
        value = getattr(row, column)
    if isinstance(value, str):
        value = value.lower()
    return (value is None, value if value is not None else 0, row.athlete.lower())


__all__ = ["COLUMNS", "BoardRow", "TodayService"]
