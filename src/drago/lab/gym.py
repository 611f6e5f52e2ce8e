"""The gym's day for one athlete: the morning check, rating sessions, a weigh-in, a hand-logged
session, and what is still to do today (the athlete's page on a phone, and its JSON twins).

Every entry goes through the lab calls the CLI uses (`log_wellness`, `record_weight`,
`import_paths`, `log_session`, `set_session`), so a phone and `drago` store the same rows.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import polars as pl

from drago.errors import UsageError
from drago.store import athletes as athlete_rows
from drago.vocab import WELLNESS_COLUMNS

if TYPE_CHECKING:
    from drago.lab import Lab

#: Sessions offered for rating: those of today and the day before without an RPE (an evening
#: session is often rated the next morning).
RATE_DAYS = 2
#: How many RR intervals a pasted list may hold (a 10-minute morning reading is ~600-900).
MAX_PASTED_RR = 20_000
#: Numbers in a pasted RR list: separated by commas, semicolons, spaces or new lines.
RR_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class MorningCheck:
    """What one morning check stored: the date, and which parts (`rr`: the HRV outcome)."""

    athlete: str
    date: date
    wellness: bool
    kg: float | None
    rr: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class AthleteDay:
    """One athlete's day: the check-in so far, the readiness verdict, the sessions still to
    rate and today's sessions."""

    athlete: str
    date: date
    tz: str
    wellness: dict[str, Any] | None
    kg: float | None
    verdict: str | None
    reason: str | None
    to_rate: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def checked_in(self) -> bool:
        return self.wellness is not None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"checked_in": self.checked_in}


def local_today(lab: Lab, name: str) -> date:
    """Today in the athlete's time zone."""
    return datetime.now(ZoneInfo(athlete_rows.get_athlete(lab.store, name).tz)).date()


def pasted_rr(text: str) -> bytes:
    """A pasted RR list (ms or s, any of , ; space or new line between) as the one-value-a-line
    text format the RR reader takes (docs/hrv.md); UsageError for anything but numbers."""
    cells = [c for c in RR_SEPARATORS.split(text.strip()) if c]
    if not cells:
        raise UsageError("the pasted RR list is empty")
    if len(cells) > MAX_PASTED_RR:
        raise UsageError(f"the pasted RR list holds {len(cells)} values, more than {MAX_PASTED_RR}")
    for cell in cells:
        try:
            float(cell)
        except ValueError:
            raise UsageError(f"the RR list holds {cell[:20]!r}: paste numbers only") from None
    return ("\n".join(cells) + "\n").encode()


def import_rr(
    lab: Lab, name: str, day: date, *, data: bytes, filename: str = "pasted-rr.txt"
) -> dict[str, Any]:
    """Store a morning RR reading (a file's bytes, or a pasted list made into one) through the
    import pipeline (`drago import --as morning --date DAY`): kept original, same bytes twice is
    "already imported". Returns the outcome and the day's HRV; UsageError when it failed."""
    safe = Path(filename).name or "rr.txt"
    with tempfile.TemporaryDirectory(prefix="drago-rr-") as tmp:
        path = Path(tmp) / safe
        path.write_bytes(data)
        report = lab.import_paths([path], athlete=name, as_kind="morning", day=day)
    outcome = report.outcomes[0]
    if outcome.status == "failed":
        raise UsageError(f"RR: {outcome.reason}")
    hrv = lab.measurements(name).filter(pl.col("date") == day)
    last = hrv.row(-1, named=True) if hrv.height else {}
    keep = ("rmssd_ms", "ln_rmssd", "reliable", "n_beats")
    return {"status": outcome.status, "reason": outcome.reason} | {k: last.get(k) for k in keep}


def morning_check(
    lab: Lab,
    name: str,
    *,
    day: date | None = None,
    wellness: dict[str, int | None] | None = None,
    rhr_bpm: float | None = None,
    kg: float | None = None,
    rr: bytes | None = None,
    rr_filename: str | None = None,
) -> MorningCheck:
    """The morning check in one call: Hooper items (1-7, 1 best) and resting HR, body mass,
    and an RR reading (file bytes or a pasted list). Everything is validated before anything
    is stored, so a typo stores nothing."""
    profile = athlete_rows.get_athlete(lab.store, name)
    when = day or local_today(lab, profile.name)
    items = {k: v for k, v in (wellness or {}).items() if v is not None}
    if not items and rhr_bpm is None and kg is None and rr is None:
        raise UsageError("the morning check is empty: answer the questions or give RR or weight")
    if kg is not None:
        from drago.lab.camp import KG_RANGE

        if not KG_RANGE[0] <= kg <= KG_RANGE[1]:
            raise UsageError(f"body mass {kg:.1f} kg is outside {KG_RANGE[0]:g}-{KG_RANGE[1]:g}")
    if items or rhr_bpm is not None:
        lab.log_wellness(profile.name, day=when, rhr_bpm=rhr_bpm, **items)
    if kg is not None:
        lab.record_weight(profile.name, kg=kg, day=when)
    outcome = None
    if rr is not None:
        outcome = import_rr(
            lab, profile.name, when, data=rr, filename=rr_filename or "pasted-rr.txt"
        )
    return MorningCheck(profile.name, when, bool(items or rhr_bpm is not None), kg, outcome)


