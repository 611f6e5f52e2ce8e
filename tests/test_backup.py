"""Backups: a consistent snapshot, restored whole; an import running meanwhile loses nothing."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
        subprocess.run(
            [*drago, "backup", "-o", str(target)], check=True, capture_output=True, env=patient
        )
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


def _rewrite(archive: Path, out: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    """A copy of a backup with each member's bytes changed by `change` (None: left out)."""
    with tarfile.open(archive) as source, tarfile.open(out, "w:gz") as target:
        for member in source.getmembers():
            handle = source.extractfile(member)
            assert handle is not None
            blob = change(member.name, handle.read())
            if blob is not None:
                member.size = len(blob)
                target.addfile(member, __import__("io").BytesIO(blob))
    return out


def test_hostile_backups_are_refused_in_one_line_before_anything_is_written(
    tmp_path: Path, cli: Cli, athlete: Callable[..., str]
) -> None:
    """Malformed manifests, a member not the size or kind the manifest says, a database that
    is not a drago store: one line, exit 1, an empty data directory (issue 15)."""
    athlete("drago")
    cli("import", str(FIT / "garmin-fenix2-run.fit"), "--athlete", "drago")
    archive = tmp_path / "backup.tar.gz"
    cli("backup", "-o", str(archive))

    def manifest(edit: Callable[[dict[str, Any]], Any]) -> Callable[[str, bytes], bytes | None]:
        def change(name: str, blob: bytes) -> bytes | None:
            if name != "manifest.json":
                return blob
            data = json.loads(blob)
            edited = edit(data)
            return edited if isinstance(edited, bytes) else json.dumps(data).encode()

        return change

    not_duckdb = b"SQLite format 3\x00" + b"\x00" * 5000
    cases: dict[str, Callable[[str, bytes], bytes | None]] = {
        "not JSON": manifest(lambda m: b"{not json"),
        "files not a list": manifest(lambda m: m.update(files="all")),
        "an entry without sha256": manifest(lambda m: m["files"][0].pop("sha256")),
        "no files": manifest(lambda m: m.update(files=[])),
        "a path outside": manifest(lambda m: m["files"][1].update(path="../../etc/passwd")),
        "a bigger member than listed": lambda n, b: b + b"x" if n.startswith("originals/") else b,
        "a member left out": lambda n, b: None if n.startswith("originals/") else b,
    }
    for why, change in cases.items():
        hostile = _rewrite(archive, tmp_path / f"{why}.tar.gz", change)
        folder = tmp_path / why.replace(" ", "-")
        result = Cli(folder / "drago.duckdb")("restore", str(hostile), code=1)
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.output, why
        assert not folder.exists() or not any(folder.iterdir()), why

    # a database that is not drago's, with a manifest that matches it
    def swap(name: str, blob: bytes) -> bytes | None:
        return not_duckdb if name == "drago.duckdb" else blob

    swapped = _rewrite(archive, tmp_path / "swapped.tar.gz", swap)

    def fix(name: str, blob: bytes) -> bytes | None:
        if name != "manifest.json":
            return blob
        data = json.loads(blob)
        for entry in data["files"]:
            if entry["path"] == "drago.duckdb":
                entry.update(bytes=len(not_duckdb), sha256=hashlib.sha256(not_duckdb).hexdigest())
        return json.dumps(data).encode()

    forged = _rewrite(swapped, tmp_path / "forged.tar.gz", fix)
    result = Cli(tmp_path / "forged" / "drago.duckdb")("restore", str(forged), code=1)
    assert "is not a drago store" in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "forged").exists()  # the folder the restore made is gone again


def test_a_failed_backup_names_the_path_typed_and_leaves_nothing(
    tmp_path: Path, cli: Cli, athlete: Callable[..., str]
) -> None:
    """The archive is written under a hidden `.NAME.partial` and renamed: when the system
    refuses either step, the one line names the path the user typed, not the hidden file, and
    no `.partial` is left behind."""
    athlete("drago")
    out = tmp_path / "out"
    out.mkdir()
    taken = out / "taken.tar.gz"  # the rename fails: a folder holds the name
    taken.mkdir()
    (out / ".blocked.tar.gz.partial").mkdir()  # the hidden file cannot be created
    for target in (taken, out / "blocked.tar.gz"):
        answer = cli("backup", "-o", str(target), code=None)
        lines = [line for line in answer.output.splitlines() if line.strip()]
        assert answer.exit_code == 1 and len(lines) == 1, answer.output
        assert f"error: {target}: Is a directory" in lines[0], lines
        assert "partial" not in lines[0]
    assert sorted(p.name for p in out.iterdir()) == [".blocked.tar.gz.partial", "taken.tar.gz"]
    assert not list(taken.iterdir())
