"""The gym's day in the browser: an athlete's morning check, session ratings, a hand-logged
session and a weigh-in from a phone, each form with its JSON twin, and the coach's today board.

Routes parse, call the lab (`drago.lab.gym`, `drago.lab.today`) and format. Forms answer with
a redirect to the athlete's day (post/redirect/get); the JSON twins answer 201 with what was
stored. A value out of range is 422 with the API's error body, on either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, time, timedelta
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from drago.errors import NotFound, UsageError
from drago.lab.base import FIRST_DAY
from drago.vocab import WELLNESS_ITEMS
from drago.web.api import ERRORS, LabDep, Name
from drago.web.app import MAX_UPLOAD_BYTES, templates
from drago.web.ids import SessionId

#: Hooper items are 1-7, 1 best (Hooper & Mackinnon 1995); CR-10 session RPE 0-10 (Foster 2001).
Item = Annotated[int, Field(ge=1, le=7)]
Rpe = Annotated[float, Field(ge=0, le=10, multiple_of=0.5)]
#: An entry may be dated at most a day ahead (the athlete's "today" east of the server).
AHEAD_DAYS = 1


def same_origin(request: Request) -> None:
    """Plain mode (no accounts): a write must come from this dashboard or from a script (no
    Origin), never from another site's page in the browser; team mode checks CSRF tokens."""
    if getattr(request.app.state, "team", None) is not None:
        return
    origin = request.headers.get("origin")
    if origin is None:
        return
    if origin == "null" or urlsplit(origin).netloc != request.headers.get("host", ""):
        raise HTTPException(403, "a write from another site is refused: post from this dashboard")


api = APIRouter(prefix="/api", tags=["api"])
writes = APIRouter(prefix="/api", tags=["api"], dependencies=[Depends(same_origin)])
pages = APIRouter(include_in_schema=False)
page_writes = APIRouter(include_in_schema=False, dependencies=[Depends(same_origin)])


@contextmanager
def as_422() -> Iterator[None]:
    """A value the lab refuses (out of range, unknown activity) is a 422 like a malformed one."""
    try:
        yield
    except NotFound:
        raise
    except UsageError as exc:
        raise HTTPException(422, str(exc)) from exc


def check_date(day: date) -> date:
    if day < FIRST_DAY:
        raise HTTPException(422, f"date {day} is before {FIRST_DAY}: check the year")
    if day > date.today() + timedelta(AHEAD_DAYS):
        raise HTTPException(422, f"date {day} is in the future: give today's or an earlier one")
    return day


class Wellness(BaseModel):
    """The morning questionnaire (Hooper items, 1 best, 7 worst) and resting HR."""

    model_config = ConfigDict(extra="forbid")
    date: dt.date
    sleep: Item
    stress: Item
    fatigue: Item
    soreness: Item
    mood: Item | None = None
    rhr_bpm: float | None = Field(default=None, ge=25, le=150)


class Weight(BaseModel):
    """A weigh-in."""

    model_config = ConfigDict(extra="forbid")
    date: dt.date
    kg: float = Field(ge=30, le=200)


class RRList(BaseModel):
    """A morning RR reading as a list of intervals (ms, or s: the unit is detected)."""

    model_config = ConfigDict(extra="forbid")
    date: dt.date
    rr: list[float] = Field(min_length=30, max_length=20_000)


class NewSession(BaseModel):
    """A session logged by hand: local date and time, minutes, CR-10 RPE, activity."""

    model_config = ConfigDict(extra="forbid")
    date: dt.date
    time: dt.time | None = None
    minutes: float = Field(gt=0, le=24 * 60)
    rpe: Rpe
    activity: str = Field(min_length=1, max_length=40)
    notes: str | None = Field(default=None, max_length=2000)


class SessionPatch(BaseModel):
    """What an athlete corrects after the fact: the RPE (30 minutes after), notes, activity."""

    model_config = ConfigDict(extra="forbid")
    rpe: Rpe | None = None
    notes: str | None = Field(default=None, max_length=2000)
    activity: str | None = Field(default=None, min_length=1, max_length=40)


