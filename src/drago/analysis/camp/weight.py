"""Weight classes (professional and amateur), lb/kg, and the making-weight trajectory.

Professional limits are in pounds (the sanctioning bodies' unit) and converted with the exact
international pound, 1 lb = 0.45359237 kg; amateur limits are in kilograms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final

import numpy as np
import polars as pl

from drago.analysis.camp.model import check_finite_column
from drago.analysis.camp.weighin import acute_cap_pct
from drago.errors import NotFound, UsageError

#: The international avoirdupois pound, exact (International Yard and Pound Agreement, 1959).
KG_PER_LB: Final = 0.45359237
#: Recommended gradual loss, % of body mass per week (Reale, Slater & Burke 2017: 0.5-1 %).
GRADUAL_PCT_WEEK: Final = (0.5, 1.0)
#: Cap on acute loss (water, gut content, low-residue diet) in the final week, % of body mass
#: (Reale, Slater & Burke 2017: up to about 5 % with at least a day to recover).
ACUTE_PCT_MAX: Final = 5.0
ACUTE_DAYS: Final = 7

#: WBC, WBA, IBF and WBO professional divisions, upper limits in lb (None: heavyweight, no limit).
PRO_LB: Final = (
    ("minimumweight", 105),
    ("light flyweight", 108),
    ("flyweight", 112),
    ("super flyweight", 115),
    ("bantamweight", 118),
    ("super bantamweight", 122),
    ("featherweight", 126),
    ("super featherweight", 130),
    ("lightweight", 135),
    ("super lightweight", 140),
    ("welterweight", 147),
    ("super welterweight", 154),
    ("middleweight", 160),
    ("super middleweight", 168),
    ("light heavyweight", 175),
    ("cruiserweight", 200),
    ("heavyweight", None),
)
ALIASES: Final = {
    "strawweight": "minimumweight",
    "mini flyweight": "minimumweight",
    "junior flyweight": "light flyweight",
    "junior bantamweight": "super flyweight",
    "junior featherweight": "super bantamweight",
    "junior lightweight": "super featherweight",
    "junior welterweight": "super lightweight",
    "light welterweight": "super lightweight",
    "junior middleweight": "super welterweight",
    "light middleweight": "super welterweight",
}
#: Amateur classes, upper limits in kg (None: open). Olympic Games Paris 2024 and IBA elite
#: (2023 technical and competition rules).
AMATEUR_KG: Final[dict[str, tuple[float | None, ...]]] = {
    "olympic2024-men": (51, 57, 63.5, 71, 80, 92, None),
    "olympic2024-women": (50, 54, 57, 60, 66, 75),
    "iba-men": (48, 51, 54, 57, 60, 63.5, 67, 71, 75, 80, 86, 92, None),
    "iba-women": (48, 50, 52, 54, 57, 60, 63, 66, 70, 75, 81, None),
}
BODIES: Final = ("pro", *AMATEUR_KG)


def lb_to_kg(lb: float) -> float:
    """Pounds to kilograms. ``lb_to_kg(147)`` = 66.678 kg.

    >>> round(lb_to_kg(147), 3)
    66.678
    """
    return lb * KG_PER_LB


def kg_to_lb(kg: float) -> float:
    """Kilograms to pounds.

    >>> round(kg_to_lb(66.678), 2)
    147.0
    """
    return kg / KG_PER_LB


@dataclass(frozen=True)
class WeightClass:
    """A division: ``limit_kg``/``limit_lb`` is the most a boxer may weigh (None: no limit);
    ``above_kg`` the limit of the class below (0 for the lightest)."""

    name: str
    body: str
    limit_kg: float | None
    limit_lb: float | None
    above_kg: float


def weight_classes(body: str = "pro") -> list[WeightClass]:
    """Every class of ``body`` (``pro`` or one of the amateur sets), lightest first."""
    if body == "pro":
        limits = [(n, None if lb is None else float(lb)) for n, lb in PRO_LB]
        out, prev = [], 0.0
        for name, lb in limits:
            kg = None if lb is None else lb_to_kg(lb)
            out.append(WeightClass(name, body, kg, lb, prev))
            prev = kg or prev
        return out
    if body not in AMATEUR_KG:
        raise NotFound(f"unknown body {body!r}; valid: {', '.join(BODIES)}")
    out, prev = [], 0.0
    for kg in AMATEUR_KG[body]:
        name = f"{kg:g}kg" if kg is not None else f"+{prev:g}kg"
        out.append(WeightClass(name, body, kg, None if kg is None else kg_to_lb(kg), prev))
        prev = float(kg) if kg is not None else prev
    return out


def weight_class(name: str, *, body: str = "pro") -> WeightClass:
    """Look a class up by name (case, hyphens and spaces ignored; ``junior``/``light`` aliases),
    or for amateur bodies by its limit ("57", "57 kg", "+92kg").

    >>> weight_class("Junior-Welterweight").limit_lb
    140.0
    >>> weight_class("63.5 kg", body="iba-men").limit_kg
    63.5
    """
    key = " ".join(name.lower().replace("-", " ").replace("_", " ").split())
    if body != "pro":
        key = key.replace(" ", "").removesuffix("kg") + "kg"
    key = ALIASES.get(key, key)
    for wc in weight_classes(body):
        if wc.name == key:
            return wc
    valid = ", ".join(wc.name for wc in weight_classes(body))
    raise NotFound(f"unknown {body} weight class {name!r}; valid: {valid}")


def class_for(kg: float, *, body: str = "pro") -> WeightClass:
    """The lightest class whose limit ``kg`` makes."""
    return next(wc for wc in weight_classes(body) if wc.limit_kg is None or kg <= wc.limit_kg)


@dataclass(frozen=True)
class WeightTrajectory:
    """The road to the scales: ``days`` (date, planned_kg, actual_kg) and the rates it needs.

    ``gradual_pct_week`` is the weekly loss the plan asks for until the final week;
    ``acute_pct`` the loss left for the final week; ``observed_pct_week`` the rate of the
    last 14 days of weigh-ins (least-squares slope; None with fewer than 2 of them).
    """

    days: pl.DataFrame
    current_kg: float
    limit_kg: float
    to_lose_kg: float
    gradual_pct_week: float
    acute_pct: float
    observed_pct_week: float | None
    warnings: list[str] = field(default_factory=list)


def weight_trajectory(
    weights: pl.DataFrame,
    weigh_in_date: date,
    limit_kg: float,
    *,
    gradual_pct_week: float = GRADUAL_PCT_WEEK[1],
    acute_pct_max: float = ACUTE_PCT_MAX,
    hours_to_bout: float | None = None,
) -> WeightTrajectory:
    """Plan the loss from the last weigh-in to ``limit_kg`` on ``weigh_in_date``, and warn.

    The plan loses weight gradually, at up to ``gradual_pct_week`` % of body mass a week, until
    the final 7 days, and leaves the rest to an acute loss in that week. Warnings: the acute
    part exceeds 5 % of body mass (so the gradual phase cannot carry the loss at ≤ 1 %/week);
    the athlete has been losing faster than 1 %/week over the last 14 days; the weigh-in is in
    the past. With `hours_to_bout` (weigh-in to bout), the acute cap is the one for that
    recovery time (`drago.analysis.camp.weighin.acute_cap_pct`: 5 % from 24 h, less below).

    References
    ----------
    Reale R., Slater G., Burke L. M. (2017) Acute-weight-loss strategies for combat sports and
    applications to Olympic success. Int J Sports Physiol Perform 12(2), 142-151.

    Reale R., Slater G., Burke L. M. (2017) Individualised dietary strategies for Olympic
    combat sports: acute weight loss, recovery and competition nutrition. Eur J Sport Sci
    17(6), 727-740.
    """
    if missing := {"date", "kg"} - set(weights.columns):
        raise UsageError(f"weights lack columns: {', '.join(sorted(missing))}")
    check_finite_column(weights, "kg")
    recovery = ""
    if hours_to_bout is not None:
        acute_pct_max = acute_cap_pct(hours_to_bout)
        recovery = f" for {hours_to_bout:g} h from weigh-in to bout"
    w = weights.drop_nulls(["date", "kg"]).sort("date")
    if w.height == 0:
        raise UsageError("no weigh-ins to plan from")
    if limit_kg <= 0:
        raise UsageError(f"weight limit must be positive, not {limit_kg}")
    today, current = w["date"][-1], float(w["kg"][-1])
    days_left = (weigh_in_date - today).days
    warnings: list[str] = []
    to_lose = max(current - limit_kg, 0.0)
    gradual_days = max(days_left - ACUTE_DAYS, 0)
    # most the gradual phase may take at the recommended rate (compounded weekly)
    can = current * (1.0 - (1.0 - gradual_pct_week / 100) ** (gradual_days / 7))
    gradual = min(to_lose, can)
    acute = to_lose - gradual
    gradual_rate = 0.0 if gradual_days == 0 else 100 * gradual / current / (gradual_days / 7)
    acute_pct = 100 * acute / (current - gradual) if current > gradual else 0.0
    recent = w.filter(pl.col("date") > today - timedelta(14))
    observed = None
    if recent.height >= 2:
        x = recent.select((pl.col("date") - pl.lit(today)).dt.total_days()).to_series().to_numpy()
        slope = float(np.polyfit(x.astype(float), recent["kg"].to_numpy(), 1)[0])
        observed = -100 * slope * 7 / current
    if days_left < 0:
        warnings.append(f"the weigh-in ({weigh_in_date}) is before the last weigh-in ({today})")
    if acute_pct > acute_pct_max:
        warnings.append(
            f"needs an acute loss of {acute_pct:.1f}% of body mass in the final week, above the "
            f"{acute_pct_max:g}% cap{recovery} (Reale, Slater & Burke 2017; Reale 2018): "
            "consider a heavier class"
        )
    if observed is not None and observed > GRADUAL_PCT_WEEK[1]:
        warnings.append(
            f"losing {observed:.1f}% of body mass a week over the last 14 days, above "
            f"the recommended {GRADUAL_PCT_WEEK[0]:g}-{GRADUAL_PCT_WEEK[1]:g}%"
        )
    n = max(days_left, 0) + 1
    dates = [today + timedelta(d) for d in range(n)]
    planned = np.empty(n)
    for d in range(n):
        frac = min(d / gradual_days, 1.0) if gradual_days else 1.0
        planned[d] = current - gradual * frac
        if d > gradual_days:  # acute loss spread linearly over the final days
            planned[d] -= acute * (d - gradual_days) / max(n - 1 - gradual_days, 1)
    actual = dict(zip(w["date"].to_list(), w["kg"].cast(pl.Float64).to_list(), strict=True))
    days = pl.DataFrame(
        {"date": dates, "planned_kg": planned, "actual_kg": [actual.get(d) for d in dates]},
        schema={"date": pl.Date, "planned_kg": pl.Float64, "actual_kg": pl.Float64},
    )
    return WeightTrajectory(
        days, current, limit_kg, to_lose, gradual_rate, acute_pct, observed, warnings
    )
