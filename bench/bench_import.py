"""Whole-import speed: every sample recording into a fresh store, one worker and all cores.

Measures `lab.sessions.import_paths` end to end (hashing, decoding, summaries, keeping originals and
one DuckDB transaction per file) on tests/data's valid FIT, TCX and GPX files: with the
default (worker processes only from `drago.imports.pipeline.POOL_MIN_BYTES` of input on, so one
process here), with one decoding process, and with one per core.

Run: make bench   (or .venv/bin/python bench/bench_import.py)
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from drago import Lab  # noqa: E402

DATA = ROOT / "tests" / "data"
FILES = [
    *sorted((DATA / "fit").glob("*.fit")),
    *sorted((DATA / "tcx").glob("*.tcx")),
    *sorted((DATA / "gpx").glob("*.gpx")),
]
RUNS = 3


def one_import(workers: int | None) -> tuple[float, int, int]:
    """Seconds, sessions and records of one import of every file into a fresh store."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "export"
        folder.mkdir()
        for path in FILES:
            shutil.copy(path, folder / path.name)
        with Lab(Path(tmp) / "lab" / "drago.duckdb") as lab:
            lab.athletes.add("bench", sex="m")
            start = time.perf_counter()
            report = lab.sessions.import_paths([folder], athlete="bench", workers=workers)
            seconds = time.perf_counter() - start
            assert not report.failed, [o.reason for o in report.outcomes if o.reason]
            records = lab.store.one("SELECT count(*) FROM records")
            assert records is not None
            return seconds, report.n_sessions, int(records[0])


def main() -> None:
    total = sum(p.stat().st_size for p in FILES)
    print(f"files: {len(FILES)} valid sample recordings (FIT, TCX, GPX), {total / 1e6:.2f} MB\n")
    print("| decoding processes | seconds (best of 3) | files/s | MB/s | records/s | sessions |")
    print("|---|---|---|---|---|---|")
    for workers in (None, *sorted({1, os.cpu_count() or 1})):
        seconds, sessions, records = min(one_import(workers) for _ in range(RUNS))
        label = "default (one below POOL_MIN_BYTES)" if workers is None else str(workers)
        print(
            f"| {label} | {seconds:.2f} | {len(FILES) / seconds:,.1f} | "
            f"{total / seconds / 1e6:,.1f} | {records / seconds:,.0f} | {sessions} |"
        )


if __name__ == "__main__":
    main()
