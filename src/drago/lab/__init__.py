"""The service layer: every surface (CLI, web, notebooks) calls a `Lab`.

A Lab opens a store, validates what users give it, calls ingest and analysis, and answers
with Polars frames or plain dataclasses. It never prints. Each family of operations is a
mixin in its own module: athletes and teams, sessions, training load, readiness, punches,
privacy and backups, and the federation lake.
"""

from __future__ import annotations

from pathlib import Path

from drago.lab.accounts import AccountsMixin
from drago.lab.athletes import AthletesMixin, AthleteView
from drago.lab.audit import AuditMixin
from drago.lab.base import check_range, check_tz
from drago.lab.camp import CampMixin
from drago.lab.fight import FightMixin
from drago.lab.lake import LakeMixin
from drago.lab.load import LoadMixin, Status
from drago.lab.memo import Memo
from drago.lab.privacy import Erased, PrivacyMixin, restore
from drago.lab.punches import PunchesMixin
from drago.lab.readiness import ReadinessMixin
from drago.lab.sessions import SessionsMixin
from drago.lab.streams import StreamsMixin
from drago.lab.tape import TapeSide, tape_side
from drago.store import Store

__all__ = [
    "AthleteView",
    "Erased",
    "Lab",
    "Memo",
    "Status",
    "TapeSide",
    "check_range",
    "check_tz",
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

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Lab:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
