"""A store the operating system will not let drago write: a read-only file, folder or mount (a
coach reading a copy on a USB stick, a federation's shared folder). `Store` opens it read-only
instead, so every reading command works; every write is refused before anything is written,
in one line naming the store (`ReadOnlyStore`).

DuckDB opens a file for writing even when its folder is read-only, and fails only when a commit
creates the write-ahead log beside it; so the file, its log and the folder are checked up front
(`os.access`, which also answers no on a read-only mount, for root too), and a refusal DuckDB
reports when opening is caught as well (`is_refusal`).
"""

from __future__ import annotations

import os
from pathlib import Path

from drago.errors import DragoError, ReadOnly

#: Words of the operating system's refusals, as DuckDB quotes them ("Cannot open file ...: ").
REFUSALS = ("permission denied", "read-only file system", "operation not permitted")
#: What `Store.refused` says when the caller asked for a read-only store.
ASKED = "opened read-only"


class ReadOnlyStore(ReadOnly):
    """A write to a store that can only be read."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            f"{path}: the store is read-only ({reason}); this command changes it: run it with "
            "write access to the store's folder, or on a writable copy"
        )


class WriteRefused(DragoError):
    """DuckDB could not open the store for writing because the operating system said no."""

    def __init__(self, path: Path, reason: str) -> None:
        self.reason = reason
        super().__init__(f"{path}: cannot open the store for writing: {reason}")


def is_refusal(message: str) -> bool:
    """Whether DuckDB's error text is the operating system refusing to write a file."""
    lowered = message.lower()
    return any(word in lowered for word in REFUSALS)


def refused_write(path: Path) -> str | None:
    """Why the operating system will not let drago write the store at `path` (the file, its
    write-ahead log, or the folder where DuckDB creates that log), or None."""
    wal = Path(f"{path}.wal")
    for target, what in ((path, "the file"), (wal, "its write-ahead log"), (path.parent, "")):
        if target != path.parent and not target.exists():
            continue
        if not os.access(target, os.W_OK):
            return _why(target, what or f"its folder {target}")
    return None


def _why(target: Path, what: str) -> str:
    try:
        mount_read_only = bool(os.statvfs(target).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (Windows), or a path that just went away
        mount_read_only = False
    if mount_read_only:
        return f"{what} is on a read-only file system"
    return f"{what} is not writable"


def needs_migration(path: Path, reason: str, version: int) -> DragoError:
    """A read-only store whose schema is older than this drago's."""
    return DragoError(
        f"{path}: the store needs upgrading to schema {version} but is read-only ({reason}): "
        "open it once with write access (any drago command upgrades it), or upgrade a "
        "writable copy"
    )
