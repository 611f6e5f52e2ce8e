"""Sessions, their streams, and the imported files they came from."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

import duckdb
import polars as pl

from drago.store.db import ArrowStream, Store, utc_now
from drago.store.duplicates import link_duplicates

if TYPE_CHECKING:  # the schemas load with the writes that use them: listings need neither
    from drago.recording import Recording, SessionMeta
    from drago.store.file_info import FileInfo

#: SQL truth of "this session counts in the load" (alias `s` for sessions): not a duplicate,
#: and not a recording flagged implausible unless a person trusted it.
COUNTS_SQL = "(s.duplicate_of IS NULL AND (s.suspect_reason IS NULL OR coalesce(s.trusted, false)))"

SESSION_FIELDS = (
    "athlete_id",
    "start_utc",
    "duration_s",
    "timer_s",
    "activity",
    "sport",
    "sub_sport",
    "distance_m",
    "hr_avg_bpm",
    "hr_max_bpm",
    "hr_low_bpm",
    "n_records",
    "n_rr",
    "rpe",
    "notes",
    "device",
    "source_sha256",
    "source_index",
    "recovered",
    "recovery_reason",
    "created_utc",
)


def naive_utc(moment: datetime) -> datetime:
    """A datetime as naive UTC, the store's convention (naive input is taken as UTC)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def has_file(store: Store, sha256: str, athlete_id: int) -> bool:
    """Whether this athlete already has the file (another athlete's copy does not count)."""
    found = store.one(
        "SELECT 1 FROM files WHERE sha256 = ? AND athlete_id = ?", [sha256, athlete_id]
    )
    return found is not None


def known_hashes(store: Store, athlete_id: int) -> set[str]:
    """The hashes of the files imported for one athlete."""
    rows = store.run("SELECT sha256 FROM files WHERE athlete_id = ?", [athlete_id])
    return {row[0] for row in rows}


def insert_session(store: Store, fields: Mapping[str, Any]) -> int:
    """Insert one session row from a mapping of `SESSION_FIELDS` (missing ones are null)."""
    values = [fields.get(name) for name in SESSION_FIELDS]
    placeholders = ", ".join("?" * len(SESSION_FIELDS))
    row = store.one(
        f"INSERT INTO sessions ({', '.join(SESSION_FIELDS)}) VALUES ({placeholders}) RETURNING id",
        values,
    )
    assert row is not None
    return int(row[0])


def insert_recording(
    store: Store,
    athlete_id: int,
    info: FileInfo,
    recording: Recording,
    summaries: Mapping[int, Mapping[str, float | None]],
) -> list[int]:
    """Insert a file row, its sessions and their streams; the caller holds the transaction.

    `summaries` maps a session index to its summary metrics (hr_avg_bpm, hr_max_bpm, hr_low_bpm).
    """
    now = utc_now()
    store.run(
        "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            info.sha256,
            info.format,
            info.ext,
            info.original_name,
            info.size_bytes,
            athlete_id,
            recording.device,
            recording.recovered,
            recording.recovery_reason,
            now,
        ],
    )
    n_records = _counts(recording.records)
    n_rr = _counts(recording.rr)
    ids: dict[int, int] = {}
    for meta in recording.sessions:
        fields = _session_fields(meta, recording, summaries.get(meta.index, {}))
        fields |= {
            "athlete_id": athlete_id,
            "source_sha256": info.sha256,
            "n_records": n_records.get(meta.index, 0),
            "n_rr": n_rr.get(meta.index, 0),
            "created_utc": now,
        }
        ids[meta.index] = insert_session(store, fields)
    _insert_streams(store, recording, ids)
    link_duplicates(store, ids.values())
    return list(ids.values())


def _counts(frame: pl.DataFrame) -> dict[int, int]:
    if frame.height == 0:
        return {}
    grouped = frame.group_by("session_index").len()
    return dict(zip(grouped["session_index"].to_list(), grouped["len"].to_list(), strict=True))


