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
    owners = store.run("SELECT DISTINCT athlete_id FROM sessions WHERE source_sha256 = ?", [sha256])
    if len(owners) == 1:
        store.run("UPDATE files SET athlete_id = ? WHERE sha256 = ?", [owners[0][0], sha256])


def set_primary(store: Store, session_id: int) -> None:
    session_row(store, session_id)
    pin_primary(store, session_id)


def delete_session(store: Store, session_id: int) -> str | None:
    """Delete a session and its streams; returns the original's sha256 when no session uses it
    any more (its row is gone and the caller removes the file after committing)."""
    row = session_row(store, session_id)
    for table in ("records", "laps", "rr_intervals", "imu_samples"):
        store.run(f"DELETE FROM {table} WHERE session_id = ?", [session_id])
    neighbours = group_of(store, session_id) - {session_id}
    store.run("DELETE FROM sessions WHERE id = ?", [session_id])
    link_duplicates(store, neighbours)
    sha = row["source_sha256"]
    if sha and store.one("SELECT 1 FROM sessions WHERE source_sha256 = ?", [sha]) is None:
        store.run("DELETE FROM files WHERE sha256 = ?", [sha])
        return str(sha)
    return None
