"""Fight night in the browser and the API: the fights, one fight round by round with the
towel, and forms to create a fight and enter a round (the same lab calls as `drago fight`)."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, ValidationError

from drago.errors import UsageError
from drago.web.api import DEFAULT_LIMIT, ERRORS, LabDep, Limit, Offset, Page, page
from drago.web.app import templates
from drago.web.ids import FightId

api = APIRouter(prefix="/api", tags=["api"])
pages = APIRouter(include_in_schema=False)
Count = Annotated[int, Field(ge=0, le=1000)]


class RoundEntry(BaseModel):
    """One corner's CompuBox counts for a round; `scores`: this corner's score from each
    judge, in judge order (10-point must)."""

    round: int = Field(ge=1, le=15)
    corner: str = Field(pattern="^(red|blue)$")
    jabs_thrown: Count
    jabs_landed: Count
    power_thrown: Count
    power_landed: Count
    knockdowns: Count = 0
    scores: list[int] | None = None


def _report(lab: LabDep, fight_id: int) -> dict[str, Any]:
    return dataclasses.asdict(lab.fights.report(fight_id))


def _counts(entry: RoundEntry) -> dict[str, int]:
    return {
        "jab_thrown": entry.jabs_thrown,
        "jab_landed": entry.jabs_landed,
        "power_thrown": entry.power_thrown,
        "power_landed": entry.power_landed,
        "knockdowns": entry.knockdowns,
    }


@api.get("/fights", response_model=Page, responses=ERRORS)
def fights(
    request: Request, lab: LabDep, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0
) -> Response:
    """Every fight, newest first."""
    return page(request, lab.fights.list(), limit, offset)


@api.get("/fights/{fight_id}", responses=ERRORS)
def fight(fight_id: FightId, lab: LabDep) -> Response:
    """A fight round by round (the `drago fight show --format json` contract): counts, the
    towel's risk and alerts, CompuBox totals, scorecards and decision."""
    return JSONResponse(jsonable_encoder(_report(lab, fight_id)))


@api.post("/fights/{fight_id}/rounds", responses=ERRORS)
def enter_round(fight_id: FightId, entry: RoundEntry, lab: LabDep) -> Response:
    """Enter (or replace) one corner's round; answers the fight so far."""
    report = lab.fights.enter_round(
        fight_id, rnd=entry.round, corner=entry.corner, counts=_counts(entry), scores=entry.scores
    )
    return JSONResponse(jsonable_encoder(dataclasses.asdict(report)))


class ResultEntry(BaseModel):
    """How a fight ended: `result` KO, TKO, RTD, UD, SD, MD, draw or NC; `winner` red or blue
    (none for a draw or NC); `round` and `time` ("M:SS" into it) for a stoppage."""

    result: str = Field(max_length=10)
    winner: str | None = Field(default=None, pattern="^(red|blue)$")
    round: int | None = Field(default=None, ge=1, le=15)
    time: str | None = Field(default=None, pattern=r"^\d{1,2}(:\d{2})?$")


def _result(lab: LabDep, fight_id: int, entry: ResultEntry) -> None:
    from drago.lab.records import parse_clock

    try:
        lab.fights.set_result(
            fight_id,
            result=entry.result,
            winner=entry.winner or None,
            end_round=entry.round,
            end_time_s=parse_clock(entry.time) if entry.time else None,
        )
    except UsageError as exc:
        raise HTTPException(422, str(exc)) from exc


@api.post("/fights/{fight_id}/result", responses=ERRORS)
def enter_result(fight_id: FightId, entry: ResultEntry, lab: LabDep) -> Response:
    """Record how the fight ended; answers the fight."""
    _result(lab, fight_id, entry)
    return JSONResponse(jsonable_encoder(_report(lab, fight_id)))


class WeighInEntry(BaseModel):
    """The bout's weigh-in rules (`pro`, `amateur` or `ibf`) and, if the promotion's differ
    from the rules', its hours from weigh-in to bout."""

    weigh_in: str = Field(max_length=10)
    hours_to_bout: float | None = Field(default=None, gt=0, le=72, allow_inf_nan=False)


@api.post("/fights/{fight_id}/weigh-in", responses=ERRORS)
def enter_weigh_in(fight_id: FightId, entry: WeighInEntry, lab: LabDep) -> Response:
    """Keep the bout's weigh-in rules with the fight (the camp pages then use them); answers
    the fight."""
    lab.fights.set_weigh_in(fight_id, weigh_in=entry.weigh_in, hours_to_bout=entry.hours_to_bout)
    return JSONResponse(jsonable_encoder(_report(lab, fight_id)))


