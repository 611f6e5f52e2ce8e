"""A session's streams for charts and the API: records column by column, and its HR zones."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import polars as pl

from drago.analysis.zones import ZONE_EDGES
from drago.lab.base import LabBase
from drago.store import athletes as athlete_rows
from drago.store.streams import hr_values_on, session_records, zone_model


class StreamsMixin(LabBase):
    def session_streams(self, session_id: int) -> pl.DataFrame:
        """One session's records in time order: `timestamp` (UTC) and every stream column
        that holds at least one value (`hr_bpm`, `speed_ms`, `lat_deg`...); NotFound when
        there is no such session. A hand-logged session has a frame with no rows."""
        self.session_row(session_id)
        records = session_records(self.store, session_id)
        if records.height == 0:
            return records.select("timestamp")
        counts = records.select(pl.all().is_not_null().sum()).row(0, named=True)
        return records.select(name for name, n in counts.items() if n or name == "timestamp")

    def session_local_start(self, session_id: int) -> datetime:
        """When a session began in its athlete's time zone (an aware datetime)."""
        session = self.session_row(session_id)
        athlete = athlete_rows.athlete_by_id(self.store, int(session["athlete_id"]))
        start: datetime = session["start_utc"].replace(tzinfo=UTC)
        return start.astimezone(ZoneInfo(athlete.tz))

    def session_zones(self, session_id: int) -> pl.DataFrame:
        """The HR zones (1-5) in force for a session, in bpm: `zone`, `low_bpm`, `high_bpm`
        (zone 5 is open above). Edges are `drago.analysis.zones.ZONE_EDGES` of HR reserve
        (Karvonen) or of HR max, per the athlete's zone model, with the dated HR values in
        force on the session's local date, else the estimates from data. Empty when neither
        HR max nor HR rest is known."""
        session = self.session_row(session_id)
        athlete_id = int(session["athlete_id"])
        values = hr_values_on(self.store, athlete_id, self.session_local_start(session_id).date())
        if "hr_max_bpm" not in values or "hr_rest_bpm" not in values:
            listing = self.athletes().filter(pl.col("id") == athlete_id).row(0, named=True)
            values.setdefault("hr_max_bpm", listing["hr_max_observed_bpm"])
            values.setdefault("hr_rest_bpm", listing["hr_low_observed_bpm"])
        hr_max, hr_rest = values["hr_max_bpm"], values["hr_rest_bpm"]
        model = zone_model(self.store, athlete_id)
        empty = pl.DataFrame(
            schema={"zone": pl.Int32, "low_bpm": pl.Float64, "high_bpm": pl.Float64}
        )
        if hr_max is None or (model == "karvonen" and hr_rest is None):
            return empty
        base = 0.0 if model == "hrmax" else float(hr_rest)
        span = float(hr_max) - base
        edges = [base + f * span for f in ZONE_EDGES]
        return pl.DataFrame(
            {
                "zone": list(range(1, len(edges) + 1)),
                "low_bpm": edges,
                "high_bpm": [*edges[1:], None],
            },
            schema=empty.schema,
        )
