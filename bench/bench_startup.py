"""First-keystroke speed: everyday commands against importing polars and duckdb alone.

Each command runs in a fresh process (`python -m drago ...`) on a small store (two athletes:
a few weeks of hand-logged sessions, and a real FIT recording with heart rate); the baseline is
a fresh process that only imports polars and duckdb. Runs are interleaved; for each command the
CPU seconds of the child (user + system: the figure a loaded machine inflates least) are
reported as the median and the best of RUNS, each with its ratio to the baseline's in the same
run, and the wall time's median beside them. The first (untimed) round writes the bytecode, so
modules load as in an installed drago. A second reference adds NumPy, which none of these
commands imports any more; a third freezes the baseline's objects before it exits, as drago
does when a command is done (`drago.__main__`): the interpreter's full collection at exit then
has nothing to scan, which saves the baseline about as much as it saves a command, so that row
shows how much of a command's margin comes from the freeze. Target (issue 19): every command
at most 1.5x the baseline.

Run: make bench   (or .venv/bin/python bench/bench_startup.py [SRC_DIR])
SRC_DIR (default: this checkout's src) lets the same script time another checkout.
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from machine import cpu_model

ROOT = Path(__file__).resolve().parents[1]
RUNS = 15
FIT = ROOT / "tests" / "data" / "fit" / "garmin-fr110-run.fit"
TARGET = 1.5


def machine() -> str:
    """CPU model, cores, Python and the versions of the libraries the baseline imports."""
    model = cpu_model() or platform.machine()
    versions = subprocess.run(
        [
            sys.executable,
            "-c",
            "import polars, duckdb; print(polars.__version__, duckdb.__version__)",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"polars {versions[0]}, duckdb {versions[1]}"
    )


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
        subprocess.run([*drago, "athlete", "add", "drago", "--sex", "m"], env=env, check=True)
        subprocess.run([*drago, "import", str(FIT), "--athlete", "drago"], env=env, check=True)
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
            "import polars, duckdb; gc.freeze()": [
                sys.executable,
                "-c",
                "import gc, polars, duckdb; gc.freeze()",
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
    load_after = os.getloadavg()[0]
    base = runs["import polars, duckdb (baseline)"]
    base_cpu = statistics.median(c for _, c in base)
    base_best = min(c for _, c in base)
    base_wall = statistics.median(w for w, _ in base)
    print(f"{machine()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"load average {load_before:.1f} -> {load_after:.1f} on {os.cpu_count()} cores\n")
    print(
        f"| command | CPU s (median of {RUNS}) | / baseline | CPU s (best) | / baseline "
        "| wall s (median) | / baseline |"
    )
    print("|---|---|---|---|---|---|---|")
    missed = []
    for name, times in runs.items():
        cpu = statistics.median(c for _, c in times)
        best = min(c for _, c in times)
        wall = statistics.median(w for w, _ in times)
        print(
            f"| {name} | {cpu:.3f} | {cpu / base_cpu:.2f}x | {best:.3f} | {best / base_best:.2f}x "
            f"| {wall:.2f} | {wall / base_wall:.2f}x |"
        )
        if name.startswith("drago") and cpu / base_cpu > TARGET:
            missed.append(name)
    verdict = f"over {TARGET}x (median CPU): {', '.join(missed)}" if missed else "all met"
    print(f"\ntarget: every command at most {TARGET}x the baseline's CPU; {verdict}")


if __name__ == "__main__":
    main()
