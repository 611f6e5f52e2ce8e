"""Inertial samples of sessions: glove and wrist IMUs, one sensor per hand."""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime

import duckdb
import polars as pl

from drago.store.db import ArrowStream, Store


def overlapping_session(
    store: Store, athlete_id: int, start: datetime, end: datetime
) -> int | None:
    """The athlete's primary session overlapping [start, end] the most, or None."""
    row = store.one(
        """
        SELECT id FROM sessions
        WHERE athlete_id = ? AND duplicate_of IS NULL
          AND start_utc < ? AND start_utc + to_microseconds(CAST(duration_s * 1e6 AS BIGINT)) > ?
        ORDER BY least(epoch(?::TIMESTAMP), epoch(start_utc) + duration_s)
               - greatest(epoch(?::TIMESTAMP), epoch(start_utc)) DESC, id
        LIMIT 1
        """,
        [athlete_id, end, start, end, start],
    )
    return None if row is None else int(row[0])


def insert_imu(store: Store, session_id: int, sensor: str, samples: pl.DataFrame) -> None:
    """Append one sensor's samples (ts_utc, acc_*_ms2, gyro_*_rads) to a session."""
    frame = samples.select(
        pl.lit(session_id, pl.Int32).alias("session_id"),
        pl.lit(sensor).alias("sensor"),
        pl.all(),
    )
    store.con.register("incoming_imu", ArrowStream(frame))
    try:
        store.run("INSERT INTO imu_samples SELECT * FROM incoming_imu")
    finally:
        with suppress(duckdb.Error):
            store.con.unregister("incoming_imu")


def imu_samples(store: Store, session_id: int) -> pl.DataFrame:
    """A session's IMU samples, by sensor then time."""
    return store.frame(
        "SELECT sensor, ts_utc, acc_x_ms2, acc_y_ms2, acc_z_ms2, gyro_x_rads, gyro_y_rads, "
        "gyro_z_rads FROM imu_samples WHERE session_id = ? ORDER BY sensor, ts_utc",
        [session_id],
    )


def has_imu(store: Store, session_id: int) -> bool:
    """True when the session holds IMU samples."""
    row = store.one("SELECT 1 FROM imu_samples WHERE session_id = ? LIMIT 1", [session_id])
    return row is not None


def recent_imu_sessions(store: Store, name: str, last: int) -> pl.DataFrame:
    """`id`, `start_utc` of the named athlete's last `last` sessions with IMU samples (newest
    first)."""
    return store.frame(
        "SELECT DISTINCT s.id, s.start_utc FROM sessions s "
        "JOIN athletes a ON a.id = s.athlete_id "
        "WHERE a.name_key = ? AND s.id IN (SELECT session_id FROM imu_samples) "
        "ORDER BY s.start_utc DESC LIMIT ?",
        [name.strip().casefold(), last],
    )
