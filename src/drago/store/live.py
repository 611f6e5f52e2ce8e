"""Look-ups the live lab needs after storing a session through the import path."""

from __future__ import annotations

from drago.store.db import Store


def session_of_file(store: Store, sha256: str) -> int | None:
    """The first session imported from the file with this hash, or None."""
    row = store.one("SELECT min(id) FROM sessions WHERE source_sha256 = ?", [sha256])
    return None if row is None or row[0] is None else int(row[0])
