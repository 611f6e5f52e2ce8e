"""`drago test|model|weight|suspension|camp|fight`: the fight camp and fight night."""

from __future__ import annotations

import dataclasses
import json
import math
import sys
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, cast

import polars as pl
import typer
from rich.console import Console
from rich.table import Table

from drago.cli import app, open_lab
from drago.cli.output import PIPE_WIDTH, Fmt, OutputFormat, emit, stdout
from drago.errors import UsageError
from drago.lab.camp import CampMixin

test_app = typer.Typer(help="Record performance tests.", no_args_is_help=True)
suspension_app = typer.Typer(help="Record medical suspensions.", no_args_is_help=True)
camp_app = typer.Typer(help="Plan a fight camp and follow it.", no_args_is_help=True)
fight_app = typer.Typer(
    help="Fight night: punch stats, scorecards, the towel.", no_args_is_help=True
)
app.add_typer(test_app, name="test")
app.add_typer(suspension_app, name="suspension")
app.add_typer(camp_app, name="camp")
app.add_typer(fight_app, name="fight")

Name = Annotated[str, typer.Argument(help="The athlete's name.")]
Day = Annotated[datetime, typer.Option("--date", formats=["%Y-%m-%d"], help="Local date.")]
FightId = Annotated[int, typer.Argument(help="The fight's id (from drago fight new).")]


class Corner(StrEnum):
    red = "red"
    blue = "blue"


class Model(StrEnum):
    busso2003 = "busso2003"
    banister1975 = "banister1975"


