"""Teams: a coach's gym, a federation's squad."""

from __future__ import annotations

import polars as pl

from drago.errors import Conflict, NotFound
from drago.store.db import Store, utc_now


def add_team(store: Store, name: str) -> int:
    key = name.strip().casefold()
    if store.one("SELECT 1 FROM teams WHERE name_key = ?", [key]):
        raise Conflict(f"team {name!r} already exists")
    row = store.one(
        "INSERT INTO teams (name, name_key, created_utc) VALUES (?, ?, ?) RETURNING id",
        [name.strip(), key, utc_now()],
    )
    assert row is not None
    return int(row[0])


def team_id(store: Store, name: str) -> int:
    """The id of team `name` (any case), or NotFound with how to add one."""
    row = store.one("SELECT id FROM teams WHERE name_key = ?", [name.strip().casefold()])
    if row is None:
        raise NotFound(f"no team {name}: add it with drago team add")
    return int(row[0])


def list_teams(store: Store) -> pl.DataFrame:
    return store.frame(
        """
        SELECT t.id, t.name, count(a.id) AS n_athletes,
               coalesce(string_agg(a.name, ', ' ORDER BY a.name_key), '') AS athletes
        FROM teams t LEFT JOIN athletes a ON a.team_id = t.id
        GROUP BY t.id, t.name, t.name_key ORDER BY t.name_key
        """
    )
