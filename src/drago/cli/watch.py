"""`drago watch`: import new recordings as a synced folder receives them."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated

import typer

from drago.cli import app
from drago.cli.imports import Athlete, _line, _summary
from drago.cli.output import stdout
from drago.errors import UsageError
from drago.lab import Lab


@app.command("watch")
def watch_cmd(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="The folder to watch (and its subfolders).")],
    athlete: Athlete,
    recover: Annotated[
        bool,
        typer.Option("--recover", help="Import the whole part of damaged files, marked recovered."),
    ] = False,
    new_only: Annotated[
        bool, typer.Option("--new-only", help="Leave the files already there alone.")
    ] = False,
    interval: Annotated[
        float, typer.Option("--interval", help="Seconds a new file must hold still.", min=0.1)
    ] = 2.0,
    count: Annotated[
        int | None,
        typer.Option("--count", help="Stop after this many files (default: until Ctrl-C).", min=1),
    ] = None,
) -> None:
    """Import recordings as they arrive in FOLDER, with the same outcomes as `drago import`.

    FOLDER is a watch's USB mount or a synced folder; each file is read once it has stopped
    growing, files already there first (unless --new-only).

    The store is opened for each batch only, so `drago serve` and other commands keep working.
    Exit 1 when any file failed.

    Example: drago watch ~/Garmin/Activity --athlete drago
    """
    from drago.watching import watch

    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder")
    root = ctx.find_root()
    db = root.obj["db"] if root.obj else None
    with Lab(db) as lab:
        name = str(lab.athletes.get(athlete).profile["name"])
        lab.sessions.check_writable()  # a read-only store: say so now, not at the first file
    stop = threading.Event()
    handled: list[int] = [0]
    failed: list[bool] = []

    def import_files(paths: list[Path]) -> None:
        with Lab(db) as lab:
            report = lab.sessions.import_paths(paths, athlete=name, recover=recover)
        for outcome in report.outcomes:
            stdout.print(_line(outcome), highlight=False)
        stdout.print(_summary(report), highlight=False)
        failed.append(bool(report.failed))
        handled[0] += len(paths)
        if count is not None and handled[0] >= count:
            stop.set()

    def ready() -> None:
        stdout.print(f"watching {folder} for {name} (Ctrl-C stops)", highlight=False)

    try:
        watch(
            folder,
            import_files,
            stop=stop,
            interval_s=interval,
            skip_existing=new_only,
            on_ready=ready,
        )
    except KeyboardInterrupt:
        stop.set()
    if any(failed):
        raise typer.Exit(1)
