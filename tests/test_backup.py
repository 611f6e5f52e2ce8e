"""Backups: a consistent snapshot, restored whole; an import running meanwhile loses nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from tests.conftest import DATA, Cli

FIT = DATA / "fit"


def test_backup_and_restore(cli: Cli, athlete: Callable[..., str], tmp_path: Path) -> None:
    athlete("drago")
    cli(
        "import",
        str(FIT / "garmin-fenix2-run.fit"),
        str(FIT / "garmin-edge500-ride.fit"),
        "--athlete",
        "drago",
    )
    cli(
        "log",
        "--athlete",
        "drago",
        "--date",
        "2026-01-02",
        "--minutes",
        "30",
        "--rpe",
        "6",
        "--activity",
        "pads",
    )
    archive = tmp_path / "backup.tar.gz"
    assert "backed up 3 files" in cli("backup", "-o", str(archive)).stdout
    restored = Cli(tmp_path / "restored" / "drago.duckdb")
    restored("restore", str(archive))
    assert restored.json("sessions") == cli.json("sessions")
    assert sorted(p.name for p in (tmp_path / "restored" / "originals").iterdir()) == sorted(
        p.name for p in (cli.db.parent / "originals").iterdir()
    )
    result = restored("restore", str(archive), code=2)
    assert "not empty" in result.stderr and result.stderr.count("\n") == 1


def test_damaged_backup_is_refused(tmp_path: Path, cli: Cli, athlete: Callable[..., str]) -> None:
    athlete("drago")
    archive = tmp_path / "backup.tar.gz"
    cli("backup", "-o", str(archive))
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member)
            assert data is not None
            blob = data.read()
            if member.name == "drago.duckdb":
                blob = blob[:-1] + bytes([blob[-1] ^ 1])
            target.addfile(member, __import__("io").BytesIO(blob))
    result = Cli(tmp_path / "x" / "drago.duckdb")("restore", str(tampered), code=1)
    assert "does not match its checksum" in result.stderr
    (tmp_path / "junk.tar.gz").write_bytes(b"not a backup")
    result = Cli(tmp_path / "y" / "drago.duckdb")("restore", str(tmp_path / "junk.tar.gz"), code=1)
    assert "not a drago backup" in result.stderr
    assert not (tmp_path / "x").exists() or not any((tmp_path / "x").iterdir())


def test_backup_while_importing_loses_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    sources = sorted(FIT.glob("*.fit"))[::3]
    for source in sources:
        shutil.copy(source, folder / source.name)
    db = tmp_path / "lab" / "drago.duckdb"
    drago = [sys.executable, "-m", "drago", "--db", str(db)]
    subprocess.run([*drago, "athlete", "add", "drago", "--sex", "m"], check=True)
    importing = subprocess.Popen(
        [*drago, "import", str(folder), "--athlete", "drago"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    backups = [tmp_path / f"b{attempt}.tar.gz" for attempt in range(3)]
    # Each waits for the store's lock, then snapshots a whole state; on a loaded machine the
    # import may hold the store past the default 30 s wait, which is not what this tests.
    patient = os.environ | {"DRAGO_LOCK_TIMEOUT_S": "600"}
    for target in backups:
        subprocess.run([*drago, "backup", "-o", str(target)], check=True, capture_output=True,
                       env=patient)  # fmt: skip
    assert importing.wait() == 0
    listing = subprocess.run(
        [*drago, "sessions", "--format", "json"], capture_output=True, text=True, check=True
    )
    assert len({s["source_sha256"] for s in json.loads(listing.stdout)}) == len(sources)
    for target in backups:
        restored = tmp_path / target.stem / "drago.duckdb"
        subprocess.run([*drago[:-2], "--db", str(restored), "restore", str(target)], check=True)
        with duckdb.connect(str(restored), read_only=True) as con:
            files = con.execute("SELECT count(*) FROM files").fetchall()[0][0]
            whole = con.execute(
                "SELECT count(*) FROM sessions s WHERE n_records != "
                "(SELECT count(*) FROM records r WHERE r.session_id = s.id)"
            ).fetchall()[0][0]
        originals = restored.parent / "originals"
        kept = len(list(originals.iterdir())) if originals.exists() else 0
        assert whole == 0 and kept == files


def test_a_held_store_fails_in_one_line_after_the_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "drago.duckdb"
    holder = duckdb.connect(str(db))
    monkeypatch.setenv("DRAGO_LOCK_TIMEOUT_S", "0.3")
    result = subprocess.run(
        [sys.executable, "-m", "drago", "--db", str(db), "sessions"], capture_output=True, text=True
    )
    holder.close()
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "cannot open the store" in result.stderr
