"""Server-rendered pages: the team at a glance, an athlete, a session, the tale of the tape.

Each page has JSON twins under /api/; figures are plotly specs drawn by plotly.js served from
the installed `plotly` package (no CDN: the dashboard works offline).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from itertools import groupby
from typing import Annotated, Any
from urllib.parse import quote

import polars as pl
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from drago.errors import UsageError
from drago.plots import NothingToPlot, pmc_plotly, pmc_title
from drago.plots.compare import compare_figure
from drago.plots.punches import punches_plotly
from drago.plots.readiness import readiness_chart
from drago.plots.session import hr_figure, track_figure
from drago.vocab import ACWR_BAND_LABEL
from drago.web.api import LabDep, Name
from drago.web.app import MAX_UPLOAD_BYTES, WebLab, templates
from drago.web.ids import SessionId

router = APIRouter(include_in_schema=False)
#: Sessions listed on an athlete page, newest first.
RECENT_SESSIONS = 20
#: Days of readiness drawn on an athlete page, and how old a verdict may be to be shown as
#: today's on the overview and the tale of the tape.
READINESS_CHART_DAYS, RECENT_READINESS_DAYS = 365, 14
#: Colours of the ACWR bands (of the rolling 7:28 ratio, Gabbett 2016).
BAND_CLASS = {"under-training": "amber", "sweet spot": "green", "caution": "amber", "spike": "red"}


def _num(value: Any, digits: int = 0) -> str:
    """A number for a table cell: "–" for no value (None, NaN, undefined)."""
    if not isinstance(value, int | float) or value != value:
        return "–"
    return f"{value:.{digits}f}"


def _rpe(value: Any) -> str:
    """A CR-10 rating as given: 7.5 stays 7.5, 8.0 is 8 ("–" for none)."""
    if not isinstance(value, int | float) or value != value:
        return "–"
    return f"{value:g}"


def _figure(spec: dict[str, Any] | None) -> Markup:
    """A figure spec as JSON safe inside a <script type="application/json"> element."""
    text = json.dumps(spec, allow_nan=False, separators=(",", ":")).replace("</", "<\\/")
    return Markup(text)


templates.env.filters["num"] = _num
templates.env.filters["rpe"] = _rpe
templates.env.filters["part"] = lambda text: quote(str(text), safe="")
templates.env.filters["figure"] = _figure
templates.env.globals["max_upload_mib"] = MAX_UPLOAD_BYTES // (1024 * 1024)
templates.env.globals["acwr_band_label"] = ACWR_BAND_LABEL


def _today(series: pl.DataFrame) -> dict[str, Any] | None:
    """Today's row of a load series (it ends today), None without sessions."""
    return series.row(-1, named=True) if series.height else None


def _readiness(lab: WebLab, name: str, days: int) -> tuple[pl.DataFrame, dict[str, Any] | None]:
    """The last `days` days of readiness, and the latest day's row (None: nothing recent;
    an old verdict says nothing about today)."""
    frame = lab.readiness.series(name, since=date.today() - timedelta(days=days))
    return frame, (frame.row(-1, named=True) if frame.height else None)


def _card(lab: WebLab, name: str) -> dict[str, Any]:
    """What a coach reads at a glance about one athlete: form, ACWR band (of the rolling
    ratio), readiness."""
    _, ready = _readiness(lab, name, RECENT_READINESS_DAYS)
    today = _today(lab.load.series(name)) or {}
    band = today.get("acwr_band")
    return {
        "today": today,
        "band": band,
        "band_class": BAND_CLASS.get(band or "", "none"),
        "ready": ready,
    }


def _weight_cut(lab: WebLab, name: str) -> Any:
    """The weight cut to the next fight under the default (pro) rules, with its warnings
    (`lab.camp.weight_cut`); None without a fight ahead, or when no cut can be planned."""
    try:
        return lab.camp.weight_cut(name)
    except UsageError:
        return None


def _sessions_table(frame: pl.DataFrame, tz: str) -> list[dict[str, Any]]:
    """Sessions as rows for a table: local start, minutes, HR, RPE, load."""
    return frame.select(
        "id",
        pl.col("start").dt.convert_time_zone(tz).dt.strftime("%Y-%m-%d %H:%M").alias("local"),
        "activity",
        (pl.col("duration_s") / 60).alias("minutes"),
        "hr_avg_bpm",
        "hr_max_bpm",
        "rpe",
        "load",
        "load_method",
        "source_format",
        "notes",
    ).to_dicts()


def _rounds_table(rounds: pl.DataFrame, start: Any) -> list[dict[str, Any]]:
    """Rounds as rows for a table: when each began (minutes in), work time and HR."""
    wanted = {
        "hr_avg_bpm": "HR avg",
        "hr_max_bpm": "HR max",
        "hr_end_bpm": "HR end",
        "hrr_60s_bpm": "HR drop 60 s after",
    }
    return rounds.select(
        pl.col("round").cast(pl.Int64).alias("round"),
        ((pl.col("start") - pl.lit(start)).dt.total_seconds() / 60).alias("starts (min)"),
        (pl.col("work_s") / 60).alias("work (min)"),
        *(pl.col(c).alias(label) for c, label in wanted.items() if c in rounds.columns),
    ).to_dicts()


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, lab: LabDep) -> HTMLResponse:
    """Every athlete's form, ACWR band and readiness, grouped by team."""
    people = lab.athletes.list().sort(pl.col("team").fill_null("~"), "name")
    cards = [
        row | _card(lab, row["name"]) for row in people.iter_rows(named=True)
    ]  # one per athlete
    teams = [(team or "no team", list(rows)) for team, rows in groupby(cards, lambda r: r["team"])]
    return templates.TemplateResponse(
        request, "overview.html", {"title": "Team overview", "teams": teams}
    )


