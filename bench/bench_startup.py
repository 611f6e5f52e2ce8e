"""First-keystroke speed: everyday commands against importing polars and duckdb alone.

Each command runs in a fresh process (`python -m drago ...`) on a small store (one athlete,
a few weeks of hand-logged sessions); the baseline is a fresh process that only imports polars
and duckdb. Runs are interleaved and the best of RUNS is kept (the best run is the least
disturbed one on a shared machine); CPU seconds (user + system) are reported too. The
first (untimed) round writes the bytecode, so modules load as in an installed drago.
Target (issue 19): every command at most 1.5x the baseline.

Run: make bench   (or .venv/bin/python bench/bench_startup.py [SRC_DIR])
SRC_DIR (default: this checkout's src) lets the same script time another checkout.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7


def _timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    src = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT / "src"
    env = {**os.environ, "PYTHONPATH": str(src)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: modules load from bytecode
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "drago.duckdb")
        drago = [sys.executable, "-m", "drago", "--db", db]
        env["DRAGO_HOME"] = tmp
        subprocess.run([*drago, "athlete", "add", "rocky", "--sex", "m"], env=env, check=True)
        first = date(2026, 10, 1)
        log_args = ["--athlete", "rocky", "--minutes", "45", "--rpe", "6", "--activity", "run"]
        for day in range(0, 28, 2):
            day_s = (first + timedelta(days=day)).isoformat()
            subprocess.run([*drago, "log", *log_args, "--date", day_s], env=env, check=True)
        commands = {
            "import polars, duckdb (baseline)": [
                sys.executable,
                "-c",
                "import polars, duckdb",
            ],
            "drago --help": [sys.executable, "-m", "drago", "--help"],
            "drago sessions": [*drago, "sessions"],
            "drago status rocky": [*drago, "status", "rocky", "--as-of", "2026-10-28"],
            "drago log ...": [*drago, "log", *log_args, "--date", "2026-10-30"],
        }
        best = {name: (float("inf"), float("inf")) for name in commands}
        for argv in commands.values():  # warm the page cache and the bytecode
            _timed(argv, env)
        for _ in range(RUNS):
            for name, argv in commands.items():
                wall, cpu = _timed(argv, env)
                best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    base_wall, base_cpu = best["import polars, duckdb (baseline)"]
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print("| command | wall s (best of 7) | / baseline | CPU s (best of 7) | / baseline |")
    print("|---|---|---|---|---|")
    for name, (wall, cpu) in best.items():
        print(
            f"| {name} | {wall:.2f} | {wall / base_wall:.2f}x | {cpu:.2f} | {cpu / base_cpu:.2f}x |"
        )


if __name__ == "__main__":
    main()
