"""The service layer: every surface (CLI, web, notebooks) calls a `Lab`.

A Lab opens a store, validates what users give it, calls ingest and analysis, and answers
with Polars frames or plain dataclasses. It never prints. Each family of operations is a
mixin in its own module: athletes and teams, sessions, training load, readiness, punches,
privacy and backups, and the federation lake.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from drago.lab.accounts import AccountsMixin
from drago.lab.athletes import AthletesMixin, AthleteView
from drago.lab.audit import AuditMixin
from drago.lab.base import check_range, check_tz
from drago.lab.camp import CampMixin
from drago.lab.camp_view import CampView, WeightCut, camp_view, weight_cut
from drago.lab.fight import FightMixin
from drago.lab.gym import AthleteDay, MorningCheck, athlete_day, morning_check, session_week
from drago.lab.lake import LakeMixin
from drago.lab.load import LoadMixin, Status
from drago.lab.memo import Memo
from drago.lab.privacy import Erased, PrivacyMixin, restore
from drago.lab.punches import PunchesMixin
from drago.lab.readiness import ReadinessMixin
from drago.lab.readiness_now import ReadinessNow, readiness_now
from drago.lab.records import Record, fight_lines, record_of, set_fight_result
from drago.lab.sessions import SessionsMixin
from drago.lab.streams import StreamsMixin
from drago.lab.tape import TapeSide, tape_side
from drago.lab.today import BoardRow, today_board
from drago.lab.window import ChartWindow, chart_window
from drago.store import Store
from drago.store.faults import fault_message

__all__ = [
    "AthleteView",
    "Erased",
    "Lab",
    "Memo",
    "Status",
    "TapeSide",
    "check_range",
    "check_tz",
    "fault_message",
    "restore",
]


class Lab(
    AthletesMixin,
    SessionsMixin,
    StreamsMixin,
    LoadMixin,
    ReadinessMixin,
    PunchesMixin,
    CampMixin,
    FightMixin,
    PrivacyMixin,
    AccountsMixin,
    AuditMixin,
    LakeMixin,
):
    """A drago lab over one store (`path`: the DuckDB file; default: the user's data dir).

    `memo` keeps derived series between calls; pass one `Memo` to many labs of a process
    (the web server does) to share them across requests.
    """

    def __init__(
        self, path: str | Path | None = None, *, read_only: bool = False, memo: Memo | None = None
    ) -> None:
        self.store = Store(path, read_only=read_only)
        self.memo = memo if memo is not None else Memo()

    def tape(self, name: str) -> TapeSide:
        """The tale of the tape for one athlete (`drago compare`, the dashboard's /compare)."""
        return tape_side(self, name)

    def athlete_day(self, name: str, *, as_of: date | None = None) -> AthleteDay:
        """One athlete's day: check-in, verdict, sessions to rate (`drago.lab.gym`)."""
        return athlete_day(self, name, as_of=as_of)

    def morning_check(self, name: str, **entries: Any) -> MorningCheck:
        """The morning check in one call (`drago.lab.gym.morning_check`)."""
        return morning_check(self, name, **entries)

    def chart_window(
        self, name: str, *, choice: str = "auto", as_of: date | None = None
    ) -> ChartWindow:
        """The days an athlete's charts open on: the camp, else 90 days (`drago.lab.window`)."""
        return chart_window(self, name, choice=choice, as_of=as_of)

    def session_week(self, session_id: int) -> dict[str, Any]:
        """The training week around a session (`drago.lab.gym.session_week`)."""
        return session_week(self, session_id)

    def today_board(self, *, as_of: date | None = None, sort: str = "verdict") -> list[BoardRow]:
        """The coach's today board over the athletes this lab lists (`drago.lab.today`)."""
        return today_board(self, as_of=as_of, sort=sort)

    def readiness_now(self, name: str, *, as_of: date | None = None) -> ReadinessNow:
        """The morning verdict and, apart, the now view with today's training counted."""
        return readiness_now(self, name, as_of=as_of)

    def camp_view(self, name: str, **options: Any) -> CampView:
        """The camp page: status, weight cut and plan of the next fight (`drago.lab.camp_view`)."""
        return camp_view(self, name, **options)

    def weight_cut(self, name: str, **options: Any) -> WeightCut | None:
        """The weight cut to the next fight and its warnings, without a plan (`camp_view`)."""
        return weight_cut(self, name, **options)

    def fight_result(self, fight_id: int, **result: Any) -> dict[str, Any]:
        """Record how a fight ended (`drago.lab.records.set_fight_result`)."""
        return set_fight_result(self, fight_id, **result)

    def fight_record(self, name: str) -> tuple[Record, list[dict[str, Any]]]:
        """An athlete's record (W-L-D, KOs) and their fights, newest first."""
        lines = fight_lines(self, name)
        return record_of(lines), lines

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Lab:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
