"""The fight camp in the dashboard: the camp page (the weight cut under the bout's weigh-in
rules and its warnings, where the camp stands, the plan's sessions) and its JSON twin, from
the lab calls behind `drago camp plan` and `drago camp status` (`drago.lab.camp_view`).

The weigh-in rules are chosen on the page (query parameters, as `drago camp plan --weigh-in
--hours-to-bout --usg-max`); the athlete page shows the weight cut under the default rules
(pro) and links here.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, Response

from drago.errors import NotFound, UsageError
from drago.web.api import ERRORS, Day, LabDep, Name, check_day
from drago.web.app import templates

api = APIRouter(prefix="/api", tags=["api"])
pages = APIRouter(include_in_schema=False)

#: The weigh-in rules a page can choose (`drago camp plan --weigh-in`), in their order.
RULES = ("pro", "amateur", "ibf")

Weeks = Annotated[int, Query(ge=3, le=26, description="Length of the camp in weeks.")]
Rules = Annotated[
    str | None,
    Query(
        max_length=40,
        description="Weigh-in rules: pro (day before), amateur (morning of the bout), ibf "
        "(default: the bout's stored rules, else pro).",
    ),
]
Hours = Annotated[
    float | None,
    Query(gt=0, le=72, allow_inf_nan=False, description="Hours from weigh-in to bout."),
]
Usg = Annotated[
    float | None,
    Query(
        gt=1.0,
        lt=1.05,
        allow_inf_nan=False,
        description="A hydration test's urine specific gravity limit at the weigh-in.",
    ),
]
Kg = Annotated[
    float | None,
    Query(ge=30, le=200, allow_inf_nan=False, description="Weight limit, kg (default: class)."),
]
WeeklyHours = Annotated[
    float | None,
    Query(
        ge=1,
        le=40,
        allow_inf_nan=False,
        description="Without recent history: usual hours of training a week.",
    ),
]
NoDrop = Annotated[
    int | None,
    Query(ge=1, le=52, description="A promotion's rule: no class drop within this many weeks."),
]
UsualRpe = Annotated[
    float | None,
    Query(
        ge=1,
        le=10,
        allow_inf_nan=False,
        description="Without recent history: usual session RPE (CR-10).",
    ),
]


def _options(as_of: date | None, fight_date: date | None, **chosen: Any) -> dict[str, Any]:
    """`lab.camp.view`'s options: the dates checked, the rest as chosen."""
    dates = {"as_of": check_day(as_of, "as_of"), "fight_date": check_day(fight_date, "fight_date")}
    return dates | chosen


@api.get("/athletes/{name}/camp", responses=ERRORS)
def camp_json(
    name: Name,
    lab: LabDep,
    as_of: Day = None,
    fight_date: Day = None,
    weeks: Weeks = 8,
    weigh_in: Rules = None,
    hours_to_bout: Hours = None,
    usg_max: Usg = None,
    weigh_in_kg: Kg = None,
    weekly_hours: WeeklyHours = None,
    usual_rpe: UsualRpe = None,
    no_drop_weeks: NoDrop = None,
) -> Response:
    """The camp to the athlete's next fight (or `fight_date`): the weigh-in under the rules
    chosen (date, hours to the bout, acute-loss cap, hydration test), weight now against the
    trajectory, load done against planned, the plan's days (activity, minutes, RPE, HR zone),
    and every warning (`warnings`: the plan's and the weight cut's); 404 without a fight ahead.
    An athlete without load in the 28 days before the camp needs `weekly_hours` and
    `usual_rpe` (a questionnaire; `history_note` says so), else 400."""
    options = _options(
        as_of,
        fight_date,
        weeks=weeks,
        weigh_in=weigh_in,
        hours_to_bout=hours_to_bout,
        usg_max=usg_max,
        weigh_in_kg=weigh_in_kg,
        weekly_hours=weekly_hours,
        usual_rpe=usual_rpe,
        no_drop_weeks=no_drop_weeks,
    )
    view = lab.camp.view(name, **options)
    return JSONResponse(jsonable_encoder(view.to_dict()))


def _number(text: str | None, what: str) -> float | None:
    """A form's number: None when left blank; a finite number, else UsageError."""
    if text is None or not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"{what} must be a number, not {text[:20]!r}") from None
    if not math.isfinite(value):
        raise UsageError(f"{what} must be a finite number, not {text[:20]!r}")
    return value


def _whole(text: str | None, what: str) -> int | None:
    """A form's whole number: None when left blank, else UsageError for anything else."""
    value = _number(text, what)
    if value is not None and not value.is_integer():
        raise UsageError(f"{what} must be a whole number, not {text!r}")
    return None if value is None else int(value)


#: A form field that may be left blank (the form sends every field).
Blank = Annotated[str | None, Query(max_length=40)]


@pages.get("/athletes/{name}/camp", response_class=HTMLResponse)
def camp_page(
    request: Request,
    name: Name,
    lab: LabDep,
    as_of: Day = None,
    fight_date: Day = None,
    weeks: Weeks = 8,
    weigh_in: Rules = None,
    hours_to_bout: Blank = None,
    usg_max: Blank = None,
    weigh_in_kg: Blank = None,
    weekly_hours: Blank = None,
    usual_rpe: Blank = None,
    no_drop_weeks: Blank = None,
) -> HTMLResponse:
    """The camp page (its form sends blank fields for the rules' defaults); without a fight
    ahead, without history to plan from, or with a value out of range, it says so."""
    profile = lab.athletes.get(name).profile
    view, problem = None, None
    weigh_in = weigh_in or None
    options: dict[str, Any] = {"weigh_in": weigh_in}
    try:
        options = _options(
            as_of,
            fight_date,
            weeks=weeks,
            weigh_in=weigh_in,
            hours_to_bout=_number(hours_to_bout, "hours from weigh-in to bout"),
            usg_max=_number(usg_max, "the urine specific gravity limit"),
            weigh_in_kg=_number(weigh_in_kg, "the weight limit"),
            weekly_hours=_number(weekly_hours, "usual hours a week"),
            usual_rpe=_number(usual_rpe, "usual RPE"),
            no_drop_weeks=_whole(no_drop_weeks, "no class drop within (weeks)"),
        )
        view = lab.camp.view(profile["name"], **options)
    except (NotFound, UsageError) as exc:
        problem = str(exc)
    context = {
        "title": f"{profile['name']}: camp",
        "profile": profile,
        "view": view,
        "problem": problem,
        "rules": RULES,
        "chosen": options,
    }
    return templates.TemplateResponse(request, "camp.html", context)
