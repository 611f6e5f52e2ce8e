"""Faults of the machine rather than of the input, in one line: a damaged store file (truncated
or corrupted), a full disk, and any other refusal of the operating system (a read-only folder,
a path that is a folder or under a file, a missing permission). The store is the only code that
knows DuckDB's errors; surfaces ask `fault_message` whether an unexpected exception is one of
these."""

from __future__ import annotations

import errno
from contextlib import suppress
from pathlib import Path

import duckdb

from drago.errors import DragoError

#: Words of DuckDB's errors about a file that is not whole.
DAMAGE = (
    "could not read enough bytes",
    "corrupt database",
    "not a valid duckdb database",
    "checksum",
)
FULL = ("no space left on device", "disk is full", "not enough space")


def fault_message(exc: BaseException) -> str | None:
    """One line saying what went wrong and what to do, for a damaged store, a full disk or a
    path the operating system refused; None for anything else (a bug: let it surface)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    lowered = text.lower()
    if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or any(w in lowered for w in FULL):
        return (
            f"the disk is full ({text}): nothing was half-written; free some space and "
            "run the command again"
        )
    if isinstance(exc, duckdb.Error) and any(w in lowered for w in DAMAGE):
        return (
            f"the store file is damaged ({text}): restore the last backup with "
            "drago restore, or import your files into a new store"
        )
    if isinstance(exc, duckdb.InvalidInputException) and "read-only mode" in lowered:
        return (
            "the store is read-only (the system refused to write it); this command changes "
            "it: run it with write access to the store's folder, or on a writable copy"
        )
    if isinstance(exc, OSError) and exc.errno is not None:
        return _refused(exc)
    return None


def _refused(exc: OSError) -> str:
    """The operating system said no to a path: the path(s) and its reason, as `cp` says it."""
    reason = exc.strerror or errno.errorcode.get(exc.errno or 0, "refused")
    paths = [str(p) for p in (exc.filename, exc.filename2) if p is not None]
    if not paths:  # a socket, a pipe, a device: no path to fix
        return f"the operating system refused: {reason}"
    where = " -> ".join(paths)
    return f"{where}: {reason} (the system refused it; fix the path or its permissions)"


def open_error(path: Path, exc: Exception) -> DragoError:
    """Why the store at `path` could not be opened, in one line naming it."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if any(word in text.lower() for word in FULL):
        return DragoError(
            f"{path}: cannot open the store: the disk is full ({text}); free some space and "
            "run the command again"
        )
    lowered = text.lower()
    if "wal" in lowered and any(word in lowered for word in DAMAGE):
        return DragoError(
            f"{path}: the store's write-ahead log is damaged ({text}): move {path.name}.wal "
            "aside to open the store as it was at its last checkpoint (the commits in the log "
            "are lost), or restore the last backup with drago restore"
        )
    try:
        empty = path.is_file() and path.stat().st_size == 0
    except OSError:
        empty = False
    if empty:
        return DragoError(
            f"{path}: the store file is empty (0 bytes: its creation was cut short, or it is "
            "not a drago store): delete it to start a new store, or restore a backup with "
            "drago restore"
        )
    return DragoError(f"{path}: cannot open the store: {text}")


def discard_unborn(path: Path) -> None:
    """Remove the empty file DuckDB leaves when it cannot write a new store's first bytes (a
    full disk), so the next try creates the store instead of failing on an empty file."""
    with suppress(OSError):
        if path.stat().st_size == 0:
            path.unlink()
