"""The rules of the bout for making weight: when the weigh-in is, how much may be cut acutely
in the time from weigh-in to bout, and a promotion's hydration rules, as one cited table.

=============  =====================  =============  ===========================================
rules          weigh-in               hours to bout  source
=============  =====================  =============  ===========================================
pro            the day before         30             Reale 2018 (professional bouts may leave
                                                     more than 30 h); 30 h drago convention
amateur        the morning of the     4              Reale 2018 (Olympic combat sports leave
               bout                                  3-24 h); 4 h drago convention
ibf            the day before, and a  30             IBF rules as commonly applied: a fight-
               fight-morning check                   morning check at the limit + 10 lb
               at limit + 10 lb
=============  =====================  =============  ===========================================

A promotion's own rules, given by the user (no fixed table: they differ by promotion and
change): a hydration test at the weigh-in (`usg_max`, urine specific gravity) and "no class
drop within N weeks" (`no_drop_weeks`: a bout may not be in a lighter class than one the
athlete fought at in the N weeks before it), each a warning when the camp breaks it.

Acute-loss cap by hours from weigh-in to bout (`acute_cap_pct`): 5 % of body mass with 24 h
or more (Reale, Slater & Burke 2017: about 5 % with at least a day to recover); 4 % with
6-24 h and 3 % under 6 h, scaled down because less time is left to restore fluid and
glycogen (Reale 2018 ties the safe acute loss to the recovery time; the steps are drago's
convention).

References
----------
Reale R., Slater G., Burke L. M. (2017) Acute-weight-loss strategies for combat sports and
applications to Olympic success. Int J Sports Physiol Perform 12(2), 142-151.

Reale R. (2018) Acute weight management in combat sports: pre weigh-in weight loss, post
weigh-in recovery and competition nutrition strategies. Gatorade Sports Science Exchange,
August 2018.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Final

from drago.errors import UsageError

#: The international avoirdupois pound (as in `weight`), for rules written in pounds.
_KG_PER_LB: Final = 0.45359237


@dataclass(frozen=True)
class WeighInRule:
    """When a level or promotion weighs in, and what else it checks.

    `days_before`: the weigh-in's date before the bout's (1: the day before, 0: the same day);
    `hours_to_bout`: the usual time from weigh-in to bout; `regain_max_kg`: a fight-day check
    weigh-in may not exceed the limit by more than this; `usg_max`: urine specific gravity
    allowed at the weigh-in (a hydration test), None where the rules have none;
    `no_drop_weeks`: no bout in a lighter class than one fought in this many weeks before it.
    """

    name: str
    days_before: int
    hours_to_bout: float
    source: str
    regain_max_kg: float | None = None
    usg_max: float | None = None
    no_drop_weeks: int | None = None


WEIGH_IN_RULES: Final[dict[str, WeighInRule]] = {
    "pro": WeighInRule("pro", 1, 30.0, "Reale 2018; 30 h drago convention"),
    "amateur": WeighInRule("amateur", 0, 4.0, "Reale 2018; 4 h drago convention"),
    "ibf": WeighInRule(
        "ibf", 1, 30.0, "IBF fight-morning check, limit + 10 lb", regain_max_kg=10 * _KG_PER_LB
    ),
}
#: (fewest hours from weigh-in to bout, acute-loss cap in % of body mass), longest first.
ACUTE_CAPS: Final = ((24.0, 5.0), (6.0, 4.0), (0.0, 3.0))


def weigh_in_rule(
    name: str,
    *,
    hours_to_bout: float | None = None,
    usg_max: float | None = None,
    no_drop_weeks: int | None = None,
) -> WeighInRule:
    """A rule of `WEIGH_IN_RULES` by name, with the hours and a hydration test overridden
    where a promotion says otherwise.

    >>> weigh_in_rule("amateur").days_before, weigh_in_rule("pro", hours_to_bout=36).hours_to_bout
    (0, 36.0)
    """
    try:
        rule = WEIGH_IN_RULES[name.strip().lower()]
    except KeyError:
        valid = ", ".join(WEIGH_IN_RULES)
        raise UsageError(f"unknown weigh-in rules {name!r}; valid: {valid}") from None
    if hours_to_bout is not None:
        if not 0 < hours_to_bout <= 72:  # NaN fails too
            raise UsageError(f"hours from weigh-in to bout must be 0-72, not {hours_to_bout}")
        rule = replace(
            rule, hours_to_bout=float(hours_to_bout), source=rule.source + "; hours given"
        )
    if usg_max is not None:
        if not 1.0 < usg_max < 1.05:
            raise UsageError(f"urine specific gravity limit must be 1.000-1.050, not {usg_max}")
        rule = replace(rule, usg_max=float(usg_max))
    if no_drop_weeks is not None:
        if not 1 <= no_drop_weeks <= 52:
            raise UsageError(f"no class drop within 1-52 weeks, not {no_drop_weeks}")
        rule = replace(rule, no_drop_weeks=int(no_drop_weeks))
    return rule


def acute_cap_pct(hours_to_bout: float) -> float:
    """Acute loss allowed in the final week, % of body mass, for the hours to recover.

    >>> [acute_cap_pct(h) for h in (30, 12, 4)]
    [5.0, 4.0, 3.0]
    """
    for hours, cap in ACUTE_CAPS:
        if hours_to_bout >= hours:
            return cap
    return ACUTE_CAPS[-1][1]


def weigh_in_date(fight_date: date, rule: WeighInRule) -> date:
    return fight_date - timedelta(days=rule.days_before)


def rule_notes(rule: WeighInRule, limit_kg: float) -> list[str]:
    """What the rules check besides the scales, as sentences for the camp's warnings."""
    out = []
    if rule.regain_max_kg is not None:
        out.append(
            f"{rule.name}: a fight-morning check weigh-in at most "
            f"{limit_kg + rule.regain_max_kg:.1f} kg (limit + {rule.regain_max_kg:.1f} kg): "
            "plan the rehydration to stay under it"
        )
    if rule.usg_max is not None:
        out.append(
            f"{rule.name}: a hydration test at the weigh-in (urine specific gravity <= "
            f"{rule.usg_max:.3f}): the acute cut cannot come from dehydration"
        )
    return out