def athlete_day(lab: Lab, name: str, *, as_of: date | None = None) -> AthleteDay:
    """One athlete's day (default today in their time zone): this morning's answers, weight,
    readiness verdict, the sessions of today and yesterday still without RPE, today's sessions."""
    profile = athlete_rows.get_athlete(lab.store, name)
    today = as_of or local_today(lab, profile.name)
    ready = lab.readiness(profile.name, since=today).filter(pl.col("date") == today)
    row = ready.row(0, named=True) if ready.height else {}
    answered = WELLNESS_COLUMNS
    wellness = (
        {k: row.get(k) for k in answered} if any(row.get(k) is not None for k in answered) else None
    )
    weights = lab.body_mass(profile.name).filter(pl.col("date") == today)
    sessions = lab.sessions(athlete=profile.name, since=today - timedelta(RATE_DAYS + 1))
    local = sessions.with_columns(
        pl.col("start").dt.convert_time_zone(profile.tz).alias("local")
    ).with_columns(pl.col("local").dt.date().alias("day"))
    recent = local.filter(
        (pl.col("day") > today - timedelta(RATE_DAYS)) & (pl.col("day") <= today)
    ).sort("start")
    rows = [_session_line(s) for s in recent.iter_rows(named=True)]
    return AthleteDay(
        athlete=profile.name,
        date=today,
        tz=profile.tz,
        wellness=wellness,
        kg=float(weights["kg"][0]) if weights.height else None,
        verdict=row.get("verdict"),
        reason=row.get("reason"),
        to_rate=[s for s in rows if s["rpe"] is None],
        sessions=[s for s in rows if s["day"] == today],
    )


def session_week(lab: Lab, session_id: int) -> dict[str, Any]:
    """The training week (Monday to Sunday, the athlete's local dates) around a session: each
    day's load as the load series counts it, the week's sessions, its total, and the load
    series' row on the session's day (fitness, fatigue, ACWR, monotony): what a hand-logged
    session, without records, still tells."""
    row = lab.session(session_id)
    tz = athlete_rows.get_athlete(lab.store, str(row["athlete"])).tz
    day = row["start"].astimezone(ZoneInfo(tz)).date()
    monday = day - timedelta(day.weekday())
    sunday = monday + timedelta(6)
    series = lab.load_series(str(row["athlete"]), until=max(sunday, day))
    week = series.filter((pl.col("date") >= monday) & (pl.col("date") <= sunday))
    loads = dict(zip(week["date"].to_list(), week["load"].to_list(), strict=True))
    days = [
        {"date": monday + timedelta(k), "load": loads.get(monday + timedelta(k))} for k in range(7)
    ]
    sessions = lab.sessions(athlete=str(row["athlete"]), since=monday - timedelta(1))
    local = sessions.with_columns(pl.col("start").dt.convert_time_zone(tz).alias("local"))
    local = local.with_columns(pl.col("local").dt.date().alias("day")).filter(
        (pl.col("day") >= monday) & (pl.col("day") <= sunday)
    )
    on_day = series.filter(pl.col("date") == day)
    keep = (
        *("load", "ctl", "atl", "tsb", "acwr_rolling", "acwr_ewma", "acwr_band"),
        *("monotony", "strain"),
    )
    today = (
        {k: v for k, v in on_day.row(0, named=True).items() if k in keep} if on_day.height else {}
    )
    total = sum(d["load"] or 0.0 for d in days)
    lines = [_session_line(s) for s in local.sort("start").iter_rows(named=True)]
    return {
        "session_id": session_id,
        "date": day,
        "monday": monday,
        "days": days,
        "total_load": total,
        "day": today,
        "sessions": lines,
    }


def _session_line(s: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": s["id"],
        "day": s["day"],
        "time": s["local"].strftime("%H:%M"),
        "activity": s["activity"],
        "minutes": round(s["duration_s"] / 60.0, 1),
        "rpe": s["rpe"],
        "notes": s["notes"],
    }


__all__ = [
    "AthleteDay",
    "MorningCheck",
    "athlete_day",
    "import_rr",
    "morning_check",
    "pasted_rr",
    "session_week",
]
