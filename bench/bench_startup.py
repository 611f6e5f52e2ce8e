"""First-keystroke speed: everyday commands against importing polars and duckdb alone.

Each command runs in a fresh process (`python -m drago ...`) on a small store (one athlete,
a few weeks of hand-logged sessions); the baseline is a fresh process that only imports polars
and duckdb. Runs are interleaved and the median of RUNS is kept (steadier than the best on a
shared machine); CPU seconds (user + system) are reported too, the steadier figure under load.
The first (untimed) round writes the bytecode, so modules load as in an installed drago. A
second reference adds NumPy, which the load and readiness science of these commands needs.
Target (issue 19): every command at most 1.5x the baseline.

Run: make bench   (or .venv/bin/python bench/bench_startup.py [SRC_DIR])
SRC_DIR (default: this checkout's src) lets the same script time another checkout.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 15


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
            "import polars, duckdb, numpy": [
                sys.executable,
                "-c",
                "import polars, duckdb, numpy",
            ],
            "drago --help": [sys.executable, "-m", "drago", "--help"],
            "drago sessions": [*drago, "sessions"],
            "drago status rocky": [*drago, "status", "rocky", "--as-of", "2026-10-28"],
            "drago log ...": [*drago, "log", *log_args, "--date", "2026-10-30"],
        }
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for argv in commands.values():  # warm the page cache and the bytecode
            _timed(argv, env)
        load_before = os.getloadavg()[0]
        for _ in range(RUNS):
            for name, argv in commands.items():
                runs[name].append(_timed(argv, env))
    median = {
        name: (statistics.median(w for w, _ in times), statistics.median(c for _, c in times))
        for name, times in runs.items()
    }
    base_wall, base_cpu = median["import polars, duckdb (baseline)"]
    load_after = os.getloadavg()[0]
    print(f"load average {load_before:.1f} -> {load_after:.1f} on {os.cpu_count()} cores\n")
    print(f"| command | wall s (median of {RUNS}) | / baseline | CPU s (median) | / baseline |")
    print("|---|---|---|---|---|")
    for name, (wall, cpu) in median.items():
        print(
            f"| {name} | {wall:.2f} | {wall / base_wall:.2f}x | {cpu:.2f} | {cpu / base_cpu:.2f}x |"
        )


if __name__ == "__main__":
    main()
