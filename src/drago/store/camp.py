"""Fight camps and fight night: performance tests, body mass, suspensions, fights."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import polars as pl

from drago.errors import NotFound
from drago.store.db import Store, utc_now

ROUND_COUNTS = ("jab_thrown", "jab_landed", "power_thrown", "power_landed", "knockdowns")
#: An athlete's rows in these tables (for export and erasure: see `delete_athlete_rows`).
ATHLETE_TABLES = ("performance_tests", "body_mass", "suspensions")


def add_test(
    store: Store, athlete_id: int, day: date, test: str, value: float, lower_is_better: bool
) -> None:
    store.run(
        "INSERT INTO performance_tests VALUES (?, ?, ?, ?, ?, ?)",
        [athlete_id, day, test, value, lower_is_better, utc_now()],
    )


def tests(store: Store, athlete_id: int, test: str | None = None) -> pl.DataFrame:
    """`date`, `test`, `value`, `lower_is_better` of an athlete's tests, oldest first."""
    where = "athlete_id = ?"
    params: list[Any] = [athlete_id]
    if test is not None:
        where, params = where + " AND lower(test) = lower(?)", [athlete_id, test]
    return store.frame(
        f"SELECT date, test, value, lower_is_better FROM performance_tests WHERE {where} "
        "ORDER BY date, created_utc",
        params,
    )


def upsert_body_mass(store: Store, athlete_id: int, day: date, kg: float) -> None:
    store.run("INSERT OR REPLACE INTO body_mass VALUES (?, ?, ?)", [athlete_id, day, kg])


def body_mass(store: Store, athlete_id: int) -> pl.DataFrame:
    """`date`, `kg` of an athlete's weigh-ins, oldest first."""
    return store.frame(
        "SELECT date, kg FROM body_mass WHERE athlete_id = ? ORDER BY date", [athlete_id]
    )


def add_suspension(store: Store, athlete_id: int, first_day: date, days: int, reason: str) -> int:
    row = store.one(
        "INSERT INTO suspensions (athlete_id, first_day, days, reason) VALUES (?, ?, ?, ?) "
        "RETURNING id",
        [athlete_id, first_day, days, reason],
    )
    assert row is not None
    return int(row[0])


def suspensions(store: Store, athlete_id: int) -> pl.DataFrame:
    """`id`, `first_day`, `last_day`, `days`, `reason`, oldest first."""
    return store.frame(
        "SELECT id, first_day, CAST(first_day + days - 1 AS DATE) AS last_day, days, reason "
        "FROM suspensions WHERE athlete_id = ? ORDER BY first_day, id",
        [athlete_id],
    )


def add_fight(store: Store, fields: dict[str, Any]) -> int:
    names = (
        "date",
        "red_name",
        "blue_name",
        "red_athlete_id",
        "blue_athlete_id",
        "rounds",
        "weight_class",
        "weigh_in_rules",
        "weigh_in_hours",
    )
    row = store.one(
        f"INSERT INTO fights ({', '.join(names)}, created_utc) VALUES "
        f"({', '.join('?' * (len(names) + 1))}) RETURNING id",
        [*(fields.get(n) for n in names), utc_now()],
    )
    assert row is not None
    return int(row[0])


def get_fight(store: Store, fight_id: int) -> dict[str, Any]:
    """The fight's row as a dict, or NotFound."""
    frame = store.frame("SELECT * FROM fights WHERE id = ?", [fight_id])
    if frame.height == 0:
        raise NotFound(f"no fight {fight_id}: create one with drago fight new")
    row: dict[str, Any] = frame.row(0, named=True)
    return row


def upsert_round(
    store: Store, fight_id: int, rnd: int, corner: str, counts: dict[str, int]
) -> None:
    """One corner's counts for one round (a re-entry replaces them)."""
    store.run(
        "INSERT OR REPLACE INTO fight_rounds VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [fight_id, rnd, corner, *(counts[c] for c in ROUND_COUNTS)],
    )


def upsert_scores(store: Store, fight_id: int, rnd: int, corner: str, scores: list[int]) -> None:
    """Judge j's score of `corner` in the round (judges numbered from 1); the other corner's
    score of the same judge is kept."""
    assert corner in ("red", "blue")
    for judge, score in enumerate(scores, start=1):
        store.run(
            f"INSERT INTO fight_scores (fight_id, round, judge, {corner}) VALUES (?, ?, ?, ?) "
            f"ON CONFLICT (fight_id, round, judge) DO UPDATE SET {corner} = excluded.{corner}",
            [fight_id, rnd, judge, score],
        )


def fight_rounds(store: Store, fight_id: int) -> pl.DataFrame:
    return store.frame(
        "SELECT round, corner, jab_thrown, jab_landed, power_thrown, power_landed, knockdowns "
        "FROM fight_rounds WHERE fight_id = ? ORDER BY round, corner",
        [fight_id],
    )


def fight_scores(store: Store, fight_id: int) -> pl.DataFrame:
    """`round`, `judge`, `red`, `blue` (either may be NULL until both corners are entered)."""
    return store.frame(
        "SELECT round, judge, red, blue FROM fight_scores WHERE fight_id = ? ORDER BY round, judge",
        [fight_id],
    )


