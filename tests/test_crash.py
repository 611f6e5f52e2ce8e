"""An import killed mid-way (SIGKILL) leaves a store that opens, holds only whole files,
and a rerun completes the import."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from tests.conftest import DATA


def _drago(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "drago", "--db", str(db), *args]


def _check_whole(db: Path) -> int:
    """Every stored file has its original, its sessions and all of their records."""
    with duckdb.connect(str(db), read_only=True) as con:
        files = con.execute("SELECT sha256, ext FROM files").fetchall()
        for sha, ext in files:
            original = db.parent / "originals" / f"{sha}.{ext}"
            assert hashlib.sha256(original.read_bytes()).hexdigest() == sha
        orphans = con.execute(
            "SELECT count(*) FROM sessions WHERE source_sha256 NOT IN (SELECT sha256 FROM files)"
        ).fetchall()[0][0]
        assert orphans == 0
        assert (
            con.execute(
                "SELECT count(*) FROM files "
                "WHERE sha256 NOT IN (SELECT source_sha256 FROM sessions)"
            ).fetchall()[0][0]
            == 0
        )
        mismatched = con.execute(
            """SELECT count(*) FROM sessions s
               WHERE n_records != (SELECT count(*) FROM records r WHERE r.session_id = s.id)"""
        ).fetchall()[0][0]
        assert mismatched == 0
        return len(files)


def test_sigkill_mid_import_leaves_whole_files(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    sources = sorted((DATA / "fit").glob("*.fit")) + sorted((DATA / "tcx").glob("*.tcx"))
    for source in sources:
        shutil.copy(source, folder / source.name)
    db = tmp_path / "lab" / "drago.duckdb"
    subprocess.run(_drago(db, "athlete", "add", "drago", "--sex", "m"), check=True)
    process = subprocess.Popen(
        _drago(db, "import", str(folder), "--athlete", "drago"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    originals = db.parent / "originals"
    for _ in range(60_000):
        if process.poll() is not None or (originals.exists() and any(originals.glob("*.fit"))):
            break
        time.sleep(0.002)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    stored = _check_whole(db)
    assert stored < len(sources), "the import finished before it could be killed"
    rerun = subprocess.run(
        _drago(db, "import", str(folder), "--athlete", "drago"), capture_output=True, text=True
    )
    assert rerun.returncode == 0, rerun.stderr
    assert _check_whole(db) == len(sources)
