"""FIT decoding speed: drago against the Python FIT decoders, on the same real files, one run.

Every decoder decodes every valid sample file in tests/data/fit into full per-record values
(peers: all messages with their values, CRC checked where the peer can; drago: the
`Recording` with its Polars frames), reading each file, timed in CPU seconds of this process
(`time.process_time`: other jobs on a shared machine inflate wall time, not this; Polars
threads are counted). Pure-Python peers get one pass (they are slow), drago the best of
several. In process, on bytes already in memory: `drago.ingest.fit.decode` against
its compiled kernels alone (the structure walk with every CRC, field extraction and the record
columns), in CPU time (`time.process_time`, steadier than the clock on a shared machine), the
best of several rounds per file. Also measured: the first call in a fresh process (importing
drago and decoding a small file, with the Numba cache warm) and the one-time compile cost (a
fresh cache dir), in the child's CPU seconds and wall seconds.

Run: make bench   (or .venv/bin/python bench/bench_fit.py)
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
import warnings
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from machine import cpu_model

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


def _kernels(data: bytes) -> int:
    """The compiled passes of a decode alone (what `_decoder.decode` runs before Python)."""
    from drago.ingest.fit import _columns, _scan, messages
    from drago.ingest.fit import profile as p

    buf = np.frombuffer(data, dtype=np.uint8)
    _status, _segs, msgs, defs, fields = _scan.walk(buf, p.KIND_OF_MESG)
    _scan.extract(
        buf,
        msgs,
        defs,
        fields,
        p.KIND_OF_MESG,
        p.COL_START,
        p.COL_WIDTH,
        p.N_COLS,
        p.RECORD,
        p.RECORD,
    )
    block, _stamps, _first_s, _last_s, _untimed = _columns.records(
        buf,
        msgs,
        defs,
        fields,
        p.KIND_OF_MESG,
        p.RECORD,
        p.COL_START,
        p.COL_WIDTH,
        messages.RAW_COLUMNS,
        messages.RAW_SCALE,
        messages.RAW_OFFSET,
        0.0,
        float(p.FIT_EPOCH_S),
        messages.SEMICIRCLE_DEG,
    )
    return int(block.shape[1])


def in_process(rounds: int) -> tuple[float, float, int]:
    """CPU seconds of `decode` and of the kernels alone over every file in memory (sum over
    files of the best of `rounds` per file, the two interleaved), and the bytes."""
    blobs = [path.read_bytes() for path in FILES]
    best_decode = [float("inf")] * len(blobs)
    best_kernels = [float("inf")] * len(blobs)
    for _ in range(rounds):
        for i, data in enumerate(blobs):
            start = time.process_time()
            drago_fit.decode(data)
            best_decode[i] = min(best_decode[i], time.process_time() - start)
            start = time.process_time()
            _kernels(data)
            best_kernels[i] = min(best_kernels[i], time.process_time() - start)
    return sum(best_decode), sum(best_kernels), sum(len(b) for b in blobs)


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
    """CPU seconds, bytes decoded, records, files refused for one pass over all files."""
    seconds = 0.0
    nbytes = records = 0
    refused: list[str] = []
    for path in FILES:
        start = time.process_time()
        try:
            n = decode(path)
        except Exception:
            refused.append(path.name)
            seconds += time.process_time() - start
            continue
        seconds += time.process_time() - start
        nbytes += path.stat().st_size
        records += n
    return seconds, nbytes, records, refused


def _machine() -> str:
    cpu = cpu_model() or "unknown CPU"
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}, numba {numba.__version__}, polars {version('polars')}"
    )


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cold_start(env: dict[str, str], runs: int, code: str = "") -> list[tuple[float, float]]:
    """(wall, CPU) seconds of fresh processes running `code` (default: read the small file)."""
    code = code or f"import drago.ingest.fit as f; f.read({str(SMALL)!r})"
    times = []
    for _ in range(runs):
        start, cpu = time.perf_counter(), _child_cpu()
        subprocess.run([sys.executable, "-c", code], env=env, check=True)
        times.append((time.perf_counter() - start, _child_cpu() - cpu))
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
    decode_s, kernels_s, nbytes = in_process(DRAGO_RUNS)
    decode_mbs, kernels_mbs = nbytes / decode_s / 1e6, nbytes / kernels_s / 1e6
    print(
        f"\nIn process ({len(FILES)} files already in memory; CPU time, best of {DRAGO_RUNS} per"
        " file):\n\n| what | MB/s | ratio |\n|---|---|---|"
    )
    print(f"| drago `decode` (whole `Recording`, every CRC) | {decode_mbs:,.1f} | 1 |")
    print(
        f"| compiled kernels alone (walk + CRC, extraction, record columns) | {kernels_mbs:,.1f} |"
        f" decode takes {decode_s / kernels_s:.2f}x their time |"
    )
    for name, (seconds, size, _records, _refused) in results.items():
        if name != "drago":
            mbs = size / seconds / 1e6
            print(f"| {name} (reading the file) | {mbs:,.2f} | decode {decode_mbs / mbs:,.1f}x |")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    _cold_start(env, 1)  # make sure the on-disk cache is warm
    warm = _cold_start(env, 5)
    base = _cold_start(env, 5, "import numpy, numba, polars")
    with tempfile.TemporaryDirectory() as cache:
        fresh = _cold_start({**env, "NUMBA_CACHE_DIR": cache}, 1)[0]
    wall, cpu = (statistics.median(t[k] for t in warm) for k in (0, 1))
    base_wall, base_cpu = (statistics.median(t[k] for t in base) for k in (0, 1))
    print(
        f"\nfirst call (fresh process: import drago.ingest.fit + read {SMALL.name}, warm cache),"
        f" median of 5: {cpu:.2f} s CPU / {wall:.2f} s wall (importing numpy, numba and polars"
        f" alone: {base_cpu:.2f} s CPU / {base_wall:.2f} s wall)"
    )
    print(
        f"one-time compile (fresh NUMBA_CACHE_DIR, same command): {fresh[1]:.2f} s CPU / "
        f"{fresh[0]:.2f} s wall"
    )
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
