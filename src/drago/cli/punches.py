"""`drago punches`: punch counts, types, speed/power proxies and rounds from an IMU file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import polars as pl
import typer

from drago.cli import app, open_lab
from drago.cli.output import Fmt, OutputFormat, emit, stdout
from drago.vocab import Hand, Stance

if TYPE_CHECKING:
    from drago.lab.punch_report import PunchReport


def render(report: PunchReport, fmt: OutputFormat) -> None:
    """Print a punch report: JSON as the whole object, CSV one row per punch, table a summary."""
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2, allow_nan=False) + "\n")
        return
    if fmt is OutputFormat.csv:
        emit(report.frame(), fmt)
        return
    by_type = ", ".join(f"{k} {v}" for k, v in report.by_type.items()) or "none"
    stdout.print(
        f"[bold]{report.n_punches} punches[/bold] in {report.duration_s:.0f} s "
        f"({report.rate_hz:.0f} Hz, {'acc + gyro' if report.has_gyro else 'acc only'}): "
        f"{by_type}",
        highlight=False,
        markup=True,
    )
    emit(pl.DataFrame(report.to_dict()["rounds"]), fmt)
    if report.fatigue_index_pct is not None:
        stdout.print(f"fatigue index (decrement score): {report.fatigue_index_pct:.1f} %")
    for note in report.notes:
        stdout.print(f"note: {note}", highlight=False)


@app.command("punches")
def punches(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="IMU CSV (MetaWear export or drago's generic format), or a session id whose "
            "IMU streams were imported with --hand."
        ),
    ],
    gyro: Annotated[
        Path | None,
        typer.Option(
            "--gyro",
            help="Gyroscope CSV (default: for MetaWear, FILE with "
            "_Accelerometer_ replaced by _Gyroscope_, if it exists).",
        ),
    ] = None,
    hand: Annotated[
        Hand | None, typer.Option("--hand", help="Hand wearing the sensor (left or right).")
    ] = None,
    stance: Annotated[
        Stance | None,
        typer.Option(
            "--stance",
            help="orthodox (left leads) or southpaw (default: the athlete's, else orthodox).",
        ),
    ] = None,
    work: Annotated[float, typer.Option("--work", help="Work time of a round, seconds.")] = 180.0,
    rest: Annotated[float, typer.Option("--rest", help="Rest between rounds, seconds.")] = 60.0,
    mapping: Annotated[
        str | None,
        typer.Option(
            "--map",
            help="Columns and units of other layouts, e.g. "
            "'time=seconds_elapsed,ax=accX,ay=accY,az=accZ,gx=gyrX,gy=gyrY,gz=gyrZ,"
            "acc=ms2,gyro=rads'.",
        ),
    ] = None,
    other: Annotated[
        Path | None,
        typer.Option(
            "--other",
            help="The other hand's IMU file: removes punches felt "
            "through the body and reports both hands.",
        ),
    ] = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Punches (time, hand, type, peak acceleration, speed and power proxies) and rounds.

    Example: drago punches "Left Jab 25 Matt_Accelerometer_2019.csv" --hand left --format json
    Example: drago punches 42 --format json  (a session with imported IMU streams)
    """
    lab = open_lab(ctx)
    if not file.exists() and str(file).isdigit():
        render(
            lab.punches.of_session(
                int(str(file)), stance=stance.value if stance else None, work_s=work, rest_s=rest
            ),
            fmt,
        )
        return
    report = lab.punches.analyse_file(
        file,
        gyro=gyro,
        hand=hand.value if hand else None,
        stance=stance.value if stance else None,
        work_s=work,
        rest_s=rest,
        mapping=mapping,
        other=other,
    )
    render(report, fmt)
