"""A store's rows as lake tables (`drago lake export`)."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from drago.store.db import Store
from drago.store.sessions import COUNTS_SQL

_ATHLETES = """
    SELECT a.id, a.name AS athlete, t.name AS team, a.tz, a.sex, a.birth_year, a.weight_class
    FROM athletes a LEFT JOIN teams t ON t.id = a.team_id
    WHERE {where} ORDER BY a.name
"""
_TABLES = {
    "sessions": """
        SELECT x.athlete, s.id AS session_id, s.start_utc, s.duration_s, s.activity, s.rpe,
               s.hr_avg_bpm, s.hr_max_bpm, s.trimp_banister, s.trimp_edwards, s.trimp_lucia,
               s.srpe_load, """
    + COUNTS_SQL
    + """ AS counts
        FROM sessions s JOIN x ON x.id = s.athlete_id
    """,
    "wellness": """
        SELECT x.athlete, w.date, w.sleep, w.stress, w.fatigue, w.soreness, w.mood, w.rhr_bpm
        FROM wellness w JOIN x ON x.id = w.athlete_id
    """,
    "rr_measurements": """
        SELECT x.athlete, m.id, m.date, m.start_utc, m.n_beats, m.duration_s, m.artefact_pct,
               m.reliable, m.mean_hr_bpm, m.rmssd_ms, m.ln_rmssd, m.sdnn_ms
        FROM rr_measurements m JOIN x ON x.id = m.athlete_id
    """,
}


def export_tables(
    store: Store, athlete_ids: Sequence[int] | None = None
) -> dict[str, pl.DataFrame]:
    """The athletes (all, or those of `athlete_ids`) and their sessions, wellness and morning
    measurements, as frames named like the lake's tables."""
    where = "true"
    if athlete_ids is not None:
        where = f"a.id IN ({', '.join(str(int(i)) for i in athlete_ids) or 'NULL'})"
    athletes = store.frame(_ATHLETES.format(where=where))
    out = {"athletes": athletes.drop("id")}
    store.con.register("x", athletes.select("id", "athlete").to_arrow())
    try:
        for table, sql in _TABLES.items():
            out[table] = store.frame(sql)
    finally:
        store.con.unregister("x")
    return out
