"""Athletes and their dated physiological values."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

import polars as pl

from drago.errors import Conflict, NotFound
from drago.store.db import Store, utc_now

#: Dated values an athlete can have; each applies from its `valid_from` date on.
VALUE_NAMES = ("hr_max_bpm", "hr_rest_bpm", "hr_threshold_bpm", "hr_threshold2_bpm")
#: The date a value given without one applies from: the athlete's whole history.
BEGINNING = date(1900, 1, 1)


class AthleteRow(NamedTuple):
    """An athlete's row as `get_athlete` reads it (a named tuple: creating the class costs a
    fifth of a frozen dataclass's 1 ms, which every command that opens a store paid; issue 19).
    """

    id: int
    name: str
    sex: str
    tz: str
    birth_year: int | None
    weight_class: str | None
    stance: str | None
    team_id: int | None


_COLUMNS = "id, name, sex, tz, birth_year, weight_class, stance, team_id"


def add_athlete(store: Store, name: str, *, sex: str, tz: str = "UTC", **profile: Any) -> int:
    """Insert an athlete; names are unique case-insensitively."""
    key = name.strip().casefold()
    if store.one("SELECT 1 FROM athletes WHERE name_key = ?", [key]):
        raise Conflict(f"athlete {name!r} already exists")
    row = store.one(
        "INSERT INTO athletes (name, name_key, sex, tz, birth_year, weight_class, stance, "
        "team_id, created_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [
            name.strip(),
            key,
            sex,
            tz,
            profile.get("birth_year"),
            profile.get("weight_class"),
            profile.get("stance"),
            profile.get("team_id"),
            utc_now(),
        ],
    )
    assert row is not None
    return int(row[0])


def get_athlete(store: Store, name: str) -> AthleteRow:
    """The athlete named `name` (any case), or NotFound with how to add one."""
    row = store.one(
        f"SELECT {_COLUMNS} FROM athletes WHERE name_key = ?", [name.strip().casefold()]
    )
    if row is None:
        raise NotFound(f"no athlete {name}: add it with drago athlete add")
    return AthleteRow(*row)


def athlete_by_id(store: Store, athlete_id: int) -> AthleteRow:
    row = store.one(f"SELECT {_COLUMNS} FROM athletes WHERE id = ?", [athlete_id])
    if row is None:
        raise NotFound(f"no athlete with id {athlete_id}")
    return AthleteRow(*row)


def athlete_tz(store: Store, athlete_id: int) -> str:
    """The athlete's IANA time zone (UTC when there is no such athlete)."""
    row = store.one("SELECT tz FROM athletes WHERE id = ?", [athlete_id])
    return str(row[0]) if row else "UTC"


def session_stance(store: Store, session_id: int) -> str | None:
    """The stance of the athlete whose session this is (None: not recorded)."""
    row = store.one(
        "SELECT a.stance FROM sessions s JOIN athletes a ON a.id = s.athlete_id WHERE s.id = ?",
        [session_id],
    )
    return None if row is None or row[0] is None else str(row[0])


def update_profile(store: Store, athlete_id: int, **profile: Any) -> None:
    """Set undated profile fields (tz, birth_year, weight_class, stance, sex)."""
    allowed = {"tz", "birth_year", "weight_class", "stance", "sex", "team_id", "zone_model"}
    for column, value in profile.items():
        if column not in allowed:
            raise ValueError(f"unknown profile field {column}")
        if value is not None:
            store.run(f"UPDATE athletes SET {column} = ? WHERE id = ?", [value, athlete_id])


def set_value(store: Store, athlete_id: int, name: str, value: float, valid_from: date) -> None:
    """Record a dated value; a second value on the same date replaces the first."""
    if name not in VALUE_NAMES:
        raise ValueError(f"unknown athlete value {name}")
    store.run(
        "INSERT OR REPLACE INTO athlete_values VALUES (?, ?, ?, ?)",
        [athlete_id, name, value, valid_from],
    )


def has_value(store: Store, athlete_id: int, name: str) -> bool:
    return (
        store.one(
            "SELECT 1 FROM athlete_values WHERE athlete_id = ? AND name = ?", [athlete_id, name]
        )
        is not None
    )


def values(store: Store, athlete_id: int) -> pl.DataFrame:
    """Every dated value of an athlete: name, value, valid_from, in date order."""
    return store.frame(
        "SELECT name, value, valid_from FROM athlete_values WHERE athlete_id = ? "
        "ORDER BY name, valid_from",
        [athlete_id],
    )


def time_zones(store: Store) -> list[tuple[int, str, str]]:
    """`(id, name, tz)` of every athlete: what a listing needs to show local times."""
    return [
        (int(i), str(name), str(tz))
        for i, name, tz in store.run("SELECT id, name, tz FROM athletes")
    ]


def list_athletes(store: Store) -> pl.DataFrame:
    """Every athlete with their latest dated values, session count and data-based estimates."""
    return store.frame(
        """
        WITH latest AS (
            SELECT athlete_id, name, arg_max(value, valid_from) AS value
            FROM athlete_values GROUP BY athlete_id, name
        ), data AS (
            SELECT athlete_id, count(*) AS n_sessions, max(hr_max_bpm) AS hr_max_observed_bpm,
                   min(hr_low_bpm) AS hr_low_observed_bpm, max(start_utc) AS last_session_utc
            FROM sessions GROUP BY athlete_id
        )
        SELECT a.id, a.name, t.name AS team, a.sex, a.tz, a.birth_year, a.weight_class, a.stance,
               a.zone_model,
               (SELECT value FROM latest l WHERE l.athlete_id = a.id AND l.name = 'hr_max_bpm')
                   AS hr_max_bpm,
               (SELECT value FROM latest l WHERE l.athlete_id = a.id AND l.name = 'hr_rest_bpm')
                   AS hr_rest_bpm,
               (SELECT value FROM latest l
                   WHERE l.athlete_id = a.id AND l.name = 'hr_threshold_bpm') AS hr_threshold_bpm,
               coalesce(d.n_sessions, 0) AS n_sessions,
               d.hr_max_observed_bpm, d.hr_low_observed_bpm, d.last_session_utc
        FROM athletes a LEFT JOIN data d ON d.athlete_id = a.id
        LEFT JOIN teams t ON t.id = a.team_id
        ORDER BY a.name_key
        """
    )
