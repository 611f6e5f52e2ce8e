"""`drago sessions`: the training diary, from files and hand entries alike."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import polars as pl
import typer

from drago.cli import app, open_lab
from drago.cli.output import DAY, Fmt, OutputFormat, emit


def local_text(start: datetime | None, tz: str | None) -> str | None:
    """An instant as the athlete's wall clock with the zone: "2026-11-20 07:15 Europe/Moscow"."""
    if start is None:
        return None
    zone = ZoneInfo(tz or "UTC")
    return f"{start.astimezone(zone):%Y-%m-%d %H:%M} {zone.key}"


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
        typer.Option(
            "--since", formats=["%Y-%m-%d"], click_type=DAY, help="First day (UTC), YYYY-MM-DD."
        ),
    ] = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """List sessions, oldest first, each with its load on the one scale of drago load.

    `load` is the session's share of the day's load in `drago load` (method `auto`), with
    `load_method` naming how it was found; implausible recordings are listed but not counted.

    Example: drago sessions --athlete drago --since 2026-10-01 --format json
    """
    lab = open_lab(ctx)
    frame = lab.sessions.list(athlete=athlete, team=team, since=since.date() if since else None)
    zones = lab.athletes.time_zones()
    local = [  # a loop, not map_elements: Polars would parse the lambda's bytecode first
        local_text(start, zones.get(name))
        for start, name in frame.select("start", "athlete").iter_rows()
    ]
    table = frame.select(
        "id",
        "athlete",
        pl.Series("start (local)", local, pl.String),
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
