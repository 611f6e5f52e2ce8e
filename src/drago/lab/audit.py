"""The audit log of team mode, and the anonymised aggregates analysts see."""

from __future__ import annotations

from datetime import date, datetime, time

import polars as pl

from drago.lab.context import Service
from drago.store import athletes as athlete_rows
from drago.store import audit as audit_rows
from drago.store.sessions import list_sessions

#: Fewest athletes a group of the aggregates may hold; smaller groups are left out, so no row
#: describes one or two identifiable people (k-anonymity, Sweeney 2002).
MIN_GROUP = 3


class AuditService(Service):
    """The audit log and the anonymised aggregates (`lab.audit`)."""

    def record(
        self,
        *,
        login: str | None,
        role: str | None,
        action: str,
        method: str,
        path: str,
        athlete_id: int | None,
        status: int,
        remote: str | None,
    ) -> None:
        """Append one entry to the audit log (who, what, when, from where, with what answer)."""
        with self.store.transaction():
            audit_rows.record(
                self.store,
                login=login,
                role=role,
                action=action,
                method=method,
                path=path,
                athlete_id=athlete_id,
                status=status,
                remote=remote,
            )

    def entries(self, *, athlete: str | None = None, since: date | None = None) -> pl.DataFrame:
        """Audit entries, oldest first; `since` is a UTC date."""
        athlete_id = athlete_rows.get_athlete(self.store, athlete).id if athlete else None
        start = datetime.combine(since, time()) if since else None
        return audit_rows.entries(self.store, athlete_id=athlete_id, since=start)

    def aggregates(self) -> pl.DataFrame:
        """Anonymised training volume per team and in all: athletes, sessions, hours, mean
        session HR and load. No names, no birth dates; groups under MIN_GROUP athletes are
        left out, and so are the smallest teams while all minus the teams shown would
        describe fewer than MIN_GROUP athletes."""
        roster = athlete_rows.list_athletes(self.store).select(
            pl.col("team").fill_null("no team"), "id"
        )
        sessions = list_sessions(self.store).select(
            pl.col("team").fill_null("no team"),
            pl.col("athlete"),
            "duration_s",
            "hr_avg_bpm",
            pl.coalesce("trimp_banister", "srpe_load").alias("load"),
        )
        groups = [(roster, sessions)] + [
            (roster.filter(pl.col("team") == team), sessions.filter(pl.col("team") == team))
            for team in sorted(roster["team"].unique().to_list())
        ]
        teams = [g for g in groups[1:] if g[0].height >= MIN_GROUP]
        # No difference of shown groups may describe fewer than MIN_GROUP athletes: the
        # athletes outside the shown teams (all minus each team, summed) are none or enough
        # (drago convention, after Sweeney's k-anonymity: differencing attacks)
        while teams and 0 < roster.height - sum(g[0].height for g in teams) < MIN_GROUP:
            teams.remove(min(teams, key=lambda g: g[0].height))
        out = []
        for index, (people, done) in enumerate([groups[0], *teams]):
            if people.height < MIN_GROUP:
                continue
            out.append(
                {
                    "group": "all" if index == 0 else people["team"][0],
                    "n_athletes": people.height,
                    "n_sessions": done.height,
                    "hours": float(done["duration_s"].sum()) / 3600,
                    "hr_avg_bpm": done["hr_avg_bpm"].mean(),
                    "load_mean": done["load"].mean(),
                }
            )
        schema = {
            "group": pl.String,
            "n_athletes": pl.Int64,
            "n_sessions": pl.Int64,
            "hours": pl.Float64,
            "hr_avg_bpm": pl.Float64,
            "load_mean": pl.Float64,
        }
        return pl.DataFrame(out, schema=schema)
