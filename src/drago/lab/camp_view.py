"""The camp as the dashboard shows it: the road to the scales under the bout's weigh-in rules,
where the camp stands, the plan's days, and every warning, from the same lab calls as
`drago camp plan` and `drago camp status`, so the page and the commands cannot disagree.

`camp_weight` is the weight half of `lab.camp.plan` (the trajectory to the weigh-in and its
warnings under `drago.analysis.camp.weighin`'s rules); it is cheap, so the athlete page shows
the weight-cut warnings without planning the camp. `camp_view` is the whole camp page.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import polars as pl

from drago.analysis.camp.weighin import (
    WeighInRule,
    acute_cap_pct,
    class_drop_notes,
    rule_notes,
    weigh_in_date,
    weigh_in_rule,
)
from drago.analysis.camp.weight import WeightTrajectory, weight_trajectory
from drago.errors import NotFound
from drago.lab.base import local_today
from drago.lab.camp_reports import CampStatus, class_limit_kg
from drago.store import athletes as athlete_rows
from drago.store import camp as camp_rows

if TYPE_CHECKING:
    from drago.lab.camp import CampService
    from drago.store import Store
    from drago.store.athletes import AthleteRow

#: A camp's length before the fight, weeks (`drago camp plan`'s default).
CAMP_WEEKS = 8


def camp_weight(
    store: Store,
    row: AthleteRow,
    fight_date: date,
    rule: WeighInRule,
    *,
    weigh_in_kg: float | None = None,
    until: date | None = None,
) -> tuple[WeightTrajectory | None, str]:
    """The trajectory from the weigh-ins (up to `until`) to the limit (`weigh_in_kg`, else the
    bout's weight class in the store, else the athlete's) on the rules' weigh-in day, with the
    rules' warnings (a class drop against the athlete's earlier bouts among them); None and
    why when there is no limit or no weigh-in."""
    fights = camp_rows.athlete_fights(store, row.id)
    classes = {f["date"]: f["weight_class"] for f in fights.iter_rows(named=True)}
    limit = weigh_in_kg
    for name in (classes.get(fight_date), row.weight_class):
        if limit is None and name:
            limit = class_limit_kg(name)
    if limit is None:
        return None, f"no weight limit (class {row.weight_class or 'not set'}): give --weigh-in-kg"
    weights = camp_rows.body_mass(store, row.id)
    if until is not None:
        weights = weights.filter(pl.col("date") <= until)
    if weights.height == 0:
        return None, "no weigh-ins: log them with drago weight"
    day = weigh_in_date(fight_date, rule)
    trajectory = weight_trajectory(weights, day, limit, hours_to_bout=rule.hours_to_bout)
    trajectory.warnings.extend(rule_notes(rule, limit))
    earlier = [
        (day, kg)
        for day, name in classes.items()
        if day < fight_date and name and (kg := class_limit_kg(name)) is not None
    ]
    trajectory.warnings.extend(class_drop_notes(rule, fight_date, limit, earlier))
    note = (
        f"weigh-in {day} ({rule.name} rules, {rule.hours_to_bout:g} h before the bout: "
        f"{rule.source}) at {limit:.1f} kg"
    )
    return trajectory, note


@dataclass(frozen=True)
class WeighIn:
    """The bout's weigh-in as the rules set it: when, how long before the bout, the acute cap
    that leaves (`acute_cap_pct`), and the checks besides the scales."""

    rules: str
    date: date
    hours_to_bout: float
    acute_cap_pct: float
    usg_max: float | None
    regain_max_kg: float | None
    no_drop_weeks: int | None
    source: str


@dataclass(frozen=True)
class WeightCut:
    """The weight half of a camp: the weigh-in, the numbers, and the warnings."""

    athlete: str
    fight_date: date
    weigh_in: WeighIn
    limit_kg: float | None
    current_kg: float | None
    planned_kg_today: float | None
    note: str
    warnings: list[str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CampView:
    """An athlete's camp for the dashboard: the weight cut, the camp's status (as `drago camp
    status`), the model behind the plan, and the plan's days (as `drago camp plan`)."""

    athlete: str
    as_of: date
    fight_date: date
    camp_start: date
    weight: WeightCut
    status: CampStatus
    model_source: str
    history_note: str
    days: list[dict[str, Any]]

    @property
    def warnings(self) -> list[str]:
        return self.status.warnings

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["warnings"] = self.warnings
        return out


#: The rules assumed for a bout whose rules are not stored: professional bouts weigh in the
#: day before, the longer recovery, so the smaller acute cap of a same-day weigh-in is not
#: imposed unasked (drago convention).
ASSUMED_RULES = "pro"


def bout_rule(
    store: Store,
    athlete_id: int,
    fight_date: date,
    weigh_in: str | None,
    *,
    hours_to_bout: float | None = None,
    usg_max: float | None = None,
    no_drop_weeks: int | None = None,
) -> WeighInRule:
    """The weigh-in rules of the athlete's bout on `fight_date`: `weigh_in` when given, else
    the rules stored with the fight (`drago fight rules`), else `ASSUMED_RULES`, which the
    rule's source then says."""
    hours, name, assumed = hours_to_bout, weigh_in, False
    if name is None:
        stored, stored_hours = camp_rows.fight_weigh_in(store, athlete_id, fight_date)
        name, assumed = stored or ASSUMED_RULES, stored is None
        hours = stored_hours if hours is None else hours
    rule = weigh_in_rule(name, hours_to_bout=hours, usg_max=usg_max, no_drop_weeks=no_drop_weeks)
    if assumed:
        note = "; the bout's rules are not set, pro assumed (drago convention)"
        rule = replace(rule, source=rule.source + note)
    return rule


