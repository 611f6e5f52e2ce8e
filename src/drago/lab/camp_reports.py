"""What the camp service answers: the performance model, the camp plan and the camp's status,
as typed results with their JSON forms."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import polars as pl

from drago.analysis.camp.model import PerformanceFit
from drago.analysis.camp.plan import CampPlan
from drago.analysis.camp.weight import BODIES, WeightTrajectory, weight_class
from drago.errors import NotFound
from drago.lab.camp_plan import plan_warnings


@dataclass(frozen=True)
class ModelReport:
    """An athlete's performance model: which test, the fit (or population values)."""

    athlete: str
    test: str | None
    lower_is_better: bool
    fit: PerformanceFit

    def to_dict(self) -> dict[str, Any]:
        fit = self.fit
        return {
            "athlete": self.athlete,
            "test": self.test,
            "lower_is_better": self.lower_is_better,
            "source": fit.source,
            "note": fit.note,
            "n_tests": fit.n_tests,
            "r2": fit.r2,
            "rmse": fit.rmse,
            "params": asdict(fit.params),
            "stderr": fit.stderr,
        }


@dataclass(frozen=True)
class CampReport:
    """A camp plan with the model behind it and, when known, the road to the scales."""

    athlete: str
    plan: CampPlan
    model: ModelReport
    weight: WeightTrajectory | None
    weight_note: str
    history_note: str = ""

    @property
    def warnings(self) -> list[str]:
        """The plan's warnings, then the weight cut's."""
        return plan_warnings(self.plan) + (list(self.weight.warnings) if self.weight else [])

    def to_dict(self) -> dict[str, Any]:
        """The `drago camp plan --format json` contract (dates as `date` objects)."""
        plan, w = self.plan, self.weight
        days = plan.days.with_columns(pl.col("target_load", "predicted_performance").round(2))
        constraints = [
            {k: v for k, v in asdict(c).items() if k not in ("low", "high")}
            for c in plan.constraints
        ]
        weight = None
        if w is not None:
            weight = {
                "limit_kg": w.limit_kg,
                "current_kg": w.current_kg,
                "to_lose_kg": w.to_lose_kg,
                "gradual_pct_week": w.gradual_pct_week,
                "acute_pct": w.acute_pct,
                "observed_pct_week": w.observed_pct_week,
                "days": w.days.to_dicts(),
            }
        return {
            "athlete": self.athlete,
            "fight_date": plan.fight_date,
            "days": days.to_dicts(),
            "fight_day_prediction": plan.fight_day_prediction,
            "ramp_prediction": plan.ramp_prediction,
            "taper_days": plan.taper_days,
            "taper_cut": plan.taper_cut,
            "weekly_volume": plan.weekly_volume,
            "day_cap": plan.day_cap,
            "constraints": constraints,
            "model": self.model.to_dict(),
            "weight": weight,
            "weight_note": self.weight_note,
            "history_note": self.history_note,
            "warnings": self.warnings,
        }


@dataclass(frozen=True)
class CampStatus:
    """Where a camp stands on `as_of`: load done against planned, predicted fight-day form
    (done so far, then the plan), and body mass against the trajectory."""

    athlete: str
    as_of: date
    fight_date: date
    camp_start: date
    planned_load_to_date: float
    done_load_to_date: float
    predicted_fight_day: float
    planned_fight_day: float
    model_note: str
    current_kg: float | None = None
    planned_kg_today: float | None = None
    limit_kg: float | None = None
    warnings: list[str] = field(default_factory=list)


def class_limit_kg(name: str) -> float | None:
    """The limit of a weight class named in any body's terms (pro first); None for an open
    class or a name no body knows (the plan then says there is no limit)."""
    for body in BODIES:
        try:
            return weight_class(name, body=body).limit_kg
        except NotFound:
            continue
    return None
