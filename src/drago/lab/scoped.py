"""A lab that answers only about the athletes one caller may see (team mode).

Visibility is enforced where data is fetched, not by re-reading a URL: every public method of
the lab that takes an athlete (`name`, `athlete`), a session (`session_id`), a fight
(`fight_id`) or a team (`team`) is checked before it runs, whatever surface called it and
however the id was spelled on the way. A hidden athlete, session, fight or team raises the very
`NotFound` a missing one raises, so that nothing tells them apart (OWASP Authorization Cheat
Sheet: deny by default, do not leak existence). Methods added to `Lab` later are covered as
soon as their parameters carry these names; listings (`athletes`, `sessions`, `fights`) are
filtered here by hand.

A fight is seen by whoever may see one of its linked corners; a corner's sensor figures only by
whoever may see that corner's athlete; a corner's rounds are entered by an admin or by a coach
who may see that corner's athlete (an external corner, by any coach of the fight).
"""

from __future__ import annotations

import functools
import inspect
from pathlib import Path
from typing import Any

import polars as pl

from drago.errors import DragoError, NotFound
from drago.lab import Lab, Memo
from drago.store import camp as camp_rows
from drago.store.athletes import AthleteRow


class Forbidden(DragoError):
    """Something a caller may see but not change (HTTP 403)."""


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
#: Methods that resolve what the checks need, or concern accounts rather than athletes.
UNSCOPED = frozenset(
    {
        "athlete_id_of",
        "athlete_id_of_session",
        "fight_corner_ids",
        "principal",
        "login",
        "logout",
        "record_access",
        "create_token",
    }
)


@functools.cache
def _scoped(attr: str) -> tuple[inspect.Signature, tuple[tuple[str, str], ...]] | None:
    """The signature of lab method `attr` and its scoped parameters (None: none); a method of
    `Lab` is read off `Lab` (this module's overrides take `**kwargs`)."""
    function = inspect.getattr_static(Lab if hasattr(Lab, attr) else ScopedLab, attr, None)
    if not inspect.isfunction(function):
        return None
    signature = inspect.signature(function)
    scoped = tuple((p, SCOPED_PARAMS[p]) for p in signature.parameters if p in SCOPED_PARAMS)
    return (signature, scoped) if scoped else None


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
        super().__init__(path, memo=memo)
        self.visible = visible
        self.role = role

    def __getattribute__(self, attr: str) -> Any:
        value = super().__getattribute__(attr)
        if attr[0] == "_" or attr in UNSCOPED or not callable(value):
            return value
        if object.__getattribute__(self, "visible") is None:
            return value
        found = _scoped(attr)
        if found is None:
            return value
        signature, scoped = found
        see = object.__getattribute__(self, "_see")

        @functools.wraps(value)
        def checked(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(self, *args, **kwargs)
            for param, what in scoped:
                named = bound.arguments.get(param)
                if named is not None:
                    see(what, named)
            return value(*args, **kwargs)

        return checked

    # -- the checks ---------------------------------------------------------------------------

    def _may_see(self, athlete_id: int | None) -> bool:
        return athlete_id is not None and (self.visible is None or athlete_id in self.visible)

    def _see(self, what: str, named: Any) -> None:
        """Raise the NotFound of a missing `what` unless the caller may see `named`."""
        if what == "athlete":
            if not self._may_see(Lab.athlete_id_of(self, str(named))):
                raise NotFound(missing_athlete(str(named)))
        elif what == "athlete_id":
            if not self._may_see(int(named)):
                raise NotFound(f"no athlete with id {int(named)}")  # store.athletes' sentence
        elif what == "session":
            if not self._may_see(Lab.athlete_id_of_session(self, int(named))):
                raise NotFound(missing_session(int(named)))
        elif what == "fight":
            corners = Lab.fight_corner_ids(self, int(named)) or ()
            if not any(self._may_see(i) for i in corners):
                raise NotFound(missing_fight(int(named)))
        elif what == "team":
            members = Lab.athletes(self, team=str(named))["id"].to_list()
            if not any(self._may_see(int(i)) for i in members):
                raise NotFound(missing_team(str(named)))
        else:  # pragma: no cover - SCOPED_PARAMS names only the kinds above
            raise NotFound("not found")

    # -- listings -----------------------------------------------------------------------------

    def athletes(self, *, team: str | None = None) -> pl.DataFrame:
        frame = super().athletes(team=team)
        if self.visible is None:
            return frame
        return frame.filter(pl.col("id").is_in(sorted(self.visible)))

    def sessions(self, **kwargs: Any) -> pl.DataFrame:
        frame = super().sessions(**kwargs)
        if self.visible is None:
            return frame
        return frame.filter(pl.col("athlete").is_in(self.athletes()["name"].to_list()))

    def fights(self) -> pl.DataFrame:
        frame = super().fights()
        if self.visible is None:
            return frame
        seen = sorted(self.visible)
        return frame.filter(
            pl.col("red_athlete_id").is_in(seen) | pl.col("blue_athlete_id").is_in(seen)
        )

    # -- fights -------------------------------------------------------------------------------

    def _corner_athlete(self, who: str) -> AthleteRow | None:
        """A corner named after an athlete the caller may not see is an external name, as
        if the athlete did not exist."""
        found = super()._corner_athlete(who)
        return found if found is not None and self._may_see(found.id) else None

    def _corner_sensors(self, corner: str, athlete_id: int, fight: dict[str, Any]) -> pl.DataFrame:
        """No sensor figures of a corner the caller could not read directly."""
        if not self._may_see(athlete_id):
            return pl.DataFrame()
        return super()._corner_sensors(corner, athlete_id, fight)

    def fight_round(self, fight_id: int, *, corner: str, **kwargs: Any) -> Any:
        """A corner's rounds are entered by an admin, or a coach who may see its athlete
        (an external corner: any coach who may see the fight)."""
        if self.visible is not None:
            if self.role not in ("admin", "coach"):
                raise Forbidden(f"a {self.role} account may not enter fight rounds")
            fight = camp_rows.get_fight(self.store, fight_id)
            athlete_id = fight.get(f"{corner}_athlete_id")
            if athlete_id is not None and not self._may_see(int(athlete_id)):
                raise Forbidden(f"only the {corner} corner's coaches enter its rounds")
        return super().fight_round(fight_id, corner=corner, **kwargs)

    def fight_result(self, fight_id: int, **result: Any) -> dict[str, Any]:
        """A result goes on both corners' records: it is entered by an admin, or by a coach
        who may see every corner that is an athlete of this store (a coach of one team may not
        write another team's loss; drago convention, like the rounds above)."""
        if self.visible is not None:
            if self.role not in ("admin", "coach"):
                raise Forbidden(f"a {self.role} account may not enter fight results")
            corners = Lab.fight_corner_ids(self, fight_id) or ()
            if not all(self._may_see(i) for i in corners):
                raise Forbidden("only an admin, or a coach of both corners, enters this result")
        return super().fight_result(fight_id, **result)
