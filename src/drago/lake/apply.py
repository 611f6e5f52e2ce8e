"""The step every engine runs: a bucket of whole athletes' lake rows in, their daily rows out.

Engines differ only in how rows reach this step (one process bucket by bucket, Dask
partitions, Spark groups of a bucket column) and in their frame type; the step itself is
`drago.analysis.daily.daily_by_athlete`, vectorised over the athletes of the bucket, the
code `drago load` and `drago readiness` answer from for one athlete.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

import polars as pl
import pyarrow as pa

from drago.analysis.daily import DAILY_SCHEMA, daily_by_athlete, day_inputs
from drago.vocab import WELLNESS_ITEMS

#: The union of the three input tables that engines group by athlete: `kind` says which.
INPUT_SCHEMA: Final[dict[str, pl.DataType]] = {
    "athlete": pl.String(),
    "kind": pl.String(),
    "id": pl.Int64(),
    "start_utc": pl.Datetime("us"),
    "date": pl.Date(),
    "trimp_banister": pl.Float64(),
    "trimp_edwards": pl.Float64(),
    "srpe_load": pl.Float64(),
    "counts": pl.Boolean(),
    "reliable": pl.Boolean(),
    "ln_rmssd": pl.Float64(),
    "mean_hr_bpm": pl.Float64(),
    "rhr_bpm": pl.Float64(),
    "sleep": pl.Float64(),
    "stress": pl.Float64(),
    "fatigue": pl.Float64(),
    "soreness": pl.Float64(),
    "mood": pl.Float64(),
}
#: Each lake table's rows in the union: its `kind` and the union columns taken from it
#: (union column -> table column).
PROJECTIONS: Final[dict[str, tuple[str, dict[str, str]]]] = {
    "sessions": (
        "session",
        {
            "id": "session_id",
            "start_utc": "start_utc",
            "trimp_banister": "trimp_banister",
            "trimp_edwards": "trimp_edwards",
            "srpe_load": "srpe_load",
            "counts": "counts",
        },
    ),
    "rr_measurements": (
        "rr",
        {
            "id": "id",
            "start_utc": "start_utc",
            "date": "date",
            "reliable": "reliable",
            "ln_rmssd": "ln_rmssd",
            "mean_hr_bpm": "mean_hr_bpm",
        },
    ),
    "wellness": (
        "wellness",
        {
            "date": "date",
            "rhr_bpm": "rhr_bpm",
            "sleep": "sleep",
            "stress": "stress",
            "fatigue": "fatigue",
            "soreness": "soreness",
            "mood": "mood",
        },
    ),
}
#: The results' `daily` table: the athlete, then `athlete_daily`'s columns (counts as Int64,
#: a type every engine has).
RESULT_SCHEMA: Final[dict[str, pl.DataType]] = {
    "athlete": pl.String(),
    **{
        name: pl.Int64() if name in ("sessions", "sessions_without_load") else dtype
        for name, dtype in DAILY_SCHEMA.items()
    },
}
ITEMS: Final = WELLNESS_ITEMS


@dataclass(frozen=True)
class Step:
    """The step with its parameters: time zones by athlete, end date, method."""

    tz: dict[str, str]
    end: date | None = None
    method: str = "auto"

    def polars(self, rows: pl.DataFrame) -> pl.DataFrame:
        """Union rows (`INPUT_SCHEMA`) of whole athletes, any number of them, -> their daily
        rows (`RESULT_SCHEMA`), sorted by athlete and date. All athletes are computed at once
        (`daily_by_athlete`); each one's numbers do not depend on who else is in `rows`."""
        rows = conform_input(rows)
        if rows.height == 0:
            return pl.DataFrame(schema=RESULT_SCHEMA)
        names = rows["athlete"].unique().sort()
        ids = pl.DataFrame(
            {
                "athlete": names,
                "athlete_id": pl.int_range(names.len(), dtype=pl.Int64, eager=True),
                "tz": [self.tz.get(str(name), "UTC") for name in names],
            }
        )
        rows = rows.join(ids, on="athlete", how="left")
        kind = pl.col("kind")
        sessions = rows.filter(kind == "session").select(
            "athlete_id",
            "id",
            "start_utc",
            "tz",
            "trimp_banister",
            "trimp_edwards",
            "srpe_load",
            "counts",
        )
        measurements = rows.filter(kind == "rr").select(
            "athlete_id", "date", "id", "start_utc", "reliable", "ln_rmssd", "mean_hr_bpm"
        )
        wellness = rows.filter(kind == "wellness").select("athlete_id", "date", "rhr_bpm", *ITEMS)
        days = day_inputs(measurements, wellness, by="athlete_id")
        out = daily_by_athlete(sessions, days, end=self.end, method=self.method)
        out = out.join(ids.select("athlete", "athlete_id"), on="athlete_id", how="left")
        return out.select(pl.col(c).cast(t) for c, t in RESULT_SCHEMA.items())

    def arrow(self, table: pa.Table) -> pa.Table:
        """The step over Arrow tables (Spark's `applyInArrow`)."""
        frame = pl.from_arrow(table)
        assert isinstance(frame, pl.DataFrame)
        return self.polars(frame).to_arrow()


def conform_input(rows: pl.DataFrame) -> pl.DataFrame:
    """Rows with exactly `INPUT_SCHEMA` (missing columns null; instants naive UTC)."""
    exprs = []
    for name, dtype in INPUT_SCHEMA.items():
        if name not in rows.columns:
            exprs.append(pl.lit(None, dtype).alias(name))
            continue
        column = pl.col(name)
        have = rows.schema[name]
        if isinstance(have, pl.Datetime) and have.time_zone is not None:
            column = column.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        exprs.append(column.cast(dtype).alias(name))
    return rows.select(exprs)


def union_rows(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """The lake tables (as read) projected and stacked into `INPUT_SCHEMA` rows (Polars)."""
    parts = []
    for table, (kind, columns) in PROJECTIONS.items():
        frame = tables[table]
        parts.append(
            conform_input(
                frame.select(
                    pl.col("athlete"),
                    pl.lit(kind).alias("kind"),
                    *(pl.col(src).alias(dst) for dst, src in columns.items()),
                )
            )
        )
    return pl.concat(parts)
