"""Punch detection + classification speed: one hour of two hands x 6 axes at 100 Hz.

The stream is the phone-in-hand test excerpt (tests/data/punch/phone/, real punches at
100 Hz) tiled to one hour per hand, the right hand shifted by 0.15 s as in a 1-2 combination.
One call of `punches_analyse_pair` detects both hands, drops cross-talk, computes features,
classifies and measures every punch. Budget (issue 6): under 0.36 s, i.e. 10,000x real time,
judged on the CPU time (process time, best of a few runs): on a shared machine the wall
time mostly measures the other jobs. The load average is printed with the result.

Run: .venv/bin/python bench/bench_punches.py [hours]
"""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402

from drago.analysis.punches.analyse import punches_analyse_pair  # noqa: E402
from drago.ingest.imu import read_imu  # noqa: E402

RUNS = 5
BUDGET_S = 0.36
EXCERPT = ROOT / "tests" / "data" / "punch" / "phone" / "jab_left_fast_excerpt.csv"
MAPPING = "time=seconds_elapsed,ax=accX,ay=accY,az=accZ,gx=gyrX,gy=gyrY,gz=gyrZ"


def tiled(hours: float) -> tuple[np.ndarray, np.ndarray, float]:
    rec = read_imu(EXCERPT, mapping=MAPPING)
    gyro = rec.gyro_rads()
    assert gyro is not None
    n = round(hours * 3600 * 100.0)
    reps = n // rec.frame.height + 1
    return np.tile(rec.acc_ms2(), (reps, 1))[:n], np.tile(gyro, (reps, 1))[:n], 100.0


def main() -> None:
    hours = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    acc, gyro, rate = tiled(hours)
    shift = round(0.15 * rate)
    right = (np.roll(acc, shift, axis=0), np.roll(gyro, shift, axis=0), rate)
    best = cpu = float("inf")
    n = 0
    for _ in range(RUNS):
        start, start_cpu = time.perf_counter(), time.process_time()
        table = punches_analyse_pair((acc, gyro, rate), right)
        best = min(best, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
        n = table.height
    print(
        f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(
        f"{hours:g} h x 2 hands x 6 axes at 100 Hz ({2 * acc.shape[0]:,} samples): "
        f"{n:,} punches in {best:.3f} s (best of {RUNS}; CPU {cpu:.3f} s), "
        f"{hours * 3600 / best:,.0f}x real time; budget {BUDGET_S} s CPU: "
        f"{'OK' if cpu < BUDGET_S else 'OVER'} (load average {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
