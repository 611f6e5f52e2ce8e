"""Faults of the machine, in one line and with nothing lost (issue 15): a truncated or corrupted
store, and import workers that die with their parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from drago.cli import app
from drago.errors import DragoError
from drago.store.faults import fault_message
from tests.conftest import DATA, Cli
from tests.web_store import build_store

FIT_FILE = str(DATA / "fit" / "garmin-fenix2-run.fit")
POOL = textwrap.dedent(
    """
    import multiprocessing, os, time
    from concurrent.futures import ProcessPoolExecutor
    from drago.imports import pipeline

    def pid_after(seconds):
        time.sleep(seconds)
        return os.getpid()

    if __name__ == "__main__":
        pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=pipeline._init_worker,
                                   initargs=(frozenset(), os.getpid()))
        started = [pool.submit(pid_after, 2) for _ in range(2)]
        print(" ".join(str(f.result()) for f in started), flush=True)
        time.sleep(3600)
    """
)


#: A hand-logged session of pads for Drago: the small write the full-disk tests attempt.
LOG_PADS = (
    "log",
    *("--athlete", "Drago", "--date", "2026-01-02"),
    *("--minutes", "30", "--rpe", "6", "--activity", "pads"),
)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for its reaper is dead too
        return "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
    except FileNotFoundError:
        return True


@pytest.mark.skipif(sys.platform == "win32", reason="kill -9 and /proc are POSIX")
def test_import_workers_die_with_their_parent(tmp_path: Path) -> None:
    script = tmp_path / "pool.py"
    script.write_text(POOL)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    workers = sorted({int(p) for p in parent.stdout.readline().split()})
    assert workers and all(alive(p) for p in workers)  # they ran their initializer
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    for _ in range(200):  # the kernel signals at once; the watching thread within 0.5 s
        if not any(alive(p) for p in workers):
            break
        time.sleep(0.05)
    assert not any(alive(p) for p in workers)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("faults") / "drago.duckdb")


@pytest.mark.parametrize("damage", ["truncated", "corrupted"])
def test_a_damaged_store_is_one_line(store: Path, tmp_path: Path, damage: str) -> None:
    db = tmp_path / "drago.duckdb"
    data = store.read_bytes()
    if damage == "truncated":
        db.write_bytes(data[: len(data) // 10])
    else:
        header = 3 * 4096  # DuckDB's file headers stay; every block after them is noise
        db.write_bytes(data[:header] + os.urandom(len(data) - header))
    cli = Cli(db)
    for command in (("sessions",), ("athlete", "list"), ("load", "Drago")):
        answer = cli(*command, code=1)
        assert "Traceback" not in answer.output, command
        lines = [line for line in answer.output.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), answer.output
        assert "restore" in lines[0] or "cannot open the store" in lines[0]


def test_a_full_disk_reads_as_one_line() -> None:
    assert fault_message(OSError(28, "No space left on device")) is not None
    assert "disk is full" in (fault_message(OSError(28, "No space left on device")) or "")
    assert fault_message(ValueError("a bug")) is None
    assert fault_message(DragoError("x")) is None
    refused = fault_message(ConnectionRefusedError(111, "Connection refused"))
    assert refused == "the operating system refused: Connection refused"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """An 8 MiB tmpfs (root only: mounting needs CAP_SYS_ADMIN, which CI's root has)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs to fill needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path) -> Path:
    """Fill the disk of `folder` to the last byte."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as out:
        try:
            while out.write(b"\0" * 4096):
                pass
        except OSError:
            pass
    return filler


def test_a_full_disk_is_one_line_and_loses_nothing(small_disk: Path) -> None:
    """Import, log and backup on a full disk: exit 1, one line, the store as it was, no stray
    original or partial backup."""
    cli = Cli(small_disk / "drago.duckdb")
    cli("athlete", "add", "Drago", "--sex", "m", "--tz", "UTC")
    cli(
        "log",
        "--athlete",
        "Drago",
        "--date",
        "2026-01-01",
        "--minutes",
        "30",
        "--rpe",
        "5",
        "--activity",
        "pads",
    )
    before = cli.json("sessions")
    filler = fill(small_disk)
    run = (FIT_FILE, "--athlete", "Drago")
    commands = {
        "import": ("import", *run),
        "log": LOG_PADS,
        "backup": ("backup", "-o", str(small_disk / "backup.tar.gz")),
    }
    for what, command in commands.items():
        answer = cli(*command, code=None)
        lines = [line for line in answer.stderr.splitlines() if line.strip()]
        assert answer.exit_code == 1, (what, answer.output)
        assert len(lines) == 1 and "the disk is full" in lines[0], (what, answer.stderr)
        assert "Traceback" not in answer.output
    filler.unlink()
    assert cli.json("sessions") == before
    originals = small_disk / "originals"
    assert not originals.exists() or not list(originals.iterdir())  # no stray original
    assert not [p.name for p in small_disk.iterdir() if "partial" in p.name or "backup" in p.name]


def one_error_line(answer: Any) -> str:
    assert "Traceback" not in answer.output, answer.output
    lines = [line for line in answer.output.splitlines() if line.strip()]
    assert answer.exit_code == 1 and len(lines) == 1, (answer.exit_code, answer.output)
    assert lines[0].startswith("error: "), lines
    return str(lines[0])


def test_a_path_the_system_refuses_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An output path that is a folder or lies under a file, and a data dir under a file: the
    path and the system's reason in one line, exit 1, not an OSError's traceback."""
    db = tmp_path / "lab" / "drago.duckdb"
    cli = Cli(db)
    cli("athlete", "add", "Drago", "--sex", "m")
    folder = tmp_path / "taken"
    folder.mkdir()
    assert "Is a directory" in one_error_line(cli("backup", "-o", str(folder), code=None))
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    under = blocker / "out.png"
    line = one_error_line(cli("athlete", "export", "Drago", "-o", str(under), code=None))
    assert str(under) in line and "Not a directory" in line
    monkeypatch.setenv("DRAGO_HOME", str(blocker / "home"))
    monkeypatch.delenv("DRAGO_DB", raising=False)
    answer = CliRunner().invoke(app, ["athlete", "list"])
    assert str(blocker / "home") in one_error_line(answer)
    assert cli.json("athlete", "list")[0]["name"] == "Drago"  # the store is as it was


@pytest.mark.parametrize("damage", ["truncated", "corrupted"])
def test_a_damaged_store_is_the_apis_error_body(store: Path, tmp_path: Path, damage: str) -> None:
    """Through the web API a damaged store answers 503 with the one error body, whichever
    error DuckDB raises (a truncated file failed only once its tables were read: a plain-text
    500 before)."""
    from fastapi.testclient import TestClient

    from drago.web import create_app

    db = tmp_path / "drago.duckdb"
    data = store.read_bytes()
    if damage == "truncated":
        db.write_bytes(data[: len(data) // 10])
    else:
        db.write_bytes(data[: 3 * 4096] + os.urandom(len(data) - 3 * 4096))
    with TestClient(create_app(db, linger_s=0), raise_server_exceptions=False) as client:
        for url in ("/api/athletes", "/api/athletes/Drago/sessions", "/api/athletes/Drago/load"):
            answer = client.get(url)
            assert answer.status_code == 503, (url, answer.text)
            body = answer.json()
            assert body["ok"] is False and body["status"] == 503, body
            assert "damaged" in body["error"] or "cannot open the store" in body["error"]


def test_a_store_created_on_a_full_disk_leaves_no_empty_file(small_disk: Path) -> None:
    """DuckDB left a 0-byte file when it could not write a new store's first bytes; every
    later command then failed on it ("not a valid DuckDB database file") even with space
    freed. Now: one line saying the disk is full, no file, and the next try creates it."""
    filler = fill(small_disk)
    cli = Cli(small_disk / "lab" / "drago.duckdb")
    line = one_error_line(cli("athlete", "add", "Drago", "--sex", "m", code=None))
    assert str(cli.db) in line and "the disk is full" in line, line
    assert not cli.db.exists()
    filler.unlink()
    cli("athlete", "add", "Drago", "--sex", "m")
    assert cli.json("athlete", "list")[0]["name"] == "Drago"


def test_an_empty_or_folder_store_path_is_one_line(tmp_path: Path) -> None:
    """A 0-byte store file says so and what to do (and is left alone: not drago's to delete);
    a store path that is a folder names it."""
    empty = tmp_path / "empty" / "drago.duckdb"
    empty.parent.mkdir()
    empty.write_bytes(b"")
    folder = tmp_path / "folder" / "drago.duckdb"
    folder.mkdir(parents=True)
    for command in (("sessions",), ("athlete", "add", "Drago", "--sex", "m")):
        line = one_error_line(Cli(empty)(*command, code=None))
        assert str(empty) in line and "empty" in line and "restore" in line, line
        line = one_error_line(Cli(folder)(*command, code=None))
        assert str(folder) in line and "directory" in line, line
    assert empty.read_bytes() == b"" and folder.is_dir() and not list(folder.iterdir())


def test_a_restore_on_a_full_disk_says_so_and_leaves_nothing(
    small_disk: Path, tmp_path: Path
) -> None:
    """A good backup restored onto a full disk was called "not a drago backup"; now the line
    says the disk is full, and the data directory the restore made is gone again."""
    source = Cli(tmp_path / "lab" / "drago.duckdb")
    source("athlete", "add", "Drago", "--sex", "m", "--tz", "UTC")
    source("import", FIT_FILE, "--athlete", "Drago")
    archive = tmp_path / "backup.tar.gz"
    source("backup", "-o", str(archive))
    filler = fill(small_disk)
    target = Cli(small_disk / "restored" / "lab" / "drago.duckdb")
    line = one_error_line(target("restore", str(archive), code=None))
    assert "the disk is full" in line and "not a drago backup" not in line, line
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]
    filler.unlink()
    target("restore", str(archive))
    assert target.json("sessions") == source.json("sessions")


@pytest.fixture
def lab_with_a_run(tmp_path: Path) -> Cli:
    cli = Cli(tmp_path / "lab" / "drago.duckdb")
    cli("athlete", "add", "Drago", "--sex", "m", "--tz", "UTC")
    cli("import", FIT_FILE, "--athlete", "Drago")
    return cli


def hidden_or_temporary(folder: Path) -> list[str]:
    return [str(p) for p in folder.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]


def test_an_export_on_a_full_disk_leaves_nothing(small_disk: Path, lab_with_a_run: Cli) -> None:
    """An athlete's export is whole or absent: a full disk left a folder of empty Parquet
    files behind, under a line saying nothing was half-written."""
    filler = fill(small_disk)
    out = small_disk / "rocky-export"
    line = one_error_line(lab_with_a_run("athlete", "export", "Drago", "-o", str(out), code=None))
    assert "the disk is full" in line, line
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]
    filler.unlink()
    lab_with_a_run("athlete", "export", "Drago", "-o", str(out))
    assert (out / "manifest.json").is_file() and not hidden_or_temporary(small_disk)


def test_a_lake_export_on_a_full_disk_keeps_the_old_lake(
    small_disk: Path, lab_with_a_run: Cli
) -> None:
    """Updating a lake on a full disk truncated its athletes file to 0 bytes (and a partition
    left truncated would be taken for unchanged by the next export, whose rows' hash matches
    the manifest): every file is now written under .tmp and renamed when whole."""
    lake = small_disk / "lake"
    cli = lab_with_a_run
    cli("lake", "export", "--to", str(lake))
    before = {p: p.read_bytes() for p in lake.rglob("*") if p.is_file()}
    cli(*LOG_PADS)
    filler = fill(small_disk)
    line = one_error_line(cli("lake", "export", "--to", str(lake), code=None))
    assert "the disk is full" in line, line
    assert {p: p.read_bytes() for p in lake.rglob("*") if p.is_file()} == before
    filler.unlink()
    cli("lake", "export", "--to", str(lake))
    assert not hidden_or_temporary(lake)


def test_a_chart_on_a_full_disk_keeps_the_old_one(small_disk: Path, lab_with_a_run: Cli) -> None:
    """A chart drawn on a full disk was left as an empty file under the one error line: charts
    are drawn into a hidden file and renamed when whole (so one drawn over stays whole)."""
    chart = small_disk / "load.png"
    lab_with_a_run("plot", "load", "Drago", "-o", str(chart), "--since", "2015-08-01")
    before = chart.read_bytes()
    filler = fill(small_disk)
    for out in (small_disk / "new.svg", chart):
        command = ("plot", "load", "Drago", "-o", str(out), "--since", "2015-08-01")
        line = one_error_line(lab_with_a_run(*command, code=None))
        assert "the disk is full" in line, line
    assert chart.read_bytes() == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "load.png"]
    filler.unlink()


