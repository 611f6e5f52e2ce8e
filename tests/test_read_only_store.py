"""A store the operating system will not let drago write (a copy on a USB stick, a read-only
mount, a federation's shared folder): every reading command works, every writing command says
in one line that the store is read-only, and nothing is half-written (issue 15)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pytest

from drago.errors import DragoError
from drago.store import Store
from tests.conftest import Cli, Stores
from tests.web_store import RUN, UPLOAD, build_store

READS: tuple[tuple[str, ...], ...] = (
    ("sessions",),
    ("athlete", "list"),
    ("athlete", "show", "Drago"),
    ("status", "Drago"),
    ("load", "Drago"),
    ("readiness", "Drago"),
)
LOG = ("log", "--athlete", "Drago", "--date", "2026-01-02", "--minutes", "30", "--rpe", "6")
#: A live session that ends within a second of replay.
BRIEF = ("--speed", "1000", "--rounds", "1", "--round-s", "1", "--rest-s", "0")
WRITES: dict[str, tuple[str, ...]] = {
    "import": ("import", str(UPLOAD), "--athlete", "Drago"),
    "log": (*LOG, "--activity", "pads"),
    "athlete add": ("athlete", "add", "Ivan", "--sex", "m"),
    "athlete set": ("athlete", "set", "Drago", "--hr-max", "190"),
    "wellness": (
        "wellness",
        "Drago",
        *("--sleep", "2", "--stress", "2", "--fatigue", "2"),
        *("--soreness", "2"),
    ),
    "recompute": ("recompute",),
    "watch": ("watch", str(UPLOAD.parent), "--athlete", "Drago", "--count", "1"),
    "live": ("live", "--no-browser", "--port", "0", "--replay", f"Drago={RUN}", *BRIEF),
    "athlete delete": ("athlete", "delete", "Rocky", "--yes"),
}


def files(folder: Path) -> dict[str, int]:
    """Every file under `folder` and its size."""
    return {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*") if p.is_file()}


def one_line(answer: Any, code: int = 1) -> str:
    assert "Traceback" not in answer.output, answer.output
    lines = [line for line in answer.output.splitlines() if line.strip()]
    assert answer.exit_code == code and len(lines) == 1, (answer.exit_code, answer.output)
    assert lines[0].startswith("error: "), lines
    return str(lines[0])


def check_reads_work_and_writes_refused(cli: Cli, expected: dict[str, Any]) -> None:
    """Reading commands answer as on a writable store; each writing command is one line naming
    the store and saying it is read-only; nothing in its folder changes."""
    before = files(cli.db.parent)
    for command in READS:
        cli(*command)
    assert cli.json("sessions") == expected["sessions"]
    assert cli.json("athlete", "list") == expected["athletes"]
    for what, command in WRITES.items():
        line = one_line(cli(*command, code=None))
        assert str(cli.db) in line and "read-only" in line, (what, line)
    assert cli.json("sessions") == expected["sessions"]
    assert files(cli.db.parent) == before


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Stores:
    return Stores(tmp_path_factory.mktemp("read-only"))


@pytest.fixture
def store(built: Stores, tmp_path: Path) -> Path:
    return built.copy("web", build_store, tmp_path / "lab" / "drago.duckdb")


def answers(db: Path) -> dict[str, Any]:
    cli = Cli(db)
    return {"sessions": cli.json("sessions"), "athletes": cli.json("athlete", "list")}


def refuse_writes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """DuckDB refusing every write open as on a read-only mount (the exact error it raises),
    for root too, which ignores chmod; returns the opens made, "read" or "write"."""
    connect = duckdb.connect
    opened: list[str] = []

    def refuse(database: str = ":memory:", read_only: bool = False, **kw: Any) -> Any:
        opened.append("read" if read_only else "write")
        if not read_only and database != ":memory:":
            raise duckdb.IOException(
                f'IO Error: Cannot open file "{database}": Read-only file system'
            )
        return connect(database, read_only=read_only, **kw)

    monkeypatch.setattr(duckdb, "connect", refuse)
    return opened


def test_a_store_the_system_will_not_open_for_writing_is_read(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = answers(store)
    opened = refuse_writes(monkeypatch)
    check_reads_work_and_writes_refused(Cli(store), expected)
    assert opened[:2] == ["write", "read"]


def test_a_read_only_store_serves_the_dashboard_and_refuses_uploads(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from drago.web import create_app

    expected = answers(store)
    refuse_writes(monkeypatch)
    with TestClient(create_app(store, linger_s=0), raise_server_exceptions=False) as client:
        listed = client.get("/api/athletes")
        assert listed.status_code == 200
        assert len(listed.json()["items"]) == len(expected["athletes"])
        assert client.get("/api/athletes/Drago/load").status_code == 200
        assert client.get("/").status_code == 200
        sent = client.post(
            "/api/athletes/Drago/imports",
            files={"files": (UPLOAD.name, UPLOAD.read_bytes(), "application/octet-stream")},
        )
        body = sent.json()
        assert body["ok"] is False and body["status"] == sent.status_code, body
        assert "read-only" in body["error"] and str(store) in body["error"], body
        assert sent.status_code == 503 and "Retry-After" not in sent.headers  # asking again
    assert answers(store) == expected  # would not help, unlike a store busy for a moment


def test_a_read_only_store_needing_a_migration_says_so(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store as an older drago left it (its newest migration not recorded) cannot be
    upgraded: one line saying so and what to do, not queries failing on missing tables."""
    with Store(store) as writable:
        newest = writable.schema_version
        writable.run("DELETE FROM schema_migrations WHERE version = ?", [newest])
    refuse_writes(monkeypatch)
    line = one_line(Cli(store)("sessions", code=None))
    assert str(store) in line and f"upgrading to schema {newest}" in line, line
    assert "write access" in line
    with pytest.raises(DragoError, match="upgrading"):
        Store(store, read_only=True)


