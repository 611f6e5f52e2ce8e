"""`drago import`: real files stored once, whole, with originals; bad files refused cleanly."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from drago.imports import pipeline
from tests.conftest import DATA, Cli

FIT = DATA / "fit"
BAD = FIT / "bad"
RUN = FIT / "garmin-fenix2-run.fit"
MULTISPORT = FIT / "garmin-fenix2-multisport-large.fit"
TABLES = ("files", "sessions", "records", "laps", "rr_intervals")


def counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in TABLES}


def originals(db: Path) -> list[str]:
    folder = db.parent / "originals"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_import_once_keep_original(cli: Cli, athlete: Callable[..., str], db: Path) -> None:
    athlete("drago")
    result = cli("import", str(RUN), "--athlete", "drago")
    assert "imported 1 files (1 sessions)" in result.stdout
    [session] = cli.json("sessions", "--athlete", "drago")
    sha = hashlib.sha256(RUN.read_bytes()).hexdigest()
    assert session["source_sha256"] == sha and session["n_records"] == 2809
    assert session["activity"] == "run" and session["start"].endswith("Z")
    assert session["recovered"] is False and session["distance_m"] > 0
    assert (db.parent / "originals" / f"{sha}.fit").read_bytes() == RUN.read_bytes()
    before = counts(db)
    again = cli("import", str(RUN), "--athlete", "drago")
    assert "already imported" in again.stdout and counts(db) == before


@pytest.mark.parametrize(
    "name",
    [
        "garmin-edge500-ride.fit",
        "garmin-fr920xt-run-mornindew.fit",
        "wahoo-elemnt-ride-2019.fit",
        "garmin-edge530-road-hrv.fit",
        "garmin-fr110-run.fit",
    ],
)
def test_hr_summary_matches_the_device(cli: Cli, athlete: Callable[..., str], name: str) -> None:
    """The watch's own session averages (read by fitdecode) are an independent check."""
    fitdecode = pytest.importorskip("fitdecode")
    athlete("drago")
    cli("import", str(FIT / name), "--athlete", "drago")
    [session] = cli.json("sessions", "--athlete", "drago")
    with fitdecode.FitReader(str(FIT / name)) as reader:
        device = next(
            frame
            for frame in reader
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "session"
        )
    assert session["hr_max_bpm"] == device.get_value("max_heart_rate")
    assert abs(session["hr_avg_bpm"] - device.get_value("avg_heart_rate")) < 2.0


def test_multisport_sessions_share_their_file(cli: Cli, athlete: Callable[..., str]) -> None:
    athlete("drago")
    cli("import", str(MULTISPORT), "--athlete", "drago")
    sessions = cli.json("sessions", "--athlete", "drago")
    assert len(sessions) > 1
    assert len({s["source_sha256"] for s in sessions}) == 1
    assert sum(s["n_records"] for s in sessions) == 24239


@pytest.mark.parametrize(
    "bad", sorted(p for p in BAD.iterdir() if p.name != "SOURCES.md"), ids=lambda p: p.name
)
def test_bad_files_fail_with_one_line_and_store_nothing(
    cli: Cli, athlete: Callable[..., str], db: Path, bad: Path
) -> None:
    athlete("drago")
    result = cli("import", str(bad), "--athlete", "drago", code=1)
    [line] = [line for line in result.stderr.splitlines() if line.strip()]
    assert line.startswith("error: ") and bad.name in line
    assert counts(db) == dict.fromkeys(TABLES, 0) and originals(db) == []


def test_an_empty_file_fails_with_one_line_and_stores_nothing(
    cli: Cli, athlete: Callable[..., str], db: Path, tmp_path: Path
) -> None:
    athlete("drago")
    empty = tmp_path / "empty.fit"
    empty.write_bytes(b"")
    result = cli("import", str(empty), "--athlete", "drago", code=1)
    [line] = [line for line in result.stderr.splitlines() if line.strip()]
    assert line.startswith("error: ") and empty.name in line
    assert counts(db) == dict.fromkeys(TABLES, 0) and originals(db) == []


def test_recover_the_truncated_ride(cli: Cli, athlete: Callable[..., str], db: Path) -> None:
    athlete("drago")
    truncated = BAD / "bad-sigma-truncated-no-crc.fit"
    refused = cli("import", str(truncated), "--athlete", "drago", code=1)
    assert "14,391 whole records" in refused.stderr and "--recover" in refused.stderr
    cli("import", str(truncated), "--athlete", "drago", "--recover")
    [session] = cli.json("sessions", "--athlete", "drago")
    assert session["n_records"] == 14391 and session["recovered"] is True
    assert session["recovery_reason"]


