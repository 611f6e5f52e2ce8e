"""`drago session show|set|delete`: fixing sessions after the fact."""

from __future__ import annotations

from typing import Annotated

import polars as pl
import typer

from drago.cli import app, open_lab
from drago.cli.output import Fmt, OutputFormat, emit, human, stdout

session_app = typer.Typer(help="Show, correct and delete one session.", no_args_is_help=True)
app.add_typer(session_app, name="session")

SessionId = Annotated[int, typer.Argument(help="The session's id (see drago sessions).")]


@session_app.command("show")
def show(ctx: typer.Context, session_id: SessionId, fmt: Fmt = OutputFormat.table) -> None:
    """One session with everything stored about it.

    Example: drago session show 12
    """
    lab = open_lab(ctx)
    row = lab.sessions.get(session_id)
    if fmt is OutputFormat.table:
        local = lab.streams.local_start(session_id)
        row = {"start (local)": f"{local:%Y-%m-%d %H:%M} {local.tzinfo}"} | row
        for key, value in row.items():
            stdout.print(f"{key:>16}: {human(value)}", highlight=False)
    else:
        emit(pl.DataFrame([row]), fmt)


@session_app.command("set")
def set_(
    ctx: typer.Context,
    session_id: SessionId,
    rpe: Annotated[
        float | None, typer.Option("--rpe", help="Session RPE, CR-10 (0-10), e.g. given later.")
    ] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="Replace the notes.")] = None,
    activity: Annotated[
        str | None, typer.Option("--activity", help="One of the activity vocabulary.")
    ] = None,
    athlete: Annotated[
        str | None, typer.Option("--athlete", help="Move the session to this athlete.")
    ] = None,
    primary: Annotated[
        bool,
        typer.Option("--primary", help="Make it the primary of its duplicate recordings."),
    ] = False,
    trust: Annotated[
        bool | None,
        typer.Option(
            "--trust/--untrust",
            help="Count a recording flagged implausible in load after checking it (or not).",
        ),
    ] = None,
) -> None:
    """Correct a session: add RPE after a sensor session, fix the activity, move it, pin it.

    Example: drago session set 12 --rpe 8 --notes "hard sparring, 6 rounds"
    """
    open_lab(ctx).sessions.set(
        session_id,
        rpe=rpe,
        notes=notes,
        activity=activity,
        athlete=athlete,
        primary=primary,
        trusted=trust,
    )
    stdout.print(f"updated session {session_id}", highlight=False)


@session_app.command("delete")
def delete(
    ctx: typer.Context,
    session_id: SessionId,
    yes: Annotated[bool, typer.Option("--yes", help="Really delete it.")] = False,
) -> None:
    """Delete a session; its original file stays archived while another session uses it.

    Example: drago session delete 12 --yes
    """
    if not yes:
        raise typer.BadParameter("add --yes to delete the session", param_hint="--yes")
    gone = open_lab(ctx).sessions.delete(session_id)
    note = " and its original file" if gone else ""
    stdout.print(f"deleted session {session_id}{note}", highlight=False)


@session_app.command("rounds")
def rounds(
    ctx: typer.Context,
    session_id: SessionId,
    work: Annotated[
        float | None,
        typer.Option("--work", help="Round length, seconds (default 180); overrides the laps."),
    ] = None,
    rest: Annotated[
        float | None,
        typer.Option("--rest", help="Rest length, seconds (default 60); overrides the laps."),
    ] = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Per-round HR of an interval session and its recovery in each rest minute.

    Rounds come from --work/--rest when given, else from the file's laps (rest laps are
    rests), else from a 3-min work / 1-min rest template from the first sample.

    Example: drago session rounds 12 --work 180 --rest 60
    """
    emit(open_lab(ctx).streams.rounds(session_id, work_s=work, rest_s=rest), fmt)
