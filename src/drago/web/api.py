"""The JSON API under /api/: every page's numbers, paginated lists, uploads through the CLI's
import code. Routes parse, call the lab, and format; errors are drago's, mapped in `app`."""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

import polars as pl
from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from drago.errors import UsageError
from drago.lab.base import FIRST_DAY, LAST_DAY
from drago.vocab import LoadMethodName
from drago.web.app import MAX_UPLOAD_BYTES, WebLab, error_response, lab_dependency
from drago.web.app import upload_too_large as too_large
from drago.web.ids import SessionId
from drago.web.limits import MAX_UPLOAD_EXPANDED_BYTES, MAX_UPLOAD_FILES
from drago.web.protect import served

router = APIRouter(prefix="/api", tags=["api"])
LabDep = Annotated[WebLab, Depends(lab_dependency)]
#: Page sizes of the list endpoints.
DEFAULT_LIMIT, MAX_LIMIT = 500, 5000
UPLOAD_CHUNK = 1024 * 1024

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Offset = Annotated[int, Query(ge=0, le=10**9, description="Items to skip.")]
Name = Annotated[str, PathParam(description="The athlete's name (any case, URL-encoded).")]
Day = Annotated[date | None, Query(description="A date, YYYY-MM-DD.")]


class Page(BaseModel):
    """A page of a list: `next` is the URL of the next page, null on the last."""

    items: list[dict[str, Any]]
    next: str | None


class Error(BaseModel):
    """Every error the API answers."""

    ok: Literal[False] = False
    error: str
    status: int


class Streams(BaseModel):
    """A session's records, column by column (`timestamp` in UTC ISO 8601)."""

    session_id: int
    columns: dict[str, list[Any]]


class FileResult(BaseModel):
    file: str
    status: Literal["imported", "already imported", "skipped", "failed"]
    reason: str | None
    session_ids: list[int]


class ImportResult(BaseModel):
    """One result per uploaded file; `ok` is false when any file failed."""

    ok: bool
    athlete: str
    results: list[FileResult]


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Error} for code in (400, 404, 413, 422, 503)
}


def json_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """A frame ready for JSON: naive datetimes (the store's UTC) marked as UTC."""
    fixes = [
        pl.col(name).dt.replace_time_zone("UTC")
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Datetime) and dtype.time_zone is None
    ]
    return frame.with_columns(fixes) if fixes else frame


def rows_json(frame: pl.DataFrame) -> str:
    """Rows as a JSON array, written by Polars (NaN and inf as null, dates ISO 8601)."""
    return json_frame(frame).write_json()


def columns_json(frame: pl.DataFrame) -> str:
    """Columns as one JSON object of arrays (no per-row work in Python)."""
    return json_frame(frame).select(pl.all().implode()).write_json()[1:-1]


def raw_json(text: str) -> Response:
    return Response(text, media_type="application/json")


def own_url(request: Request, **params: Any) -> str:
    """This request's URL with `params` set, on the configured address (`DRAGO_PUBLIC_URL`,
    else the address and port served), never on the Host the client sent."""
    base = request.app.state.public_url
    if base is None:
        address, port = served(request.scope)
        host = f"[{address}]" if ":" in address else address
        base = f"{request.url.scheme}://{host}:{port}"
    query = dict(request.query_params) | {k: str(v) for k, v in params.items()}
    return f"{base}{request.url.path}?{urlencode(query)}"


def page(request: Request, frame: pl.DataFrame, limit: int, offset: int) -> Response:
    """One page of `frame` as `{"items": [...], "next": URL or null}`."""
    more = offset + limit < frame.height
    nxt = own_url(request, limit=limit, offset=offset + limit) if more else None
    body = f'{{"items":{rows_json(frame.slice(offset, limit))},"next":{json.dumps(nxt)}}}'
    return raw_json(body)


def check_day(value: date | None, what: str) -> date | None:
    if value is not None and not FIRST_DAY <= value <= LAST_DAY:
        raise UsageError(f"{what} {value.isoformat()} is outside {FIRST_DAY.year}-{LAST_DAY.year}")
    return value


@router.get("/athletes", response_model=Page, responses=ERRORS)
def athletes(
    request: Request,
    lab: LabDep,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    team: Annotated[str | None, Query(description="Only this team.")] = None,
) -> Response:
    """Every athlete with current HR values (estimated from data where missing)."""
    return page(request, lab.athletes.list(team=team), limit, offset)


@router.get("/athletes/{name}", responses=ERRORS)
def athlete(name: Name, lab: LabDep) -> Response:
    """One athlete: profile, dated HR values, and the estimates from data."""
    view = lab.athletes.get(name)
    profile = rows_json(pl.DataFrame([view.profile]))[1:-1]
    estimates = json.dumps(view.estimates)
    return raw_json(
        f'{{"profile":{profile},"values":{rows_json(view.values)},"estimates":{estimates}}}'
    )


@router.get("/athletes/{name}/sessions", response_model=Page, responses=ERRORS)
def athlete_sessions(
    request: Request,
    name: Name,
    lab: LabDep,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    since: Day = None,
    order: Annotated[
        Literal["asc", "desc"],
        Query(description="asc: oldest first (as the CLI); desc: newest first."),
    ] = "asc",
) -> Response:
    """An athlete's sessions with their summaries and loads."""
    frame = lab.sessions.list(athlete=name, since=check_day(since, "since"))
    return page(request, frame.reverse() if order == "desc" else frame, limit, offset)


