"""`drago test|model|weight|suspension|camp`: the fight camp."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from drago.cli import app, open_lab
from drago.cli.output import Fmt, OutputFormat, emit, emit_object, stdout

test_app = typer.Typer(help="Record performance tests.", no_args_is_help=True)
suspension_app = typer.Typer(help="Record medical suspensions.", no_args_is_help=True)
camp_app = typer.Typer(help="Plan a fight camp and follow it.", no_args_is_help=True)
app.add_typer(test_app, name="test")
app.add_typer(suspension_app, name="suspension")
app.add_typer(camp_app, name="camp")

Name = Annotated[str, typer.Argument(help="The athlete's name.")]
Day = Annotated[datetime, typer.Option("--date", formats=["%Y-%m-%d"], help="Local date.")]


class Model(StrEnum):
    busso2003 = "busso2003"
    banister1975 = "banister1975"


def _print(text: str) -> None:
    stdout.print(text, highlight=False, markup=False)


@test_app.command("add")
def test_add(
    ctx: typer.Context,
    name: Name,
    day: Day,
    test: Annotated[str, typer.Option("--test", help="The test's name, e.g. 3min-bag-punches.")],
    value: Annotated[float, typer.Option("--value", help="The result, in the test's own unit.")],
    lower_is_better: Annotated[
        bool, typer.Option("--lower-is-better", help="Smaller is better (times).")
    ] = False,
) -> None:
    """Record a performance test; eight or more of one test let `drago model` fit the athlete.

    Example: drago test add rocky --date 2026-11-20 --test 3min-bag-punches --value 412
    """
    open_lab(ctx).camp.add_test(
        name, day=day.date(), test=test, value=value, lower_is_better=lower_is_better
    )
    _print(f"recorded {test} {value:g} for {name} on {day.date().isoformat()}")


@app.command("model")
def model(
    ctx: typer.Context,
    name: Name,
    test: Annotated[
        str | None, typer.Option("--test", help="Which test (default: the most frequent).")
    ] = None,
    method: Annotated[
        Model, typer.Option("--method", help="busso2003 (variable fatigue gain) or banister1975.")
    ] = Model.busso2003,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """The athlete's performance model: parameters, standard errors and the fit (R², RMSE).

    With fewer than 8 tests of the chosen test the population values are used, and it says so.

    Example: drago model rocky --test 3min-bag-punches --format json
    """
    report = open_lab(ctx).camp.model(name, test=test, method=method.value)
    out = report.to_dict()
    if fmt is OutputFormat.json:
        emit_object(out)
        return
    rows = pl.DataFrame(
        [
            {"parameter": k, "value": float(v), "stderr": out["stderr"].get(k)}
            for k, v in out["params"].items()
            if k != "method"
        ],
        schema={"parameter": pl.String, "value": pl.Float64, "stderr": pl.Float64},
    )
    if fmt is OutputFormat.table:
        r2 = "-" if out["r2"] is None else f"{out['r2']:.3f}"
        rmse = "-" if out["rmse"] is None else f"{out['rmse']:.3g}"
        _print(
            f"{report.athlete}: {out['params']['method']} on {out['test'] or 'no tests'} "
            f"({out['source']}: {out['note']}); R² {r2}, RMSE {rmse}"
        )
    text = rows.with_columns(
        pl.col("value", "stderr").map_elements("{:.4g}".format, return_dtype=pl.String)
    )
    emit(rows, fmt, table=text)


@app.command("weight")
def weight(
    ctx: typer.Context,
    name: Name,
    kg: Annotated[float | None, typer.Option("--kg", help="Body mass in kilograms.")] = None,
    lb: Annotated[float | None, typer.Option("--lb", help="Body mass in pounds.")] = None,
    day: Annotated[
        datetime | None,
        typer.Option("--date", formats=["%Y-%m-%d"], help="Local date (default today)."),
    ] = None,
) -> None:
    """Record a weigh-in: one a day, with exactly one of --kg or --lb.

    `drago camp status` shows the last one against the trajectory to the scales.

    Example: drago weight rocky --lb 152.4 --date 2026-11-20
    """
    when, mass = open_lab(ctx).camp.record_weight(
        name, kg=kg, lb=lb, day=day.date() if day else None
    )
    _print(f"recorded {mass:.2f} kg for {name} on {when.isoformat()}")


@suspension_app.command("add")
def suspension_add(
    ctx: typer.Context,
    name: Name,
    first_day: Annotated[
        datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="First day suspended.")
    ],
    days: Annotated[int, typer.Option("--days", help="How many days (1-365).")],
    reason: Annotated[str, typer.Option("--reason", help="Why, e.g. KO, cut, concussion.")],
) -> None:
    """Record a medical suspension: the camp plan puts no sparring on those days.

    Example: drago suspension add rocky --from 2026-11-01 --days 30 --reason "KO loss"
    """
    sid = open_lab(ctx).camp.add_suspension(
        name, first_day=first_day.date(), days=days, reason=reason
    )
    _print(f"recorded suspension {sid} of {name}: {days} days from {first_day.date().isoformat()}")


FightDate = Annotated[
    datetime, typer.Option("--fight-date", formats=["%Y-%m-%d"], help="The fight's date.")
]
Weeks = Annotated[int, typer.Option("--weeks", help="Length of the camp in weeks (3-26).")]
RestDays = Annotated[int, typer.Option("--rest-days", help="Rest days a week (0-3).")]
WeighIn = Annotated[
    float | None,
    typer.Option(
        "--weigh-in-kg", help="Weight limit in kg (default: the bout's class, else the athlete's)."
    ),
]
Rules = Annotated[
    str | None,
    typer.Option(
        "--weigh-in",
        help="Weigh-in rules: pro (day before), amateur (morning of the bout) or ibf "
        "(default: the bout's, set with drago fight rules; else pro).",
    ),
]
HoursToBout = Annotated[
    float | None,
    typer.Option("--hours-to-bout", help="Hours from weigh-in to bout (default: the rules')."),
]

UsgMax = Annotated[
    float | None,
    typer.Option("--usg-max", help="A promotion's hydration test: urine specific gravity."),
]
NoDropWeeks = Annotated[
    int | None,
    typer.Option(
        "--no-drop-weeks", help="A promotion's rule: no class drop within this many weeks."
    ),
]


@camp_app.command("plan")
def camp_plan(
    ctx: typer.Context,
    name: Name,
    fight_date: FightDate,
    weeks: Weeks = 8,
    rest_days: RestDays = 1,
    weigh_in_kg: WeighIn = None,
    weekly_hours: Annotated[
        float | None,
        typer.Option("--weekly-hours", help="Without recent history: usual hours a week."),
    ] = None,
    usual_rpe: Annotated[
        float | None,
        typer.Option("--usual-rpe", help="Without recent history: usual session RPE (CR-10)."),
    ] = None,
    weigh_in: Rules = None,
    hours_to_bout: HoursToBout = None,
    usg_max: UsgMax = None,
    no_drop_weeks: NoDropWeeks = None,
    ics: Annotated[
        Path | None,
        typer.Option("--ics", help="Also write the sessions as an iCalendar file (.ics)."),
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Plan as on this day (default today)."),
    ] = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Plan the camp's days as sessions to hand out, for the best modelled fight-day form.

    Each day is a session (activity, minutes, target RPE, HR zone) whose load adds up to the
    day's target on the athlete's own scale.

    Within the week-on-week rise, day-cap, rolling monotony, rest, suspension and progressive
    taper constraints; with weigh-ins and a limit (--weigh-in-kg, else the bout's weight
    class, else the athlete's), the weight trajectory to the weigh-in under the bout's rules
    (--weigh-in, --hours-to-bout, --usg-max, --no-drop-weeks). An athlete without load in the
    28 days before the camp is planned from --weekly-hours and --usual-rpe. CSV gives the
    days; --ics writes them for a phone's calendar.

    Example: drago camp plan rocky --fight-date 2026-12-19 --weeks 8 --ics camp.ics
    """
    lab = open_lab(ctx)
    report = lab.camp.plan(
        name,
        fight_date=fight_date.date(),
        weeks=weeks,
        rest_days=rest_days,
        weigh_in_kg=weigh_in_kg,
        weekly_hours=weekly_hours,
        usual_rpe=usual_rpe,
        weigh_in=weigh_in,
        hours_to_bout=hours_to_bout,
        usg_max=usg_max,
        no_drop_weeks=no_drop_weeks,
        until=as_of.date() if as_of else None,
    )
    if ics is not None:
        ics.write_bytes(lab.camp.ical(report))
    out = report.to_dict()
    if fmt is OutputFormat.json:
        emit_object(out)
        return
    plan, days = report.plan, pl.DataFrame(out["days"])
    if fmt is OutputFormat.csv:
        emit(days, fmt)
        return
    fit = report.model.fit
    _print(
        f"{report.athlete}: {len(days)}-day camp to {plan.fight_date.isoformat()}, taper "
        f"{plan.taper_days} d cut {plan.taper_cut:.0%}; fight-day form "
        f"{plan.fight_day_prediction:.1f} (plain ramp {plan.ramp_prediction:.1f}); "
        f"model: {fit.source} ({fit.note})"
    )
    _print(report.history_note)
    emit(days, fmt)
    emit(pl.DataFrame(out["constraints"]), fmt)
    _print(f"weight: {report.weight_note}")
    for text in out["warnings"]:
        _print(f"warning: {text}")