def set_fight_result(store: Store, fight_id: int, fields: dict[str, Any]) -> None:
    """Record how a fight ended (`result`, `winner`, `end_round`, `end_time_s`; None clears)."""
    store.run(
        "UPDATE fights SET result = ?, winner = ?, end_round = ?, end_time_s = ? WHERE id = ?",
        [*(fields.get(k) for k in ("result", "winner", "end_round", "end_time_s")), fight_id],
    )


def next_fight_date(store: Store, athlete_id: int, as_of: date) -> date | None:
    """The date of the athlete's first fight on or after `as_of`, or None."""
    row = store.one(
        "SELECT min(date) FROM fights WHERE date >= ? AND (red_athlete_id = ? OR "
        "blue_athlete_id = ?)",
        [as_of, athlete_id, athlete_id],
    )
    return None if row is None or row[0] is None else row[0]  # type: ignore[no-any-return]


def fight_weigh_in(
    store: Store, athlete_id: int, fight_date: date
) -> tuple[str | None, float | None]:
    """The weigh-in rules and hours to the bout stored with the athlete's fight on
    `fight_date` ((None, None): no such fight, or its rules not set)."""
    row = store.one(
        "SELECT weigh_in_rules, weigh_in_hours FROM fights WHERE date = ? AND "
        "(red_athlete_id = ? OR blue_athlete_id = ?) ORDER BY id DESC LIMIT 1",
        [fight_date, athlete_id, athlete_id],
    )
    if row is None:
        return None, None
    return row[0], None if row[1] is None else float(row[1])


def set_fight_weigh_in(store: Store, fight_id: int, rules: str, hours: float | None) -> None:
    """Keep the bout's weigh-in rules (and the promotion's hours to the bout) with the fight."""
    store.run(
        "UPDATE fights SET weigh_in_rules = ?, weigh_in_hours = ? WHERE id = ?",
        [rules, hours, fight_id],
    )


def delete_athlete_rows(store: Store, athlete_id: int) -> dict[str, int]:
    """Erase an athlete's camp rows (in the caller's transaction); their fights stay, with the
    corner renamed "erased athlete" and unlinked. Returns rows deleted per table."""
    counts = {}
    for table in ATHLETE_TABLES:
        row = store.one(f"SELECT count(*) FROM {table} WHERE athlete_id = ?", [athlete_id])
        counts[table] = int(row[0]) if row else 0
        store.run(f"DELETE FROM {table} WHERE athlete_id = ?", [athlete_id])
    for corner in ("red", "blue"):
        store.run(
            f"UPDATE fights SET {corner}_name = 'erased athlete', {corner}_athlete_id = NULL "
            f"WHERE {corner}_athlete_id = ?",
            [athlete_id],
        )
    return counts


def athlete_fights(store: Store, athlete_id: int) -> pl.DataFrame:
    """Every fight of an athlete, newest first: `id`, `date`, `rounds`, `weight_class`,
    `corner` (the athlete's) and `opponent`."""
    return store.frame(
        "SELECT id, date, rounds, weight_class, result, winner, end_round, end_time_s, "
        "CASE WHEN red_athlete_id = ? THEN 'red' ELSE 'blue' END AS corner, "
        "CASE WHEN red_athlete_id = ? THEN blue_name ELSE red_name END AS opponent "
        "FROM fights WHERE red_athlete_id = ? OR blue_athlete_id = ? ORDER BY date DESC, id DESC",
        [athlete_id] * 4,
    )


def imu_sessions(
    store: Store, athlete_id: int, first_utc: datetime, last_utc: datetime
) -> list[tuple[int, datetime]]:
    """(id, start_utc) of the athlete's sessions with IMU streams starting in the window."""
    rows = store.run(
        "SELECT id, start_utc FROM sessions WHERE athlete_id = ? AND start_utc BETWEEN ? AND ? "
        "AND id IN (SELECT DISTINCT session_id FROM imu_samples) ORDER BY start_utc, id",
        [athlete_id, first_utc, last_utc],
    )
    return [(int(r[0]), r[1]) for r in rows]


def list_fights(store: Store) -> pl.DataFrame:
    """Every fight, newest first: `id`, `date`, `red_name`, `blue_name`, `rounds`,
    `weight_class`, the corners' athlete ids (null for an outside boxer), and how many round
    entries it has."""
    return store.frame(
        "SELECT f.id, f.date, f.red_name, f.blue_name, f.rounds, f.weight_class, "
        "f.weigh_in_rules, f.weigh_in_hours, "
        "f.red_athlete_id, f.blue_athlete_id, f.result, f.winner, f.end_round, f.end_time_s, "
        "(SELECT count(*) FROM fight_rounds r WHERE r.fight_id = f.id) AS entries "
        "FROM fights f ORDER BY f.date DESC, f.id DESC"
    )


def fight_corner_ids(store: Store, fight_id: int) -> tuple[int, ...] | None:
    """The athlete ids of a fight's corners that are drago athletes; None: no such fight."""
    row = store.one("SELECT red_athlete_id, blue_athlete_id FROM fights WHERE id = ?", [fight_id])
    if row is None:
        return None
    return tuple(int(i) for i in row if i is not None)
