"""Where a decoding pool starts to pay: in-process decode rate against a worker's start-up.

Decoding (read, hash, decode, summaries: `pipeline.decode`) of every sample recording in
this process gives bytes per second; starting a spawn pool of two workers and getting one
small file back gives the start-up. The pool overlaps decoding with the parent's writing, so
it saves at most the decode time and costs the start-up: it pays from about
start-up x rate bytes on (POOL_MIN_BYTES in drago.imports.pipeline is set from this, with margin).

Run: .venv/bin/python bench/measure_pool.py
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from drago.imports import pipeline  # noqa: E402
from drago.ingest import archive  # noqa: E402

DATA = ROOT / "tests" / "data"
FILES = [
    *sorted((DATA / "fit").glob("*.fit")),
    *sorted((DATA / "tcx").glob("*.tcx")),
    *sorted((DATA / "gpx").glob("*.gpx")),
]


def _candidate(path: Path) -> pipeline.Candidate:
    return pipeline.Candidate(archive.Entry(path, path), explicit=True)


def main() -> None:
    options = pipeline.ImportOptions()
    pipeline.decode(_candidate(FILES[0]), options, frozenset())  # load kernels
    total = sum(p.stat().st_size for p in FILES)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for path in FILES:
            pipeline.decode(_candidate(path), options, frozenset())
        best = min(best, time.perf_counter() - start)
    rate = total / best
    startups = []
    for _ in range(3):
        start = time.perf_counter()
        with ProcessPoolExecutor(
            max_workers=2,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=pipeline._init_worker,
            initargs=(frozenset(), 0),
        ) as pool:
            small = min(FILES, key=lambda p: p.stat().st_size)
            futures = [pool.submit(pipeline._decode_in_worker, _candidate(small), options)]
            futures += [pool.submit(pipeline._decode_in_worker, _candidate(small), options)]
            for future in futures:
                future.result()
        startups.append(time.perf_counter() - start)
    startup = min(startups)
    print(f"in-process decode: {total / 1e6:.2f} MB in {best:.3f} s = {rate / 1e6:.1f} MB/s")
    print(f"pool of 2 start-up (spawn, first results back): {startup:.2f} s")
    print(f"break-even: {startup * rate / 1e6:.0f} MB of input")


if __name__ == "__main__":
    main()
