"""FIT decoding speed: drago against the Python FIT decoders, on the same real files, one run.

Every decoder decodes every valid sample file in tests/data/fit into full per-record values
(peers: all messages with their values, CRC checked where the peer can; drago: the
`Recording` with its Polars frames). Pure-Python peers get one pass (they are slow), drago the
best of several. Also measured: cold start (a fresh process importing drago and decoding a
small file, with the Numba cache warm) and the one-time compile cost (a fresh cache dir).

Run: make bench   (or .venv/bin/python bench/bench_fit.py)
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import numba  # noqa: E402
import numpy as np  # noqa: E402

import drago.ingest.fit as drago_fit  # noqa: E402

FILES = sorted((ROOT / "tests" / "data" / "fit").glob("*.fit"))
SMALL = ROOT / "tests" / "data" / "fit" / "garmin-fenix5-run-short-hrv.fit"
DRAGO_RUNS = 7


def _drago(path: Path) -> int:
    return drago_fit.read(path).records.height


def _fitparse(path: Path) -> int:
    import fitparse

    fit = fitparse.FitFile(str(path), check_crc=True)
    n = 0
    for message in fit.get_messages():
        message.get_values()
        n += message.name == "record"
    return n


def _fitdecode(path: Path) -> int:
    import fitdecode

    n = 0
    with fitdecode.FitReader(str(path), check_crc=fitdecode.CrcCheck.RAISE) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage):
                {f.name: f.value for f in frame.fields}
                n += frame.name == "record"
    return n


def _garmin(path: Path) -> int:
    from garmin_fit_sdk import Decoder, Stream

    messages, errors = Decoder(Stream.from_file(str(path))).read()
    if errors:
        raise ValueError(errors[0])
    return len(messages.get("record_mesgs", []))


def _pyfitparsernative(path: Path) -> int:
    import pyfitparsernative

    return sum(
        m.get("message_type") == "record" for m in pyfitparsernative.parse_fit_file(str(path))
    )


def _fitfast(path: Path) -> int:
    import fitfast

    return len(fitfast.parse(str(path)).get("record", []))


def _fitfast_records(path: Path) -> int:
    import fitfast

    columns = fitfast.records(str(path))
    return len(next(iter(columns.values()))) if columns else 0


PEERS: dict[str, tuple[str, Callable[[Path], int]]] = {
    "fitparse": ("fitparse", _fitparse),
    "fitdecode": ("fitdecode", _fitdecode),
    "garmin-fit-sdk": ("garmin-fit-sdk", _garmin),
    "pyfitparsernative": ("pyfitparsernative", _pyfitparsernative),
    "fitfast (parse: all messages)": ("fitfast", _fitfast),
    "fitfast (records: record columns only)": ("fitfast", _fitfast_records),
}


def one_pass(decode: Callable[[Path], int]) -> tuple[float, int, int, list[str]]:
    """Seconds, bytes decoded, records, files refused for one pass over all files."""
    seconds = 0.0
    nbytes = records = 0
    refused: list[str] = []
    for path in FILES:
        start = time.perf_counter()
        try:
            n = decode(path)
        except Exception:
            refused.append(path.name)
            seconds += time.perf_counter() - start
            continue
        seconds += time.perf_counter() - start
        nbytes += path.stat().st_size
        records += n
    return seconds, nbytes, records, refused


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}, numba {numba.__version__}, polars {version('polars')}"
    )


def _cold_start(env: dict[str, str], runs: int) -> list[float]:
    code = f"import drago.ingest.fit as f; f.read({str(SMALL)!r})"
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], env=env, check=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    """Run everything and print the figures as Markdown."""
    warnings.simplefilter("ignore")  # fitdecode warns on every misaligned field definition
    total = sum(p.stat().st_size for p in FILES)
    print(f"machine: {_machine()}")
    print(f"files: {len(FILES)} valid sample FIT files, {total / 1e6:.2f} MB\n")
    _drago(SMALL)  # load the compiled kernels once
    best = None
    for _ in range(DRAGO_RUNS):
        run = one_pass(_drago)
        best = run if best is None or run[0] < best[0] else best
    assert best is not None
    results = {"drago": best}
    for name, (_dist, decode) in PEERS.items():
        results[name] = one_pass(decode)
    drago_mbs = best[1] / best[0] / 1e6
    print("| decoder | version | MB/s | records/s | files refused | drago / decoder |")
    print("|---|---|---|---|---|---|")
    for name, (seconds, nbytes, records, refused) in results.items():
        dist = "drago" if name == "drago" else PEERS[name][0]
        mbs = nbytes / seconds / 1e6
        ratio = "1" if name == "drago" else f"{drago_mbs / mbs:,.1f}x"
        print(
            f"| {name} | {version(dist)} | {mbs:,.2f} | {records / seconds:,.0f} | "
            f"{len(refused)} {' '.join(refused)} | {ratio} |"
        )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    _cold_start(env, 1)  # make sure the on-disk cache is warm
    warm = _cold_start(env, 5)
    base_code = "import numpy, numba, polars"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", base_code], env=env, check=True)
    base = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as cache:
        fresh = _cold_start({**env, "NUMBA_CACHE_DIR": cache}, 1)[0]
    print(
        f"\ncold start (fresh process: import drago.ingest.fit + read {SMALL.name}, warm cache):"
        f" median {statistics.median(warm):.2f} s (of which importing numpy, numba and polars"
        f" alone: {base:.2f} s)"
    )
    print(f"one-time compile (fresh NUMBA_CACHE_DIR): {fresh:.2f} s for the same command")


if __name__ == "__main__":
    main()
