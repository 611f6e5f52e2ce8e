"""A session's streams for charts and the API: records column by column, its HR zones and
per-round HR (`lab.streams`)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import polars as pl

from drago.analysis.round_hr import rounds_from_laps, rounds_from_template
from drago.analysis.zones import ZONE_EDGES
from drago.errors import UsageError
from drago.lab.athletes import listing as listing_of
from drago.lab.base import check_range
from drago.lab.context import LabContext, Service
from drago.lab.sessions import SessionsService
from drago.store import athletes as athlete_rows
from drago.store import loads as load_rows
from drago.store.streams import hr_values_on, session_laps, session_records, zone_model


class StreamsService(Service):
    """A stored session's records, zones and rounds (`lab.streams`)."""

    def __init__(self, ctx: LabContext, sessions: SessionsService) -> None:
        super().__init__(ctx)
        self._sessions = sessions

    def records(self, session_id: int) -> pl.DataFrame:
        """One session's records in time order: `timestamp` (UTC) and every stream column
        that holds at least one value (`hr_bpm`, `speed_ms`, `lat_deg`...); NotFound when
        there is no such session. A hand-logged session has a frame with no rows."""
        self._sessions.row(session_id)
        records = session_records(self.store, session_id)
        if records.height == 0:
            return records.select("timestamp")
        counts = records.select(pl.all().is_not_null().sum()).row(0, named=True)
        return records.select(name for name, n in counts.items() if n or name == "timestamp")

    def local_start(self, session_id: int) -> datetime:
        """When a session began in its athlete's time zone (an aware datetime)."""
        session = self._sessions.row(session_id)
        athlete = athlete_rows.athlete_by_id(self.store, int(session["athlete_id"]))
        start: datetime = session["start_utc"].replace(tzinfo=UTC)
        return start.astimezone(ZoneInfo(athlete.tz))

    def zones(self, session_id: int) -> pl.DataFrame:
        """The HR zones (1-5) in force for a session, in bpm: `zone`, `low_bpm`, `high_bpm`
        (zone 5 is open above). Edges are `drago.analysis.zones.ZONE_EDGES` of HR reserve
        (Karvonen) or of HR max, per the athlete's zone model, with the dated HR values in
        force on the session's local date, else the estimates from data. Empty when neither
        HR max nor HR rest is known."""
        session = self._sessions.row(session_id)
        athlete_id = int(session["athlete_id"])
        values = hr_values_on(self.store, athlete_id, self.local_start(session_id).date())
        if "hr_max_bpm" not in values or "hr_rest_bpm" not in values:
            listing = listing_of(self.ctx).filter(pl.col("id") == athlete_id).row(0, named=True)
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

    def rounds(
        self, session_id: int, *, work_s: float | None = None, rest_s: float | None = None
    ) -> pl.DataFrame:
        """Per-round HR of an interval session: from a work/rest template when `work_s` or
        `rest_s` is given (3 min work, 1 min rest for the one not given), else from its laps
        when it has them (rest laps told from rounds, `drago.analysis.rounds`), else from the
        default template from its first sample."""
        check_range("work_s", work_s)
        check_range("rest_s", rest_s)
        self._sessions.row(session_id)
        records = load_rows.hr_records(self.store, [session_id])
        if records.height == 0:
            raise UsageError(f"session {session_id} has no heart-rate records to split in rounds")
        chosen = work_s is not None or rest_s is not None
        work_s = 180.0 if work_s is None else work_s
        rest_s = 60.0 if rest_s is None else rest_s
        laps = session_laps(self.store, session_id)
        if laps.height >= 2 and not chosen:
            return rounds_from_laps(laps, records)
        return rounds_from_template(records, work_s=work_s, rest_s=rest_s)
