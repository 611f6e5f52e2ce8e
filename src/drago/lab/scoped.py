"""A lab that answers only about the athletes one caller may see (team mode).

Visibility is enforced where data is fetched, not by re-reading a URL: every public method of
every service of the lab that takes an athlete (`name`, `athlete`, `athlete_id`), a session
(`session_id`), a fight (`fight_id`) or a team (`team`) is checked before it runs, whatever
surface called it and however the id was spelled on the way. A hidden athlete, session, fight
or team raises the very `NotFound` a missing one raises, so that nothing tells them apart
(OWASP Authorization Cheat Sheet: deny by default, do not leak existence). Methods added to a
service later are covered as soon as their parameters carry these names.

The caller (`LabContext.visible`, `.role`) travels with the lab's context, so the services
filter what they list by it where they fetch it (`lab.athletes.list`, `lab.sessions.list`,
`lab.fights.list`, and every answer built on them): a fight is seen by whoever may see one of
its linked corners; a corner's sensor figures only by whoever may see that corner's athlete; a
corner's rounds are entered by an admin or by a coach who may see that corner's athlete (an
external corner, by any coach of the fight).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from drago.errors import NotFound
from drago.lab import Lab, Memo
from drago.lab.athletes import team_listing
from drago.lab.context import Forbidden, LabContext, Service
from drago.store import Store
from drago.store import accounts as account_rows

if TYPE_CHECKING:
    from drago.lab.fight import FightsService
    from drago.lab.sessions import SessionsService


def missing_athlete(name: str) -> str:
    """The store's own sentence for an athlete that does not exist (store.athletes)."""
    return f"no athlete {name}: add it with drago athlete add"


def missing_session(session_id: int) -> str:
    """The store's own sentence for a session that does not exist (store.edits)."""
    return f"no session {session_id}: see drago sessions for the ids"


def missing_fight(fight_id: int) -> str:
    """The store's own sentence for a fight that does not exist (store.camp)."""
    return f"no fight {fight_id}: create one with drago fight new"


def missing_team(name: str) -> str:
    """The store's own sentence for a team that does not exist (store.teams)."""
    return f"no team {name}: add it with drago team add"


#: Parameters that name what a caller must be able to see, and how each is checked.
SCOPED_PARAMS = {
    "name": "athlete",
    "athlete": "athlete",
    "athlete_id": "athlete_id",
    "session_id": "session",
    "fight_id": "fight",
    "team": "team",
}
#: Methods (service, method) that resolve what the checks need, or concern accounts rather
#: than athletes.
UNSCOPED = frozenset(
    {
        ("athletes", "id_of"),
        ("sessions", "athlete_id_of"),
        ("fights", "corner_ids"),
        ("accounts", "principal"),
        ("accounts", "login"),
        ("accounts", "logout"),
        ("accounts", "create_token"),
        ("audit", "record"),
    }
)
#: A check: raise the NotFound of a missing `what` unless the caller may see `named`.
See = Callable[[str, Any], None]


Scoped = tuple[inspect.Signature, tuple[tuple[str, str], ...]] | None
_SCOPED: dict[tuple[type, str], Scoped] = {}


def _scoped(cls: type, attr: str) -> Scoped:
    """The signature of method `attr` of service class `cls` and its scoped parameters (None:
    none, or not a method)."""
    if (cls, attr) not in _SCOPED:
        function = inspect.getattr_static(cls, attr, None)
        found = None
        if inspect.isfunction(function):
            signature = inspect.signature(function)
            scoped = tuple(
                (p, SCOPED_PARAMS[p]) for p in signature.parameters if p in SCOPED_PARAMS
            )
            found = (signature, scoped) if scoped else None
        _SCOPED[(cls, attr)] = found
    return _SCOPED[(cls, attr)]


class ScopedService:
    """A service whose methods check their scoped parameters before they run (see the module
    docstring); its private parts (the services it uses) are not reachable through it."""

    def __init__(self, family: str, service: Service, see: See) -> None:
        self._family = family
        self._service = service
        self._see = see

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("_"):
            raise AttributeError(attr)
        value = getattr(self._service, attr)
        if (self._family, attr) in UNSCOPED or not callable(value):
            return value
        found = _scoped(type(self._service), attr)
        if found is None:
            return value
        signature, scoped = found
        see = self._see

        @functools.wraps(value)
        def checked(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(None, *args, **kwargs)
            for param, what in scoped:
                named = bound.arguments.get(param)
                if named is not None:
                    see(what, named)
            return value(*args, **kwargs)

        return checked


class ScopedLab(Lab):
    """A lab for a caller who sees the athletes `visible` (None: all, an admin), with `role`
    their account's role (fight corners); see the module docstring."""

    def __init__(
        self,
        path: str | Path | None,
        visible: frozenset[int] | None,
        *,
        role: str | None = None,
        memo: Memo | None = None,
    ) -> None:
        self.visible = visible
        self.role = role
        ctx = LabContext(Store(path), memo if memo is not None else Memo(), visible, role)
        self._compose(ctx)

    def _public(self, family: str) -> Any:
        """What `lab.<family>` answers: for a caller who sees only some athletes, the service
        behind a `ScopedService` (built, like the service, on first access)."""
        if self.visible is None:
            return super()._public(family)
        scoped = ScopedService(family, self.service(family), self._see)
        self.__dict__[family] = scoped
        return scoped

    # -- the checks ---------------------------------------------------------------------------

    @property
    def _sessions(self) -> SessionsService:
        return cast("SessionsService", self.service("sessions"))

    @property
    def _fights(self) -> FightsService:
        return cast("FightsService", self.service("fights"))

    def _see(self, what: str, named: Any) -> None:
        """Raise the NotFound of a missing `what` unless the caller may see `named`."""
        may_see = self.ctx.may_see
        if what == "athlete":
            if not may_see(account_rows.athlete_id_by_name(self.store, str(named))):
                raise NotFound(missing_athlete(str(named)))
        elif what == "athlete_id":
            if not may_see(int(named)):
                raise NotFound(f"no athlete with id {int(named)}")  # store.athletes' sentence
        elif what == "session":
            if not may_see(self._sessions.athlete_id_of(int(named))):
                raise NotFound(missing_session(int(named)))
        elif what == "fight":
            corners = self._fights.corner_ids(int(named)) or ()
            if not any(may_see(i) for i in corners):
                raise NotFound(missing_fight(int(named)))
        elif what == "team":
            members = team_listing(self.ctx, str(named))["id"].to_list()
            if not any(may_see(int(i)) for i in members):
                raise NotFound(missing_team(str(named)))
        else:  # pragma: no cover - SCOPED_PARAMS names only the kinds above
            raise NotFound("not found")


__all__ = [
    "Forbidden",
    "ScopedLab",
    "ScopedService",
    "missing_athlete",
    "missing_fight",
    "missing_session",
    "missing_team",
]