@pages.get("/fights", response_class=HTMLResponse)
def fights_page(request: Request, lab: LabDep) -> HTMLResponse:
    """The fights, and a form for a new one."""
    context = {
        "title": "Fights",
        "fights": lab.fights.list().to_dicts(),
        "names": lab.athletes.list()["name"].to_list(),
        "today": date.today().isoformat(),
    }
    return templates.TemplateResponse(request, "fights.html", context)


@pages.post("/fights")
def new_fight(
    lab: LabDep,
    red: Annotated[str, Form()],
    blue: Annotated[str, Form()],
    day: Annotated[date, Form(alias="date")],
    rounds: Annotated[int, Form(ge=1, le=15)],
    weight_class: Annotated[str | None, Form()] = None,
    weigh_in: Annotated[str | None, Form(max_length=10)] = None,
) -> Response:
    """Create a fight from the form, then show it."""
    fid = lab.fights.new(
        red=red,
        blue=blue,
        day=day,
        rounds=rounds,
        weight_class=weight_class or None,
        weigh_in=weigh_in or None,
    )
    return RedirectResponse(f"/fights/{fid}", status_code=303)


@pages.post("/fights/{fight_id}/weigh-in")
def fight_weigh_in_form(
    fight_id: FightId,
    lab: LabDep,
    weigh_in: Annotated[str, Form(max_length=10)],
    hours_to_bout: Annotated[str | None, Form(max_length=10)] = None,
) -> Response:
    """Keep the weigh-in rules from the form, then show the fight."""
    try:
        hours = float(hours_to_bout) if hours_to_bout and hours_to_bout.strip() else None
    except ValueError as exc:
        raise UsageError(f"hours from weigh-in to bout: {hours_to_bout!r} is not a number") from exc
    lab.fights.set_weigh_in(fight_id, weigh_in=weigh_in, hours_to_bout=hours)
    return RedirectResponse(f"/fights/{fight_id}#weigh-in", status_code=303)


@pages.get("/fights/{fight_id}", response_class=HTMLResponse)
def fight_page(request: Request, fight_id: FightId, lab: LabDep) -> HTMLResponse:
    """One fight: CompuBox table with the towel's risk per round, alerts, cards, and the
    round entry form."""
    report = _report(lab, fight_id)
    f = report["fight"]
    entered = {(r["round"], c) for r in report["rounds"] for c in ("red", "blue") if r[c]}
    next_round = next(
        (
            k
            for k in range(1, f["rounds"] + 1)
            if (k, "red") not in entered or (k, "blue") not in entered
        ),
        f["rounds"],
    )
    context = {
        "title": f"{f['red_name']} vs {f['blue_name']}",
        "r": report,
        "f": f,
        "next_round": next_round,
    }
    return templates.TemplateResponse(request, "fight.html", context)


@pages.post("/fights/{fight_id}/result")
def fight_result_form(
    fight_id: FightId,
    lab: LabDep,
    result: Annotated[str, Form(max_length=10)],
    winner: Annotated[str | None, Form()] = None,
    rnd: Annotated[str | None, Form(alias="round")] = None,
    at: Annotated[str | None, Form(alias="time")] = None,
) -> Response:
    """Record the result from the form, then show the fight."""
    try:
        entry = ResultEntry(
            result=result,
            winner=winner or None,
            round=int(rnd) if rnd and rnd.strip() else None,
            time=at.strip() if at and at.strip() else None,
        )
    except (ValueError, ValidationError) as exc:
        raise HTTPException(422, f"the result is not complete: {exc}") from exc
    _result(lab, fight_id, entry)
    return RedirectResponse(f"/fights/{fight_id}#result", status_code=303)


@pages.post("/fights/{fight_id}/rounds")
def fight_round_form(
    fight_id: FightId,
    lab: LabDep,
    rnd: Annotated[int, Form(alias="round")],
    corner: Annotated[str, Form()],
    jabs_thrown: Annotated[int, Form()],
    jabs_landed: Annotated[int, Form()],
    power_thrown: Annotated[int, Form()],
    power_landed: Annotated[int, Form()],
    knockdowns: Annotated[int, Form()] = 0,
    scores: Annotated[str | None, Form()] = None,
) -> Response:
    """Enter a round from the form, then show the fight (post/redirect/get)."""
    judges = None
    if scores and scores.strip():
        try:
            judges = [int(p) for p in scores.replace(" ", "").split(",")]
        except ValueError as exc:
            raise UsageError(
                f"scores are whole numbers per judge, e.g. 10,9,10, not {scores!r}"
            ) from exc
    counts = {
        "jab_thrown": jabs_thrown,
        "jab_landed": jabs_landed,
        "power_thrown": power_thrown,
        "power_landed": power_landed,
        "knockdowns": knockdowns,
    }
    lab.fights.enter_round(fight_id, rnd=rnd, corner=corner, counts=counts, scores=judges)
    return RedirectResponse(f"/fights/{fight_id}#round-{rnd}", status_code=303)
