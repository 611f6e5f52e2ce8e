"""What the camp planner needs from the lab besides the daily series: the athlete's load scale,
a questionnaire standing in for missing history, and the plan's warnings in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from drago.analysis.camp.plan import UNGATED, CampPlan
from drago.analysis.camp.week import questionnaire_history
from drago.analysis.load import SRPE_TO_TRIMP_FALLBACK, srpe_trimp_ratio
from drago.errors import UsageError


@dataclass(frozen=True)
class CampScale:
    """The athlete's TRIMP per sRPE unit (their load scale) and whether they have HR data."""

    srpe_to_trimp: float
    source: str
    has_hr: bool


def camp_scale(history: pl.DataFrame) -> CampScale:
    """The scale of `drago load` for one athlete's sessions (`athlete_id`, `trimp_banister`,
    `srpe_load`, `counts`): their own ratio with enough paired sessions, else the population's."""
    counted = history.filter(pl.col("counts").fill_null(True))
    has_hr = bool(counted["trimp_banister"].is_not_null().any()) if counted.height else False
    if counted.height == 0:
        return CampScale(SRPE_TO_TRIMP_FALLBACK, "population", has_hr)
    row = srpe_trimp_ratio(counted).row(0, named=True)
    return CampScale(float(row["srpe_to_trimp"]), str(row["source"]), has_hr)


def history_or_questionnaire(
    history: pl.DataFrame,
    camp_start: date,
    weekly_hours: float | None,
    usual_rpe: float | None,
    scale: CampScale,
) -> tuple[pl.DataFrame, str]:
    """The daily history to plan from and a note saying what it is: the athlete's own when
    the 28 days before the camp hold load, else four weeks from the questionnaire (usual
    weekly hours and RPE), else a UsageError asking for it."""
    recent = history.filter(
        (pl.col("date") < camp_start) & (pl.col("date") >= camp_start - timedelta(28))
    )
    if recent.height and float(recent["load"].fill_null(0.0).sum()) > 0:
        return history, "planned from the athlete's own load history"
    if weekly_hours is None or usual_rpe is None:
        raise UsageError(
            "no training load in the 28 days before the camp: give the usual week with "
            "--weekly-hours and --usual-rpe to plan from a questionnaire"
        )
    made = questionnaire_history(
        camp_start,
        weekly_hours=weekly_hours,
        usual_rpe=usual_rpe,
        srpe_to_trimp=scale.srpe_to_trimp,
    )
    note = (
        f"planned from a questionnaire ({weekly_hours:g} h a week at RPE {usual_rpe:g}): "
        "no load in the 28 days before the camp"
    )
    return made, note


def plan_warnings(plan: CampPlan) -> list[str]:
    """Reported checks the plan does not meet (the days before the camp are history)."""
    out = []
    for c in plan.constraints:
        if not c.ok and c.name in UNGATED:
            out.append(
                f"monotony {c.max_seen:.2f} on a 7-day window reaching back before the camp "
                f"(limit {c.limit}): vary the last days before it"
            )
    return out
