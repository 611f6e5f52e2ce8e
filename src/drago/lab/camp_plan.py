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


#: Days of recorded history the planner needs before the camp: the 28-day chronic window of
#: the ACWR and the questionnaire's four weeks (drago convention).
HISTORY_DAYS = 28


def history_or_questionnaire(
    history: pl.DataFrame,
    camp_start: date,
    weekly_hours: float | None,
    usual_rpe: float | None,
    scale: CampScale,
) -> tuple[pl.DataFrame, str]:
    """The daily history to plan from and a note saying what it is (drago convention):

    - the athlete's own, when the 28 days before the camp hold load and the records cover
      those 28 days or span at least 28 days (a camp already under way);
    - when the records are younger than that, the questionnaire (usual weekly hours and RPE)
      stands in for the days before the first record, and the records follow;
    - with no load in those 28 days, four weeks from the questionnaire;
    - without a questionnaire in either of the last two cases, a UsageError asking for it.
    """
    window_start = camp_start - timedelta(HISTORY_DAYS)
    loaded = history.filter((pl.col("load").fill_null(0.0) > 0) & (pl.col("date") < camp_start))
    recent = loaded.filter(pl.col("date") >= window_start)
    first = loaded["date"].min() if loaded.height else None
    first_day = first if isinstance(first, date) else None
    last = history["date"].max() if history.height else None
    span_days = (last - first_day).days + 1 if isinstance(last, date) and first_day else 0
    covered = first_day is not None and (first_day <= window_start or span_days >= HISTORY_DAYS)
    if recent.height and covered:
        return history, "planned from the athlete's own load history"
    partial = bool(recent.height) and first_day is not None
    if weekly_hours is None or usual_rpe is None:
        why = (
            f"the athlete's records start on {first_day}, {(camp_start - first_day).days} days "
            f"before the camp ({HISTORY_DAYS} needed)"
            if partial and first_day is not None
            else f"no training load in the {HISTORY_DAYS} days before the camp"
        )
        raise UsageError(
            f"{why}: give the usual week (weekly hours and usual RPE: --weekly-hours and "
            "--usual-rpe) to plan from a questionnaire"
        )
    made = questionnaire_history(
        camp_start,
        weekly_hours=weekly_hours,
        usual_rpe=usual_rpe,
        srpe_to_trimp=scale.srpe_to_trimp,
    )
    asked = f"{weekly_hours:g} h a week at RPE {usual_rpe:g}"
    if partial and first_day is not None:
        kept = history.filter(pl.col("date") >= first_day)
        before = made.filter(pl.col("date") < first_day)
        joined = pl.concat([before, kept.select(before.columns)], how="vertical_relaxed")
        note = (
            f"planned from the athlete's records since {first_day} and, for the days before, "
            f"a questionnaire ({asked})"
        )
        return joined, note
    return (
        made,
        f"planned from a questionnaire ({asked}): no load in the {HISTORY_DAYS} days before",
    )


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