def test_folder_walk_skips_and_fails_each_file_alone(
    cli: Cli, athlete: Callable[..., str], db: Path, tmp_path: Path
) -> None:
    athlete("drago")
    folder = tmp_path / "export"
    (folder / "2019" / "06").mkdir(parents=True)
    shutil.copy(RUN, folder / "2019" / "06" / "run.fit")
    shutil.copy(FIT / "garmin-fenix5-run-short-hrv.fit", folder / "short.FIT")
    shutil.copy(DATA / "tcx" / "tcxparser-test-run.tcx", folder / "run.tcx")
    shutil.copy(DATA / "gpx" / "gpxpy-korita-zbevnica.gpx", folder / "2019" / "walk.gpx")
    shutil.copy(BAD / "bad-unexpected-eof.fit", folder / "broken.fit")
    (folder / "README").write_text("my watch exports\n")
    (folder / "activities.json").write_text("[]")
    (folder / "strava-sidecar.csv").write_text("id,name\n1,run\n")
    (folder / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    result = cli("import", str(folder), "--athlete", "drago", code=1)
    assert "imported 4 files" in result.stdout and "skipped 3" in result.stdout
    assert "failed 1" in result.stdout
    assert "broken.fit" in result.stderr and "crashed" not in result.stderr
    assert "skipped" in result.stdout and "README" in result.stdout
    assert len(originals(db)) == 4
    formats = {s["source_format"] for s in cli.json("sessions", "--athlete", "drago")}
    assert formats == {"fit", "tcx", "gpx"}


def test_explicit_non_recording_fails(
    cli: Cli, athlete: Callable[..., str], tmp_path: Path
) -> None:
    athlete("drago")
    notes = tmp_path / "notes.md"
    notes.write_text("# not a recording\n")
    result = cli("import", str(notes), str(tmp_path / "missing.fit"), "--athlete", "drago", code=1)
    assert "notes.md" in result.stderr and "no such file" in result.stderr


def test_unknown_athlete_is_bad_usage(cli: Cli) -> None:
    result = cli("import", str(RUN), "--athlete", "ivan", code=2)
    assert "no athlete ivan: add it with drago athlete add" in result.stderr


def test_parallel_folder_import_matches_serial(
    cli: Cli, athlete: Callable[..., str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder of files decodes in worker processes; the result equals file-by-file imports."""
    pools: list[int] = []
    in_pool = pipeline._decode_in_pool
    monkeypatch.setattr(pipeline, "POOL_MIN_BYTES", 0)  # these few files use the pool
    monkeypatch.setattr(pipeline, "_decode_in_pool", lambda *a: pools.append(a[3]) or in_pool(*a))
    names = [
        "garmin-fenix5-run-short-hrv.fit",
        "garmin-edge820-bike-short-hrv.fit",
        "wahoo-elemnt-roam-unterminated-strings.fit",
        "garmin-fr70-compressed-timestamps.fit",
        "garmin-fr920xt-triathlon-chained.fit",
    ]
    folder = tmp_path / "many"
    folder.mkdir()
    for name in names:
        shutil.copy(FIT / name, folder / name)
    athlete("drago")
    cli("import", str(folder), "--athlete", "drago")
    serial = Cli(tmp_path / "serial" / "drago.duckdb")
    serial("athlete", "add", "drago", "--sex", "m")
    for name in names:
        serial("import", str(folder / name), "--athlete", "drago")
    keys = ("start", "activity", "duration_s", "n_records", "n_rr", "hr_avg_bpm", "source_sha256")
    parallel = [tuple(r[k] for k in keys) for r in cli.json("sessions")]
    one_by_one = [tuple(r[k] for k in keys) for r in serial.json("sessions")]
    assert len(parallel) >= len(names) and parallel == one_by_one
    assert pools and pools[0] == min(2, os.cpu_count() or 1)


def test_small_imports_stay_in_one_process(
    cli: Cli, athlete: Callable[..., str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below POOL_MIN_BYTES no worker starts: starting one costs more than it saves."""

    def no_pool(*args: object) -> None:
        raise AssertionError("a pool started for a small import")

    monkeypatch.setattr(pipeline, "_decode_in_pool", no_pool)
    folder = tmp_path / "few"
    folder.mkdir()
    for path in sorted(FIT.glob("*.fit"))[:6]:
        shutil.copy(path, folder / path.name)
    assert sum(p.stat().st_size for p in folder.iterdir()) < pipeline.POOL_MIN_BYTES
    athlete("drago")
    cli("import", str(folder), "--athlete", "drago")
    assert len(cli.json("sessions")) >= 6


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_decoding_workers_die_with_their_parent(tmp_path: Path) -> None:
    """A worker started by an import is killed by the kernel when the import process dies."""
    code = (
        "import multiprocessing, os, time\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from drago.imports import pipeline\n"
        "ctx = multiprocessing.get_context('spawn')\n"
        "with ProcessPoolExecutor(1, mp_context=ctx, initializer=pipeline._init_worker,\n"
        "                         initargs=(frozenset(), os.getpid())) as pool:\n"
        "    print(pool.submit(os.getpid).result(), flush=True)\n"
        "    time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    worker = int(parent.stdout.readline())
    assert _alive(worker)
    parent.kill()
    parent.wait()
    for _ in range(600):  # the kernel delivers SIGKILL to the orphan; give the reaper time
        if not _alive(worker):
            break
        time.sleep(0.1)
    assert not _alive(worker)


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting for its reaper counts as dead)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


def test_hr_values_are_estimated_from_data_until_given(
    cli: Cli, athlete: Callable[..., str]
) -> None:
    athlete("drago")
    cli("import", str(FIT / "garmin-edge500-ride.fit"), "--athlete", "drago")
    [session] = cli.json("sessions")
    [row] = cli.json("athlete", "list")
    assert row["hr_max_estimated"] is True and row["hr_max_bpm"] == session["hr_max_bpm"]
    assert row["hr_rest_estimated"] is True and 40 < row["hr_rest_bpm"] < session["hr_avg_bpm"]
    assert "estimated from data" in cli("athlete", "show", "drago").stdout
    cli("athlete", "set", "drago", "--hr-max", "191", "--hr-rest", "50")
    [row] = cli.json("athlete", "list")
    assert (row["hr_max_bpm"], row["hr_max_estimated"]) == (191, False)
    assert (row["hr_rest_bpm"], row["hr_rest_estimated"]) == (50, False)
