"""Per-session heart-rate summaries computed at import: average, peak and lowest sustained HR."""

from __future__ import annotations

import polars as pl

#: Window of the lowest sustained HR (the data-based resting-HR estimate).
SUSTAINED_WINDOW = "120s"
#: Samples a window needs before it counts (so a strap's first seconds cannot set the low).
SUSTAINED_MIN_SAMPLES = 60


def session_hr_summary(records: pl.DataFrame) -> pl.DataFrame:
    """HR average, maximum and lowest sustained value per `session_index`.

    Samples with no HR or HR of 0 (a strap's "no contact") are gaps: they are left out, never
    counted as 0. `hr_avg_bpm` is the mean of the remaining samples (equal to the time average
    at a steady 1 Hz); `hr_low_bpm` is the lowest mean over a trailing 120 s window holding at
    least 60 samples, the estimate of resting HR drawn from data when none was given.

    Examples
    --------
    >>> from datetime import datetime, timedelta, UTC
    >>> t0 = datetime(2026, 1, 1, tzinfo=UTC)
    >>> frame = pl.DataFrame({"session_index": [0] * 180,
    ...     "timestamp": [t0 + timedelta(seconds=i) for i in range(180)],
    ...     "hr_bpm": [60.0] * 120 + [0.0] * 30 + [120.0] * 30})
    >>> session_hr_summary(frame).row(0)
    (0, 72.0, 120.0, 60.0)
    """
    valid = records.filter(pl.col("hr_bpm").is_not_null() & (pl.col("hr_bpm") > 0))
    if valid.height == 0:
        return pl.DataFrame(
            schema={
                "session_index": pl.Int32,
                "hr_avg_bpm": pl.Float64,
                "hr_max_bpm": pl.Float64,
                "hr_low_bpm": pl.Float64,
            }
        )
    sustained = valid.sort("session_index", "timestamp").with_columns(
        pl.col("hr_bpm")
        .rolling_mean_by(
            "timestamp", window_size=SUSTAINED_WINDOW, min_samples=SUSTAINED_MIN_SAMPLES
        )
        .over("session_index")
        .alias("hr_sustained")
    )
    return (
        sustained.group_by("session_index", maintain_order=True)
        .agg(
            pl.col("hr_bpm").mean().alias("hr_avg_bpm"),
            pl.col("hr_bpm").max().alias("hr_max_bpm"),
            pl.col("hr_sustained").min().alias("hr_low_bpm"),
        )
        .with_columns(pl.col("session_index").cast(pl.Int32))
        .sort("session_index")
    )