#: Commits a hand-logged session and exits without closing the store: the commit is left in
#: the write-ahead log beside the file, as after a crash or a copy taken while drago ran.
CRASH_AFTER_COMMIT = textwrap.dedent(
    """
    import os, sys
    from datetime import date
    from drago.lab import Lab

    lab = Lab(sys.argv[1])
    lab.store.run("SET checkpoint_threshold = '1TB'")
    lab.sessions.log(athlete="Rocky", day=date(2026, 11, 21), minutes=40, rpe=7, activity="pads")
    os._exit(0)
    """
)


@contextmanager
def made_read_only(folder: Path, fill: Callable[[Path], object]) -> Iterator[Path]:
    """`folder`, filled by `fill`, then made a folder the system will not let drago write: a
    tmpfs remounted read-only as root (root ignores permissions), else chmod a-w."""
    folder.mkdir()
    if os.geteuid() != 0:
        fill(folder)
        targets = [folder, *folder.rglob("*")]
        for path in targets:
            path.chmod(path.stat().st_mode & ~0o222)
        yield folder
        for path in targets:
            path.chmod(path.stat().st_mode | 0o200)
        return
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"root, and cannot mount a tmpfs to make read-only: {done.stderr.strip()}")
    try:
        fill(folder)
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.fixture
def read_only_folder(tmp_path: Path, store: Path) -> Iterator[Path]:
    """The store, with a leftover write-ahead log, in a read-only folder."""
    subprocess.run([sys.executable, "-c", CRASH_AFTER_COMMIT, str(store)], check=True)
    assert Path(f"{store}.wal").exists()
    with made_read_only(tmp_path / "stick", lambda f: copy_store_and_log(store, f)) as folder:
        yield folder / store.name


def copy_store_and_log(store: Path, folder: Path) -> None:
    for path in store.parent.rglob("*"):
        if path.is_file():
            target = folder / path.relative_to(store.parent)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())


def test_a_store_on_a_read_only_folder_is_read_whole(
    read_only_folder: Path, store: Path, tmp_path: Path
) -> None:
    """Reading sees the commit still in the write-ahead log, writing is refused in one line,
    and a backup holds that commit too (CHECKPOINT cannot merge a log it may not write)."""
    db = read_only_folder
    expected = answers(store)  # the writable original: opening it merged its log
    assert any(s["start"].startswith("2026-11-21") for s in expected["sessions"])
    check_reads_work_and_writes_refused(Cli(db), expected)
    archive = tmp_path / "backup.tar.gz"
    Cli(db)("backup", "-o", str(archive))
    restored = tmp_path / "restored" / "drago.duckdb"
    Cli(restored)("restore", str(archive))
    assert answers(restored) == expected
    line = one_line(Cli(db)("backup", "-o", str(db.parent / "here.tar.gz"), code=None))
    assert str(db.parent / "here.tar.gz") in line and "partial" not in line, line


def test_team_mode_on_a_read_only_store_is_refused_before_serving(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Team mode writes its audit log on every request: on a read-only store it would answer
    every request with an error, so it refuses to start, in one line."""
    import uvicorn

    from drago.lab import Lab

    with Lab(store) as lab:
        lab.accounts.add_user("coach", role="admin", password="a long enough password")
    served: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: served.append(a))
    refuse_writes(monkeypatch)
    line = one_line(Cli(store)("serve", "--team", code=None))
    assert str(store) in line and "read-only" in line, line
    assert not served


def test_the_demo_in_a_read_only_home_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make demo` runs `drago demo` in $DRAGO_HOME: read-only, it names the folder in one
    line."""
    from typer.testing import CliRunner

    from drago.cli import app

    with made_read_only(tmp_path / "home", lambda f: None) as home:
        monkeypatch.setenv("DRAGO_HOME", str(home))
        monkeypatch.delenv("DRAGO_DB", raising=False)
        line = one_line(CliRunner().invoke(app, ["demo"]))
        assert str(home / "demo") in line, line
        assert "Read-only file system" in line or "Permission denied" in line, line
        assert not list(home.iterdir())


def test_a_busy_store_says_when_to_ask_again_and_a_read_only_one_does_not() -> None:
    """503 means "not now": `Retry-After` when the store is busy (another process holds it),
    none when it is read-only (asking again will not help)."""
    from starlette.requests import Request

    from drago.store.readonly import ReadOnlyStore
    from drago.web.app import drago_error_response

    request = Request({"type": "http", "method": "POST", "path": "/api/x", "headers": []})
    busy = drago_error_response(request, DragoError("store: Could not set lock on file"))
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "5"
    refused = drago_error_response(request, ReadOnlyStore(Path("s.duckdb"), "read-only mount"))
    assert refused.status_code == 503 and "retry-after" not in refused.headers