def test_an_erasure_without_room_to_rewrite_the_store_erases_nothing(small_disk: Path) -> None:
    """Erasing deletes the rows, then rewrites the store so their bytes go too. With room for
    the first and not the second (seen on a 16 MiB tmpfs with 400 KiB free: DuckDB's "Failed
    to create checkpoint"), the athlete was gone but their bytes stayed, the line said to run
    the command again, and the rerun found no such athlete. Now nothing is erased unless the
    disk has room for a copy of the whole store."""
    cli = Cli(small_disk / "lab" / "drago.duckdb")
    cli("athlete", "add", "Ivan", "--sex", "m")
    cli("import", FIT_FILE, "--athlete", "Ivan")
    originals = sorted((small_disk / "lab" / "originals").iterdir())
    filler = fill(small_disk)
    os.truncate(filler, filler.stat().st_size - 128 * 1024)  # room for a commit, not a copy
    line = one_error_line(cli("athlete", "delete", "Ivan", "--yes", code=None))
    assert str(cli.db) in line and "nothing was erased" in line, line
    assert [a["name"] for a in cli.json("athlete", "list")] == ["Ivan"]
    assert sorted((small_disk / "lab" / "originals").iterdir()) == originals
    assert sorted(p.name for p in cli.db.parent.iterdir()) == ["drago.duckdb", "originals"]
    filler.unlink()
    assert "erased athlete Ivan" in cli("athlete", "delete", "Ivan", "--yes").stdout