@router.get("/athletes/{name}/load", response_model=Page, responses=ERRORS)
def athlete_load(
    request: Request,
    name: Name,
    lab: LabDep,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    since: Day = None,
    until: Day = None,
    as_of: Day = None,
    method: LoadMethodName = "auto",
) -> Response:
    """The daily series: load, fitness (CTL), fatigue (ATL), form (TSB), ACWR, monotony."""
    series = lab.load.series(
        name,
        since=check_day(since, "since"),
        until=check_day(until, "until"),
        as_of=check_day(as_of, "as_of"),
        method=method,
    )
    return page(request, series, limit, offset)


@router.get("/athletes/{name}/readiness", response_model=Page, responses=ERRORS)
def athlete_readiness(
    request: Request,
    name: Name,
    lab: LabDep,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    since: Day = None,
    as_of: Day = None,
) -> Response:
    """Morning HRV against its normal range, resting HR, Hooper score and the day's verdict."""
    frame = lab.readiness.series(
        name, since=check_day(since, "since"), as_of=check_day(as_of, "as_of")
    )
    return page(request, frame, limit, offset)


@router.get("/athletes/{name}/readiness/now", responses=ERRORS)
def athlete_readiness_now(name: Name, lab: LabDep, as_of: Day = None) -> Response:
    """The day's morning verdict (fixed by the morning's inputs) and, apart under `now`, the
    same rules with the day's training counted (default: today in the athlete's time zone)."""
    view = lab.gym.readiness_now(name, as_of=check_day(as_of, "as_of"))
    return JSONResponse(jsonable_encoder(view.to_dict()))


@router.get("/sessions/{session_id}", responses=ERRORS)
def session(session_id: SessionId, lab: LabDep) -> Response:
    """One session: summary, loads and time in zones, and its lap count."""
    return raw_json(rows_json(pl.DataFrame([lab.sessions.get(session_id)]))[1:-1])


@router.get("/sessions/{session_id}/streams", response_model=Streams, responses=ERRORS)
def session_streams(session_id: SessionId, lab: LabDep) -> Response:
    """The session's records column by column; columns with no value at all are left out."""
    frame = lab.streams.records(session_id)
    return raw_json(f'{{"session_id":{session_id},"columns":{columns_json(frame)}}}')


@router.get("/sessions/{session_id}/punches", response_model=Page, responses=ERRORS)
def session_punches(
    request: Request,
    session_id: SessionId,
    lab: LabDep,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> Response:
    """Punches of a session's IMU streams (time, hand, type, measures, round); empty when the
    session has no IMU recording (import one with `drago import FILE --hand left|right`)."""
    lab.sessions.get(session_id)
    if not lab.punches.has_imu(session_id):
        return raw_json('{"items":[],"next":null}')
    report = lab.punches.of_session(session_id)
    return page(request, report.frame(), limit, offset)


@router.post("/athletes/{name}/imports", response_model=ImportResult, responses=ERRORS)
async def upload(
    request: Request,
    name: Name,
    lab: LabDep,
    files: Annotated[list[UploadFile], File(description="FIT, TCX, GPX, RR files or zips.")],
) -> Response:
    """Import uploaded files for an athlete with the CLI's import code: each file in one
    transaction, the same bytes twice is "already imported", a bad file fails alone."""
    athlete_name = str((await run_in_threadpool(lab.athletes.get, name)).profile["name"])
    with tempfile.TemporaryDirectory(prefix="drago-upload-") as tmp:
        total = 0
        saved: list[Path] = []
        for index, item in enumerate(files):
            target = Path(tmp) / str(index) / upload_name(item.filename)
            target.parent.mkdir()
            with target.open("wb") as out:
                while chunk := await item.read(UPLOAD_CHUNK):
                    total += len(chunk)
                    if total > MAX_UPLOAD_BYTES:
                        return error_response(request, 413, too_large())
                    out.write(chunk)
            saved.append(target)
        report = await run_in_threadpool(
            lab.sessions.import_paths,
            saved,
            athlete=athlete_name,
            max_files=MAX_UPLOAD_FILES,
            max_bytes=MAX_UPLOAD_EXPANDED_BYTES,
        )
        results = [
            {
                "file": _shown(outcome.path, Path(tmp)),
                "status": outcome.status,
                "reason": outcome.reason,
                "session_ids": outcome.session_ids,
            }
            for outcome in report.outcomes
        ]
    payload = {"ok": not report.failed, "athlete": athlete_name, "results": results}
    return JSONResponse(payload)


def upload_name(sent: str | None) -> str:
    """The file name an upload is saved under: the last part of what the client sent
    ("upload" when it sent none); a name that is no file name (`..`, a NUL) is a 400."""
    name = Path((sent or "upload").replace("\\", "/")).name or "upload"
    if name in (".", "..") or "\x00" in name or len(name.encode()) > 255:
        raise UsageError(f"{name[:80]!r} is not a file name: rename the file and upload it again")
    return name


def _shown(path: Path, tmp: Path) -> str:
    """An uploaded file's name as the user sent it (an archive's members under its name)."""
    try:
        return str(Path(*path.relative_to(tmp).parts[1:]))
    except ValueError:
        return path.name
