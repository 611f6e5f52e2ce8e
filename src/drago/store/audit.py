"""The audit log of team mode: who read or wrote which athlete's data, when, from where."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import polars as pl

from drago.store.db import Store, utc_now


def record(store: Store, **fields: Any) -> None:
    """Append one entry (login, role, action, method, path, athlete_id, status, remote)."""
    columns = ["at_utc", *fields]
    marks = ", ".join("?" for _ in columns)
    store.run(
        f"INSERT INTO audit ({', '.join(columns)}) VALUES ({marks})",
        [utc_now(), *fields.values()],
    )


def entries(
    store: Store, *, athlete_id: int | None = None, since: datetime | None = None
) -> pl.DataFrame:
    """Entries oldest first, with the athlete's current name where they still exist."""
    where: list[str] = ["true"]
    params: list[Any] = []
    if athlete_id is not None:
        where.append("e.athlete_id = ?")
        params.append(athlete_id)
    if since is not None:
        where.append("e.at_utc >= ?")
        params.append(since)
    return store.frame(
        f"""
        SELECT e.at_utc, e.login, e.role, e.action, e.method, e.path, a.name AS athlete,
               e.status, e.remote
        FROM audit e LEFT JOIN athletes a ON a.id = e.athlete_id
        WHERE {" AND ".join(where)} ORDER BY e.id
        """,
        params,
    )