#: The range picker of an athlete's charts, in its order.
RANGE_LABELS = {"camp": "camp", "90d": "90 days", "1y": "1 year", "all": "all"}


@router.get("/athletes/{name}", response_class=HTMLResponse)
def athlete_page(
    request: Request,
    name: Name,
    lab: LabDep,
    range_: Annotated[str, Query(alias="range", description="camp, 90d, 1y or all.")] = "auto",
) -> HTMLResponse:
    """The PMC, readiness, recent sessions and an upload box of one athlete; the charts open
    on the current camp, else the last 90 days (`range` widens them)."""
    view = lab.athletes.get(name)
    profile = view.profile
    window = lab.camp.window(profile["name"], choice=range_)
    series = lab.load.series(profile["name"])
    shown = series if window.start is None else series.filter(pl.col("date") >= window.start)
    try:
        pmc = pmc_plotly(shown, title=pmc_title(profile["name"], "auto"))
        if window.start is not None:
            span = [window.start.isoformat(), window.end.isoformat()]
            pmc["layout"]["xaxis"] = pmc["layout"]["xaxis"] | {"range": span}
    except NothingToPlot:
        pmc = None
    days = READINESS_CHART_DAYS if window.start is None else (date.today() - window.start).days
    readiness, ready = _readiness(lab, profile["name"], max(days, RECENT_READINESS_DAYS))
    if window.start is None:
        readiness = lab.readiness.series(profile["name"])
    sessions = lab.sessions.list(athlete=profile["name"]).reverse().head(RECENT_SESSIONS)
    context = {
        "title": profile["name"],
        "profile": profile,
        "estimates": view.estimates,
        "today": _today(series),
        "ready": ready,
        "now": lab.gym.readiness_now(profile["name"]),
        "cut": _weight_cut(lab, profile["name"]),
        "pmc": pmc,
        "readiness_fig": readiness_chart(readiness, title="Readiness: morning HRV"),
        "sessions": _sessions_table(sessions, profile["tz"]),
        "record": lab.fights.record(profile["name"])[0].to_dict(),
        "window": window,
        "ranges": RANGE_LABELS,
    }
    return templates.TemplateResponse(request, "athlete.html", context)


@router.get("/sessions/{session_id}", response_class=HTMLResponse)
def session_page(
    request: Request,
    session_id: SessionId,
    lab: LabDep,
) -> HTMLResponse:
    """HR trace over zone bands, the GPS track, rounds and punches of one session."""
    row = lab.sessions.get(session_id)
    local = lab.streams.local_start(session_id)
    streams = lab.streams.records(session_id)
    try:
        rounds = _rounds_table(lab.streams.rounds(session_id), row["start"])
    except UsageError:
        rounds = []
    punches, punch_fig = None, None
    if lab.punches.has_imu(session_id):
        punches = lab.punches.of_session(session_id)
        title = f"Acceleration and punches ({punches.n_punches})"
        trace = lab.punches.imu_trace(session_id)
        punch_fig = punches_plotly(trace, punches.to_dict(), title=title)
    context = {
        "title": f"Session {session_id}",
        "s": row,
        "local": local.strftime("%Y-%m-%d %H:%M"),
        "tz": str(local.tzinfo),
        "hr_fig": hr_figure(streams, lab.streams.zones(session_id)),
        "track_fig": track_figure(streams),
        "zones": list(enumerate(row["zone_s"] or [], start=1)),
        "rounds": rounds,
        "punches": punches,
        "punch_fig": punch_fig,
        "week": lab.sessions.week(session_id),
        "recorded": bool(row.get("n_records") or row.get("n_rr") or punches is not None),
    }
    return templates.TemplateResponse(request, "session.html", context)


def _side(lab: WebLab, name: str) -> dict[str, Any]:
    tape = lab.tape.side(name)
    name = tape.profile["name"]
    return tape.to_dict() | {"series": lab.load.series(name), "ready": tape.readiness}


@router.get("/compare", response_class=HTMLResponse)
def compare(
    request: Request,
    lab: LabDep,
    a: Annotated[str | None, Query(description="First athlete.")] = None,
    b: Annotated[str | None, Query(description="Second athlete.")] = None,
) -> HTMLResponse:
    """The tale of the tape: two athletes side by side."""
    names = lab.athletes.list()["name"].to_list()
    sides = [_side(lab, n) for n in (a, b) if n]
    series = {s["profile"]["name"]: s["series"] for s in sides}
    context = {
        "title": "Tale of the tape",
        "names": names,
        "a": a or "",
        "b": b or "",
        "sides": sides if len(sides) == 2 else [],
        "fig": compare_figure(series) if len(sides) == 2 else None,
        "today_date": date.today().isoformat(),
    }
    return templates.TemplateResponse(request, "compare.html", context)