#: Logs a session and exits without closing the store: the commit stays in its write-ahead log.
LEAVE_A_WAL = textwrap.dedent(
    """
    import os, sys
    from datetime import date
    from drago.lab import Lab

    lab = Lab(sys.argv[1])
    lab.store.run("SET checkpoint_threshold = '1TB'")
    lab.sessions.log(athlete="Drago", day=date(2026, 1, 3), minutes=40, rpe=7, activity="pads")
    os._exit(0)
    """
)


def test_a_damaged_write_ahead_log_says_what_to_do(lab_with_a_run: Cli) -> None:
    """A corrupted drago.duckdb.wal failed every command with DuckDB's checksum sentence and
    no way out; the line now says the log is damaged and how to open the store without it."""
    cli = lab_with_a_run
    before = cli.json("sessions")
    subprocess.run([sys.executable, "-c", LEAVE_A_WAL, str(cli.db)], check=True)
    wal = Path(f"{cli.db}.wal")
    data = wal.read_bytes()
    wal.write_bytes(data[:64] + bytes(b ^ 0xFF for b in data[64:]))
    line = one_error_line(cli("sessions", code=None))
    assert str(cli.db) in line and "write-ahead log is damaged" in line, line
    assert f"move {wal.name} aside" in line and "drago restore" in line
    wal.rename(wal.with_name("aside.wal"))
    assert cli.json("sessions") == before  # as at the last checkpoint