def _clean(value: Any) -> Any:
    """JSON-safe: dates as ISO text, non-finite floats as null, floats to 4 decimals."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, float):
        return round(value, 4) if math.isfinite(value) else None
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _json(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(_clean(obj), indent=2, allow_nan=False) + "\n")


def _lab(ctx: typer.Context) -> CampMixin:
    """The lab of the --db option (a `Lab`, which has `CampMixin`'s methods)."""
    return cast(CampMixin, open_lab(ctx))


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
    _lab(ctx).add_performance_test(
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
    report = _lab(ctx).performance_model(name, test=test, method=method.value)
    out = report.to_dict()
    if fmt is OutputFormat.json:
        _json(out)
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
        _print(f"{report.athlete}: {out['params']['method']} on {out['test'] or 'no tests'} "
               f"({out['source']}: {out['note']}); R² {r2}, RMSE {rmse}")  # fmt: skip
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
    when, mass = _lab(ctx).record_weight(name, kg=kg, lb=lb, day=day.date() if day else None)
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
    sid = _lab(ctx).add_suspension(name, first_day=first_day.date(), days=days, reason=reason)
    _print(f"recorded suspension {sid} of {name}: {days} days from {first_day.date().isoformat()}")


FightDate = Annotated[
    datetime, typer.Option("--fight-date", formats=["%Y-%m-%d"], help="The fight's date.")
]
Weeks = Annotated[int, typer.Option("--weeks", help="Length of the camp in weeks (3-26).")]
RestDays = Annotated[int, typer.Option("--rest-days", help="Rest days a week (0-3).")]
WeighIn = Annotated[
    float | None,
    typer.Option("--weigh-in-kg", help="Weight limit in kg (default: the athlete's class)."),
]


@camp_app.command("plan")
def camp_plan(
    ctx: typer.Context,
    name: Name,
    fight_date: FightDate,
    weeks: Weeks = 8,
    rest_days: RestDays = 1,
    weigh_in_kg: WeighIn = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Plan the camp's daily loads and sessions for the best modelled fight-day form.

    Within the ACWR, day-cap, monotony, rest, suspension and taper constraints; with weigh-ins
    and a limit (--weigh-in-kg, else the athlete's weight class), the weight trajectory to a
    weigh-in the day before. CSV gives the days.

    Example: drago camp plan rocky --fight-date 2026-12-19 --weeks 8 --format json
    """
    report = _lab(ctx).plan_camp(name, fight_date=fight_date.date(), weeks=weeks,
                                     rest_days=rest_days, weigh_in_kg=weigh_in_kg)  # fmt: skip
    out = report.to_dict()
    if fmt is OutputFormat.json:
        _json(out)
        return
    plan, days = report.plan, pl.DataFrame(out["days"])
    if fmt is OutputFormat.csv:
        emit(days, fmt)
        return
    fit = report.model.fit
    _print(f"{report.athlete}: {len(days)}-day camp to {plan.fight_date.isoformat()}, taper "
           f"{plan.taper_days} d cut {plan.taper_cut:.0%}; fight-day form "
           f"{plan.fight_day_prediction:.1f} (plain ramp {plan.ramp_prediction:.1f}); "
           f"model: {fit.source} ({fit.note})")  # fmt: skip
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
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Where the camp stands: load done vs planned, fight-day form, weight vs trajectory.

    The predicted fight-day form takes the load done so far and the rest of the plan; the
    plan's own prediction is shown beside it.

    Example: drago camp status rocky --as-of 2026-11-25
    """
    s = _lab(ctx).camp_status(
        name, as_of=as_of.date() if as_of else None,
        fight_date=fight_date.date() if fight_date else None,
        weeks=weeks, rest_days=rest_days, weigh_in_kg=weigh_in_kg,
    )  # fmt: skip
    out = dataclasses.asdict(s)
    if fmt is OutputFormat.json:
        _json(out)
        return
    if fmt is OutputFormat.csv:
        emit(pl.DataFrame([{**out, "warnings": "; ".join(out["warnings"])}]), fmt)
        return
    _print(
        f"{s.athlete} on {s.as_of.isoformat()}: fight {s.fight_date.isoformat()} "
        f"({(s.fight_date - s.as_of).days} days), camp from {s.camp_start.isoformat()}"
    )
    _print(f"  load so far: done {s.done_load_to_date:.0f}, planned {s.planned_load_to_date:.0f}")
    _print(f"  fight-day form: {s.predicted_fight_day:.1f} on the current path, "
           f"{s.planned_fight_day:.1f} as planned ({s.model_note})")  # fmt: skip
    if s.current_kg is not None:
        today = "-" if s.planned_kg_today is None else f"{s.planned_kg_today:.1f}"
        _print(f"  weight: {s.current_kg:.1f} kg (last weigh-in), plan today {today} kg, "
               f"limit {s.limit_kg:.1f} kg")  # fmt: skip
    for text in s.warnings:
        _print(f"  warning: {text}")


@fight_app.command("new")
def fight_new(
    ctx: typer.Context,
    red: Annotated[str, typer.Option("--red", help="Red corner: an athlete or any name.")],
    blue: Annotated[str, typer.Option("--blue", help="Blue corner: an athlete or any name.")],
    day: Annotated[datetime, typer.Option("--date", formats=["%Y-%m-%d"], help="Fight date.")],
    rounds: Annotated[int, typer.Option("--rounds", help="Scheduled rounds (1-15).")],
    weight_class: Annotated[
        str | None, typer.Option("--weight-class", help="e.g. welterweight.")
    ] = None,
) -> None:
    """Create a fight and print its id; a corner not in the store is kept as a name.

    Example: drago fight new --red rocky --blue "Apollo Creed" --date 2026-12-19 --rounds 12
    """
    fid = _lab(ctx).new_fight(red=red, blue=blue, day=day.date(), rounds=rounds,
                                  weight_class=weight_class)  # fmt: skip
    _print(str(fid))


def _scores(text: str | None) -> list[int] | None:
    if text is None:
        return None
    try:
        return [int(part) for part in text.split(",")]
    except ValueError as exc:
        raise UsageError(
            f"--scores takes whole numbers per judge, e.g. 10,9,10, not {text!r}"
        ) from exc


@fight_app.command("round")
def fight_round(
    ctx: typer.Context,
    fight_id: FightId,
    rnd: Annotated[int, typer.Option("--round", help="The round number.")],
    corner: Annotated[Corner, typer.Option("--corner", help="red or blue.")],
    jabs_thrown: Annotated[int, typer.Option("--jabs-thrown", help="Jabs thrown.")],
    jabs_landed: Annotated[int, typer.Option("--jabs-landed", help="Jabs landed.")],
    power_thrown: Annotated[int, typer.Option("--power-thrown", help="Power punches thrown.")],
    power_landed: Annotated[int, typer.Option("--power-landed", help="Power punches landed.")],
    knockdowns: Annotated[
        int, typer.Option("--knockdowns", help="Times this corner was knocked down.")
    ] = 0,
    scores: Annotated[
        str | None,
        typer.Option("--scores", help="This corner's score from each judge, e.g. 10,9,10."),
    ] = None,
) -> None:
    """Enter one corner's counts for a round, and print the towel's alert if it rises.

    --scores gives this corner's 10-point-must score from judge 1, 2, 3... in order; enter the
    other corner's with its own `fight round`: a judge's round counts once both are in.
    Re-entering a round replaces it.

    Example: drago fight round 1 --round 3 --corner red --jabs-thrown 20 --jabs-landed 6
    --power-thrown 25 --power-landed 10 --scores 10,10,9
    """
    counts = {"jab_thrown": jabs_thrown, "jab_landed": jabs_landed, "power_thrown": power_thrown,
              "power_landed": power_landed, "knockdowns": knockdowns}  # fmt: skip
    report = _lab(ctx).fight_round(fight_id, rnd=rnd, corner=corner.value, counts=counts,
                                       scores=_scores(scores))  # fmt: skip
    _print(f"fight {fight_id} round {rnd} {corner.value}: entered")
    for alert in report.alerts:
        if alert["round"] == rnd:
            _print(f"ALERT {alert['corner']} (risk {alert['risk']:.2f}): {alert['message']}")


def _side(side: dict[str, Any] | None) -> list[str]:
    if side is None:
        return ["", "", "", ""]
    return [f"{side['jabs_landed']}/{side['jabs_thrown']}",
            f"{side['power_landed']}/{side['power_thrown']}", str(side["knockdowns"]),
            f"{side['risk']:.2f}" + (" !" if side["alert"] else "")]  # fmt: skip


@fight_app.command("show")
def fight_show(ctx: typer.Context, fight_id: FightId, fmt: Fmt = OutputFormat.table) -> None:
    """A fight round by round, CompuBox style, with the towel's risk and the judges' cards.

    Counts are landed/thrown; any towel alert is printed with its disclaimer. CSV gives one
    row per round and corner.

    Example: drago fight show 1 --format json
    """
    r = _lab(ctx).fight_report(fight_id)
    if fmt is OutputFormat.json:
        _json(dataclasses.asdict(r))
        return
    if fmt is OutputFormat.csv:
        rows = [{"round": e["round"], "corner": c, **e[c]}
                for e in r.rounds for c in ("red", "blue") if e[c]]  # fmt: skip
        emit(pl.DataFrame(rows).drop("message", strict=False), fmt)
        return
    f = r.fight
    _print(f"fight {f['id']} on {f['date']}: {f['red_name']} (red) vs {f['blue_name']} (blue), "
           f"{f['rounds']} rounds")  # fmt: skip
    grid = Table(header_style="bold")
    for col in ("round", "red jabs", "red power", "red KD", "red risk", "blue jabs",
                "blue power", "blue KD", "blue risk"):  # fmt: skip
        grid.add_column(col)
    for e in r.rounds:
        grid.add_row(str(e["round"]), *_side(e["red"]), *_side(e["blue"]))
    for corner, t in r.totals.items():
        pct = "-" if t["total_pct"] is None else f"{t['total_pct']:.0f}%"
        _print(f"{corner} total: landed {t['total_landed']}/{t['total_thrown']} ({pct})")
    Console(width=None if sys.stdout.isatty() else PIPE_WIDTH).print(grid)
    if r.scorecards:
        emit(pl.DataFrame(r.scorecards), OutputFormat.table)
    if r.decision:
        _print(f"decision: {r.decision['kind']}" + (f", {r.decision['winner']}"
               if r.decision["winner"] else ""))  # fmt: skip
    for alert in r.alerts:
        _print(f"ALERT round {alert['round']} {alert['corner']}: {alert['message']}")
    if r.alerts:
        _print(f"the towel is a {r.disclaimer}")