def _session_fields(
    meta: SessionMeta, recording: Recording, summary: Mapping[str, float | None]
) -> dict[str, Any]:
    return {
        "start_utc": naive_utc(meta.start),
        "duration_s": meta.duration_s,
        "timer_s": meta.timer_s,
        "activity": meta.activity,
        "sport": meta.sport,
        "sub_sport": meta.sub_sport,
        "distance_m": meta.distance_m,
        "hr_avg_bpm": summary.get("hr_avg_bpm"),
        "hr_max_bpm": summary.get("hr_max_bpm"),
        "hr_low_bpm": summary.get("hr_low_bpm"),
        "device": meta.device or recording.device,
        "source_index": meta.index,
        "recovered": recording.recovered,
        "recovery_reason": recording.recovery_reason,
    }


def _with_session_id(frame: pl.DataFrame, ids: Mapping[int, int]) -> pl.DataFrame:
    mapping = pl.DataFrame(
        {"session_index": list(ids), "session_id": list(ids.values())},
        schema={"session_index": pl.Int32, "session_id": pl.Int32},
    )
    return frame.join(mapping, on="session_index", how="inner", maintain_order="left")


def _insert_streams(store: Store, recording: Recording, ids: Mapping[int, int]) -> None:
    from drago.recording import RECORD_SCHEMA

    records = _with_session_id(recording.records, ids).select(
        "session_id",
        pl.col("timestamp").dt.replace_time_zone(None).alias("ts_utc"),
        *(c for c in RECORD_SCHEMA if c not in ("session_index", "timestamp")),
    )
    laps = _with_session_id(recording.laps, ids).select(
        "session_id",
        "lap_index",
        pl.col("start").dt.replace_time_zone(None).alias("start_utc"),
        "duration_s",
        "distance_m",
        "hr_avg_bpm",
        "hr_max_bpm",
    )
    rr = _with_session_id(recording.rr, ids).select(
        "session_id",
        (pl.int_range(pl.len()).over("session_id")).cast(pl.Int32).alias("beat_index"),
        "rr_ms",
    )
    for table, frame in (("records", records), ("laps", laps), ("rr_intervals", rr)):
        if frame.height:
            store.con.register("incoming", ArrowStream(frame))
            try:
                store.run(f"INSERT INTO {table} SELECT * FROM incoming")
            finally:
                with suppress(duckdb.Error):  # an aborted transaction refuses even this
                    store.con.unregister("incoming")


def list_sessions(
    store: Store,
    *,
    athlete_id: int | None = None,
    team_id: int | None = None,
    since: date | None = None,
    session_id: int | None = None,
) -> pl.DataFrame:
    """Sessions with their athlete's and team's names, oldest first; `since` is a UTC date."""
    where: list[str] = ["true"]
    params: list[Any] = []
    for condition, value in (
        ("s.athlete_id = ?", athlete_id),
        ("a.team_id = ?", team_id),
        ("s.id = ?", session_id),
        ("s.start_utc >= ?", None if since is None else datetime.combine(since, time())),
    ):
        if value is not None:
            where.append(condition)
            params.append(value)
    return store.frame(
        f"""
        SELECT s.id, a.name AS athlete, t.name AS team, s.start_utc, s.activity, s.duration_s,
               s.distance_m, s.hr_avg_bpm, s.hr_max_bpm, s.rpe, s.n_records, s.n_rr,
               s.source_sha256, f.format AS source_format, s.recovered, s.recovery_reason,
               s.duplicate_of, s.device, s.sport, s.sub_sport, s.notes, s.timer_s,
               s.source_index, f.original_name, s.hr_time_s, s.zone_s, s.trimp_banister,
               s.trimp_edwards, s.trimp_lucia, s.srpe_load, s.suspect_reason,
               coalesce(s.trusted, false) AS trusted, {COUNTS_SQL} AS counts, s.athlete_id
        FROM sessions s JOIN athletes a ON a.id = s.athlete_id
        LEFT JOIN teams t ON t.id = a.team_id
        LEFT JOIN files f ON f.sha256 = s.source_sha256 AND f.athlete_id = s.athlete_id
        WHERE {" AND ".join(where)}
        ORDER BY s.start_utc, s.id
        """,
        params,
    )
