"""Corrections after the fact: change or delete a session, keeping originals while used."""

from __future__ import annotations

from typing import Any

from drago.errors import NotFound
from drago.store.db import Store
from drago.store.duplicates import group_of, link_duplicates, pin_primary

#: Session columns a user may change.
EDITABLE = frozenset({"rpe", "notes", "activity", "athlete_id"})


def session_row(store: Store, session_id: int) -> dict[str, Any]:
    """One session's stored row, or NotFound."""
    result = store.con.execute("SELECT * FROM sessions WHERE id = ?", [session_id])
    names = [d[0] for d in result.description or []]
    rows = result.fetchall()
    if not rows:
        raise NotFound(f"no session {session_id}: see drago sessions for the ids")
    return dict(zip(names, rows[0], strict=True))


def update_session(store: Store, session_id: int, changes: dict[str, Any]) -> None:
    """Apply `changes` to one session; moving it to another athlete relinks duplicates."""
    row = session_row(store, session_id)
    neighbours = group_of(store, session_id) - {session_id}
    for column, value in changes.items():
        if column not in EDITABLE:
            raise ValueError(f"cannot edit {column}")
        store.run(f"UPDATE sessions SET {column} = ? WHERE id = ?", [value, session_id])
    if changes.get("athlete_id", row["athlete_id"]) != row["athlete_id"]:
        store.run(
            "UPDATE sessions SET primary_pinned = false WHERE id = ? OR duplicate_of = ?",
            [session_id, session_id],
        )
        link_duplicates(store, [session_id, *neighbours])
        if row["source_sha256"]:
            _file_follows_sessions(store, row["source_sha256"])


def _file_follows_sessions(store: Store, sha256: str) -> None:
    """One file row per athlete whose sessions come from this original, and none for others."""
    owners = {
        int(row[0])
        for row in store.run(
            "SELECT DISTINCT athlete_id FROM sessions WHERE source_sha256 = ?", [sha256]
        )
    }
    found = store.run("SELECT athlete_id FROM files WHERE sha256 = ?", [sha256])
    rows = {int(row[0]) for row in found}
    if not rows:
        return
    template = min(rows)
    for athlete_id in sorted(owners - rows):
        store.run(
            "INSERT INTO files SELECT sha256, format, ext, original_name, size_bytes, ?, "
            "device, recovered, recovery_reason, imported_utc FROM files "
            "WHERE sha256 = ? AND athlete_id = ?",
            [athlete_id, sha256, template],
        )
    for athlete_id in sorted(rows - owners):
        store.run("DELETE FROM files WHERE sha256 = ? AND athlete_id = ?", [sha256, athlete_id])


def set_primary(store: Store, session_id: int) -> None:
    session_row(store, session_id)
    pin_primary(store, session_id)


def delete_session(store: Store, session_id: int) -> str | None:
    """Delete a session and its streams; returns the original's sha256 when no athlete's file
    row uses it any more (the caller removes the file after committing)."""
    row = session_row(store, session_id)
    for table in ("records", "laps", "rr_intervals", "imu_samples"):
        store.run(f"DELETE FROM {table} WHERE session_id = ?", [session_id])
    neighbours = group_of(store, session_id) - {session_id}
    store.run("DELETE FROM sessions WHERE id = ?", [session_id])
    link_duplicates(store, neighbours)
    sha = row["source_sha256"]
    if not sha:
        return None
    mine = [sha, row["athlete_id"]]
    if store.one("SELECT 1 FROM sessions WHERE source_sha256 = ? AND athlete_id = ?", mine) is None:
        store.run("DELETE FROM files WHERE sha256 = ? AND athlete_id = ?", mine)
    if store.one("SELECT 1 FROM files WHERE sha256 = ?", [sha]) is None:
        return str(sha)
    return None
