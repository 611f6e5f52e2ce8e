"""`drago live` end to end: recover old journals, match athletes to sources, serve the live
page while the session runs, then store each athlete's session through the import path."""

from __future__ import annotations

import asyncio
import socket
import time
import webbrowser
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from drago.errors import UsageError
from drago.lab import Lab
from drago.live.clock import RoundClock
from drago.live.detectors import Physiology
from drago.live.hub import LiveHub
from drago.live.journal import journal_dir
from drago.live.persist import Stored, recover, store_journal
from drago.live.session import Athlete, LiveSession
from drago.live.sources import Source, replay_source
from drago.vocab import HANDS

#: Resting HR assumed when neither a value nor data gives one (drago convention).
DEFAULT_HR_REST_BPM = 60.0


@dataclass(frozen=True)
class Replay:
    """`--replay NAME[:HAND]=FILE`."""

    athlete: str
    path: Path
    hand: str | None = None


def parse_replay(text: str) -> Replay:
    """`NAME=FILE` or `NAME:left=FILE` (the hand of an IMU file).

    >>> parse_replay("rocky:left=a.csv")
    Replay(athlete='rocky', path=PosixPath('a.csv'), hand='left')
    """
    who, sep, path = text.partition("=")
    if not sep or not who.strip() or not path.strip():
        raise UsageError(f"--replay {text!r}: expected NAME=FILE or NAME:HAND=FILE")
    name, _, hand = who.partition(":")
    if hand and hand not in HANDS:
        raise UsageError(f"--replay {text!r}: the hand is left or right, not {hand!r}")
    return Replay(name.strip(), Path(path.strip()), hand or None)


def athlete_of(lab: Lab, name: str) -> Athlete:
    """The athlete NAME with the values the live metrics need."""
    view = lab.athletes.get(name)
    p = view.profile
    hr_max = p.get("hr_max_bpm")
    if hr_max is None and p.get("birth_year"):
        hr_max = 220.0 - (datetime.now(UTC).year - int(p["birth_year"]))  # Fox et al. 1971
    if hr_max is None:
        raise UsageError(
            f"{p['name']}: no HR max known; set one with drago athlete set {p['name']} --hr-max BPM"
        )
    hr_rest = p.get("hr_rest_bpm") or DEFAULT_HR_REST_BPM
    physiology = Physiology(
        float(hr_rest),
        float(hr_max),
        str(p.get("sex") or "m"),
        str(p.get("zone_model") or "karvonen"),
    )
    return Athlete(str(p["name"]), int(p["id"]), physiology, str(p.get("stance") or "orthodox"))


@dataclass
class LivePlan:
    """Everything a session needs, checked before anything is served."""

    athletes: list[Athlete]
    sources: list[Source]
    start_utc: dict[str, datetime]
    recovered: list[Stored]
    db_path: Path


def parse_ble(text: str) -> tuple[str, str]:
    """`NAME=ADDRESS` of a Bluetooth strap."""
    name, sep, address = text.partition("=")
    if not sep or not name.strip() or not address.strip():
        raise UsageError(f"--ble {text!r}: expected NAME=ADDRESS")
    return name.strip(), address.strip()


def parse_udp(text: str) -> tuple[str, str, int]:
    """`NAME:HAND=PORT` of an IMU stream."""
    who, sep, port = text.partition("=")
    name, _, hand = who.partition(":")
    if not sep or not name.strip() or hand not in HANDS or not port.isdigit():
        raise UsageError(f"--udp {text!r}: expected NAME:left=PORT or NAME:right=PORT")
    return name.strip(), hand, int(port)


