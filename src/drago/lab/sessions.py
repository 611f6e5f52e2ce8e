"""Sessions: imported from files, logged by hand, corrected after the fact (`lab.sessions`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import polars as pl

from drago.activities import check_activity
from drago.analysis.load import session_load, srpe_trimp_ratio
from drago.errors import UsageError
from drago.lab.base import check_day, check_range
from drago.lab.context import LabContext, Service
from drago.lab.load import LoadService
from drago.store import athletes as athlete_rows
from drago.store import edits
from drago.store import loads as load_rows
from drago.store import teams as team_rows
from drago.store.db import utc_now
from drago.store.sessions import insert_session, list_sessions
from drago.vocab import HANDS

if TYPE_CHECKING:
    from drago.imports import FileOutcome, ImportReport
    from drago.lab.session_week import SessionWeek

#: Local time given to a hand-logged session without one (midday keeps the local date safe).
DEFAULT_LOG_TIME = time(12, 0)


def _activity(word: str) -> str:
    try:
        return check_activity(word)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


class SessionsService(Service):
    """Sessions: import, log, list, correct, delete (`lab.sessions`)."""

    def __init__(self, ctx: LabContext, load: LoadService) -> None:
        super().__init__(ctx)
        self._load = load

    def import_paths(
        self,
        paths: Sequence[str | Path],
        *,
        athlete: str,
        recover: bool = False,
        as_kind: str | None = None,
        day: date | None = None,
        hand: str | None = None,
        progress: Callable[[FileOutcome, int], None] | None = None,
        workers: int | None = None,
        max_files: int | None = None,
        max_bytes: int | None = None,
    ) -> ImportReport:
        """Import files and folders (recursively) for one athlete, each file in one transaction.

        RR files are morning measurements up to 10 minutes, activities beyond (`as_kind`
        overrides), dated by their first beat in the athlete's time zone (`day` overrides).
        IMU files (with `hand`) become streams of the session they overlap, or a new session.
        `max_files` and `max_bytes` bound the whole request (archives expanded): over them,
        UsageError and nothing imported.
        """
        from drago.imports import ImportOptions, import_paths  # the decoders: only to import
        from drago.lab.athletes import listing

        row = athlete_rows.get_athlete(self.store, athlete)
        self.store.check_writable()  # before a worker starts or an original is kept
        if as_kind not in (None, "morning", "activity"):
            raise UsageError(f"--as must be morning or activity, not {as_kind!r}")
        if hand is not None and hand not in HANDS:
            raise UsageError(f"--hand must be left or right, not {hand!r}")
        if day is not None:
            check_day(day, row.tz, what="a measurement")
        options = ImportOptions(
            recover=recover,
            as_kind=as_kind,
            day=day,
            hand=hand,
            max_files=max_files,
            max_bytes=max_bytes,
        )
        report = import_paths(
            self.store, row.id, paths, options=options, progress=progress, workers=workers
        )
        new = [i for outcome in report.outcomes for i in outcome.session_ids]
        if new:
            estimated = listing(self.ctx).filter(pl.col("id") == row.id).row(0, named=True)
            if estimated["hr_max_estimated"] or estimated["hr_rest_estimated"]:
                self._load.recompute(athlete=row.name)  # the estimates may have moved
            else:
                self._load.recompute(session_ids=new)
        return report

    def check_writable(self) -> None:
        """Raise `ReadOnlyStore` now when the store cannot be written (a read-only file,
        folder or mount), before a command that will import waits for files."""
        self.store.check_writable()

    def log(
        self,
        *,
        athlete: str,
        day: date,
        minutes: float,
        rpe: float,
        activity: str,
        at: time | None = None,
        notes: str | None = None,
    ) -> int:
        """Log a session by hand (the snow): local date and time, minutes and CR-10 RPE."""
        row = athlete_rows.get_athlete(self.store, athlete)
        check_range("minutes", minutes)
        check_range("rpe", rpe)
        check_day(day, row.tz)
        local = datetime.combine(day, at or DEFAULT_LOG_TIME, tzinfo=ZoneInfo(row.tz))
        fields = {
            "athlete_id": row.id,
            "start_utc": local.astimezone(UTC).replace(tzinfo=None),
            "duration_s": minutes * 60.0,
            "activity": _activity(activity),
            "rpe": rpe,
            "notes": notes,
            "n_records": 0,
            "n_rr": 0,
            "recovered": False,
            "created_utc": utc_now(),
        }
        with self.store.transaction():  # the session and its load: both or neither
            session_id = insert_session(self.store, fields)
            self._load.recompute(session_ids=[session_id])
        return session_id

    def list(
        self,
        *,
        athlete: str | None = None,
        team: str | None = None,
        since: date | None = None,
        session_id: int | None = None,
    ) -> pl.DataFrame:
        """Sessions of the athletes the caller may see, oldest first, with `start` as a UTC
        datetime."""
        frame = list_sessions(
            self.store,
            athlete_id=athlete_rows.get_athlete(self.store, athlete).id if athlete else None,
            team_id=team_rows.team_id(self.store, team) if team else None,
            since=since,
            session_id=session_id,
        )
        history = load_rows.load_history(self.store, frame["athlete_id"].unique().to_list())
        frame = (
            session_load(frame, srpe_trimp_ratio(history))
            if history.height
            else frame.with_columns(
                pl.lit(None, pl.Float64).alias("load"), pl.lit(None, pl.String).alias("load_method")
            )
        )
        frame = frame.rename({"start_utc": "start"}).with_columns(
            pl.col("start").dt.replace_time_zone("UTC")
        )
        if self.ctx.visible is not None:
            frame = frame.filter(pl.col("athlete_id").is_in(sorted(self.ctx.visible)))
        return frame

    def row(self, session_id: int) -> dict[str, Any]:
        """A session's stored row (a fresh copy), or NotFound; kept while the store is
        unchanged, since one page asks for it several times."""
        return dict(
            self.ctx.memoised(
                ("session_row", session_id), lambda: edits.session_row(self.store, session_id)
            )
        )

    def athlete_id_of(self, session_id: int) -> int | None:
        """The id of the athlete a session belongs to, None when there is no such session."""
        from drago.store import accounts as account_rows  # team mode's: not every command's

        return account_rows.athlete_id_of_session(self.store, session_id)

    def get(self, session_id: int) -> dict[str, Any]:
        """One session as a row of the listing, with its lap count, or NotFound."""
        from drago.store.streams import lap_count  # with the record schema: not for listings

        self.row(session_id)
        row = self.list(session_id=session_id).row(0, named=True)
        row["n_laps"] = lap_count(self.store, session_id)
        return row

    def set(
        self,
        session_id: int,
        *,
        rpe: float | None = None,
        notes: str | None = None,
        activity: str | None = None,
        athlete: str | None = None,
        primary: bool = False,
        trusted: bool | None = None,
    ) -> None:
        """Correct a session: RPE given after the fact, notes, activity, owner, or primary;
        `trusted=True` counts a recording flagged implausible (its `suspect_reason`) in load
        after a person checked it, `False` takes the trust back."""
        check_range("rpe", rpe)
        changes: dict[str, Any] = {}
        if rpe is not None:
            changes["rpe"] = rpe
        if notes is not None:
            changes["notes"] = notes
        if activity is not None:
            changes["activity"] = _activity(activity)
        if athlete is not None:
            changes["athlete_id"] = athlete_rows.get_athlete(self.store, athlete).id
        with self.store.transaction():
            edits.update_session(self.store, session_id, changes)
            if primary:
                edits.set_primary(self.store, session_id)
            if trusted is not None:
                self.row(session_id)
                load_rows.set_trusted(self.store, session_id, trusted)
        if changes:
            self._load.recompute(session_ids=[session_id])

    def delete(self, session_id: int) -> bool:
        """Delete a session; its original goes too when no other session uses it (True)."""
        with self.store.transaction():
            sha = edits.delete_session(self.store, session_id)
        if sha is None:
            return False
        from drago.store.privacy import remove_files  # erasing: not every command's

        remove_files(list(self.store.originals.root.glob(f"{sha}.*")))
        return True

    def week(self, session_id: int) -> SessionWeek:
        """The training week (Monday to Sunday, the athlete's local dates) around a session: each
        day's load as the load series counts it, the week's sessions, its total, and the load
        series' row on the session's day (fitness, fatigue, ACWR, monotony): what a hand-logged
        session, without records, still tells."""
        from drago.lab.session_week import DayLoad, SessionWeek, session_line

        row = self.get(session_id)
        tz = athlete_rows.get_athlete(self.store, str(row["athlete"])).tz
        day = row["start"].astimezone(ZoneInfo(tz)).date()
        monday = day - timedelta(day.weekday())
        sunday = monday + timedelta(6)
        series = self._load.series(str(row["athlete"]), until=max(sunday, day))
        week = series.filter((pl.col("date") >= monday) & (pl.col("date") <= sunday))
        loads = dict(zip(week["date"].to_list(), week["load"].to_list(), strict=True))
        days = [DayLoad(monday + timedelta(k), loads.get(monday + timedelta(k))) for k in range(7)]
        sessions = self.list(athlete=str(row["athlete"]), since=monday - timedelta(1))
        local = sessions.with_columns(pl.col("start").dt.convert_time_zone(tz).alias("local"))
        local = local.with_columns(pl.col("local").dt.date().alias("day")).filter(
            (pl.col("day") >= monday) & (pl.col("day") <= sunday)
        )
        on_day = series.filter(pl.col("date") == day)
        keep = (
            *("load", "ctl", "atl", "tsb", "acwr_rolling", "acwr_ewma", "acwr_band"),
            *("monotony", "strain"),
        )
        today = (
            {k: v for k, v in on_day.row(0, named=True).items() if k in keep}
            if on_day.height
            else {}
        )
        total = sum(d.load or 0.0 for d in days)
        lines = [session_line(s) for s in local.sort("start").iter_rows(named=True)]
        return SessionWeek(session_id, day, monday, days, total, today, lines)
