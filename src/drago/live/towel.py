"""The towel's signals in sparring, from one athlete's own sensors (`analysis.fight`).

Per finished round: punches thrown by kind, power index and 1-min HR recovery
(`sensor_rounds`), then the stoppage-risk score of `towel` with nothing landed or absorbed
known (no opponent data live): the signals that remain are the fall of output, of punch
power and of HR recovery against rounds 1-3. A decision aid, not a medical device.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from drago.analysis.fight import DISCLAIMER, sensor_rounds, towel
from drago.live.clock import RoundClock


def towel_state(
    punches: list[dict[str, Any]],
    hr_t: list[float],
    hr_bpm: list[float],
    clock: RoundClock,
    finished: int,
) -> dict[str, Any] | None:
    """The towel after `finished` rounds (None before the first round ends)."""
    if finished < 1:
        return None
    rounds = pl.DataFrame(
        {
            "round": list(range(1, finished + 1)),
            "start_s": [k * clock.cycle_s for k in range(finished)],
            "end_s": [k * clock.cycle_s + clock.round_s for k in range(finished)],
        }
    )
    table = pl.DataFrame(
        {
            "t_s": [p["t_s"] for p in punches],
            "type": [p["type"] for p in punches],
            "power_au": [p["power_au"] for p in punches],
        },
        schema={"t_s": pl.Float64, "type": pl.String, "power_au": pl.Float64},
    )
    hr = pl.DataFrame(
        {"t_s": hr_t, "hr_bpm": hr_bpm}, schema={"t_s": pl.Float64, "hr_bpm": pl.Float64}
    ).fill_nan(None)
    mine = sensor_rounds(table, rounds, hr).with_columns(
        pl.lit("red").alias("corner"),
        pl.lit(0, pl.Int64).alias("jab_landed"),
        pl.lit(0, pl.Int64).alias("power_landed"),
        pl.lit(0, pl.Int64).alias("knockdowns"),
    )
    last = towel(mine).filter(pl.col("corner") == "red").sort("round").row(-1, named=True)
    return {
        "round": int(last["round"]),
        "risk": round(float(last["risk"]), 3),
        "alert": bool(last["alert"]),
        "message": last["message"],
        "note": DISCLAIMER,
    }
