"""`drago sessions`: the training diary, from files and hand entries alike."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import polars as pl
import typer

from drago.cli import app, open_lab
from drago.cli.output import Fmt, OutputFormat, emit


@app.command("sessions")
def sessions(
    ctx: typer.Context,
    athlete: Annotated[
        str | None, typer.Option("--athlete", "-a", help="Only this athlete's sessions.")
    ] = None,
    team: Annotated[
        str | None, typer.Option("--team", help="Only the sessions of this team's athletes.")
    ] = None,
    since: Annotated[
        datetime | None,
        typer.Option("--since", formats=["%Y-%m-%d"], help="First day (UTC), YYYY-MM-DD."),
    ] = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """List sessions, oldest first.

    Example: drago sessions --athlete drago --since 2026-10-01 --format json
    """
    frame = open_lab(ctx).sessions(
        athlete=athlete, team=team, since=since.date() if since else None
    )
    table = frame.select(
        "id",
        "athlete",
        "start",
        "activity",
        (pl.col("duration_s") / 60).round(1).alias("min"),
        (pl.col("distance_m") / 1000).round(2).alias("km"),
        pl.col("hr_avg_bpm").round(0).alias("hr_avg"),
        pl.col("hr_max_bpm").round(0).alias("hr_max"),
        "rpe",
        "device",
        pl.concat_str(
            pl.when(pl.col("recovered")).then(pl.lit("recovered ")),
            pl.when(pl.col("duplicate_of").is_not_null()).then(
                pl.format("duplicate of {}", "duplicate_of")
            ),
            ignore_nulls=True,
        ).alias("flags"),
    )
    emit(frame, fmt, table=table)