@camp_app.command("status")
def camp_status(
    ctx: typer.Context,
    name: Name,
    as_of: Annotated[
        datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="The day to report on (default today)."),
    ] = None,
    fight_date: Annotated[
        datetime | None,
        typer.Option(
            "--fight-date",
            formats=["%Y-%m-%d"],
            help="The fight's date (default: the athlete's next fight in the store).",
        ),
    ] = None,
    weeks: Weeks = 8,
    rest_days: RestDays = 1,
    weigh_in_kg: WeighIn = None,
    weigh_in: Rules = None,
    hours_to_bout: HoursToBout = None,
    usg_max: UsgMax = None,
    no_drop_weeks: NoDropWeeks = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Where the camp stands: load done vs planned, fight-day form, weight vs trajectory.

    The predicted fight-day form takes the load done so far and the rest of the plan; the
    plan's own prediction is shown beside it.

    Example: drago camp status rocky --as-of 2026-11-25
    """
    s = open_lab(ctx).camp.status(
        name,
        as_of=as_of.date() if as_of else None,
        fight_date=fight_date.date() if fight_date else None,
        weeks=weeks,
        rest_days=rest_days,
        weigh_in_kg=weigh_in_kg,
        weigh_in=weigh_in,
        hours_to_bout=hours_to_bout,
        usg_max=usg_max,
        no_drop_weeks=no_drop_weeks,
    )
    out = dataclasses.asdict(s)
    if fmt is OutputFormat.json:
        emit_object(out)
        return
    if fmt is OutputFormat.csv:
        emit(pl.DataFrame([{**out, "warnings": "; ".join(out["warnings"])}]), fmt)
        return
    _print(
        f"{s.athlete} on {s.as_of.isoformat()}: fight {s.fight_date.isoformat()} "
        f"({(s.fight_date - s.as_of).days} days), camp from {s.camp_start.isoformat()}"
    )
    _print(f"  load so far: done {s.done_load_to_date:.0f}, planned {s.planned_load_to_date:.0f}")
    _print(
        f"  fight-day form: {s.predicted_fight_day:.1f} on the current path, "
        f"{s.planned_fight_day:.1f} as planned ({s.model_note})"
    )
    if s.current_kg is not None:
        today = "-" if s.planned_kg_today is None else f"{s.planned_kg_today:.1f}"
        _print(
            f"  weight: {s.current_kg:.1f} kg (last weigh-in), plan today {today} kg, "
            f"limit {s.limit_kg:.1f} kg"
        )
    for text in s.warnings:
        _print(f"  warning: {text}")
