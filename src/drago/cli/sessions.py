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
    """List sessions, oldest first, each with its load on the one scale of drago load.

    `load` is the session's share of the day's load in `drago load` (method `auto`), with
    `load_method` naming how it was found; implausible recordings are listed but not counted.

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
        pl.col("load").round(0),
        pl.col("load_method").alias("load method"),
        "device",
        pl.concat_str(
            pl.when(pl.col("recovered")).then(pl.lit("recovered ")),
            pl.when(pl.col("duplicate_of").is_not_null()).then(
                pl.format("duplicate of {} ", "duplicate_of")
            ),
            pl.when(pl.col("suspect_reason").is_not_null()).then(
                pl.when(pl.col("trusted"))
                .then(pl.format("trusted despite: {}", "suspect_reason"))
                .otherwise(pl.format("implausible, not in load: {}", "suspect_reason"))
            ),
            ignore_nulls=True,
        ).alias("flags"),
    )
    emit(frame, fmt, table=table)
