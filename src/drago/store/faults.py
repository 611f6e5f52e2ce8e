"""Faults of the machine rather than of the input, in one line: a damaged store file (truncated
or corrupted), a full disk. The store is the only code that knows DuckDB's errors; surfaces ask
`fault_message` whether an unexpected exception is one of these."""

from __future__ import annotations

import errno

import duckdb

#: Words of DuckDB's errors about a file that is not whole.
DAMAGE = (
    "could not read enough bytes",
    "corrupt database",
    "not a valid duckdb database",
    "checksum",
)
FULL = ("no space left on device", "disk is full", "not enough space")


def fault_message(exc: BaseException) -> str | None:
    """One line saying what went wrong and what to do, for a damaged store or a full disk;
    None for anything else (a bug: let it surface)."""
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
    return None
