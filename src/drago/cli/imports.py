"""`drago import` (the lab) and `drago log` (the snow): getting sessions in."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from drago.cli import app, open_lab, output
from drago.cli.output import CLOCK, DAY
from drago.vocab import Hand, RrKind

if TYPE_CHECKING:
    from drago.imports import FileOutcome, ImportReport

Athlete = Annotated[str, typer.Option("--athlete", "-a", help="The athlete's name.")]
#: Up to this many files, every file gets its own line; beyond, only failures and skips do.
QUIET_ABOVE = 50


@app.command("import")
def import_(
    ctx: typer.Context,
    paths: Annotated[
        list[Path], typer.Argument(help="Files, folders (read recursively) and .zip/.gz exports.")
    ],
    athlete: Athlete,
    recover: Annotated[
        bool,
        typer.Option("--recover", help="Import the whole part of damaged files, marked recovered."),
    ] = False,
    as_kind: Annotated[
        RrKind | None,
        typer.Option(
            "--as",
            help="RR files: morning (a readiness measurement; default up to 10 min) or "
            "activity (a session with an RR stream).",
        ),
    ] = None,
    day: Annotated[
        datetime | None,
        typer.Option(
            "--date",
            formats=["%Y-%m-%d"],
            click_type=DAY,
            help="RR files: the local date of the measurement.",
        ),
    ] = None,
    hand: Annotated[
        Hand | None,
        typer.Option(
            "--hand",
            help="IMU files: the hand wearing the sensor; the recording joins the session it "
            "overlaps, else a new one.",
        ),
    ] = None,
) -> None:
    """Import recordings (FIT, TCX, GPX; also gzipped, in zips, zips in zips) for an athlete.

    The same recording twice is a no-op ("already imported").

    Exit 0 when nothing failed, 1 when any file failed, 2 on bad usage.

    Example: drago import ~/garmin-export --athlete drago
    """
    lab = open_lab(ctx)
    lab.athletes.get(athlete)
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[bold]importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=output.stderr,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=None)
        verbose: list[bool] = []

        def report(outcome: FileOutcome, total: int) -> None:
            if not verbose:
                verbose.append(total <= QUIET_ABOVE)
                progress.update(task, total=total)
            progress.update(task, advance=1, description=escape(outcome.path.name))
            line = _line(outcome)
            if outcome.status == "failed":
                progress.console.print(line, highlight=False, markup=True)
            elif verbose[0] or outcome.status == "skipped":
                output.stdout.print(line, highlight=False, markup=True)

        result = lab.sessions.import_paths(
            paths,
            athlete=athlete,
            recover=recover,
            as_kind=as_kind.value if as_kind else None,
            day=day.date() if day else None,
            hand=hand.value if hand else None,
            progress=report,
        )
    output.stdout.print(_summary(result), highlight=False)
    new = {i for outcome in result.outcomes for i in outcome.session_ids}
    if new:
        listed = lab.sessions.list(athlete=athlete)
        for row in listed.filter(listed["id"].is_in(list(new))).iter_rows(named=True):
            if row["suspect_reason"] is not None:
                output.stdout.print(
                    f"flagged session {row['id']}: {row['suspect_reason']}; not in load until "
                    f"checked (drago session set {row['id']} --trust, or delete it)",
                    highlight=False,
                )
    if result.failed:
        raise typer.Exit(1)


def _line(outcome: FileOutcome) -> str:
    from rich.markup import escape

    name = escape(str(outcome.path))
    if outcome.status == "imported":
        if not outcome.session_ids and outcome.reason:
            return f"imported {name}: {escape(outcome.reason)}"
        n = len(outcome.session_ids)
        recovered = (
            f" [yellow](recovered: {escape(outcome.reason)})[/yellow]" if outcome.reason else ""
        )
        return f"imported {name}: {n} session{'s' * (n != 1)}{recovered}"
    if outcome.status == "already imported":
        return f"{name}: already imported"
    if outcome.status == "skipped":
        return f"[dim]skipped {name}: {escape(outcome.reason or '')}[/dim]"
    return f"[red]error:[/red] {name}: {escape(outcome.reason or 'failed')}"


def _summary(result: ImportReport) -> str:
    return (
        f"imported {result.count('imported')} files ({result.n_sessions} sessions), "
        f"already imported {result.count('already imported')}, skipped {result.count('skipped')}, "
        f"failed {result.count('failed')}"
    )


@app.command("log")
def log(
    ctx: typer.Context,
    athlete: Athlete,
    day: Annotated[
        datetime,
        typer.Option(
            "--date", formats=["%Y-%m-%d"], click_type=DAY, help="Local date, YYYY-MM-DD."
        ),
    ],
    minutes: Annotated[float, typer.Option("--minutes", help="Duration in minutes.")],
    rpe: Annotated[float, typer.Option("--rpe", help="Session RPE on the CR-10 scale (0-10).")],
    activity: Annotated[
        str,
        typer.Option(
            "--activity",
            help="run, ride, swim, walk, hike, row, ski, strength, conditioning, bag, pads, "
            "sparring, fight or other.",
        ),
    ],
    at: Annotated[
        datetime | None,
        typer.Option(
            "--time",
            formats=["%H:%M"],
            click_type=CLOCK,
            help="Local start time, HH:MM (default 12:00).",
        ),
    ] = None,
    notes: Annotated[
        str | None, typer.Option("--notes", help="Free text: what, where, how.")
    ] = None,
) -> None:
    """Log a session by hand: minutes and perceived exertion count as much as a sensor file.

    Example: drago log --athlete rocky --date 2026-11-20 --minutes 45 --rpe 7 --activity run
    """
    session_id = open_lab(ctx).sessions.log(
        athlete=athlete,
        day=day.date(),
        at=at.time() if at else None,
        minutes=minutes,
        rpe=rpe,
        activity=activity,
        notes=notes,
    )
    typer.echo(f"logged session {session_id}")  # plain text: no Rich to load (issue 19)