def _created(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(jsonable_encoder({"ok": True} | body), status_code=201)


@writes.post("/athletes/{name}/wellness", status_code=201, responses=ERRORS)
def post_wellness(name: Name, entry: Wellness, lab: LabDep) -> Response:
    """The morning questionnaire of a day (a second entry for the same day replaces it)."""
    items = {k: getattr(entry, k) for k in WELLNESS_ITEMS}
    with as_422():
        done = lab.gym.morning_check(
            name, day=check_date(entry.date), wellness=items, rhr_bpm=entry.rhr_bpm
        )
    return _created({"athlete": done.athlete, "date": done.date})


@writes.post("/athletes/{name}/weights", status_code=201, responses=ERRORS)
def post_weight(name: Name, entry: Weight, lab: LabDep) -> Response:
    """A weigh-in (the last of a day wins)."""
    with as_422():
        done = lab.gym.morning_check(name, day=check_date(entry.date), kg=entry.kg)
    return _created({"athlete": done.athlete, "date": done.date, "kg": done.kg})


@writes.post("/athletes/{name}/rr", status_code=201, responses=ERRORS)
def post_rr(name: Name, entry: RRList, lab: LabDep) -> Response:
    """A morning RR reading as a list (stored as `drago import --as morning` stores a file)."""
    data = ("\n".join(f"{v:g}" for v in entry.rr) + "\n").encode()
    with as_422():
        done = lab.gym.morning_check(name, day=check_date(entry.date), rr=data)
    return _created({"athlete": done.athlete, "date": done.date, "rr": done.rr})


@writes.post("/athletes/{name}/sessions", status_code=201, responses=ERRORS)
def post_session(name: Name, entry: NewSession, lab: LabDep) -> Response:
    """A session logged by hand (the snow run); answers its id."""
    with as_422():
        sid = lab.sessions.log(
            athlete=name,
            day=check_date(entry.date),
            minutes=entry.minutes,
            rpe=entry.rpe,
            activity=entry.activity,
            at=entry.time,
            notes=entry.notes,
        )
    return _created({"id": sid})


@writes.patch("/sessions/{session_id}", responses=ERRORS)
def patch_session(session_id: SessionId, entry: SessionPatch, lab: LabDep) -> Response:
    """Rate a session (RPE) or correct its notes or activity; answers the session."""
    with as_422():
        lab.sessions.set(session_id, rpe=entry.rpe, notes=entry.notes, activity=entry.activity)
    row = lab.sessions.get(session_id)
    keep = ("id", "athlete", "activity", "duration_s", "rpe", "srpe_load", "notes")
    return JSONResponse(jsonable_encoder({"ok": True} | {k: row.get(k) for k in keep}))


@api.get("/athletes/{name}/today", responses=ERRORS)
def get_day(name: Name, lab: LabDep) -> Response:
    """The athlete's day (the twin of /athletes/{name}/today): check-in, verdict, sessions to
    rate."""
    return JSONResponse(jsonable_encoder(lab.gym.day(name).to_dict()))


Sort = Annotated[str, Query(description="Column to sort by (verdict: red first).")]


@api.get("/today", responses=ERRORS)
def get_today(lab: LabDep, sort: Sort = "verdict") -> Response:
    """The coach's today board: one row per athlete the caller sees (`athlete`, `verdict`,
    `reason`, `checked_in`, `planned`, yesterday done vs planned, weight vs plan, suspension)."""
    with as_422():
        rows = lab.today.board(sort=sort)
    return JSONResponse(jsonable_encoder([r.to_dict() for r in rows]))


# pages


def _back(name: str, saved: str) -> RedirectResponse:
    return RedirectResponse(f"/athletes/{quote(name, safe='')}/today?saved={saved}", 303)


def _number(text: str | None, what: str) -> float | None:
    """An optional number typed in a form ("" is none; "72,5" is 72.5)."""
    if text is None or not text.strip():
        return None
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        raise HTTPException(422, f"{what}: {text[:20]!r} is not a number") from None


@pages.get("/athletes/{name}/today", response_class=HTMLResponse)
def day_page(request: Request, name: Name, lab: LabDep, saved: str | None = None) -> HTMLResponse:
    """The athlete's day on a phone: the morning check, sessions to rate, log a session."""
    day = lab.gym.day(name)
    context = {
        "title": f"{day.athlete} today",
        "d": day,
        "saved": saved,
        "activities": ACTIVITY_CHOICES,
        "max_mib": MAX_UPLOAD_BYTES >> 20,
    }
    return templates.TemplateResponse(request, "day.html", context)


#: Activities offered first on the phone (any of drago's activities may be typed).
ACTIVITY_CHOICES = ("run", "bag", "pads", "sparring", "strength", "skipping", "shadow", "other")
ItemField = Annotated[int | None, Form(ge=1, le=7)]


@page_writes.post("/athletes/{name}/morning")
async def morning_form(
    name: Name,
    lab: LabDep,
    day: Annotated[date, Form(alias="date")],
    sleep: ItemField = None,
    stress: ItemField = None,
    fatigue: ItemField = None,
    soreness: ItemField = None,
    rhr_bpm: Annotated[str | None, Form()] = None,
    kg: Annotated[str | None, Form()] = None,
    rr_text: Annotated[str | None, Form()] = None,
    rr_file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """The morning check from the form (multipart: an RR file may come with it)."""
    from fastapi.concurrency import run_in_threadpool

    from drago.lab.gym import pasted_rr

    rr, rr_name = None, None
    if rr_file is not None and rr_file.filename:
        rr = await rr_file.read(MAX_UPLOAD_BYTES + 1)
        if len(rr) > MAX_UPLOAD_BYTES:
            raise HTTPException(413, "the RR file is too large")
        rr_name = rr_file.filename
    elif rr_text and rr_text.strip():
        with as_422():
            rr = pasted_rr(rr_text)
    items = {"sleep": sleep, "stress": stress, "fatigue": fatigue, "soreness": soreness}
    with as_422():
        done = await run_in_threadpool(
            lab.gym.morning_check,
            name,
            day=check_date(day),
            wellness=items,
            rhr_bpm=_number(rhr_bpm, "resting HR"),
            kg=_number(kg, "body mass"),
            rr=rr,
            rr_filename=rr_name,
        )
    return _back(done.athlete, "morning")


@page_writes.post("/athletes/{name}/weights")
def weight_form(
    name: Name,
    lab: LabDep,
    day: Annotated[date, Form(alias="date")],
    kg: Annotated[float, Form(ge=30, le=200)],
) -> Response:
    """A weigh-in from the form."""
    with as_422():
        done = lab.gym.morning_check(name, day=check_date(day), kg=kg)
    return _back(done.athlete, "weight")


@page_writes.post("/athletes/{name}/sessions")
def session_form(
    name: Name,
    lab: LabDep,
    day: Annotated[date, Form(alias="date")],
    minutes: Annotated[float, Form(gt=0, le=24 * 60)],
    rpe: Annotated[float, Form(ge=0, le=10, multiple_of=0.5)],
    activity: Annotated[str, Form(min_length=1, max_length=40)],
    at: Annotated[str | None, Form(alias="time")] = None,
    notes: Annotated[str | None, Form(max_length=2000)] = None,
) -> Response:
    """A hand-logged session from the form."""
    clock = None
    if at and at.strip():
        try:
            clock = time.fromisoformat(at.strip())
        except ValueError:
            raise HTTPException(422, f"time: {at[:10]!r} is not HH:MM") from None
    with as_422():
        lab.sessions.log(
            athlete=name,
            day=check_date(day),
            minutes=minutes,
            rpe=rpe,
            activity=activity,
            at=clock,
            notes=notes or None,
        )
    return _back(str(lab.athletes.get(name).profile["name"]), "session")


@page_writes.post("/sessions/{session_id}/rating")
def rating_form(
    session_id: SessionId,
    lab: LabDep,
    rpe: Annotated[float, Form(ge=0, le=10, multiple_of=0.5)],
    notes: Annotated[str | None, Form(max_length=2000)] = None,
) -> Response:
    """Rate a session from the form, back to the athlete's day."""
    with as_422():
        lab.sessions.set(session_id, rpe=rpe, notes=notes or None)
    return _back(str(lab.sessions.get(session_id)["athlete"]), "rating")


COLUMN_LABELS = {
    "athlete": "athlete",
    "verdict": "verdict",
    "checked_in": "checked in",
    "planned": "planned today",
    "yesterday_done": "yesterday done / planned",
    "kg_vs_plan": "weight vs plan",
    "suspension": "suspension",
    "camp_warnings": "camp warnings",
}


@pages.get("/today", response_class=HTMLResponse)
def today_page(request: Request, lab: LabDep, sort: Sort = "verdict") -> HTMLResponse:
    """The coach's board: one row per athlete, the ones who need the coach first."""
    with as_422():
        rows = lab.today.board(sort=sort)
    context = {
        "title": "Today",
        "rows": [r.to_dict() for r in rows],
        "sort": sort,
        "labels": COLUMN_LABELS,
    }
    return templates.TemplateResponse(request, "today.html", context)


__all__ = ["api", "page_writes", "pages", "writes"]
