"""Training load: per-session loads kept current, and the daily series a coach decides by
(`lab.load`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import polars as pl

from drago.analysis.daily import LOAD_COLUMNS, with_local_date
from drago.analysis.load import daily_series
from drago.analysis.plausibility import session_plausibility
from drago.analysis.srpe import srpe_load
from drago.errors import NotFound, UsageError
from drago.lab.base import MIN_HR_RESERVE_BPM
from drago.lab.context import LabContext, Service
from drago.lab.lake import LakeService
from drago.store import athletes as athlete_rows
from drago.store import loads as load_rows
from drago.vocab import LOAD_METHODS

if TYPE_CHECKING:
    from drago.lab.status import Status

#: Dated athlete values that per-session load depends on, and their names in `session_loads`.
LOAD_VALUES = {
    "hr_rest_bpm": "hr_rest_bpm",
    "hr_max_bpm": "hr_max_bpm",
    "hr_threshold_bpm": "hr_vt1_bpm",
    "hr_threshold2_bpm": "hr_vt2_bpm",
}


def _check_method(method: str) -> None:
    """UsageError unless `method` is one of the load methods."""
    if method not in LOAD_METHODS:
        raise UsageError(f"unknown load method {method!r}: use one of {', '.join(LOAD_METHODS)}")


class LoadService(Service):
    """Per-session loads and the daily series (`lab.load`)."""

    def __init__(self, ctx: LabContext, lake: LakeService) -> None:
        super().__init__(ctx)
        self._lake = lake

    def recompute(
        self, *, athlete: str | None = None, session_ids: Sequence[int] | None = None
    ) -> int:
        """Recompute the per-session loads (zones, TRIMPs, sRPE) of an athlete, some sessions,
        or everyone; returns how many sessions were computed."""
        athlete_id = athlete_rows.get_athlete(self.store, athlete).id if athlete else None
        inputs = load_rows.load_inputs(self.store, athlete_id=athlete_id, ids=session_ids)
        if inputs.height == 0:
            return 0
        recorded = inputs.filter(pl.col("n_records") > 0)
        if recorded.height:  # the HR values in force matter only to sessions with records
            recorded = self._with_hr_values(with_local_date(recorded))
        records = load_rows.hr_records(self.store, recorded["id"].to_list())
        keys = ["sex", "zone_model", *LOAD_VALUES.values()]
        computed = []
        for group in recorded.partition_by(keys, as_dict=False) if recorded.height else []:
            from drago.analysis.trimp import session_loads  # NumPy: not for hand-logged sessions

            first = group.row(0, named=True)
            if first["hr_rest_bpm"] is None or first["hr_max_bpm"] is None:
                continue
            if first["hr_max_bpm"] - first["hr_rest_bpm"] < MIN_HR_RESERVE_BPM:
                continue  # values stored before drago refused them: no HR load, no crash
            mine = records.filter(pl.col("session_index").is_in(group["id"].implode()))
            computed.append(
                session_loads(
                    mine,
                    sex=first["sex"],
                    hr_rest_bpm=first["hr_rest_bpm"],
                    hr_max_bpm=first["hr_max_bpm"],
                    hr_vt1_bpm=first["hr_vt1_bpm"],
                    hr_vt2_bpm=first["hr_vt2_bpm"],
                    zone_model=first["zone_model"],
                ).rename({"session_index": "id"})
            )
        hr_loads = pl.concat(computed) if computed else None
        srpe = [
            None if rpe is None else srpe_load(rpe, duration)
            for rpe, duration in zip(inputs["rpe"], inputs["duration_s"], strict=True)
        ]
        out = inputs.select(pl.col("id")).with_columns(pl.Series("srpe_load", srpe, pl.Float64))
        if hr_loads is not None:
            out = out.join(
                hr_loads.with_columns(pl.col("id").cast(out.schema["id"])), on="id", how="left"
            )
        for column in load_rows.LOAD_COLUMNS:
            if column not in out.columns:
                dtype = pl.List(pl.Float64) if column == "zone_s" else pl.Float64
                out = out.with_columns(pl.lit(None, dtype).alias(column))
        suspects = session_plausibility(self._plausibility_inputs(inputs))
        with self.store.transaction():
            load_rows.write_loads(self.store, out, suspects)
        return out.height

    def _plausibility_inputs(self, inputs: pl.DataFrame) -> pl.DataFrame:
        """What `session_plausibility` reads: from the records of the sessions that have some;
        a session without records (logged by hand) has no span, HR or speed to read, so its
        row is made from `inputs` without a query."""
        recorded = inputs.filter(pl.col("n_records") > 0)["id"].to_list()
        plain = inputs.filter(pl.col("n_records") == 0).select(
            "id",
            "activity",
            "duration_s",
            *(pl.lit(None, pl.Float64).alias(c) for c in load_rows.MEASURED_PLAUSIBILITY),
        )
        if not recorded:
            return plain
        measured = load_rows.plausibility_inputs(self.store, recorded)
        return pl.concat([measured, plain], how="vertical_relaxed") if plain.height else measured

    def _with_hr_values(self, inputs: pl.DataFrame) -> pl.DataFrame:
        """Each session's HR values: the dated value in force on its local date, else the
        athlete's estimate from data (highest HR seen; lowest sustained HR)."""
        from drago.lab.athletes import listing  # sessions with records only

        ids = inputs["athlete_id"].unique().to_list()
        values = load_rows.athlete_values_all(self.store, ids)
        estimates = listing(self.ctx).select(
            pl.col("id").alias("athlete_id"),
            pl.col("hr_max_observed_bpm").alias("est_hr_max_bpm"),
            pl.col("hr_low_observed_bpm").alias("est_hr_rest_bpm"),
        )
        out = inputs.sort("date").join(
            estimates.with_columns(pl.col("athlete_id").cast(inputs.schema["athlete_id"])),
            on="athlete_id",
            how="left",
        )
        for stored, name in LOAD_VALUES.items():
            dated = (
                values.filter(pl.col("name") == stored)
                .select(
                    pl.col("athlete_id").cast(inputs.schema["athlete_id"]),
                    pl.col("valid_from"),
                    pl.col("value").alias(name),
                )
                .sort("valid_from")
            )
            out = out.join_asof(
                dated,
                left_on="date",
                right_on="valid_from",
                by="athlete_id",
                strategy="backward",
                check_sortedness=False,
            ).drop("valid_from")
        return out.with_columns(
            pl.col("hr_max_bpm").fill_null(pl.col("est_hr_max_bpm")),
            pl.col("hr_rest_bpm").fill_null(pl.col("est_hr_rest_bpm")),
        )

    def series(
        self,
        name: str,
        *,
        since: date | None = None,
        until: date | None = None,
        as_of: date | None = None,
        method: str = "auto",
    ) -> pl.DataFrame:
        """The daily series (load, CTL, ATL, TSB, ACWR, monotony, strain) of one athlete, from
        the first session (or `since`) to `until` (default: `as_of`, default today)."""
        _check_method(method)
        try:
            row = athlete_rows.get_athlete(self.store, name)
        except NotFound:  # an athlete of the attached lake (computed there with its method)
            if self._lake.attached() is None:
                raise
            lake = self._lake.series(name, since=since, until=until or as_of)
            return lake.filter(pl.col("load").is_not_null()).select("date", *LOAD_COLUMNS)
        return self._athlete_series(row, since=since, until=until, as_of=as_of, method=method)

    def _athlete_series(
        self,
        row: athlete_rows.AthleteRow,
        *,
        since: date | None,
        until: date | None,
        as_of: date | None,
        method: str,
    ) -> pl.DataFrame:
        """`series` of an athlete of the store, found already (`row`)."""
        end = until or as_of or datetime.now(ZoneInfo(row.tz)).date()
        if (as_of is not None and as_of < end) or self.store.in_transaction:
            return self._compute_series(row.id, since, end, as_of, method)
        # The series is causal: the rows up to a day do not depend on later days, so one full
        # series per athlete and method answers every `since`/`until` up to its end (kept
        # while the store is unchanged, see `Memo`).
        key = ("load_series", row.id, method, self.store.state())
        cached: tuple[date, pl.DataFrame] | None = self.memo.get(key)
        if cached is None or cached[0] < end:
            series = self._compute_series(row.id, None, end, None, method)
            cached = self.memo.put(key, (end, series))
        series = cached[1].filter(pl.col("date") <= end)
        return series if since is None else series.filter(pl.col("date") >= since)

    def _compute_series(
        self, athlete_id: int, since: date | None, end: date, as_of: date | None, method: str
    ) -> pl.DataFrame:
        sessions = with_local_date(load_rows.daily_load_inputs(self.store, athlete_id)).filter(
            pl.col("date") <= (as_of or end)
        )
        if sessions.height == 0:
            return pl.DataFrame(schema={"date": pl.Date, "load": pl.Float64})
        series = daily_series(sessions, method=method, start=since, end=end)
        return series.drop("athlete_id")

    def status(self, name: str, *, as_of: date | None = None, method: str = "auto") -> Status:
        """Fitness, fatigue, form, ACWR band, monotony and strain on `as_of` (default today)."""
        from drago.lab.status import Status

        try:
            row = athlete_rows.get_athlete(self.store, name)
        except NotFound:  # an athlete of the attached lake: its series ends with its data
            if self._lake.attached() is None:
                raise
            last = self._lake.series(name)["date"].max()
            assert isinstance(last, date)
            shown, day = name, as_of or last
            series = self.series(name, until=day, as_of=day, method=method)
        else:  # the row found once serves the series too
            shown, day = row.name, as_of or datetime.now(ZoneInfo(row.tz)).date()
            _check_method(method)
            series = self._athlete_series(row, since=None, until=day, as_of=day, method=method)
        if series.height == 0:
            raise UsageError(f"{shown} has no sessions up to {day.isoformat()}")
        return Status(shown, day, series.row(-1, named=True), series.tail(14))
