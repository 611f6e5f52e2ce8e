"""`drago demo`: build the demo lab (two athletes through a fight camp) and say how to look."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer

from drago.cli import app
from drago.cli.output import stdout


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
    db = shlex.quote(str(built.path))
    stdout.print(
        f"built the demo lab: {built.path}\n"
        f"  2 athletes (drago: real FIT recordings re-timed into an {demo_lab.CAMP_WEEKS}-week "
        f"camp plus logged gym work; rocky: hand-logged sessions in the snow), "
        f"{built.n_sessions} sessions; simulated entries say so in their notes\n"
        f"  fight night: {built.fight_night.isoformat()} (fight {built.fight_id})\n"
        "look at it:\n"
        f"  drago --db {db} athlete list\n"
        f"  drago --db {db} sessions --athlete drago\n"
        f"  drago --db {db} sessions --athlete rocky --format csv\n"
        f"  drago --db {db} status drago\n"
        f"  drago --db {db} readiness rocky\n"
        f"  drago --db {db} compare drago rocky   (the tale of the tape)\n"
        f"  drago --db {db} camp status drago\n"
        f"  drago --db {db} plot camp drago -o drago-camp.png\n"
        f"  drago --db {db} fight show {built.first_fight_id}   (the first fight: the towel)\n"
        f"  drago --db {db} serve   (the dashboard)\n"
        f"  drago --db {db} live {live_replay()}   (sparring, replayed live on /live)",
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
