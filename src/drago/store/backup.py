"""Backups: one consistent archive of the database and its originals, and its restore."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import duckdb

from drago.errors import BadInput, UsageError
from drago.store import outputs
from drago.store.db import DB_NAME, Store

MANIFEST = "manifest.json"


def backup(store: Store, target: Path) -> dict[str, Any]:
    """Write `target` (.tar.gz): the checkpointed database file, every original, a manifest.

    The store stays open (and so locked against other writers) for the whole copy, so the
    snapshot is consistent; an import started meanwhile waits for the lock or fails cleanly.
    The archive is written under a hidden name and renamed when whole; an error names
    `target`, and leaves neither it nor the hidden file behind.
    """
    store.run("CHECKPOINT")
    partial = outputs.hidden(target)
    scratch = outputs.hidden(target, "snapshot")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _database_file(store, scratch) as database:
            members: list[tuple[str, Path]] = [(DB_NAME, database)]
            for sha, ext in store.run("SELECT DISTINCT sha256, ext FROM files ORDER BY sha256"):
                path = store.originals.path_for(sha, ext)
                members.append((f"originals/{path.name}", path))
            manifest = _write(store, partial, members)
        partial.replace(target)
    except BaseException as exc:  # a full disk, an interrupt: no partial archive is left behind
        outputs.discard(partial)
        if isinstance(exc, OSError) and (typed := outputs.as_typed(exc, target, partial, scratch)):
            raise typed from exc
        raise
    return manifest


@contextmanager
def _database_file(store: Store, scratch: Path) -> Iterator[Path]:
    """The database file to archive: the store's own, checkpointed; for a store the system
    will not let drago write (`store.readonly`), whose last commits may still be in a
    write-ahead log that CHECKPOINT cannot merge, a checkpointed copy made in the folder
    `scratch` (removed after)."""
    wal = Path(f"{store.path}.wal")
    if store.refused is None or not wal.exists():
        yield store.path
        return
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        scratch.mkdir()
        copy = scratch / DB_NAME
        shutil.copyfile(store.path, copy)
        shutil.copyfile(wal, f"{copy}.wal")
        con = duckdb.connect(str(copy))  # replays the log; closing checkpoints it
        try:
            con.execute("CHECKPOINT")
        finally:
            con.close()
        yield copy
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _write(store: Store, partial: Path, members: list[tuple[str, Path]]) -> dict[str, Any]:
    entries = []
    with tarfile.open(partial, "w:gz") as archive:
        for name, path in members:
            data = path.read_bytes()
            entries.append(
                {"path": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            )
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = int(path.stat().st_mtime)
            archive.addfile(info, io.BytesIO(data))
        manifest = {
            "created_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "schema_version": store.schema_version,
            "files": entries,
        }
        blob = json.dumps(manifest, indent=2).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(blob)
        archive.addfile(info, io.BytesIO(blob))
    return manifest


#: The manifest is small; a larger one is not drago's.
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
CHUNK = 1024 * 1024
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _not_backup(source: Path, why: str) -> BadInput:
    return BadInput(source, f"not a drago backup: {why}")


def _manifest(source: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """The backup's manifest, checked, and the size of every file member (first pass: the
    members' bytes are skipped, never held)."""
    sizes: dict[str, int] = {}
    blob = None
    try:
        with tarfile.open(source, "r|gz") as archive:
            for member in archive:
                if not member.isfile():
                    continue
                sizes[member.name] = member.size
                if member.name == MANIFEST:
                    if member.size > MAX_MANIFEST_BYTES:
                        raise _not_backup(source, "its manifest.json is too large")
                    handle = archive.extractfile(member)
                    blob = handle.read() if handle else None
    except (OSError, tarfile.TarError, EOFError, zlib.error) as exc:
        raise _not_backup(source, str(exc).splitlines()[0] if str(exc) else "damaged") from exc
    if blob is None:
        raise _not_backup(source, "no manifest.json")
    try:
        manifest = json.loads(blob)
        entries = manifest["files"]
        ok = isinstance(entries, list) and all(
            isinstance(e, dict)
            and isinstance(e.get("path"), str)
            and isinstance(e.get("bytes"), int)
            and not isinstance(e.get("bytes"), bool)
            and isinstance(e.get("sha256"), str)
            and _SHA256.fullmatch(e["sha256"])
            for e in entries
        )
    except (ValueError, TypeError, KeyError) as exc:
        raise _not_backup(source, "its manifest.json is not valid") from exc
    if not ok:
        raise _not_backup(source, "its manifest.json lists files without path, bytes, sha256")
    names = [e["path"] for e in entries]
    if DB_NAME not in names or len(set(names)) != len(names):
        raise _not_backup(source, f"its manifest.json does not list {DB_NAME} once")
    for entry in entries:
        name, parts = entry["path"], PurePosixPath(entry["path"]).parts
        if name != DB_NAME and (
            len(parts) != 2 or parts[0] != "originals" or parts[1] in ("..", ".")
        ):
            raise BadInput(source, f"backup member {name[:80]!r} is unsafe")
        if sizes.get(name) != entry["bytes"]:
            raise BadInput(
                source, f"backup member {name} is missing or not the size the manifest says"
            )
    return manifest, sizes


