"""Glove and wrist IMU files at import (`drago import FILE --athlete NAME --hand left|right`).

The recording becomes a stream (`imu_samples`, sensor = the hand) of the athlete's session that
overlaps it in time (the HR session of the same sparring), or of a new session when none does.
The file and its gyroscope twin (MetaWear pairs) are kept as originals.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path

import polars as pl

from drago.errors import BadInput
from drago.imports.decoded import Candidate, Decoded, Failed, FileOutcome, ImportOptions, Imu
from drago.ingest import imu
from drago.ingest.imu import ACC_COLUMNS, GYRO_COLUMNS, ImuRecording, read_imu
from drago.store import Store
from drago.store.db import utc_now
from drago.store.imu import insert_imu, overlapping_session
from drago.store.originals import sha256_hex
from drago.store.readiness import insert_file_row
from drago.store.sessions import has_file, insert_session

#: Activity of a session created for an IMU recording that overlaps none.
NEW_SESSION_ACTIVITY = "bag"


def claims(name: Path, head: bytes, options: ImportOptions) -> bool:
    """IMU when a hand is given and the head reads as an IMU CSV."""
    return options.hand is not None and imu.sniff(head)


def decode(candidate: Candidate, sha256: str, data: bytes, options: ImportOptions) -> Decoded:
    """Read an IMU file (runs in a worker); never raises for bad input."""
    path = candidate.path
    if candidate.entry.info is not None:
        return Failed(path, sha256, BadInput(path, "import IMU files as plain files"))
    try:
        return Imu(path, sha256, data, read_imu(candidate.entry.file))
    except BadInput as exc:
        return Failed(path, sha256, BadInput(path, exc.reason))


def store(db: Store, athlete_id: int, decoded: Imu, options: ImportOptions) -> FileOutcome:
    """Store an IMU recording under a session: its outcome (failed without a start time)."""
    try:
        session_id = store_imu(
            db,
            athlete_id,
            decoded.path,
            decoded.sha256,
            decoded.data,
            decoded.imu,
            options.hand or "unknown",
        )
    except BadInput as exc:
        return FileOutcome(decoded.path, "failed", exc.reason)
    return FileOutcome(decoded.path, "imported", None, [session_id])


def store_imu(
    store: Store,
    athlete_id: int,
    path: Path,
    sha256: str,
    data: bytes,
    rec: ImuRecording,
    hand: str,
) -> int:
    """Keep the originals and file the samples under a session, in one transaction."""
    if rec.start is None:
        raise BadInput(path, "the IMU file gives no absolute start time, so no session to file")
    start = rec.start.astimezone(UTC).replace(tzinfo=None)
    end = start + timedelta(seconds=rec.duration_s)
    twin = rec.gyro_path.read_bytes() if rec.gyro_path and rec.gyro_path != rec.path else None
    store.originals.keep(data, sha256, "csv")
    if twin is not None:
        store.originals.keep(twin, sha256_hex(twin), "csv")
    offset_us = (pl.col("t_s") * 1e6).round(0).cast(pl.Int64)
    no_gyro = [pl.lit(None, pl.Float64).alias(c) for c in GYRO_COLUMNS]
    samples = rec.frame.select(
        (pl.lit(start) + pl.duration(microseconds=offset_us)).alias("ts_utc"),
        *ACC_COLUMNS,
        *(GYRO_COLUMNS if rec.has_gyro else no_gyro),
    )
    with store.transaction():
        insert_file_row(store, sha256, "imu", "csv", path.name, len(data), athlete_id)
        if twin is not None and rec.gyro_path and not has_file(store, sha256_hex(twin), athlete_id):
            insert_file_row(
                store, sha256_hex(twin), "imu", "csv", rec.gyro_path.name, len(twin), athlete_id
            )
        session_id = overlapping_session(store, athlete_id, start, end)
        if session_id is None:
            session_id = insert_session(
                store,
                {
                    "athlete_id": athlete_id,
                    "start_utc": start,
                    "duration_s": rec.duration_s,
                    "activity": NEW_SESSION_ACTIVITY,
                    "n_records": 0,
                    "n_rr": 0,
                    "recovered": False,
                    "source_sha256": sha256,
                    "device": rec.format,
                    "notes": f"IMU recording ({hand} hand)",
                    "created_utc": utc_now(),
                },
            )
        insert_imu(store, session_id, hand, samples)
    return session_id
