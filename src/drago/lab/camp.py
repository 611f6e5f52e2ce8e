"""Fight camps: performance tests and the model, weight, suspensions, the camp plan, and the
days a chart opens on (`lab.camp`)."""

from __future__ import annotations

import contextlib
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl

from drago.analysis.camp.calendar import plan_ical
from drago.analysis.camp.fit import performance_fit
from drago.analysis.camp.model import performance_predict
from drago.analysis.camp.plan import plan_camp
from drago.analysis.camp.weight import lb_to_kg
from drago.errors import NotFound, UsageError
from drago.lab.base import check_calendar, check_day
from drago.lab.camp_plan import camp_scale, history_or_questionnaire, plan_warnings
from drago.lab.camp_reports import CampReport, CampStatus, ModelReport
from drago.lab.camp_view import (
    CampView,
    WeightCut,
    bout_rule,
    camp_view,
    camp_weight,
    weight_cut,
)
from drago.lab.context import LabContext, Service
from drago.lab.load import LoadService
from drago.lab.readiness import ReadinessService
from drago.lab.window import ChartWindow, chart_window
from drago.store import athletes as athlete_rows
from drago.store import camp as camp_rows
from drago.store import loads as load_rows

#: Plausible body mass of a boxer, kg (outside it is a typo, or lb typed as kg).
KG_RANGE = (30.0, 200.0)


