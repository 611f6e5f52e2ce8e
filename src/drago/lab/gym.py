"""The gym's day for one athlete: the morning check, rating sessions, a weigh-in, a hand-logged
session, and what is still to do today (the athlete's page on a phone, and its JSON twins).

Every entry goes through the lab calls the CLI uses (`lab.readiness.log_wellness`,
`lab.camp.record_weight`, `lab.sessions.import_paths`, `lab.sessions.log`, `lab.sessions.set`),
so a phone and `drago` store the same rows (`lab.gym`).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from drago.errors import UsageError
from drago.lab.base import local_today
from drago.lab.camp import KG_RANGE, CampService
from drago.lab.context import LabContext, Service
from drago.lab.load import LoadService
from drago.lab.readiness import ReadinessService
from drago.lab.readiness_now import ReadinessNow, readiness_now
from drago.lab.session_week import SessionLine, session_line
from drago.lab.sessions import SessionsService
from drago.store import athletes as athlete_rows
from drago.vocab import WELLNESS_COLUMNS

#: Sessions offered for rating: those of today and the day before without an RPE (an evening
#: session is often rated the next morning).
RATE_DAYS = 2
#: How many RR intervals a pasted list may hold (a 10-minute morning reading is ~600-900).
MAX_PASTED_RR = 20_000
#: Numbers in a pasted RR list: separated by commas, semicolons, spaces or new lines.
RR_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class RROutcome:
    """A morning RR reading stored through the import pipeline: its import `status` and
    `reason`, and the day's HRV (None when the reading gave none)."""

    status: str
    reason: str | None
    rmssd_ms: float | None
    ln_rmssd: float | None
    reliable: bool | None
    n_beats: int | None


@dataclass(frozen=True)
class MorningCheck:
    """What one morning check stored: the date, and which parts (`rr`: the HRV outcome)."""

    athlete: str
    date: date
    wellness: bool
    kg: float | None
    rr: RROutcome | None = None

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
    to_rate: list[SessionLine] = field(default_factory=list)
    sessions: list[SessionLine] = field(default_factory=list)

    @property
    def checked_in(self) -> bool:
        return self.wellness is not None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"checked_in": self.checked_in}


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


class GymService(Service):
    """The gym's day for one athlete (`lab.gym`, see the module docstring)."""

    def __init__(
        self,
        ctx: LabContext,
        sessions: SessionsService,
        load: LoadService,
        readiness: ReadinessService,
        camp: CampService,
    ) -> None:
        super().__init__(ctx)
        self._sessions = sessions
        self._load = load
        self._readiness = readiness
        self._camp = camp

    def readiness_now(self, name: str, *, as_of: date | None = None) -> ReadinessNow:
        """The morning verdict and, apart, the now view with today's training counted
        (`drago.lab.readiness_now`)."""
        return readiness_now(self.ctx, self._readiness, self._load, self, name, as_of=as_of)

    def import_rr(
        self, name: str, day: date, *, data: bytes, filename: str = "pasted-rr.txt"
    ) -> RROutcome:
        """Store a morning RR reading (a file's bytes, or a pasted list made into one)
        through the import pipeline (`drago import --as morning --date DAY`): kept original,
        same bytes twice is "already imported". Returns the outcome and the day's HRV;
        UsageError when it failed."""
        safe = Path(filename).name or "rr.txt"
        with tempfile.TemporaryDirectory(prefix="drago-rr-") as tmp:
            path = Path(tmp) / safe
            path.write_bytes(data)
            report = self._sessions.import_paths([path], athlete=name, as_kind="morning", day=day)
        outcome = report.outcomes[0]
        if outcome.status == "failed":
            raise UsageError(f"RR: {outcome.reason}")
        hrv = self._readiness.measurements(name).filter(pl.col("date") == day)
        last = hrv.row(-1, named=True) if hrv.height else {}
        return RROutcome(
            outcome.status,
            outcome.reason,
            last.get("rmssd_ms"),
            last.get("ln_rmssd"),
            last.get("reliable"),
            last.get("n_beats"),
        )

    def morning_check(
        self,
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
        profile = athlete_rows.get_athlete(self.store, name)
        when = day or local_today(self.store, profile.name)
        items = {k: v for k, v in (wellness or {}).items() if v is not None}
        if not items and rhr_bpm is None and kg is None and rr is None:
            raise UsageError(
                "the morning check is empty: answer the questions or give RR or weight"
            )
        if kg is not None and not KG_RANGE[0] <= kg <= KG_RANGE[1]:
            raise UsageError(f"body mass {kg:.1f} kg is outside {KG_RANGE[0]:g}-{KG_RANGE[1]:g}")
        if items or rhr_bpm is not None:
            self._readiness.log_wellness(profile.name, day=when, rhr_bpm=rhr_bpm, **items)
        if kg is not None:
            self._camp.record_weight(profile.name, kg=kg, day=when)
        outcome = None
        if rr is not None:
            outcome = self.import_rr(
                profile.name, when, data=rr, filename=rr_filename or "pasted-rr.txt"
            )
        return MorningCheck(profile.name, when, bool(items or rhr_bpm is not None), kg, outcome)

    def day(self, name: str, *, as_of: date | None = None) -> AthleteDay:
        """One athlete's day (default today in their time zone): this morning's answers,
        weight, readiness verdict, the sessions of today and yesterday still without RPE,
        today's sessions."""
        profile = athlete_rows.get_athlete(self.store, name)
        today = as_of or local_today(self.store, profile.name)
        ready = self._readiness.series(profile.name, since=today).filter(pl.col("date") == today)
        row = ready.row(0, named=True) if ready.height else {}
        answered = WELLNESS_COLUMNS
        wellness = (
            {k: row.get(k) for k in answered}
            if any(row.get(k) is not None for k in answered)
            else None
        )
        weights = self._camp.body_mass(profile.name).filter(pl.col("date") == today)
        sessions = self._sessions.list(athlete=profile.name, since=today - timedelta(RATE_DAYS + 1))
        local = sessions.with_columns(
            pl.col("start").dt.convert_time_zone(profile.tz).alias("local")
        ).with_columns(pl.col("local").dt.date().alias("day"))
        recent = local.filter(
            (pl.col("day") > today - timedelta(RATE_DAYS)) & (pl.col("day") <= today)
        ).sort("start")
        rows = [session_line(s) for s in recent.iter_rows(named=True)]
        return AthleteDay(
            athlete=profile.name,
            date=today,
            tz=profile.tz,
            wellness=wellness,
            kg=float(weights["kg"][0]) if weights.height else None,
            verdict=row.get("verdict"),
            reason=row.get("reason"),
            to_rate=[s for s in rows if s.rpe is None],
            sessions=[s for s in rows if s.day == today],
        )


__all__ = [
    "AthleteDay",
    "GymService",
    "MorningCheck",
    "pasted_rr",
]
