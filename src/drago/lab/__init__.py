"""The service layer: every surface (CLI, web, notebooks) calls a `Lab`.

A Lab opens a store and composes small services over one shared `LabContext` (the store, the
memo of derived frames, the caller): `lab.athletes`, `lab.sessions`, `lab.load`,
`lab.readiness`, `lab.punches`, `lab.camp`, `lab.fights`... Each validates what users give it,
calls ingest and analysis, and answers with Polars frames or dataclasses; none prints. A
service that uses another receives it in its constructor (`Lab.USES` names them).
A service is built the first time it is asked for, with the services it uses, and its module
is imported then: `drago sessions` pays for sessions and load, not for the camp's science
(issue 19, the first keystroke).
A notebook opens one with `with drago.Lab(path) as lab:` and asks `lab.load.series("rocky")`,
`lab.readiness.series("rocky")`... (docs/python.md, whose example a test runs).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, overload

from drago.lab.base import check_range, check_tz
from drago.lab.context import LabContext, Service
from drago.lab.memo import Memo
from drago.store import Store
from drago.store.faults import fault_message

if TYPE_CHECKING:
    from drago.lab.accounts import AccountsService
    from drago.lab.athlete_view import AthleteView
    from drago.lab.athletes import AthletesService, TeamsService
    from drago.lab.audit import AuditService
    from drago.lab.camp import CampService
    from drago.lab.fight import FightsService
    from drago.lab.gym import GymService
    from drago.lab.lake import LakeService
    from drago.lab.load import LoadService
    from drago.lab.privacy import Erased, PrivacyService, restore
    from drago.lab.punches import PunchesService
    from drago.lab.readiness import ReadinessService
    from drago.lab.sessions import SessionsService
    from drago.lab.status import Status
    from drago.lab.streams import StreamsService
    from drago.lab.tape import TapeService, TapeSide
    from drago.lab.today import TodayService

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

#: Names this package exports from service modules, imported when first asked for.
_LAZY = {
    "AthleteView": "drago.lab.athlete_view",
    "Erased": "drago.lab.privacy",
    "restore": "drago.lab.privacy",
    "Status": "drago.lab.status",
    "TapeSide": "drago.lab.tape",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'drago.lab' has no attribute {name!r}")


S = TypeVar("S", bound=Service)


class _Built(Generic[S]):
    """A lab's service `name`: its class (module, class name) and the services it uses; built
    on first access (`Lab.service`), then an ordinary attribute of the lab."""

    def __init__(self, module: str, cls: str, *uses: str) -> None:
        self.module = module
        self.cls = cls
        self.uses = uses
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, lab: None, owner: type) -> Self: ...
    @overload
    def __get__(self, lab: Lab, owner: type) -> S: ...
    def __get__(self, lab: Lab | None, owner: type) -> Self | S:
        if lab is None:
            return self
        value: S = lab._public(self.name)
        return value


class Lab:
    """A drago lab over one store (`path`: the DuckDB file; default: the user's data dir).

    `memo` keeps derived series between calls; pass one `Memo` to many labs of a process
    (the web server does) to share them across requests.
    """

    lake: _Built[LakeService] = _Built("lake", "LakeService")
    load: _Built[LoadService] = _Built("load", "LoadService", "lake")
    athletes: _Built[AthletesService] = _Built("athletes", "AthletesService", "load")
    teams: _Built[TeamsService] = _Built("athletes", "TeamsService")
    sessions: _Built[SessionsService] = _Built("sessions", "SessionsService", "load")
    streams: _Built[StreamsService] = _Built("streams", "StreamsService", "sessions")
    readiness: _Built[ReadinessService] = _Built("readiness", "ReadinessService", "load")
    punches: _Built[PunchesService] = _Built("punches", "PunchesService", "sessions")
    camp: _Built[CampService] = _Built("camp", "CampService", "load", "readiness")
    fights: _Built[FightsService] = _Built("fight", "FightsService", "punches", "streams")
    privacy: _Built[PrivacyService] = _Built("privacy", "PrivacyService", "load")
    accounts: _Built[AccountsService] = _Built("accounts", "AccountsService")
    audit: _Built[AuditService] = _Built("audit", "AuditService")
    gym: _Built[GymService] = _Built("gym", "GymService", "sessions", "load", "readiness", "camp")
    today: _Built[TodayService] = _Built(
        "today", "TodayService", "athletes", "load", "readiness", "camp"
    )
    tape: _Built[TapeService] = _Built(
        "tape", "TapeService", "athletes", "load", "readiness", "camp", "punches", "fights"
    )

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
        """Hold `ctx`; the services are built over it when first asked for (`service`)."""
        self.ctx = ctx
        self._services: dict[str, Service] = {}

    def service(self, family: str) -> Service:
        """The lab's own service `family` (built now, after those it uses, if not yet); the
        services hand each other these, never the caller's view of them (`ScopedLab`)."""
        found = self._services.get(family)
        if found is None:
            spec = Lab.__dict__[family]
            assert isinstance(spec, _Built), family
            cls = getattr(importlib.import_module(f"drago.lab.{spec.module}"), spec.cls)
            found = cls(self.ctx, *(self.service(used) for used in spec.uses))
            self._services[family] = found
        return found

    def _public(self, family: str) -> Any:
        """What `lab.<family>` answers: the service itself (kept as a plain attribute)."""
        service = self.service(family)
        self.__dict__[family] = service
        return service

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
