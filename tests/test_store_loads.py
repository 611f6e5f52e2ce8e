"""Writing per-session loads and plausibility reasons: row by row for a few sessions (a
`drago log`), through a registered Arrow stream for many; the stored values are the same."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from drago.lab import Lab
from drago.store import loads as load_rows


def frames(ids: list[int]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Loads with every kind of value (numbers, nulls, zone lists, an empty list) and reasons
    (text and null) for the sessions `ids`."""
    n = len(ids)
    loads = pl.DataFrame(
        {
            "id": ids,
            "hr_time_s": [float(i) * 60.5 if i % 3 else None for i in range(n)],
            "zone_s": [
                [1.5 * i, 2.0, 0.0] if i % 2 else ([] if i % 5 == 0 else None) for i in range(n)
            ],
            "trimp_banister": [10.25 + i for i in range(n)],
            "trimp_edwards": [None if i % 4 == 0 else 3.0 * i for i in range(n)],
            "trimp_lucia": [0.5 * i for i in range(n)],
            "srpe_load": [270.0 - i for i in range(n)],
        },
        schema_overrides={"zone_s": pl.List(pl.Float64), "hr_time_s": pl.Float64},
    )
    reasons = pl.DataFrame(
        {"id": ids, "reason": [None if i % 2 else f"HR {250 + i} bpm" for i in range(n)]},
        schema_overrides={"reason": pl.String},
    )
    return loads, reasons


@pytest.mark.parametrize("n", [1, load_rows.ROW_BY_ROW_MAX, load_rows.ROW_BY_ROW_MAX + 1, 40])
def test_loads_and_reasons_are_stored_as_given(db: Path, n: int) -> None:
    with Lab(db) as lab:
        lab.athletes.add("rocky", sex="m")
        first = date(2026, 10, 1)
        ids = [
            lab.sessions.log(
                athlete="rocky", day=first + timedelta(k), minutes=30, rpe=5, activity="bag"
            )
            for k in range(n)
        ]
        loads, reasons = frames(ids)
        with lab.store.transaction():
            load_rows.write_loads(lab.store, loads)
            load_rows.write_suspects(lab.store, reasons)
        stored = lab.store.frame(
            f"SELECT id, {', '.join(load_rows.LOAD_COLUMNS)}, suspect_reason AS reason, "
            "loads_utc IS NOT NULL AS stamped FROM sessions ORDER BY id"
        )
    expected = loads.join(reasons, on="id").with_columns(stamped=pl.lit(True))
    assert stored.cast(expected.schema).equals(expected.select(stored.columns))
