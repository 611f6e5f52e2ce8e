"""From target loads to sessions a boxer can do: activity, minutes, target RPE, HR zone.

A day's target load is on the athlete's own scale (drago's `auto` load: Banister TRIMP, or
session-RPE load times the athlete's TRIMP-per-sRPE ratio, see
`drago.analysis.load.srpe_trimp_ratio`). A session of `minutes` at CR-10 `rpe` has sRPE load
minutes × rpe (Foster et al. 2001), so on the athlete's scale it is minutes × rpe × ratio; the
prescription picks the session's usual RPE and solves for whole minutes, raising the RPE one
step at a time (up to 9) when the minutes would pass the session's longest, so that the day
adds up to its target to within half a minute's load.

The session types, their activity (drago's vocabulary), usual target RPE and longest duration
are drago's conventions for a boxing camp (`SESSIONS`); the HR zone of an RPE follows the
CR-10 verbal anchors (`RPE_ZONE`, drago convention).

References
----------
Foster C., Florhaug J. A., Franklin J., et al. (2001) A new approach to monitoring exercise
training. J Strength Cond Res 15(1), 109-115.
"""

from __future__ import annotations

import math
from typing import Final

import polars as pl

#: session -> (activity, usual target RPE on CR-10, longest minutes). drago convention.
SESSIONS: Final[dict[str, tuple[str, int, int]]] = {
    "sparring": ("sparring", 8, 60),
    "pads": ("pads", 7, 75),
    "bag": ("bag", 6, 75),
    "roadwork": ("run", 5, 90),
    "conditioning": ("conditioning", 7, 75),
    "strength": ("strength", 6, 90),
    "rest": ("rest", 0, 0),
}
#: Highest RPE a prescription rises to when a session would run past its longest.
RPE_CEILING: Final = 9
#: CR-10 RPE -> 5-zone HR model (drago convention after the CR-10 anchors: 3 moderate,
#: 5 hard, 7 very hard, 10 maximal).
RPE_ZONE: Final = {0: None, 1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 6: 3, 7: 4, 8: 4, 9: 5, 10: 5}


def prescribe(days: pl.DataFrame, *, srpe_to_trimp: float, hr_zones: bool) -> pl.DataFrame:
    """Add `activity`, `minutes`, `rpe`, `hr_zone` (null without HR data) and `planned_load`
    (minutes × rpe × `srpe_to_trimp`) to a plan's `days` (`session`, `target_load`).

    Examples
    --------
    >>> d = pl.DataFrame({"session": ["bag", "rest"], "target_load": [120.0, 0.0]})
    >>> prescribe(d, srpe_to_trimp=0.4, hr_zones=True).select(
    ...     "activity", "minutes", "rpe", "hr_zone", "planned_load").rows()
    [('bag', 50, 6, 3, 120.0), ('rest', 0, 0, None, 0.0)]
    """
    if not srpe_to_trimp > 0 or not math.isfinite(srpe_to_trimp):
        raise ValueError(f"srpe_to_trimp must be a positive number, not {srpe_to_trimp}")
    rows = [
        _session(str(s), float(t or 0.0), srpe_to_trimp)
        for s, t in zip(days["session"], days["target_load"], strict=True)
    ]
    activity, minutes, rpe = zip(*rows, strict=True) if rows else ((), (), ())
    zone = [RPE_ZONE[r] if hr_zones else None for r in rpe]
    return days.with_columns(
        pl.Series("activity", activity, pl.String),
        pl.Series("minutes", minutes, pl.Int64),
        pl.Series("rpe", rpe, pl.Int64),
        pl.Series("hr_zone", zone, pl.Int64),
        pl.Series(
            "planned_load",
            [m * r * srpe_to_trimp for m, r in zip(minutes, rpe, strict=True)],
            pl.Float64,
        ),
    )


def _session(session: str, target: float, ratio: float) -> tuple[str, int, int]:
    activity, rpe, longest = SESSIONS.get(session, SESSIONS["conditioning"])
    if target <= 0 or rpe == 0:
        return activity, 0, 0
    while rpe < RPE_CEILING and target / (rpe * ratio) > longest:
        rpe += 1
    return activity, max(round(target / (rpe * ratio)), 1), rpe
