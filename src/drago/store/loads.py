"""Reading what per-session load needs, and writing the loads back."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress

import duckdb
import polars as pl

from drago.store.db import Store

LOAD_COLUMNS = (
    "hr_time_s",
    "zone_s",
    "trimp_banister",
    "trimp_edwards",
    "trimp_lucia",
    "srpe_load",
)


def _ids_clause(ids: Sequence[int] | None) -> str:
    if ids is None:
        return "true"
    return f"s.id IN ({', '.join(str(int(i)) for i in ids) or 'NULL'})"


def load_inputs(
    store: Store, *, athlete_id: int | None = None, ids: Sequence[int] | None = None
) -> pl.DataFrame:
    """Sessions with what their load depends on: athlete, time zone, sex, zone model, RPE."""
    params = [] if athlete_id is None else [athlete_id]
    athlete = "true" if athlete_id is None else "s.athlete_id = ?"
    return store.frame(
        f"""
        SELECT s.id, s.athlete_id, s.start_utc, s.duration_s, s.rpe, s.n_records,
               s.duplicate_of IS NULL AS counts, a.tz, a.sex,
               coalesce(a.zone_model, 'karvonen') AS zone_model
        FROM sessions s JOIN athletes a ON a.id = s.athlete_id
        WHERE {athlete} AND {_ids_clause(ids)}
        ORDER BY s.athlete_id, s.start_utc, s.id
        """,
        params,
    )


def daily_load_inputs(store: Store, athlete_id: int) -> pl.DataFrame:
    """The athlete's sessions with what the daily load series needs: start, time zone, the
    per-session loads and whether the session counts (is not a duplicate)."""
    return store.frame(
        "SELECT s.id, s.athlete_id, s.start_utc, a.tz, s.trimp_banister, s.trimp_edwards, "
        "s.srpe_load, s.duplicate_of IS NULL AS counts FROM sessions s "
        "JOIN athletes a ON a.id = s.athlete_id WHERE s.athlete_id = ?",
        [athlete_id],
    )


def hr_records(store: Store, ids: Sequence[int]) -> pl.DataFrame:
    """`session_index` (the session id), `timestamp` (UTC) and `hr_bpm` of the sessions' records."""
    if not ids:
        return pl.DataFrame(
            schema={
                "session_index": pl.Int64,
                "timestamp": pl.Datetime("us", "UTC"),
                "hr_bpm": pl.Float64,
            }
        )
    frame = store.frame(
        f"""
        SELECT s.id AS session_index, r.ts_utc AS timestamp, r.hr_bpm
        FROM records r JOIN sessions s ON s.id = r.session_id
        WHERE {_ids_clause(ids)} ORDER BY r.session_id, r.ts_utc
        """
    )
    return frame.with_columns(pl.col("timestamp").dt.replace_time_zone("UTC"))


def write_loads(store: Store, loads: pl.DataFrame) -> None:
    """Set the load columns of the sessions in `loads` (column `id` plus `LOAD_COLUMNS`)."""
    if loads.height == 0:
        return
    frame = loads.select("id", *LOAD_COLUMNS)
    store.con.register("computed_loads", frame.to_arrow())
    try:
        assignments = ", ".join(f"{c} = computed_loads.{c}" for c in LOAD_COLUMNS)
        store.run(
            f"UPDATE sessions SET {assignments}, loads_utc = now()::TIMESTAMP "
            "FROM computed_loads WHERE sessions.id = computed_loads.id"
        )
    finally:
        with suppress(duckdb.Error):
            store.con.unregister("computed_loads")


def athlete_values_all(store: Store, athlete_ids: Sequence[int]) -> pl.DataFrame:
    """Every dated value of the athletes: athlete_id, name, value, valid_from."""
    ids = ", ".join(str(int(i)) for i in athlete_ids) or "NULL"
    return store.frame(
        f"SELECT athlete_id, name, value, valid_from FROM athlete_values "
        f"WHERE athlete_id IN ({ids}) ORDER BY athlete_id, name, valid_from"
    )