def plan(
    db: str | Path | None,
    replays: Sequence[Replay],
    *,
    ble: Sequence[tuple[str, str]] = (),
    udp: Sequence[tuple[str, str, int]] = (),
) -> LivePlan:
    """Recover journals left by a killed session, resolve athletes, open the sources."""
    from drago.live.ble import BleHeartRate
    from drago.live.imu_stream import UdpImu

    with Lab(db) as lab:
        lab.sessions.check_writable()  # a read-only store: say so now, not when the bout ends
        folder = journal_dir(lab.store.path)
        recovered = recover(lab, folder)
        athletes: dict[str, Athlete] = {}
        sources: list[Source] = []
        for replay in replays:
            athlete = athletes.get(replay.athlete.casefold()) or athlete_of(lab, replay.athlete)
            athletes[replay.athlete.casefold()] = athlete
            source = replay_source(athlete.name, replay.path, replay.hand)
            sources.append(source)
        for name, address in ble:
            athlete = athletes.get(name.casefold()) or athlete_of(lab, name)
            athletes[name.casefold()] = athlete
            sources.append(BleHeartRate(athlete.name, address))
        for name, hand, port in udp:
            athlete = athletes.get(name.casefold()) or athlete_of(lab, name)
            athletes[name.casefold()] = athlete
            sources.append(UdpImu(athlete.name, hand, port))
        db_path = lab.store.path
    seen: set[tuple[str, str, str | None]] = set()
    for s in sources:
        key = (s.athlete, s.kind, s.hand)
        if key in seen:
            what = "heart-rate source" if s.kind == "hr" else f"{s.hand} IMU"
            raise UsageError(f"{s.athlete} has more than one {what}")
        seen.add(key)
    start: dict[str, datetime] = {}
    now = datetime.now(UTC)
    for a in athletes.values():
        mine = [s for s in sources if s.athlete == a.name]
        known = [s.start_utc for s in sorted(mine, key=lambda s: s.kind != "hr") if s.start_utc]
        start[a.name] = known[0] if known else now
    return LivePlan(list(athletes.values()), sources, start, recovered, db_path)


def bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)  # connections wait in the backlog until uvicorn serves them
    return sock


def run_live(
    live: LivePlan,
    clock: RoundClock,
    *,
    speed: float = 1.0,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = True,
    activity: str = "sparring",
    echo: Callable[[str], Any] = print,
    store: bool = True,
    stats: dict[str, Any] | None = None,
) -> list[Stored]:
    """Serve /live while the session runs; store each athlete's session when it ends.

    `store` False drops the journals instead (the bench); `stats` receives the session's
    counts and the process's CPU and wall seconds while it ran.
    """
    import uvicorn

    from drago.web import create_app

    folder = journal_dir(live.db_path)
    hub = LiveHub(
        athletes=[{"athlete": a.name, "athlete_id": a.athlete_id} for a in live.athletes],
        clock={"round_s": clock.round_s, "rest_s": clock.rest_s, "rounds": clock.rounds},
    )
    session = LiveSession(
        live.athletes,
        live.sources,
        clock,
        hub,
        start_utc=live.start_utc,
        journal_dir=folder,
        speed=speed,
        activity=activity,
    )
    app = create_app(live.db_path)
    app.state.live_hub = hub
    sock = bind(host, port)
    url = f"http://{host}:{sock.getsockname()[1]}/live"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    echo(
        f"drago live on {url} ({len(live.athletes)} athletes, {len(live.sources)} sources, "
        f"speed x{speed:g}); Ctrl-C ends the session and stores it"
    )
    if open_browser:
        webbrowser.open(url)

    async def main() -> None:
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        running = asyncio.create_task(session.run())
        try:
            # Ctrl-C (SIGINT) or SIGTERM stops the server (uvicorn's handlers): then the session
            await asyncio.wait([serving, running], return_when=asyncio.FIRST_COMPLETED)
            session.stop()
            await running
            await asyncio.sleep(0.3)  # let the pages read the last events
        finally:
            session.stop()
            server.should_exit = True
            await serving

    cpu0, wall0 = time.process_time(), time.monotonic()
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        session.close()
    finally:
        sock.close()
    if stats is not None:
        stats.update(
            session.counts, cpu_s=time.process_time() - cpu0, wall_s=time.monotonic() - wall0
        )
    stored = []
    with Lab(live.db_path) as lab:
        for feed in session.feeds.values():
            if feed.journal is None:
                continue
            result = store_journal(lab, feed.journal.path) if store else None
            feed.journal.path.unlink(missing_ok=True)
            if result is not None:
                stored.append(result)
    return stored
