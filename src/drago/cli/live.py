"""`drago live`: a squad's heart rates, rounds and punches on one screen while they train."""

from __future__ import annotations

from typing import Annotated

import typer

from drago.activities import ACTIVITIES
from drago.cli import app
from drago.cli.serve import REFUSED, is_loopback


@app.command("live")
def live(
    ctx: typer.Context,
    replay: Annotated[
        list[str] | None,
        typer.Option(
            "--replay",
            help="NAME=FILE or NAME:HAND=FILE: replay a recording (FIT/TCX/GPX with HR and "
            "RR; IMU CSV with the hand) as athlete NAME's live source. Repeat for more.",
        ),
    ] = None,
    ble: Annotated[
        list[str] | None,
        typer.Option("--ble", help="NAME=ADDRESS: a Bluetooth LE heart-rate strap (0x180D)."),
    ] = None,
    udp: Annotated[
        list[str] | None,
        typer.Option("--udp", help="NAME:HAND=PORT: an IMU stream on a UDP port (docs/live.md)."),
    ] = None,
    speed: Annotated[
        float, typer.Option("--speed", min=0.01, max=1000.0, help="Replay speed (1: real time).")
    ] = 1.0,
    rounds: Annotated[
        int | None, typer.Option("--rounds", min=1, help="Rounds (default: until sources end).")
    ] = None,
    round_s: Annotated[
        float, typer.Option("--round-s", min=1.0, help="Work time of a round, seconds.")
    ] = 180.0,
    rest_s: Annotated[
        float, typer.Option("--rest-s", min=0.0, help="Rest between rounds, seconds.")
    ] = 60.0,
    activity: Annotated[
        str, typer.Option("--activity", help="Activity of the stored sessions.")
    ] = "sparring",
    host: Annotated[str, typer.Option("--host", help="Loopback address to listen on.")] = (
        "127.0.0.1"
    ),
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="TCP port of the live page (0: any).")
    ] = 8000,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open the live page in a browser.")
    ] = False,
) -> None:
    """Run a live session on /live and store each athlete's session when it ends.

    The page shows the round clock and, per athlete, HR, zone, TRIMP, rMSSD, recovery,
    punches per round and the towel.

    Journals left by a session that was killed are stored first (without --replay, that is
    all it does).

    Example: drago live --replay rocky=spar.fit --replay rocky:left=left.csv --speed 10
    """
    from drago.live.clock import RoundClock
    from drago.live.run import parse_ble, parse_replay, parse_udp, plan, run_live

    if not is_loopback(host):
        raise typer.BadParameter(f"--host {host}: {REFUSED}")
    db = (ctx.find_root().obj or {}).get("db")
    replays = [parse_replay(r) for r in replay or []]
    clock = RoundClock(round_s, rest_s, rounds)
    if activity not in ACTIVITIES:
        raise typer.BadParameter(f"--activity must be one of {', '.join(ACTIVITIES)}")
    straps = [parse_ble(b) for b in ble or []]
    streams = [parse_udp(u) for u in udp or []]
    ready = plan(db, replays, ble=straps, udp=streams)
    for stored in ready.recovered:
        typer.echo(
            f"recovered {stored.athlete}'s killed session: session {stored.session_id} "
            f"({stored.duration_s:.0f} s)"
        )
    if not (replays or straps or streams):
        return
    results = run_live(
        ready,
        clock,
        speed=speed,
        host=host,
        port=port,
        open_browser=not no_browser,
        activity=activity,
        echo=typer.echo,
    )
    for stored in results:
        what = "stored" if stored.new else "already stored"
        parts = [f"{stored.hr_samples} HR samples", f"{stored.rr_intervals} RR"]
        parts += [f"{hand} IMU" for hand in stored.hands]
        typer.echo(f"{stored.athlete}: session {stored.session_id} {what} ({', '.join(parts)})")