def restore(source: Path, db_path: Path) -> dict[str, Any]:
    """Unpack a backup into the empty data directory of `db_path`. Streamed in two passes,
    never read whole: the manifest is checked against the members' sizes before anything is
    written; each member is written to a staging folder while its checksum is computed; the
    database must open as a drago store; only then are the files moved into place (a failure
    leaves the directory as it was). The system refusing to write (a full disk, a read-only
    folder) is said as such, not as a damaged backup."""
    folder = db_path.parent
    if folder.exists() and any(folder.iterdir()):
        raise UsageError(f"{folder} is not empty: restore into an empty data directory")
    manifest, _ = _manifest(source)
    wanted = {e["path"]: e for e in manifest["files"]}
    made = [p for p in (folder, *folder.parents) if not p.exists()]
    placed: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        try:
            staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=folder))
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(folder)) from exc
        try:
            _unpack(source, staging, wanted)
            _check_database(source, staging / DB_NAME)
            for name in wanted:
                final = db_path if name == DB_NAME else folder / PurePosixPath(name)
                final.parent.mkdir(parents=True, exist_ok=True)
                (staging / name).replace(final)
                placed.append(final)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        for path in placed:
            outputs.discard(path)
        for empty in (folder / "originals", *made):  # the folders this restore made
            with suppress(OSError):
                empty.rmdir()
        raise
    return manifest


def _unpack(source: Path, staging: Path, wanted: dict[str, dict[str, Any]]) -> None:
    """Write the wanted members of the backup `source` under `staging`, checking each one's
    SHA-256. A damaged archive is a BadInput; the system refusing a write (an OSError with an
    errno: a full disk, a read-only folder) is raised as it is, for `fault_message`."""
    try:
        with tarfile.open(source, "r|gz") as archive:
            for member in archive:
                entry = wanted.get(member.name)
                if entry is None or not member.isfile():
                    continue
                handle = archive.extractfile(member)
                target = staging / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with target.open("wb") as out:
                    while handle is not None and (chunk := handle.read(CHUNK)):
                        digest.update(chunk)
                        out.write(chunk)
                if digest.hexdigest() != entry["sha256"]:
                    raise BadInput(
                        source, f"backup member {member.name} does not match its checksum"
                    )
    except (OSError, tarfile.TarError, EOFError, zlib.error) as exc:
        if isinstance(exc, OSError) and exc.errno is not None:
            raise  # the system said no (gzip's own errors carry no errno)
        raise _not_backup(source, str(exc).splitlines()[0] if str(exc) else "damaged") from exc


def _check_database(source: Path, path: Path) -> None:
    """The restored database must be a DuckDB file holding drago's migrations table."""
    try:
        con = duckdb.connect(str(path), read_only=True)
        try:
            con.execute("SELECT max(version) FROM schema_migrations").fetchall()
        finally:
            con.close()
    except duckdb.Error as exc:
        raise _not_backup(source, f"its {DB_NAME} is not a drago store") from exc
