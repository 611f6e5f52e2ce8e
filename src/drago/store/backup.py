"""Backups: one consistent archive of the database and its originals, and its restore."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from drago.errors import BadInput, UsageError
from drago.store.db import DB_NAME, Store

MANIFEST = "manifest.json"


def backup(store: Store, target: Path) -> dict[str, Any]:
    """Write `target` (.tar.gz): the checkpointed database file, every original, a manifest.

    The store stays open (and so locked against other writers) for the whole copy, so the
    snapshot is consistent; an import started meanwhile waits for the lock or fails cleanly.
    """
    store.run("CHECKPOINT")
    members: list[tuple[str, Path]] = [(DB_NAME, store.path)]
    for sha, ext in store.run("SELECT sha256, ext FROM files ORDER BY sha256"):
        path = store.originals.path_for(sha, ext)
        members.append((f"originals/{path.name}", path))
    entries = []
    partial = target.with_name(f".{target.name}.partial")
    target.parent.mkdir(parents=True, exist_ok=True)
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
    partial.replace(target)
    return manifest


def restore(source: Path, db_path: Path) -> dict[str, Any]:
    """Unpack a backup into the empty data directory of `db_path`, checking every checksum."""
    folder = db_path.parent
    if folder.exists() and any(folder.iterdir()):
        raise UsageError(f"{folder} is not empty: restore into an empty data directory")
    try:
        with tarfile.open(source, "r:gz") as archive:
            blobs = {m.name: archive.extractfile(m) for m in archive.getmembers() if m.isfile()}
            contents = {name: handle.read() for name, handle in blobs.items() if handle}
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise BadInput(source, f"not a drago backup: {exc}") from exc
    if MANIFEST not in contents:
        raise BadInput(source, "not a drago backup: no manifest.json")
    manifest: dict[str, Any] = json.loads(contents[MANIFEST])
    for entry in manifest["files"]:
        name = entry["path"]
        data = contents.get(name)
        parts = PurePosixPath(name).parts
        if data is None or ".." in parts or PurePosixPath(name).is_absolute():
            raise BadInput(source, f"backup member {name} is missing or unsafe")
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise BadInput(source, f"backup member {name} does not match its checksum")
    folder.mkdir(parents=True, exist_ok=True)
    for entry in manifest["files"]:
        name = entry["path"]
        target = db_path if name == DB_NAME else folder / PurePosixPath(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(contents[name])
    return manifest
