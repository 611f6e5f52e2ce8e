"""`drago demo`: build the demo lab (two athletes through a fight camp) and say how to look."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer

from drago.cli import app
from drago.cli.output import stdout


def program() -> str:
    """How to run drago from the shell the user is in: `drago` when that name on the PATH is
    this installation, else this installation's script by its path (e.g. `.venv/bin/drago`
    from `make demo`, which never activates the virtualenv)."""
    import shutil
    import sys
    from pathlib import Path

    mine = Path(sys.executable).parent / "drago"
    found = shutil.which("drago")
    if found is not None and Path(found).resolve() == mine.resolve():
        return "drago"
    if mine.exists():
        try:
            return shlex.quote(str(mine.relative_to(Path.cwd())))
        except ValueError:
            return shlex.quote(str(mine))
    return "drago"


@app.command("demo")
def demo(
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="Where to build it (default: the data dir's demo/ folder)."),
    ] = None,
    serve: Annotated[
        bool, typer.Option("--serve", help="Then serve its dashboard on 127.0.0.1 (Ctrl-C stops).")
    ] = False,
    port: Annotated[int, typer.Option("--port", help="Port of the dashboard.")] = 8000,
) -> None:
    """Build the demo lab: drago's camp from real FIT files, rocky's logged by hand in the snow.

    Example: drago demo --dir /tmp/demo-lab --serve
    """
    from drago import demo as demo_lab  # loads the FIT decoder: only when asked for

    built = demo_lab.build(directory)
    db = f"{program()} --db {shlex.quote(str(built.path))}"
    stdout.print(
        f"built the demo lab: {built.path}\n"
        f"  2 athletes (drago: real FIT recordings re-timed into an {demo_lab.CAMP_WEEKS}-week "
        f"camp plus logged gym work; rocky: hand-logged sessions in the snow), "
        f"{built.n_sessions} sessions; simulated entries say so in their notes\n"
        f"  fight night: {built.fight_night.isoformat()} (fight {built.fight_id})\n"
        "look at it:\n"
        f"  {db} athlete list\n"
        f"  {db} sessions --athlete drago\n"
        f"  {db} sessions --athlete rocky --format csv\n"
        f"  {db} status drago\n"
        f"  {db} readiness rocky\n"
        f"  {db} compare drago rocky   (the tale of the tape)\n"
        f"  {db} camp status drago\n"
        f"  {db} plot camp drago -o drago-camp.png\n"
        f"  {db} fight show {built.first_fight_id}   (the first fight: the towel)\n"
        f"  {db} serve   (the dashboard)\n"
        f"  {db} live {live_replay()}   (sparring, replayed live on /live)",
        highlight=False,
    )
    if serve:
        from drago.cli.serve import run_server

        run_server(built.path, port=port)


def live_replay() -> str:
    """The options of `drago live` that replay two of the demo's recordings as a sparring
    session: four 3-minute rounds, ten times faster than real time."""
    from importlib import resources

    folder = resources.files("drago").joinpath("demo_data")
    red = shlex.quote(str(folder.joinpath("garmin-edge530-indoor-hrv.fit")))
    blue = shlex.quote(str(folder.joinpath("garmin-edge800-indoor-trainer.fit")))
    return f"--replay drago={red} --replay rocky={blue} --speed 10 --rounds 4"
