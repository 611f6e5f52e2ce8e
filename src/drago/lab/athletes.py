"""Athletes and teams: who trains, with what physiology, in which gym (`lab.athletes`,
`lab.teams`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import polars as pl

from drago.errors import UsageError
from drago.lab.base import check_calendar, check_hr_pair, check_name, check_range, check_tz
from drago.lab.context import LabContext, Service
from drago.store import athletes as athlete_rows
from drago.store import teams as team_rows
from drago.vocab import SEXES

if TYPE_CHECKING:
    from drago.lab.athlete_view import AthleteView
    from drago.lab.load import LoadService


def _check_pairs(
    stored: pl.DataFrame, new: dict[str, float | None], valid_from: date | None
) -> None:
    """Refuse new HR values that would put rest within reach of max on any date.

    Every date where either value changes (stored or new) is checked with the values in force
    then; a new value without `valid_from` is checked against every stored one.
    """
    if new.get("hr_max_bpm") is None and new.get("hr_rest_bpm") is None:
        return
    rows = [
        (r["name"], r["valid_from"], r["value"])
        for r in stored.iter_rows(named=True)
        if r["name"] in ("hr_max_bpm", "hr_rest_bpm")
    ]
    for name in ("hr_max_bpm", "hr_rest_bpm"):
        value = new.get(name)
        if value is None:
            continue
        if valid_from is None:
            rows = [(n, d, value if n == name else v) for n, d, v in rows]
            rows.append((name, athlete_rows.BEGINNING, value))
        else:
            rows = [r for r in rows if not (r[0] == name and r[1] == valid_from)]
            rows.append((name, valid_from, value))
    for when in sorted({d for _, d, _ in rows}):
        in_force: dict[str, float] = {}
        for name, start, value in sorted(rows, key=lambda r: r[1]):
            if start <= when:
                in_force[name] = value
        check_hr_pair(in_force.get("hr_max_bpm"), in_force.get("hr_rest_bpm"))


def listing(ctx: LabContext) -> pl.DataFrame:
    """Every athlete with current values, estimates from data where values are missing (all
    of them, whoever the caller: the services' own look-ups)."""
    return ctx.memoised(
        ("athletes",),
        lambda: athlete_rows.list_athletes(ctx.store).with_columns(
            pl.col("hr_max_bpm").is_null().alias("hr_max_estimated"),
            pl.col("hr_rest_bpm").is_null().alias("hr_rest_estimated"),
            pl.col("hr_max_bpm").fill_null(pl.col("hr_max_observed_bpm")),
            pl.col("hr_rest_bpm").fill_null(pl.col("hr_low_observed_bpm")),
        ),
    )


def team_listing(ctx: LabContext, team: str) -> pl.DataFrame:
    """`listing` of one team's athletes (NotFound when there is no such team)."""
    team_rows.team_id(ctx.store, team)
    return listing(ctx).filter(pl.col("team").str.to_lowercase() == team.strip().casefold())


class AthletesService(Service):
    """Athletes: who trains, with what physiology (`lab.athletes`)."""

    def __init__(self, ctx: LabContext, load: LoadService) -> None:
        super().__init__(ctx)
        self._load = load

    def add(
        self,
        name: str,
        *,
        sex: str,
        tz: str = "UTC",
        hr_max_bpm: float | None = None,
        hr_rest_bpm: float | None = None,
        birth_year: int | None = None,
        weight_class: str | None = None,
        stance: str | None = None,
        team: str | None = None,
    ) -> int:
        """Add an athlete; values given here apply to their whole history."""
        check_name(name, what="an athlete")
        if sex not in SEXES:
            raise UsageError(f"sex must be m or f, not {sex!r}")
        check_range("hr_max_bpm", hr_max_bpm)
        check_range("hr_rest_bpm", hr_rest_bpm)
        check_hr_pair(hr_max_bpm, hr_rest_bpm)
        check_range("birth_year", birth_year)
        team_id = team_rows.team_id(self.store, team) if team else None
        with self.store.transaction():
            athlete_id = athlete_rows.add_athlete(
                self.store,
                name,
                sex=sex,
                tz=check_tz(tz),
                birth_year=birth_year,
                weight_class=weight_class,
                stance=stance,
                team_id=team_id,
            )
            for key, value in (("hr_max_bpm", hr_max_bpm), ("hr_rest_bpm", hr_rest_bpm)):
                if value is not None:
                    athlete_rows.set_value(
                        self.store, athlete_id, key, value, athlete_rows.BEGINNING
                    )
        return athlete_id

    def set(
        self,
        name: str,
        *,
        valid_from: date | None = None,
        values: dict[str, float | None] | None = None,
        team: str | None = None,
        **profile: Any,
    ) -> None:
        """Change an athlete: dated values apply from `valid_from` on.

        Without `valid_from`, a value of a kind the athlete never had applies to their whole
        history, and a change of one they had applies from today (in their time zone).
        """
        row = athlete_rows.get_athlete(self.store, name)
        if profile.get("tz") is not None:
            check_tz(profile["tz"])
        check_range("birth_year", profile.get("birth_year"))
        if team is not None:
            profile["team_id"] = team_rows.team_id(self.store, team)
        today = datetime.now(ZoneInfo(row.tz)).date()
        for key, value in (values or {}).items():
            check_range(key, value)
        if valid_from is not None:
            check_calendar(valid_from, what="a value")
        _check_pairs(athlete_rows.values(self.store, row.id), values or {}, valid_from)
        with self.store.transaction():
            athlete_rows.update_profile(self.store, row.id, **profile)
            for key, value in (values or {}).items():
                if value is None:
                    continue
                check_range(key, value)
                start = valid_from
                if start is None:
                    known = athlete_rows.has_value(self.store, row.id, key)
                    start = today if known else athlete_rows.BEGINNING
                athlete_rows.set_value(self.store, row.id, key, value, start)
        load_inputs = ("sex", "zone_model")
        if any(v is not None for v in (values or {}).values()) or any(
            profile.get(key) is not None for key in load_inputs
        ):
            self._load.recompute(athlete=row.name)

    def list(self, *, team: str | None = None) -> pl.DataFrame:
        """Every athlete the caller may see, with current values; estimates from data where
        values are missing."""
        frame = listing(self.ctx) if team is None else team_listing(self.ctx, team)
        if self.ctx.visible is not None:
            frame = frame.filter(pl.col("id").is_in(sorted(self.ctx.visible)))
        return frame

    def time_zones(self) -> dict[str, str]:
        """The time zone of each athlete the caller may see, by name: for a listing's local
        times, without `list`'s values and estimates from data (a query that costs a listing
        as much as its own; issue 19)."""
        return {
            name: tz
            for athlete_id, name, tz in athlete_rows.time_zones(self.store)
            if self.ctx.visible is None or athlete_id in self.ctx.visible
        }

    def get(self, name: str) -> AthleteView:
        """One athlete: profile, dated values, and the estimates from data."""
        row = athlete_rows.get_athlete(self.store, name)
        listing = self.list().filter(pl.col("id") == row.id).row(0, named=True)
        estimates = {
            "hr_max_bpm": listing["hr_max_observed_bpm"],
            "hr_rest_bpm": listing["hr_low_observed_bpm"],
        }
        from drago.lab.athlete_view import AthleteView

        return AthleteView(listing, athlete_rows.values(self.store, row.id), estimates)

    def id_of(self, name: str) -> int | None:
        """The id of athlete `name` (any case), None when there is none."""
        from drago.store import accounts as account_rows  # team mode's: not every command's

        return account_rows.athlete_id_by_name(self.store, name)


class TeamsService(Service):
    """Teams, the gyms athletes train in (`lab.teams`)."""

    def add(self, name: str) -> int:
        check_name(name, what="a team")
        with self.store.transaction():
            return team_rows.add_team(self.store, name)

    def list(self) -> pl.DataFrame:
        return team_rows.list_teams(self.store)
