"""The service layer: every surface (CLI, web, notebooks) calls a `Lab`.

A Lab opens a store and composes small services over one shared `LabContext` (the store, the
memo of derived frames, the caller): `lab.athletes`, `lab.sessions`, `lab.load`,
`lab.readiness`, `lab.punches`, `lab.camp`, `lab.fights`... Each validates what users give it,
calls ingest and analysis, and answers with Polars frames or dataclasses; none prints. A
service that uses another receives it in its constructor, in the order `Lab` builds them.
A notebook opens one with `with drago.Lab(path) as lab:` and asks `lab.load.series("rocky")`,
`lab.readiness.series("rocky")`... (docs/python.md, whose example a test runs).
"""

from __future__ import annotations

from pathlib import Path
from typing import Self

from drago.lab.accounts import AccountsService
from drago.lab.athletes import AthletesService, AthleteView, TeamsService
from drago.lab.audit import AuditService
from drago.lab.base import check_range, check_tz
from drago.lab.camp import CampService
from drago.lab.context import LabContext
from drago.lab.fight import FightsService
from drago.lab.gym import GymService
from drago.lab.lake import LakeService
from drago.lab.load import LoadService, Status
from drago.lab.memo import Memo
from drago.lab.privacy import Erased, PrivacyService, restore
from drago.lab.punches import PunchesService
from drago.lab.readiness import ReadinessService
from drago.lab.sessions import SessionsService
from drago.lab.streams import StreamsService
from drago.lab.tape import TapeService, TapeSide
from drago.lab.today import TodayService
from drago.store import Store
from drago.store.faults import fault_message

__all__ = [
    "AthleteView",
    "Erased",
    "Lab",
    "LabContext",
    "Memo",
    "Status",
    "TapeSide",
    "check_range",
    "check_tz",
    "fault_message",
    "restore",
]


class Lab:
    """A drago lab over one store (`path`: the DuckDB file; default: the user's data dir).

    `memo` keeps derived series between calls; pass one `Memo` to many labs of a process
    (the web server does) to share them across requests.
    """

    #: The services a lab holds, by attribute.
    SERVICES = (
        "lake",
        "load",
        "athletes",
        "teams",
        "sessions",
        "streams",
        "readiness",
        "punches",
        "camp",
        "fights",
        "privacy",
        "accounts",
        "audit",
        "gym",
        "today",
        "tape",
    )

    def __init__(
        self, path: str | Path | None = None, *, read_only: bool = False, memo: Memo | None = None
    ) -> None:
        store = Store(path, read_only=read_only)
        self._compose(LabContext(store, memo if memo is not None else Memo()))

    def _compose(self, ctx: LabContext) -> None:
        """Build the services over `ctx`, each after those it uses."""
        self.ctx = ctx
        self.lake = LakeService(ctx)
        self.load = LoadService(ctx, self.lake)
        self.athletes = AthletesService(ctx, self.load)
        self.teams = TeamsService(ctx)
        self.sessions = SessionsService(ctx, self.load)
        self.streams = StreamsService(ctx, self.sessions)
        self.readiness = ReadinessService(ctx, self.load)
        self.punches = PunchesService(ctx, self.sessions)
        self.camp = CampService(ctx, self.load, self.readiness)
        self.fights = FightsService(ctx, self.punches, self.streams)
        self.privacy = PrivacyService(ctx, self.load)
        self.accounts = AccountsService(ctx)
        self.audit = AuditService(ctx)
        self.gym = GymService(ctx, self.sessions, self.load, self.readiness, self.camp)
        self.today = TodayService(ctx, self.athletes, self.load, self.readiness, self.camp)
        self.tape = TapeService(
            ctx, self.athletes, self.load, self.readiness, self.camp, self.punches, self.fights
        )

    @property
    def store(self) -> Store:
        return self.ctx.store

    @property
    def memo(self) -> Memo:
        return self.ctx.memo

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
