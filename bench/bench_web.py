"""Dashboard speed: p50/p95 server time of every page and API answer for an athlete with five
years of daily sessions (each with 30 min of 1 Hz heart rate), and daily wellness.

The store is built in a temporary folder with bulk inserts (the bench's business, not the
lab's); the server runs as `drago serve` in its own process and is hit N times per URL with
httpx from this one. Server time is the app's own `Server-Timing` header (no network, no client);
the client's wall time is printed beside it. Target: well under 100 ms (docs/design.md).

    python bench/bench_web.py [--n 40] [--years 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
import numpy as np
import polars as pl

from drago.lab import Lab
from drago.store import readiness as readiness_rows
from drago.store.db import utc_now
from machine import cpu_model

SESSION_S = 1800


def machine() -> str:
    cpu = cpu_model() or platform.processor() or "?"
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} logical cores, "
        f"Python {platform.python_version()}"
    )


def build(db: Path, years: int) -> None:
    """Athlete `bench` with a session a day for `years` years, and a rival with hand logs."""
    rng = np.random.default_rng(7)
    end = date(2026, 11, 25)
    days = [end - timedelta(days=i) for i in range(365 * years)][::-1]
    with Lab(db) as lab:
        lab.teams.add("Bench")
        lab.athletes.add(
            "bench", sex="m", tz="Europe/Moscow", hr_max_bpm=195, hr_rest_bpm=48, team="Bench"
        )
        lab.athletes.add("rival", sex="m", tz="UTC", team="Bench")
        athlete_id = int(lab.athletes.list().filter(pl.col("name") == "bench")["id"][0])
        starts = [datetime(d.year, d.month, d.day, 5, 0) for d in days]
        sessions = pl.DataFrame(
            {
                "athlete_id": athlete_id,
                "start_utc": starts,
                "duration_s": float(SESSION_S),
                "activity": "run",
                "rpe": rng.integers(3, 9, len(days)).astype(float),
                "n_records": SESSION_S,
                "n_rr": 0,
                "recovered": False,
                "created_utc": utc_now(),
            }
        )
        store = lab.store
        with store.transaction():
            store.con.register("incoming", sessions.to_arrow())
            store.run(
                f"INSERT INTO sessions ({', '.join(sessions.columns)}) "
                f"SELECT {', '.join(sessions.columns)} FROM incoming"
            )
            store.con.unregister("incoming")
            store.run(
                "INSERT INTO records (session_id, ts_utc, hr_bpm) "
                "SELECT s.id, s.start_utc + to_seconds(g.i), "
                "120 + 40 * sin(g.i / 300.0) + (hash(s.id, g.i) % 7) "
                f"FROM sessions s, range({SESSION_S}) g(i) WHERE s.athlete_id = ? "
                "ORDER BY s.id, g.i",  # as imports append them: session by session
                [athlete_id],
            )
            for i, d in enumerate(days):
                readiness_rows.upsert_wellness(
                    store,
                    athlete_id,
                    d,
                    {
                        "sleep": 1 + i % 4,
                        "stress": 2,
                        "fatigue": 1 + i % 5,
                        "soreness": 2,
                        "mood": 2,
                        "rhr_bpm": 48 + i % 6,
                    },
                )
        lab.load.recompute(athlete="bench")
        for d in days[-400:]:
            lab.sessions.log(athlete="rival", day=d, minutes=45, rpe=6, activity="bag")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="requests per URL")
    parser.add_argument("--years", type=int, default=5, help="years of daily sessions")
    parser.add_argument("--store", type=Path, help="reuse (or keep) the built store here")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="drago-bench-web-") as tmp:
        db = args.store or Path(tmp) / "drago.duckdb"
        if not db.exists():
            t0 = time.perf_counter()
            build(db, args.years)
            took = time.perf_counter() - t0
            print(f"store: {args.years} years of daily sessions, built in {took:.1f} s")
        port = free_port()
        code = "import drago.cli.serve; from drago.cli import main; main()"
        server = subprocess.Popen(
            [sys.executable, "-c", code, "--db", str(db), "serve", "--port", str(port)],
            stdout=subprocess.DEVNULL,
        )
        try:
            run(f"http://127.0.0.1:{port}", args.n)
        finally:
            server.terminate()
            server.wait(10)


def run(base: str, n: int) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        for _ in range(300):
            try:
                client.get("/api/athletes")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        sessions = client.get("/api/athletes/bench/sessions", params={"limit": 1}).json()
        sid = sessions["items"][0]["id"]
        urls = [
            "/",
            "/athletes/bench",
            f"/sessions/{sid}",
            "/compare?a=bench&b=rival",
            "/api/athletes",
            "/api/athletes/bench",
            "/api/athletes/bench/sessions?limit=5000",
            "/api/athletes/bench/load?limit=5000",
            "/api/athletes/bench/readiness?limit=5000",
            f"/api/sessions/{sid}",
            f"/api/sessions/{sid}/streams",
        ]
        print(f"{'url':44} {'server p50':>10} {'p95':>7} {'client p50':>11} {'p95':>7}  size")
        for url in urls:
            server_ms, client_ms = [], []
            for i in range(n + 3):
                t = time.perf_counter()
                answer = client.get(url)
                wall = (time.perf_counter() - t) * 1000
                assert answer.status_code == 200, (url, answer.text[:200])
                if i >= 3:  # warm-up
                    client_ms.append(wall)
                    timing = answer.headers["server-timing"]
                    server_ms.append(float(timing.split("dur=")[1]))
            s50, s95 = np.percentile(server_ms, [50, 95])
            c50, c95 = np.percentile(client_ms, [50, 95])
            print(
                f"{url:44} {s50:8.1f}ms {s95:5.1f}ms {c50:9.1f}ms {c95:5.1f}ms  "
                f"{len(answer.content) / 1024:.0f} KiB"
            )


if __name__ == "__main__":
    main()
