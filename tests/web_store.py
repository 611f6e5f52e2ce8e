"""A small real store for the web tests: real recordings from tests/data, two teams."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

from drago.lab import Lab
from tests.conftest import DATA

#: A run with GPS and HR, an indoor ride with HR and RR, a GPX ride with HR.
RUN = DATA / "fit" / "garmin-fenix2-run.fit"
RIDE = DATA / "fit" / "garmin-edge530-indoor-hrv.fit"
GPX = DATA / "gpx" / "garmin-connect-ride-hr-riderx3.gpx"
#: Not yet in the store: what the upload tests send.
UPLOAD = DATA / "fit" / "garmin-fr920xt-run-mornindew.fit"
BAD = DATA / "fit" / "bad" / "bad-file-crc.fit"
#: Drago's morning questionnaire: recent, so the pages show it as today's readiness.
WELLNESS_DAY = date.today() - timedelta(days=2)


def build_store(db: Path) -> Path:
    """Three athletes in two teams (one without sessions): real recordings, a logged session
    and a wellness entry."""
    with Lab(db) as lab:
        lab.teams.add("Moscow")
        lab.teams.add("Philadelphia")
        lab.athletes.add(
            "Drago",
            sex="m",
            tz="Europe/Moscow",
            hr_max_bpm=196,
            hr_rest_bpm=46,
            team="Moscow",
            weight_class="heavyweight",
            stance="orthodox",
        )
        lab.athletes.add("Rocky", sex="m", tz="America/New_York", team="Philadelphia")
        lab.athletes.add("Apollo Creed", sex="m", tz="America/New_York", team="Philadelphia")
        lab.sessions.import_paths([RUN, RIDE], athlete="Drago", workers=1)
        lab.sessions.import_paths([GPX], athlete="Rocky", workers=1)
        lab.sessions.log(
            athlete="Rocky", day=date(2026, 11, 20), minutes=50, rpe=8, activity="run", notes="snow"
        )
        lab.readiness.log_wellness(
            "Drago", day=WELLNESS_DAY, rhr_bpm=48, sleep=2, stress=3, fatigue=3, soreness=2
        )
    return db


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db: Path, port: int, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """`drago serve` in a subprocess, waiting until it answers."""
    code = "import drago.cli.serve; from drago.cli import main; main()"
    server = subprocess.Popen(
        [sys.executable, "-c", code, "--db", str(db), "serve", "--port", str(port)],
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120  # a loaded 2-core machine starts a server slowly
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/athletes", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped: {server.stderr.read().decode()}")  # type: ignore[union-attr]
    server.kill()
    raise RuntimeError("the server did not answer within 30 s")
