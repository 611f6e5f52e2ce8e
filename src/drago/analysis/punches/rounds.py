"""Rounds of a punch session from a work/rest template, and per-round punch output.

Rounds start at the recording's first sample: round k (from 1) is the work period
[(k-1)(work+rest), (k-1)(work+rest) + work); punches in a rest belong to no round.
`punches_per_min` divides by the work time actually recorded in the round.

The fatigue index is the **decrement score** of Fitzsimons et al. (1993), recommended by
Glaister et al. (2008) as the most reliable fatigue measure of repeated efforts:
S_dec = 100 x (1 - sum(P_k) / (P_best x n)), over the n rounds with punches, P_k the mean
power proxy of round k and P_best the highest of them. 0 % means no decrement.

References
----------
Fitzsimons M., Dawson B., Ward D., Wilkinson A. (1993) Cycling and running tests of
repeated sprint ability. Australian Journal of Science and Medicine in Sport 25, 82-87.
Glaister M., Howatson G., Pattison J. R., McInnes G. (2008) The reliability and validity of
fatigue measures during multiple-sprint work: an issue revisited. J Strength Cond Res 22(5),
1597-1601.
"""

from __future__ import annotations

import math

import numpy as np


def round_of(t_s: np.ndarray, *, work_s: float = 180.0, rest_s: float = 60.0) -> np.ndarray:
    """Round number (1, 2, ...) of each time, 0 for times in a rest.

    >>> round_of(np.array([0.0, 179.0, 200.0, 241.0]), work_s=180, rest_s=60).tolist()
    [1, 1, 0, 2]
    """
    if work_s <= 0 or rest_s < 0:
        raise ValueError("work_s must be positive and rest_s non-negative")
    cycle = work_s + rest_s
    k = np.floor(np.asarray(t_s, dtype=np.float64) / cycle)
    in_work = (t_s - k * cycle) < work_s
    return np.where(in_work & (t_s >= 0), k + 1, 0).astype(np.int64)


def round_table(
    t_s: np.ndarray,
    power_au: np.ndarray,
    duration_s: float,
    *,
    work_s: float = 180.0,
    rest_s: float = 60.0,
) -> list[dict[str, float | int | None]]:
    """One row per round started in the recording: `round`, `start_s`, `end_s`,
    `n_punches`, `punches_per_min`, `mean_power_au` and `best_power_au` (None without punches).

    >>> rows = round_table(np.array([10.0, 20.0, 250.0]), np.array([1.0, 3.0, 1.0]), 300.0)
    >>> [(r["round"], r["n_punches"], r["mean_power_au"]) for r in rows]
    [(1, 2, 2.0), (2, 1, 1.0)]
    """
    rounds = round_of(t_s, work_s=work_s, rest_s=rest_s)
    cycle = work_s + rest_s
    n_rounds = max(1, math.ceil(duration_s / cycle)) if duration_s > 0 else 0
    if duration_s > 0 and duration_s - (n_rounds - 1) * cycle <= 0:
        n_rounds -= 1
    rows: list[dict[str, float | int | None]] = []
    for k in range(1, n_rounds + 1):
        start = float((k - 1) * cycle)
        end = float(min(start + work_s, duration_s))
        mine = rounds == k
        powers = power_au[mine]
        minutes = max(end - start, 1e-9) / 60.0
        rows.append(
            {
                "round": k,
                "start_s": start,
                "end_s": end,
                "n_punches": int(mine.sum()),
                "punches_per_min": float(mine.sum() / minutes),
                "mean_power_au": float(powers.mean()) if powers.size else None,
                "best_power_au": float(powers.max()) if powers.size else None,
            }
        )
    return rows


def decrement_score(values: list[float | None] | np.ndarray) -> float | None:
    """Fitzsimons (1993) decrement score in %, of per-round values (None ones skipped).

    None with fewer than two values or a non-positive best.

    >>> decrement_score([10.0, 9.0, 8.0])
    10.0
    """
    vals = np.array([v for v in values if v is not None], dtype=np.float64)
    if vals.size < 2 or vals.max() <= 0:
        return None
    return float(round(100.0 * (1.0 - vals.sum() / (vals.max() * vals.size)), 6))
