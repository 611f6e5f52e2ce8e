"""Live lab at gym scale: sensor-to-screen latency, nothing dropped, CPU, on replay sources.

N athletes (20 by default), each with a heart-rate stream at 1-4 Hz (athlete i at 1 + i % 4
Hz: a real recording's HR, garmin-edge530-indoor-hrv.fit, resampled) and two IMUs at 100 Hz
(real phone-on-hand recordings from tests/data/punch/phone, looped), replayed in real time
by a `drago live` session in its own process (journals fsync'ed every second, as in use;
the sessions are not stored at the end: that is the import's cost, measured elsewhere).
This process follows `GET /api/live/events` like the live page and, for every HR event,
takes the latency from the moment the sample fell due at the source to the moment its
`data:` line arrived here: sensor to screen, minus the browser's paint.

Targets (docs/design.md): p95 under 250 ms, every HR reading delivered, under one core.

    python bench/bench_live.py [--athletes 20] [--seconds 60] [--nice -10]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from machine import cpu_model

ROOT = Path(__file__).parents[1]
FIT = ROOT / "tests" / "data" / "fit" / "garmin-edge530-indoor-hrv.fit"
PHONE = ROOT / "tests" / "data" / "punch" / "phone"
PHONE_MAP = "time=seconds_elapsed,ax=accX,ay=accY,az=accZ,gx=gyrX,gy=gyrY,gz=gyrZ"


def machine() -> str:
    cpu = cpu_model() or platform.processor() or "?"
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def child(db: Path, athletes: int, seconds: float, port: int) -> None:
    """The live session: replay sources built from real recordings, served on `port`."""
    from drago.ingest import read_file
    from drago.ingest.imu import read_imu
    from drago.lab import Lab
    from drago.live.clock import RoundClock
    from drago.live.run import LivePlan, athlete_of, run_live
    from drago.live.sources import ReplayHr, ReplayImu, Source

    rec = read_file(FIT)
    records = rec.records.filter(rec.records["hr_bpm"].is_not_null()).sort("timestamp")
    start = records["timestamp"][0]
    t_file = (records["timestamp"] - start).dt.total_microseconds().to_numpy() / 1e6
    hr_file = records["hr_bpm"].to_numpy().astype(float)
    rr = rec.rr_ms if rec.rr_ms is not None else np.zeros(0)
    hands = [read_imu(p, mapping=PHONE_MAP) for p in sorted(PHONE.glob("*.csv"))[:2]]
    plan_athletes, sources, starts = [], [], {}
    with Lab(db) as lab:
        for i in range(athletes):
            a = athlete_of(lab, f"boxer{i:02d}")
            plan_athletes.append(a)
            starts[a.name] = start
            rate = 1.0 + i % 4
            t = np.arange(0.0, seconds, 1.0 / rate)
            hr = np.interp(t, t_file, hr_file)
            sources.append(ReplayHr.from_arrays(a.name, "hr", start, t, hr, rr))
            for hand, imu in zip(("left", "right"), hands, strict=True):
                n = int(seconds * imu.rate_hz)
                reps = n // imu.frame.height + 1
                acc = np.tile(imu.acc_ms2(), (reps, 1))[:n]
                gyro = imu.gyro_rads()
                gyro = None if gyro is None else np.tile(gyro, (reps, 1))[:n]
                t_imu = np.arange(n) / imu.rate_hz
                sources.append(
                    ReplayImu.from_arrays(a.name, hand, hand, t_imu, acc, gyro, imu.rate_hz)
                )
        db_path = lab.store.path
    live = LivePlan(plan_athletes, list[Source](sources), starts, [], db_path)
    stats: dict[str, Any] = {"imu_due": sum(len(s._t) for s in sources if s.kind == "imu")}
    run_live(
        live,
        RoundClock(180.0, 60.0),
        port=port,
        open_browser=False,
        store=False,
        stats=stats,
        echo=lambda s: print(s, flush=True),
    )
    print("STATS " + json.dumps(stats), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--athletes", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="scheduling priority change for this bench and its live process (e.g. -10, as "
        "root: stands in for a machine that does nothing else when it is shared)",
    )
    parser.add_argument("--child", nargs=2, metavar=("DB", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.nice and not args.child:
        os.nice(args.nice)  # the live process inherits it
    if args.child:
        child(Path(args.child[0]), args.athletes, args.seconds, int(args.child[1]))
        return
    from drago.lab import Lab

    with tempfile.TemporaryDirectory(prefix="drago-bench-live-") as tmp:
        db = Path(tmp) / "drago.duckdb"
        with Lab(db) as lab:
            for i in range(args.athletes):
                lab.athletes.add(f"boxer{i:02d}", sex="m", hr_max_bpm=195, hr_rest_bpm=50)
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        cmd = [
            sys.executable,
            __file__,
            "--athletes",
            str(args.athletes),
            "--seconds",
            str(args.seconds),
            "--child",
            str(db),
            str(port),
        ]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert "drago live on" in first, first
        lat: list[float] = []
        inner: list[float] = []
        hr_events: dict[str, int] = {}
        first_t: dict[str, float] = {}
        punch_events = 0

        def follow() -> None:
            nonlocal punch_events
            with httpx.stream(
                "GET", f"http://127.0.0.1:{port}/api/live/events", timeout=None
            ) as answer:
                for line in answer.iter_lines():
                    if not line.startswith("data: "):
                        continue
                    now = time.time()
                    e = json.loads(line[6:])
                    if e.get("trigger") == "hr":
                        lat.append(now - e["due_unix"])
                        inner.append(e["sent_unix"] - e["due_unix"])
                        hr_events[e["athlete"]] = hr_events.get(e["athlete"], 0) + 1
                        first_t.setdefault(e["athlete"], e["t_s"])
                    else:
                        punch_events += 1

        reader = threading.Thread(target=follow, daemon=True)
        reader.start()
        out = proc.communicate()[0]
        reader.join(30)
        stats = json.loads(out.split("STATS ", 1)[1])
    expected = sum(int(np.ceil(args.seconds * (1 + i % 4))) for i in range(args.athletes))
    ms = np.array(lat) * 1000.0
    skipped = int(stats["hr"]) - len(ms)  # those published before the page connected
    after = 0  # HR readings due from each athlete's first event received here to the end
    for i in range(args.athletes):
        rate, name = 1.0 + i % 4, f"boxer{i:02d}"
        k = np.arange(int(np.ceil(args.seconds * rate)))
        after += int(np.sum(k / rate >= first_t.get(name, np.inf) - 1e-3))
    dropped = after - len(ms)
    print(
        f"bench_live: {args.athletes} athletes x (HR 1-4 Hz + 2 IMUs at 100 Hz), "
        f"{args.seconds:.0f} s in real time; {machine()}"
    )
    print(
        f"  HR readings: {stats['hr']} of {expected} due; IMU samples: {stats['imu']} of "
        f"{stats['imu_due']}; events published {stats['events']}"
    )
    print(
        f"  received here: {len(ms)} HR events of {after} due after this client connected "
        f"(dropped: {dropped}; {skipped} were sent before), {punch_events} punch events"
    )
    print(
        f"  sensor-to-screen latency ms: p50 {np.percentile(ms, 50):.1f}, "
        f"p95 {np.percentile(ms, 95):.1f}, p99 {np.percentile(ms, 99):.1f}, "
        f"max {ms.max():.1f}"
    )
    inside = np.array(inner) * 1000.0
    print(
        f"  of which due -> published in the session: p50 {np.percentile(inside, 50):.1f}, "
        f"p95 {np.percentile(inside, 95):.1f}; published -> received: p95 "
        f"{np.percentile(ms - inside, 95):.1f}"
    )
    print(
        f"  live process CPU: {stats['cpu_s']:.1f} s over {stats['wall_s']:.1f} s wall = "
        f"{stats['cpu_s'] / stats['wall_s']:.2f} cores (startup excluded; load "
        f"{os.getloadavg()[0]:.1f}, nice {args.nice})"
    )


if __name__ == "__main__":
    main()