def test_attaching_a_lake_on_a_full_disk_leaves_no_note_cut_short(
    small_disk: Path, tmp_path: Path
) -> None:
    """lake.json was written in place: on a full disk it was left empty, and every look-up of
    an athlete not in the store then failed on it ("unreadable attached-lake note")."""
    cli = Cli(small_disk / "lab" / "drago.duckdb")
    cli("athlete", "add", "Drago", "--sex", "m", "--tz", "UTC")
    day = ("--athlete", "Drago", "--date", "2026-01-02")
    cli("log", *day, "--minutes", "30", "--rpe", "6", "--activity", "pads")
    lake, out = tmp_path / "lake", tmp_path / "out"
    cli("lake", "export", "--to", str(lake))
    cli("lake", "compute", str(lake), "--engine", "local", "--out", str(out))
    filler = fill(small_disk)
    line = one_error_line(cli("lake", "attach", str(out), code=None))
    assert "the disk is full" in line, line
    assert sorted(p.name for p in cli.db.parent.iterdir()) == ["drago.duckdb"]
    missing = cli("load", "Nobody", code=None)
    assert missing.exit_code == 2 and "unreadable" not in missing.output, missing.output
    filler.unlink()
    cli("lake", "attach", str(out))
    assert (cli.db.parent / "lake.json").is_file()
