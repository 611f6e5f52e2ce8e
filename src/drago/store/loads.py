"""Reading what per-session load needs, and writing the loads back."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress

import duckdb
import polars as pl

from drago.store.db import ArrowStream, Store
from drago.store.sessions import COUNTS_SQL

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
    """Sessions with what their load depends on (athlete, time zone, sex, zone model, RPE),
    and their activity (for the plausibility rules)."""
    params = [] if athlete_id is None else [athlete_id]
    athlete = "true" if athlete_id is None else "s.athlete_id = ?"
    return store.frame(
        f"""
        SELECT s.id, s.athlete_id, s.start_utc, s.duration_s, s.rpe, s.n_records, s.activity,
               {COUNTS_SQL} AS counts, a.tz, a.sex,
               coalesce(a.zone_model, 'karvonen') AS zone_model
        FROM sessions s JOIN athletes a ON a.id = s.athlete_id
        WHERE {athlete} AND {_ids_clause(ids)}
        ORDER BY s.athlete_id, s.start_utc, s.id
        """,
        params,
    )


def daily_load_inputs(store: Store, athlete_id: int) -> pl.DataFrame:
    """The athlete's sessions with what the daily load series needs: start, time zone, the
    per-session loads and whether the session counts (not a duplicate, not an untrusted
    implausible recording)."""
    return store.frame(
        "SELECT s.id, s.athlete_id, s.start_utc, a.tz, s.trimp_banister, s.trimp_edwards, "
        f"s.srpe_load, {COUNTS_SQL} AS counts FROM sessions s "
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


def load_history(store: Store, athlete_ids: Sequence[int]) -> pl.DataFrame:
    """`athlete_id`, `trimp_banister`, `srpe_load`, `counts` of every session of the athletes."""
    ids = ", ".join(str(int(i)) for i in athlete_ids) or "NULL"
    return store.frame(
        f"SELECT s.athlete_id, s.trimp_banister, s.srpe_load, {COUNTS_SQL} AS counts "
        f"FROM sessions s WHERE s.athlete_id IN ({ids})"
    )


#: The columns of `plausibility_inputs` read from the records.
MEASURED_PLAUSIBILITY = ("span_s", "hr_min_bpm", "hr_max_bpm", "speed_p99_ms")


def plausibility_inputs(store: Store, ids: Sequence[int]) -> pl.DataFrame:
    """Per session: `id`, `activity`, `duration_s`, the span of its records (`span_s`), the
    lowest and highest HR sample above 0 (`hr_min_bpm`, `hr_max_bpm`) and the 99th percentile
    of its speed (`speed_p99_ms`); for `drago.analysis.plausibility`."""
    return store.frame(
        f"""
        SELECT s.id, s.activity, s.duration_s,
               epoch(max(r.ts_utc)) - epoch(min(r.ts_utc)) AS span_s,
               min(r.hr_bpm) FILTER (WHERE r.hr_bpm > 0) AS hr_min_bpm,
               max(r.hr_bpm) FILTER (WHERE r.hr_bpm > 0) AS hr_max_bpm,
               quantile_cont(r.speed_ms, 0.99) AS speed_p99_ms
        FROM sessions s LEFT JOIN records r ON r.session_id = s.id
        WHERE {_ids_clause(ids)} GROUP BY s.id, s.activity, s.duration_s ORDER BY s.id
        """
    )


#: Up to this many sessions, loads and reasons are written row by row with parameters:
#: registering an Arrow stream and joining it costs a one-session write (`drago log`) about
#: 6 ms of CPU more (issue 19); beyond, the join is the faster.
ROW_BY_ROW_MAX = 16


def write_suspects(store: Store, reasons: pl.DataFrame) -> None:
    """Set `suspect_reason` (null: plausible) of the sessions in `reasons` (`id`, `reason`)."""
    if reasons.height == 0:
        return
    if reasons.height <= ROW_BY_ROW_MAX:
        for row in reasons.select("reason", "id").iter_rows():
            store.run("UPDATE sessions SET suspect_reason = ? WHERE id = ?", list(row))
        return
    store.con.register("suspect_reasons", ArrowStream(reasons.select("id", "reason")))
    try:
        store.run(
            "UPDATE sessions SET suspect_reason = suspect_reasons.reason "
            "FROM suspect_reasons WHERE sessions.id = suspect_reasons.id"
        )
    finally:
        with suppress(duckdb.Error):
            store.con.unregister("suspect_reasons")


def set_trusted(store: Store, session_id: int, trusted: bool) -> None:
    store.run("UPDATE sessions SET trusted = ? WHERE id = ?", [trusted, session_id])


def write_loads(store: Store, loads: pl.DataFrame, reasons: pl.DataFrame | None = None) -> None:
    """Set the load columns of the sessions in `loads` (column `id` plus `LOAD_COLUMNS`) and,
    with `reasons` (`id`, `reason`), their `suspect_reason` as `write_suspects` does: for a few
    sessions with a reason each (`drago log`), in one statement per session rather than two
    (1-2 ms of CPU; issue 19)."""
    if loads.height == 0:
        if reasons is not None:
            write_suspects(store, reasons)
        return
    if loads.height <= ROW_BY_ROW_MAX:
        assignments = ", ".join(f"{c} = ?" for c in LOAD_COLUMNS)
        rows = loads.select(*LOAD_COLUMNS, "id")
        if reasons is not None and sorted(reasons["id"]) == sorted(loads["id"]):
            assignments += ", suspect_reason = ?"
            given = reasons.select(pl.col("id").cast(rows.schema["id"]), "reason")
            rows = rows.join(given, on="id", maintain_order="left")
            rows = rows.select(*LOAD_COLUMNS, "reason", "id")
            reasons = None
        update = f"UPDATE sessions SET {assignments}, loads_utc = now()::TIMESTAMP WHERE id = ?"
        for row in rows.iter_rows():
            store.run(update, list(row))
        if reasons is not None:
            write_suspects(store, reasons)
        return
    frame = loads.select("id", *LOAD_COLUMNS)
    store.con.register("computed_loads", ArrowStream(frame))
    try:
        assignments = ", ".join(f"{c} = computed_loads.{c}" for c in LOAD_COLUMNS)
        store.run(
            f"UPDATE sessions SET {assignments}, loads_utc = now()::TIMESTAMP "
            "FROM computed_loads WHERE sessions.id = computed_loads.id"
        )
    finally:
        with suppress(duckdb.Error):
            store.con.unregister("computed_loads")
    if reasons is not None:
        write_suspects(store, reasons)


def athlete_values_all(store: Store, athlete_ids: Sequence[int]) -> pl.DataFrame:
    """Every dated value of the athletes: athlete_id, name, value, valid_from."""
    ids = ", ".join(str(int(i)) for i in athlete_ids) or "NULL"
    return store.frame(
        f"SELECT athlete_id, name, value, valid_from FROM athlete_values "
        f"WHERE athlete_id IN ({ids}) ORDER BY athlete_id, name, valid_from"
    )