def class_drop_notes(
    rule: WeighInRule, fight_date: date, limit_kg: float, earlier: list[tuple[date, float]]
) -> list[str]:
    """Under "no class drop within N weeks" (`rule.no_drop_weeks`), a warning for each bout in
    the N weeks before `fight_date` at a heavier limit than `limit_kg`; `earlier`: the
    athlete's other bouts as (date, class limit in kg).

    >>> rule = weigh_in_rule("pro", no_drop_weeks=8)
    >>> [note] = class_drop_notes(rule, date(2026, 6, 1), 63.5, [(date(2026, 4, 20), 66.7)])
    >>> note[:57]
    'pro: a bout at 66.7 kg on 2026-04-20, 6 weeks before, and'
    >>> note[57:]
    ' now 63.5 kg: these rules allow no class drop within 8 weeks'
    >>> class_drop_notes(rule, date(2026, 6, 1), 63.5, [(date(2026, 3, 1), 66.7)])
    []
    """
    if rule.no_drop_weeks is None:
        return []
    out = []
    for day, kg in sorted(earlier):
        gap_days = (fight_date - day).days
        if 0 < gap_days <= 7 * rule.no_drop_weeks and kg > limit_kg + 1e-6:
            out.append(
                f"{rule.name}: a bout at {kg:.1f} kg on {day}, {gap_days // 7} weeks before, "
                f"and now {limit_kg:.1f} kg: these rules allow no class drop within "
                f"{rule.no_drop_weeks} weeks"
            )
    return out
