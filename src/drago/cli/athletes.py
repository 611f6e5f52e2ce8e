"""`drago athlete add|set|list|show`: who trains, and their dated physiology."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import polars as pl
import typer

from drago.cli import app, open_lab
from drago.cli.output import Fmt, OutputFormat, emit, stdout
from drago.vocab import Sex, Stance, ZoneModel

athlete_app = typer.Typer(help="Add, change, list and show athletes.", no_args_is_help=True)
app.add_typer(athlete_app, name="athlete")


HrMax = Annotated[float | None, typer.Option("--hr-max", help="Maximum heart rate, bpm.")]
HrRest = Annotated[float | None, typer.Option("--hr-rest", help="Resting heart rate, bpm.")]
Tz = Annotated[str | None, typer.Option("--tz", help="IANA time zone, e.g. Europe/Moscow.")]
BirthYear = Annotated[int | None, typer.Option("--birth-year", help="Year of birth.")]
WeightClass = Annotated[str | None, typer.Option("--weight-class", help="e.g. heavyweight.")]
StanceOpt = Annotated[Stance | None, typer.Option("--stance", help="orthodox or southpaw.")]
TeamOpt = Annotated[str | None, typer.Option("--team", help="The athlete's team (drago team add).")]


@athlete_app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The athlete's name (unique, any case).")],
    sex: Annotated[Sex, typer.Option("--sex", help="m or f (sets TRIMP coefficients).")],
    tz: Tz = None,
    hr_max: HrMax = None,
    hr_rest: HrRest = None,
    birth_year: BirthYear = None,
    weight_class: WeightClass = None,
    stance: StanceOpt = None,
    team: TeamOpt = None,
) -> None:
    """Add an athlete. Names are unique whatever their case.

    Example: drago athlete add rocky --sex m --tz America/New_York --hr-max 192
    """
    athlete_id = open_lab(ctx).athletes.add(
        name,
        sex=sex.value,
        tz=tz or "UTC",
        hr_max_bpm=hr_max,
        hr_rest_bpm=hr_rest,
        birth_year=birth_year,
        weight_class=weight_class,
        stance=stance.value if stance else None,
        team=team,
    )
    stdout.print(f"added athlete {name} (id {athlete_id})", highlight=False)


@athlete_app.command("set")
def set_(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The athlete's name.")],
    hr_max: HrMax = None,
    hr_rest: HrRest = None,
    hr_threshold: Annotated[
        float | None, typer.Option("--hr-threshold", help="HR at the first (aerobic) threshold.")
    ] = None,
    hr_threshold2: Annotated[
        float | None,
        typer.Option("--hr-threshold2", help="HR at the second (anaerobic) threshold."),
    ] = None,
    tz: Tz = None,
    birth_year: BirthYear = None,
    weight_class: WeightClass = None,
    stance: StanceOpt = None,
    sex: Annotated[Sex | None, typer.Option("--sex", help="m or f.")] = None,
    team: TeamOpt = None,
    zone_model: Annotated[
        ZoneModel | None,
        typer.Option(
            "--zone-model",
            help="HR zones as % of HR reserve (karvonen, the default) or of HR max (hrmax).",
        ),
    ] = None,
    valid_from: Annotated[
        datetime | None,
        typer.Option(
            "--from",
            formats=["%Y-%m-%d"],
            help="Date the HR values apply from (default: today; a first value applies to "
            "the whole history).",
        ),
    ] = None,
) -> None:
    """Change an athlete. HR values are dated: a change applies from its date on.

    Example: drago athlete set rocky --hr-max 190 --from 2026-09-01
    """
    open_lab(ctx).athletes.set(
        name,
        valid_from=valid_from.date() if valid_from else None,
        values={
            "hr_max_bpm": hr_max,
            "hr_rest_bpm": hr_rest,
            "hr_threshold_bpm": hr_threshold,
            "hr_threshold2_bpm": hr_threshold2,
        },
        tz=tz,
        birth_year=birth_year,
        weight_class=weight_class,
        stance=stance.value if stance else None,
        sex=sex.value if sex else None,
        team=team,
        zone_model=zone_model.value if zone_model else None,
    )
    stdout.print(f"updated athlete {name}", highlight=False)


@athlete_app.command("list")
def list_(
    ctx: typer.Context,
    team: Annotated[str | None, typer.Option("--team", help="Only this team's athletes.")] = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Every athlete, with current HR values (estimated from data where never given).

    Example: drago athlete list --format csv
    """
    frame = open_lab(ctx).athletes.list(team=team)
    table = frame.select(
        "name",
        "team",
        "sex",
        "tz",
        "weight_class",
        "stance",
        _with_estimate("hr_max_bpm", "hr_max_estimated").alias("hr_max"),
        _with_estimate("hr_rest_bpm", "hr_rest_estimated").alias("hr_rest"),
        "n_sessions",
    )
    emit(frame, fmt, table=table)


def _with_estimate(value: str, flag: str) -> pl.Expr:
    shown = pl.col(value).round(0).cast(pl.Int64).cast(pl.String)
    return (
        pl.when(pl.col(flag) & pl.col(value).is_not_null())
        .then(pl.concat_str(shown, pl.lit(" (est.)")))
        .otherwise(shown)
    )


@athlete_app.command("show")
def show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The athlete's name.")],
    fmt: Fmt = OutputFormat.table,
) -> None:
    """One athlete: profile, dated HR values and data-based estimates.

    Example: drago athlete show rocky
    """
    view = open_lab(ctx).athletes.get(name)
    if fmt is not OutputFormat.table:
        profile = pl.DataFrame([view.profile])
        emit(profile, fmt)
        return
    for key, value in view.profile.items():
        if key.endswith("_estimated"):
            continue
        note = " (estimated from data)" if view.profile.get(f"{key[:-4]}_estimated") else ""
        stdout.print(f"{key:>22}: {'' if value is None else value}{note}", highlight=False)
    if view.values.height:
        stdout.print("dated values:")
        emit(view.values, OutputFormat.table)
