"""The lake on three engines and the baseline: a synthetic federation (1,000 athletes x 5
years by default) computed with `drago lake compute --engine local|dask|spark`, and with the
local engine as it was before the vectorised lake (`baseline`, bench/lake_baseline.py: DuckDB
`union_by_name` over every file, a loop step per athlete and per morning, a file per athlete
and month), in the same run, with the ratio.

Each engine runs in its own process (as the CLI would), so its start-up (Dask's LocalCluster,
Spark's JVM) counts in its wall time; the compute time excludes writing the results. Peak
memory is the largest sum of RSS over the whole process tree (driver, Dask workers, the JVM
and its Python workers), sampled every 0.2 s. The outputs are then checked equal (1e-9).

Run: .venv/bin/python bench/bench_lake.py [athletes] [years] [engines,...]   (make bench-lake)
     engines: baseline,local,dask,spark (default all four); `step`: where one bucket's time goes
Work dir: $DRAGO_BENCH_DIR (default /tmp/drago-bench-lake); the lake is kept and reused.
"""

from __future__ import annotations

import contextlib
import cProfile
import json
import os
import pstats
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import psutil  # noqa: E402
from polars.testing import assert_frame_equal  # noqa: E402

from drago.lake import synth  # noqa: E402
from drago.store.lake_files import read_manifest, read_results  # noqa: E402

RUN = """
import json, sys, time
from pathlib import Path
from drago.lake import compute
done = compute(Path(sys.argv[1]), engine=sys.argv[2], out=Path(sys.argv[3]))
print(json.dumps({"seconds": done.seconds, "startup_s": done.startup_s, "rows": done.rows,
                  "athletes": done.athletes}))
"""


def machine() -> str:
    """bench_fit's machine line, plus memory, the engines' versions and the machine's load."""
    import dask
    import pyspark

    from bench_fit import _machine

    memory_gb = psutil.virtual_memory().total / 1e9
    return (
        f"{_machine()}, {memory_gb:.0f} GB RAM, dask {dask.__version__}, pyspark "
        f"{pyspark.__version__}; machine shared with other jobs (load average at start "
        f"{os.getloadavg()[0]:.1f})"
    )


def tree_rss(process: psutil.Process) -> int:
    total = 0
    try:
        children = process.children(recursive=True)
    except psutil.Error:  # a child that ended while being listed
        children = []
    for p in [process, *children]:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def run_engine(lake: Path, engine: str, out: Path) -> dict[str, float]:
    began = time.perf_counter()
    log = out.with_name(out.name + ".log")
    log.parent.mkdir(parents=True, exist_ok=True)
    if engine == "baseline":
        command = [sys.executable, str(ROOT / "bench" / "lake_baseline.py"), str(lake), str(out)]
    else:
        command = [sys.executable, "-c", RUN, str(lake), engine, str(out)]
    child = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
    )
    peak = 0
    watched = psutil.Process(child.pid)
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss(watched))
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, _ = child.communicate()
    stop.set()
    sampler.join()
    if child.returncode:
        tail = log.read_text(errors="replace").strip().splitlines()[-5:]
        raise SystemExit(
            f"{engine} failed with exit code {child.returncode} (see {log}):\n" + "\n".join(tail)
        )
    result: dict[str, float] = json.loads(stdout.strip().splitlines()[-1])
    return result | {"wall": time.perf_counter() - began, "peak_gb": peak / 1e9}


def step_profile(lake: Path) -> str:
    """In one process, the first bucket: Polars reading its files, and the step on it."""
    from drago.lake.apply import Step
    from drago.lake.engines import bucket_files, lake_athletes, read_bucket
    from drago.store.lake_files import buckets, read_athletes

    manifest = read_manifest(lake)
    names = buckets(lake_athletes(manifest))[0]
    people = read_athletes(lake)
    step = Step(dict(zip(people["athlete"], people["tz"], strict=True)))
    began = time.perf_counter()
    paths = bucket_files(lake, manifest, names)
    rows = read_bucket(paths)
    read_s = time.perf_counter() - began
    files = sum(len(p) for p in paths.values())
    began = time.perf_counter()
    step.polars(rows)
    step_s = time.perf_counter() - began
    profile = cProfile.Profile()
    profile.runcall(step.polars, rows)
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    total = sum(v[3] for k, v in stats.items() if k[2] == "polars" and "apply.py" in k[0])
    ready = sum(v[3] for k, v in stats.items() if k[2] == "readiness_by")
    return (
        f"one process, one bucket of {len(names)} athletes: reading {files:,} files "
        f"{read_s:.2f} s ({read_s / files * 1000:.2f} ms a file); the step {step_s:.2f} s "
        f"({step_s / len(names) * 1000:.1f} ms an athlete), {100 * ready / total:.0f} % of it "
        f"in readiness_by (cProfile)"
    )


def main() -> None:
    athletes = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    years = float(sys.argv[2]) if len(sys.argv) > 2 else 5
    engines = (
        sys.argv[3].split(",") if len(sys.argv) > 3 else ["baseline", "local", "dask", "spark"]
    )
    work = Path(os.environ.get("DRAGO_BENCH_DIR", "/tmp/drago-bench-lake"))
    lake = work / f"lake-{athletes}x{years:g}"
    print(f"machine: {machine()}", flush=True)
    began = time.perf_counter()
    made = (lake / "manifest.json").is_file() and "--seed 1" in read_manifest(lake)["source"]
    done = None if made else synth(lake, athletes=athletes, years=years, seed=1)
    manifest = read_manifest(lake)
    rows = {t: manifest["tables"][t]["rows"] for t in ("sessions", "wellness", "rr_measurements")}
    files = sum(len(manifest["tables"][t]["partitions"]) for t in rows)
    made_by = (
        f"synth wrote {done.written:,} partitions in {time.perf_counter() - began:.1f} s"
        if done
        else "made by an earlier run"
    )
    print(
        f"lake: {athletes} athletes x {years:g} years, {files:,} Parquet files, rows {rows}; "
        f"{made_by}",
        flush=True,
    )
    if engines == ["step"]:
        print(step_profile(lake), flush=True)
        return
    outputs, runs = {}, {}
    for engine in engines:
        out = work / f"out-{athletes}x{years:g}-{engine}"
        r = run_engine(lake, engine, out)
        outputs[engine], runs[engine] = out, r
        results = read_manifest(out, kind="drago-lake-results")["tables"]["daily"]["partitions"]
        print(
            f"{engine:>8}: {r['athletes']:.0f} athletes, {r['rows']:,.0f} daily rows; compute "
            f"{r['seconds']:.1f} s ({r['rows'] / r['seconds']:,.0f} rows/s), engine start-up "
            f"{r.get('startup_s', 0.0):.1f} s, wall with process start and writing "
            f"{r['wall']:.1f} s, {len(results):,} result files, peak memory "
            f"{r['peak_gb']:.2f} GB",
            flush=True,
        )
    if "baseline" in runs:
        old = runs["baseline"]
        for engine in [e for e in engines if e != "baseline"]:
            r = runs[engine]
            print(
                f"{engine} against the baseline (the engine before, same run): "
                f"{old['wall'] / r['wall']:.1f}x faster end to end (wall), "
                f"{old['seconds'] / r['seconds']:.1f}x faster computing",
                flush=True,
            )
    first, *others = engines
    reference = read_results(outputs[first])
    for engine in others:
        assert_frame_equal(reference, read_results(outputs[engine]), rel_tol=1e-9, abs_tol=1e-9)
    if others:
        print(f"outputs equal: {', '.join(engines)} ({reference.height:,} rows compared)")


if __name__ == "__main__":
    main()
