"""The audit log of team mode: who read or wrote which athlete's data, when, from where."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import quote, quote_plus

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


def forget_athlete(store: Store, athlete_id: int, name: str) -> int:
    """Keep who accessed what and when, but not whom (an erased athlete, in the caller's
    transaction): entries linked to the athlete, or whose path names them (`/athletes/NAME`,
    `?a=NAME`), keep "[erased athlete]" as their path."""
    names = "|".join(re.escape(n) for n in {name, quote(name, safe=""), quote_plus(name)})
    pattern = f"(?i)(/athletes/|[?&][ab]=)({names})([/?&]|$)"
    where = "athlete_id = ? OR regexp_matches(path, ?)"
    row = store.one(f"SELECT count(*) FROM audit WHERE {where}", [athlete_id, pattern])
    store.run(
        f"UPDATE audit SET path = '[erased athlete]', athlete_id = NULL WHERE {where}",
        [athlete_id, pattern],
    )
    return int(row[0]) if row else 0