class CampService(Service):
    """A fight camp: tests and model, weight, suspensions, the plan and its course
    (`lab.camp`)."""

    def __init__(self, ctx: LabContext, load: LoadService, readiness: ReadinessService) -> None:
        super().__init__(ctx)
        self._load = load
        self._readiness = readiness

    def add_test(
        self, name: str, *, day: date, test: str, value: float, lower_is_better: bool = False
    ) -> None:
        """Record a performance test (any unit; `lower_is_better` for times)."""
        row = athlete_rows.get_athlete(self.store, name)
        if not test.strip():
            raise UsageError("--test needs a name, e.g. 3min-bag-punches")
        if not np.isfinite(value):
            raise UsageError(f"test value must be a number, not {value}")
        check_day(day, row.tz, what="a performance test")
        with self.store.transaction():
            camp_rows.add_test(self.store, row.id, day, test.strip(), value, lower_is_better)

    def _tests(self, athlete_id: int, test: str | None) -> tuple[str | None, bool, pl.DataFrame]:
        """The chosen test's rows as `date`, `performance` (higher is better): `test`, else
        the athlete's most frequent test."""
        rows = camp_rows.tests(self.store, athlete_id, test)
        if test is not None and rows.height == 0:
            raise NotFound(f"no {test!r} tests: add them with drago test add")
        if rows.height == 0:
            return None, False, pl.DataFrame(schema={"date": pl.Date, "performance": pl.Float64})
        chosen = test or Counter(rows["test"].to_list()).most_common(1)[0][0]
        rows = rows.filter(pl.col("test").str.to_lowercase() == chosen.lower())
        lower = bool(rows["lower_is_better"].any())
        sign = -1.0 if lower else 1.0
        perf = rows.select("date", (sign * pl.col("value")).alias("performance"))
        return str(rows["test"][0]), lower, perf

    def model(
        self, name: str, *, test: str | None = None, method: str = "busso2003"
    ) -> ModelReport:
        """Fit the performance model to the athlete's daily load and one test (default: the
        most frequent); fewer than 8 tests give the population values, and say so."""
        row = athlete_rows.get_athlete(self.store, name)
        if method not in ("banister1975", "busso2003"):
            raise UsageError(f"unknown model {method!r}: use banister1975 or busso2003")
        daily = self._load.series(row.name).select("date", "load")
        chosen, lower, perf = self._tests(row.id, test)
        fit = performance_fit(daily, perf, method=method)  # type: ignore[arg-type]
        return ModelReport(row.name, chosen, lower, fit)

    def record_weight(
        self,
        name: str,
        *,
        kg: float | None = None,
        lb: float | None = None,
        day: date | None = None,
    ) -> tuple[date, float]:
        """Record the day's weigh-in, in kg or lb (exactly one); returns (date, kg)."""
        row = athlete_rows.get_athlete(self.store, name)
        if (kg is None) == (lb is None):
            raise UsageError("give the body mass with exactly one of --kg or --lb")
        mass = kg if kg is not None else lb_to_kg(float(lb))  # type: ignore[arg-type]
        if not KG_RANGE[0] <= mass <= KG_RANGE[1]:
            raise UsageError(f"body mass {mass:.1f} kg is outside {KG_RANGE[0]:g}-{KG_RANGE[1]:g}")
        when = day or datetime.now(ZoneInfo(row.tz)).date()
        check_day(when, row.tz, what="a weigh-in")
        with self.store.transaction():
            camp_rows.upsert_body_mass(self.store, row.id, when, mass)
        return when, mass

    def body_mass(self, name: str) -> pl.DataFrame:
        """Every weigh-in of an athlete: `date`, `kg`."""
        return camp_rows.body_mass(self.store, athlete_rows.get_athlete(self.store, name).id)

    def add_suspension(self, name: str, *, first_day: date, days: int, reason: str) -> int:
        """Record a medical suspension (no sparring for `days` days from `first_day`)."""
        row = athlete_rows.get_athlete(self.store, name)
        if not 1 <= days <= 365:
            raise UsageError(f"a suspension lasts 1-365 days, not {days}")
        if not reason.strip():
            raise UsageError("--reason cannot be empty")
        check_calendar(first_day, what="a suspension")
        with self.store.transaction():
            return camp_rows.add_suspension(self.store, row.id, first_day, days, reason.strip())

    def plan(
        self,
        name: str,
        *,
        fight_date: date,
        weeks: int = 8,
        rest_days: int = 1,
        weigh_in_kg: float | None = None,
        until: date | None = None,
        weekly_hours: float | None = None,
        usual_rpe: float | None = None,
        weigh_in: str | None = None,
        hours_to_bout: float | None = None,
        usg_max: float | None = None,
        no_drop_weeks: int | None = None,
    ) -> CampReport:
        """The camp's daily target loads and sessions (see `drago.analysis.camp.plan`), from
        the athlete's load history, suspensions and fitted model (population values with
        fewer than 8 tests); with weigh-ins and a limit (`weigh_in_kg`, else the athlete's
        weight class), the weight trajectory to the weigh-in of the rules `weigh_in` (default the
        bout's stored rules, `bout_rule`)
        (`drago.lab.camp_view.camp_weight`)."""
        row = athlete_rows.get_athlete(self.store, name)
        rule = bout_rule(
            self.store,
            row.id,
            fight_date,
            weigh_in,
            hours_to_bout=hours_to_bout,
            usg_max=usg_max,
            no_drop_weeks=no_drop_weeks,
        )
        if weigh_in_kg is not None and not KG_RANGE[0] <= weigh_in_kg <= KG_RANGE[1]:
            raise UsageError(f"--weigh-in-kg {weigh_in_kg:g} is outside 30-200")
        today = until or datetime.now(ZoneInfo(row.tz)).date()
        if fight_date <= today:
            raise UsageError(f"the fight date {fight_date} is not after {today}: give a later one")
        history = self._load.series(row.name, until=until).select("date", "load")
        scale = camp_scale(load_rows.load_history(self.store, [row.id]))
        history, history_note = history_or_questionnaire(
            history, fight_date - timedelta(weeks * 7), weekly_hours, usual_rpe, scale
        )
        model = self.model(row.name)
        stops = [
            (s["first_day"], s["last_day"])
            for s in camp_rows.suspensions(self.store, row.id).iter_rows(named=True)
        ]
        params = model.fit.params if model.fit.source != "population" else None
        plan = plan_camp(
            history,
            fight_date=fight_date,
            weeks=weeks,
            rest_days=rest_days,
            params=params,
            suspensions=stops,
            srpe_to_trimp=scale.srpe_to_trimp,
            hr_zones=scale.has_hr,
        )
        weight, note = camp_weight(
            self.store, row, fight_date, rule, weigh_in_kg=weigh_in_kg, until=until
        )
        return CampReport(row.name, plan, model, weight, note, history_note)

    def ical(self, report: CampReport) -> bytes:
        """The plan's sessions and the fight as an iCalendar file (see `plan_ical`)."""
        # stamped with the camp's first day, so the same plan gives the same bytes
        made = datetime.combine(report.plan.days["date"][0], datetime.min.time(), tzinfo=UTC)
        return plan_ical(
            report.plan.days, athlete=report.athlete, fight_date=report.plan.fight_date, made=made
        )

    def _next_fight(self, athlete_id: int, as_of: date) -> date:
        if (found := camp_rows.next_fight_date(self.store, athlete_id, as_of)) is None:
            raise UsageError("no fight ahead: give --fight-date or add one with drago fight new")
        return found

    def status(
        self,
        name: str,
        *,
        as_of: date | None = None,
        fight_date: date | None = None,
        weeks: int = 8,
        rest_days: int = 1,
        weigh_in_kg: float | None = None,
        weigh_in: str | None = None,
        hours_to_bout: float | None = None,
        usg_max: float | None = None,
        no_drop_weeks: int | None = None,
    ) -> CampStatus:
        """The camp on `as_of` (default today) before `fight_date` (default the athlete's
        next fight in the store): load planned vs done since the camp began, predicted
        fight-day performance if the rest of the plan is followed, and weight vs trajectory."""
        row = athlete_rows.get_athlete(self.store, name)
        day = as_of or datetime.now(ZoneInfo(row.tz)).date()
        fight_day = fight_date or self._next_fight(row.id, day)
        if fight_day <= day:
            raise UsageError(f"the fight ({fight_day}) is not after {day}")
        report = self.plan(
            row.name,
            fight_date=fight_day,
            weeks=weeks,
            rest_days=rest_days,
            weigh_in_kg=weigh_in_kg,
            until=day,
            weigh_in=weigh_in,
            hours_to_bout=hours_to_bout,
            usg_max=usg_max,
            no_drop_weeks=no_drop_weeks,
        )
        return self.status_of(report, as_of=day, weeks=weeks)

    def status_of(self, report: CampReport, *, as_of: date, weeks: int = 8) -> CampStatus:
        """`status` of a plan already made on `as_of` (`report`, from `plan`)."""
        day, fight_day = as_of, report.plan.fight_date
        start = fight_day - timedelta(weeks * 7)
        course = self._forecast(report.athlete, day, report)
        predicted = float(course["predicted_performance"][-1])
        plan_days = report.plan.days
        so_far = plan_days.filter(pl.col("date") <= day)["target_load"].sum()
        done_sum = course.filter((pl.col("date") >= start) & (pl.col("date") <= day))["load"].sum()
        extra: dict[str, Any] = {}
        if report.weight is not None:
            w = report.weight
            today = w.days.filter(pl.col("date") == day)["planned_kg"]
            extra = {
                "current_kg": w.current_kg,
                "limit_kg": w.limit_kg,
                "planned_kg_today": float(today[0]) if today.len() else None,
                "warnings": plan_warnings(report.plan) + list(w.warnings),
            }
        else:
            extra = {"warnings": [*plan_warnings(report.plan), report.weight_note]}
        return CampStatus(
            report.athlete,
            day,
            fight_day,
            start,
            float(so_far),
            float(done_sum),
            predicted,
            report.plan.fight_day_prediction,
            report.model.fit.note,
            **extra,
        )

    def _forecast(self, name: str, day: date, report: CampReport) -> pl.DataFrame:
        """Every day from the first session to the fight: `date`, `load` (done up to `day`,
        the re-planned target after it) and the model's `predicted_performance` (loads
        before a day count; the last row is fight day, with no load of its own)."""
        history = self._load.series(name, until=day).select("date", "load")
        start = report.plan.days["date"].min()
        assert isinstance(start, date)
        first = min(history["date"][0], start)
        calendar = pl.DataFrame({"date": pl.date_range(first, day, "1d", eager=True)})
        done = calendar.join(history, on="date", how="left").with_columns(
            pl.col("load").cast(pl.Float64).fill_null(0.0)
        )
        ahead = report.plan.days.filter(pl.col("date") > day).select(
            "date", pl.col("target_load").alias("load")
        )
        fight = pl.DataFrame({"date": [report.plan.fight_date], "load": [0.0]})
        course = pl.concat([done, ahead, fight]).unique("date", keep="first").sort("date")
        predicted = performance_predict(course["load"].to_numpy(), report.plan.params)
        return course.with_columns(pl.Series("predicted_performance", predicted))

    def chart(
        self,
        name: str,
        *,
        as_of: date | None = None,
        fight_date: date | None = None,
        weeks: int = 8,
        rest_days: int = 1,
        weigh_in_kg: float | None = None,
    ) -> pl.DataFrame:
        """The camp day by day for `drago plot camp`: `planned_load` (the plan as made the
        day before the camp began, or today if it has not), `done_load` (up to `as_of`),
        `replanned_load` (after it), `predicted_performance` (done, then re-planned), and
        `planned_kg` / `kg` when there is a weight limit and weigh-ins."""
        row = athlete_rows.get_athlete(self.store, name)
        day = as_of or datetime.now(ZoneInfo(row.tz)).date()
        fight_day = fight_date or self._next_fight(row.id, day)
        start = fight_day - timedelta(weeks * 7)
        options: dict[str, Any] = {
            "fight_date": fight_day,
            "weeks": weeks,
            "rest_days": rest_days,
            "weigh_in_kg": weigh_in_kg,
        }
        now = self.plan(row.name, until=day, **options)
        original = now
        if day >= start:
            # Without sessions before the camp, today's plan is the only one.
            with contextlib.suppress(UsageError):
                original = self.plan(row.name, until=start - timedelta(1), **options)
        course = self._forecast(row.name, day, now).filter(pl.col("date") >= start)
        frame = course.select(
            "date",
            pl.when(pl.col("date") <= day).then(pl.col("load")).alias("done_load"),
            pl.when(pl.col("date") > day).then(pl.col("load")).alias("replanned_load"),
            "predicted_performance",
        ).join(
            original.plan.days.select("date", pl.col("target_load").alias("planned_load")),
            on="date",
            how="left",
        )
        if now.weight is not None:
            kg = now.weight.days.select("date", "planned_kg", pl.col("actual_kg").alias("kg"))
            frame = frame.join(kg, on="date", how="left")
        return frame.sort("date")

    def window(self, name: str, *, choice: str = "auto", as_of: date | None = None) -> ChartWindow:
        """The days an athlete's charts open on: the camp, else 90 days (`drago.lab.window`)."""
        return chart_window(
            self.store, self._load, self._readiness, name, choice=choice, as_of=as_of
        )

    def weight_cut(
        self,
        name: str,
        *,
        as_of: date | None = None,
        fight_date: date | None = None,
        weigh_in: str | None = None,
        hours_to_bout: float | None = None,
        usg_max: float | None = None,
        weigh_in_kg: float | None = None,
        no_drop_weeks: int | None = None,
    ) -> WeightCut | None:
        """The weight cut to the next fight and its warnings, without a plan
        (`drago.lab.camp_view.weight_cut`)."""
        return weight_cut(
            self,
            name,
            as_of=as_of,
            fight_date=fight_date,
            weigh_in=weigh_in,
            hours_to_bout=hours_to_bout,
            usg_max=usg_max,
            weigh_in_kg=weigh_in_kg,
            no_drop_weeks=no_drop_weeks,
        )

    def view(self, name: str, **options: Any) -> CampView:
        """The camp page: status, weight cut and plan of the next fight
        (`drago.lab.camp_view.camp_view`, which names the options)."""
        return camp_view(self, name, **options)
