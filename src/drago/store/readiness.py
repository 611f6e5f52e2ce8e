"""Morning RR measurements and wellness questionnaires."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import polars as pl

from drago.store.db import ArrowStream, Store, utc_now
from drago.vocab import WELLNESS_COLUMNS

MEASUREMENT_FIELDS = (
    "athlete_id",
    "date",
    "start_utc",
    "source_sha256",
    "format",
    "unit_detected",
    "n_beats",
    "duration_s",
    "artefact_pct",
    "reliable",
    "reason",
    "correction",
    "mean_rr_ms",
    "mean_hr_bpm",
    "rmssd_ms",
    "ln_rmssd",
    "sdnn_ms",
    "pnn50_pct",
)


def insert_measurement(store: Store, fields: dict[str, Any], rr_ms: np.ndarray) -> int:
    """One morning measurement and its raw beats (in the caller's transaction)."""
    values = [fields.get(name) for name in MEASUREMENT_FIELDS]
    placeholders = ", ".join("?" * (len(MEASUREMENT_FIELDS) + 1))
    row = store.one(
        f"INSERT INTO rr_measurements ({', '.join(MEASUREMENT_FIELDS)}, created_utc) "
        f"VALUES ({placeholders}) RETURNING id",
        [*values, utc_now()],
    )
    assert row is not None
    measurement_id = int(row[0])
    beats = pl.DataFrame(
        {
            "measurement_id": np.full(rr_ms.size, measurement_id, dtype=np.int32),
            "beat_index": np.arange(rr_ms.size, dtype=np.int32),
            "rr_ms": rr_ms.astype(np.float64),
        }
    )
    store.con.register("incoming_beats", ArrowStream(beats))
    try:
        store.run("INSERT INTO measurement_rr SELECT * FROM incoming_beats")
    finally:
        store.con.unregister("incoming_beats")
    return measurement_id


def insert_file_row(
    store: Store, sha256: str, fmt: str, ext: str, name: str, size: int, athlete_id: int
) -> None:
    store.run(
        "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, NULL, false, NULL, ?)",
        [sha256, fmt, ext, name, size, athlete_id, utc_now()],
    )


def upsert_wellness(store: Store, athlete_id: int, day: date, items: dict[str, Any]) -> None:
    """Record (or replace) the day's questionnaire."""
    values = [items.get(name) for name in WELLNESS_COLUMNS]
    store.run(
        f"INSERT OR REPLACE INTO wellness (athlete_id, date, {', '.join(WELLNESS_COLUMNS)}, "
        "created_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [athlete_id, day, *values, utc_now()],
    )


def wellness(store: Store, athlete_id: int) -> pl.DataFrame:
    """Every questionnaire of an athlete, by date."""
    return store.frame(
        f"SELECT date, {', '.join(WELLNESS_COLUMNS)} FROM wellness WHERE athlete_id = ? "
        "ORDER BY date",
        [athlete_id],
    )


def measurements(store: Store, athlete_id: int) -> pl.DataFrame:
    return store.frame(
        "SELECT * FROM rr_measurements WHERE athlete_id = ? ORDER BY date, id", [athlete_id]
    )
