"""What every importer returns: a typed, database-free `Recording` of one file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    import numpy as np

#: Columns of `Recording.records`: one row per sample, SI units, UTC, null where absent.
RECORD_SCHEMA: dict[str, pl.DataType] = {
    "session_index": pl.Int32(),
    "timestamp": pl.Datetime("us", "UTC"),
    "hr_bpm": pl.Float64(),
    "speed_ms": pl.Float64(),
    "distance_m": pl.Float64(),
    "altitude_m": pl.Float64(),
    "cadence_rpm": pl.Float64(),
    "power_w": pl.Float64(),
    "lat_deg": pl.Float64(),
    "lon_deg": pl.Float64(),
    "temperature_c": pl.Float64(),
}

#: Columns of `Recording.laps`: one row per lap (or TCX Lap), in file order.
LAP_SCHEMA: dict[str, pl.DataType] = {
    "session_index": pl.Int32(),
    "lap_index": pl.Int32(),
    "start": pl.Datetime("us", "UTC"),
    "duration_s": pl.Float64(),
    "distance_m": pl.Float64(),
    "hr_avg_bpm": pl.Float64(),
    "hr_max_bpm": pl.Float64(),
}

#: Columns of `Recording.rr`: RR intervals in file order, assigned to the session they fall in.
RR_SCHEMA: dict[str, pl.DataType] = {
    "session_index": pl.Int32(),
    "rr_ms": pl.Float64(),
}


def empty_frame(schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """An empty frame with `schema`, for recordings without that kind of data."""
    return pl.DataFrame(schema=schema)


@dataclass(frozen=True)
class SessionMeta:
    """One session in a file: a FIT `session` message, a TCX `Activity`, a GPX track.

    `activity` is drago's vocabulary (see `drago.activities`); `sport` and `sub_sport` are the
    file's own words, kept so the mapping can be audited and redone.
    """

    index: int
    start: datetime
    duration_s: float
    activity: str
    sport: str | None = None
    sub_sport: str | None = None
    timer_s: float | None = None
    distance_m: float | None = None
    device: str | None = None


@dataclass
class Recording:
    """A decoded file: its sessions, per-sample records, laps and RR intervals.

    `recovered` is true when only the whole part of a damaged file was read (`--recover`);
    `recovery_reason` then says what was wrong.
    """

    format: str
    sessions: list[SessionMeta]
    records: pl.DataFrame
    laps: pl.DataFrame = field(default_factory=lambda: empty_frame(LAP_SCHEMA))
    rr: pl.DataFrame = field(default_factory=lambda: empty_frame(RR_SCHEMA))
    path: Path | None = None
    device: str | None = None
    recovered: bool = False
    recovery_reason: str | None = None

    @property
    def rr_ms(self) -> np.ndarray | None:
        """All RR intervals of the file in milliseconds, or None when it holds none."""
        if self.rr.height == 0:
            return None
        return self.rr["rr_ms"].to_numpy()

    def session_records(self, index: int) -> pl.DataFrame:
        """The records of one session."""
        return self.records.filter(pl.col("session_index") == index)
