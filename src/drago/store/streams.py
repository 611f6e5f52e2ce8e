"""A session's streams as stored: 1 Hz records, read column by column for charts and the API."""

from __future__ import annotations

from datetime import date

import polars as pl

from drago.recording import RECORD_SCHEMA
from drago.store.db import Store

#: Record columns in the order the API gives them (`timestamp` first, SI units in the names).
RECORD_COLUMNS = tuple(c for c in RECORD_SCHEMA if c not in ("session_index", "timestamp"))


def session_records(store: Store, session_id: int) -> pl.DataFrame:
    """Every record of one session in time order: `timestamp` (UTC) and `RECORD_COLUMNS`."""
    columns = ", ".join(RECORD_COLUMNS)
    return store.frame(
        f"SELECT ts_utc AS timestamp, {columns} FROM records WHERE session_id = ? ORDER BY ts_utc",
        [session_id],
    ).with_columns(pl.col("timestamp").dt.replace_time_zone("UTC"))


def hr_values_on(store: Store, athlete_id: int, day: date) -> dict[str, float]:
    """The athlete's dated HR values in force on `day` (latest `valid_from` <= day), by name."""
    rows = store.run(
        "SELECT name, arg_max(value, valid_from) FROM athlete_values "
        "WHERE athlete_id = ? AND valid_from <= ? GROUP BY name",
        [athlete_id, day],
    )
    return {str(name): float(value) for name, value in rows}


def zone_model(store: Store, athlete_id: int) -> str:
    """The athlete's zone model (karvonen or hrmax)."""
    row = store.one("SELECT zone_model FROM athletes WHERE id = ?", [athlete_id])
    return str(row[0]) if row and row[0] else "karvonen"


def lap_count(store: Store, session_id: int) -> int:
    """How many laps the session has."""
    row = store.one("SELECT count(*) FROM laps WHERE session_id = ?", [session_id])
    return int(row[0]) if row else 0


def session_laps(store: Store, session_id: int) -> pl.DataFrame:
    """The session's laps in order: `session_index` (the session id), `lap_index`, `start`
    (UTC) and `duration_s`."""
    return store.frame(
        "SELECT session_id AS session_index, lap_index, start_utc AS start, duration_s "
        "FROM laps WHERE session_id = ? ORDER BY lap_index",
        [session_id],
    ).with_columns(pl.col("start").dt.replace_time_zone("UTC"))