def _rule(
    store: Store,
    athlete_id: int,
    weigh_in: str | None,
    hours_to_bout: float | None,
    usg_max: float | None,
    no_drop_weeks: int | None,
    fight_date: date,
) -> tuple[WeighInRule, WeighIn]:
    rule = bout_rule(
        store,
        athlete_id,
        fight_date,
        weigh_in,
        hours_to_bout=hours_to_bout,
        usg_max=usg_max,
        no_drop_weeks=no_drop_weeks,
    )
    shown = WeighIn(
        rule.name,
        weigh_in_date(fight_date, rule),
        rule.hours_to_bout,
        acute_cap_pct(rule.hours_to_bout),
        rule.usg_max,
        rule.regain_max_kg,
        rule.no_drop_weeks,
        rule.source,
    )
    return rule, shown


def weight_cut(
    camp: CampService,
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
    """The weight cut to the athlete's next fight (or `fight_date`) on `as_of` (default their
    today), None without a fight ahead; cheap (no camp plan), for the athlete page."""
    row = athlete_rows.get_athlete(camp.store, name)
    day = as_of or local_today(camp.store, row.name)
    fight = fight_date or camp_rows.next_fight_date(camp.store, row.id, day + timedelta(1))
    if fight is None:
        return None
    rule, shown = _rule(camp.store, row.id, weigh_in, hours_to_bout, usg_max, no_drop_weeks, fight)
    trajectory, note = camp_weight(camp.store, row, fight, rule, weigh_in_kg=weigh_in_kg, until=day)
    if trajectory is None:
        return WeightCut(row.name, fight, shown, None, None, None, note, [note])
    planned = trajectory.days.filter(pl.col("date") == day)["planned_kg"]
    return WeightCut(
        row.name,
        fight,
        shown,
        trajectory.limit_kg,
        trajectory.current_kg,
        float(planned[0]) if planned.len() and planned[0] is not None else None,
        note,
        list(trajectory.warnings),
    )


def camp_view(
    camp: CampService,
    name: str,
    *,
    as_of: date | None = None,
    fight_date: date | None = None,
    weeks: int = CAMP_WEEKS,
    weigh_in: str | None = None,
    hours_to_bout: float | None = None,
    usg_max: float | None = None,
    weigh_in_kg: float | None = None,
    weekly_hours: float | None = None,
    usual_rpe: float | None = None,
    no_drop_weeks: int | None = None,
) -> CampView:
    """The camp page of an athlete: `lab.camp.status` and `lab.camp.plan` of the next fight
    (or `fight_date`) on `as_of`, under the weigh-in rules given (`weekly_hours` and
    `usual_rpe`: the questionnaire, for an athlete without recent history); NotFound without
    a fight ahead. Kept while the store is unchanged (planning a camp takes a second or two)."""
    row = athlete_rows.get_athlete(camp.store, name)
    day = as_of or local_today(camp.store, row.name)
    fight = fight_date or camp_rows.next_fight_date(camp.store, row.id, day + timedelta(1))
    if fight is None:
        raise NotFound(f"{row.name} has no fight ahead: add one on /fights or with drago fight new")
    options = {
        "as_of": day,
        "fight_date": fight,
        "weeks": weeks,
        "weigh_in": weigh_in,
        "hours_to_bout": hours_to_bout,
        "usg_max": usg_max,
        "weigh_in_kg": weigh_in_kg,
        "weekly_hours": weekly_hours,
        "usual_rpe": usual_rpe,
        "no_drop_weeks": no_drop_weeks,
    }
    key = ("camp_view", row.id, *sorted(options.items()))
    return camp.ctx.memoised(key, lambda: _camp_view(camp, row.name, **options))  # type: ignore[arg-type]


def _camp_view(
    camp: CampService,
    name: str,
    *,
    as_of: date,
    fight_date: date,
    weeks: int,
    weigh_in: str | None,
    hours_to_bout: float | None,
    usg_max: float | None,
    weigh_in_kg: float | None,
    weekly_hours: float | None,
    usual_rpe: float | None,
    no_drop_weeks: int | None,
) -> CampView:
    report = camp.plan(
        name,
        fight_date=fight_date,
        weeks=weeks,
        weigh_in_kg=weigh_in_kg,
        until=as_of,
        weigh_in=weigh_in,
        hours_to_bout=hours_to_bout,
        usg_max=usg_max,
        weekly_hours=weekly_hours,
        usual_rpe=usual_rpe,
        no_drop_weeks=no_drop_weeks,
    )
    status = camp.status_of(report, as_of=as_of, weeks=weeks)
    row = athlete_rows.get_athlete(camp.store, name)
    _, shown = _rule(
        camp.store, row.id, weigh_in, hours_to_bout, usg_max, no_drop_weeks, fight_date
    )
    w = report.weight
    cut = WeightCut(
        report.athlete,
        fight_date,
        shown,
        None if w is None else w.limit_kg,
        None if w is None else w.current_kg,
        status.planned_kg_today,
        report.weight_note,
        [report.weight_note] if w is None else list(w.warnings),
    )
    days = report.to_dict()["days"]
    for d in days:
        d.pop("predicted_performance", None)
    return CampView(
        report.athlete,
        as_of,
        fight_date,
        status.camp_start,
        cut,
        status,
        report.model.fit.source,
        report.history_note,
        days,
    )


__all__ = ["CAMP_WEEKS", "CampView", "WeighIn", "WeightCut", "camp_view", "camp_weight"]
