"""Who may reach what in team mode: one rule per route, keyed by method and path pattern.

Every route of the app needs a rule here; a route without one is refused to everybody (403),
and `tests/test_team_matrix.py` fails until it gets one. Rules name a kind of data, and the
roles that reach each kind:

- `public`: everybody, logged in or not (the login page, static files);
- `account`: any logged-in account (logout, who am I, the API docs);
- `athletes`: athlete data, for admins (all), coaches (the athletes of their teams) and
  athletes (their own); each athlete the request names, in the path (`{name}`,
  `{session_id}`, `{fight_id}`: a fight is seen by whoever may see one of its corners) or in
  the query (the rule's `query`), must be one the caller may see, and
  one they may not see answers 404 exactly like one that does not exist (OWASP
  Authorization Cheat Sheet: deny by default, do not leak existence);
- `aggregates`: anonymised numbers without names, for admins, coaches and analysts.

The guard is the first line; the second is where data is fetched: team mode's routes get a
`ScopedLab` (`drago.lab.scoped`) that answers only about athletes the caller may see. Ids in
paths are read by one parser (`drago.web.ids.parse_id`) here and in the routes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from starlette.routing import compile_path

from drago.lab import Lab
from drago.lab.accounts import Principal
from drago.lab.scoped import ScopedLab, missing_athlete, missing_fight, missing_session
from drago.web.ids import NO_SUCH_FIGHT, NO_SUCH_SESSION, parse_id


class Kind(StrEnum):
    public = "public"
    account = "account"
    athletes = "athletes"
    aggregates = "aggregates"


#: The roles that reach each kind of data (the athletes in it are checked on top).
ROLES: dict[Kind, frozenset[str]] = {
    Kind.public: frozenset({"admin", "coach", "athlete", "analyst"}),
    Kind.account: frozenset({"admin", "coach", "athlete", "analyst"}),
    Kind.athletes: frozenset({"admin", "coach", "athlete"}),
    Kind.aggregates: frozenset({"admin", "coach", "analyst"}),
}


@dataclass(frozen=True)
class Rule:
    """What a route serves (`kind`), whether it changes athlete data (`write`, for the audit
    log), and which query parameters name athletes."""

    kind: Kind
    write: bool = False
    query: tuple[str, ...] = ()
    #: Only these roles, when narrower than the kind's (fight entries: admins and coaches).
    roles: frozenset[str] | None = None


PUBLIC, ACCOUNT = Rule(Kind.public), Rule(Kind.account)
READ, WRITE = Rule(Kind.athletes), Rule(Kind.athletes, write=True)
#: Fight night is entered by the corner's staff: admins and coaches (issue 10's roles).
CORNER = Rule(Kind.athletes, write=True, roles=frozenset({"admin", "coach"}))
#: An attached federation lake names athletes the store's teams do not cover: admins only.
LAKE = Rule(Kind.athletes, roles=frozenset({"admin"}))

#: One rule per (method, route path); HEAD follows GET.
RULES: dict[tuple[str, str], Rule] = {
    # pages
    ("GET", "/"): READ,
    ("GET", "/athletes/{name}"): READ,
    ("GET", "/sessions/{session_id}"): READ,
    ("GET", "/compare"): Rule(Kind.athletes, query=("a", "b")),
    ("GET", "/fights"): READ,
    ("POST", "/fights"): CORNER,
    ("GET", "/fights/{fight_id}"): READ,
    ("POST", "/fights/{fight_id}/rounds"): CORNER,
    ("POST", "/fights/{fight_id}/result"): CORNER,
    ("POST", "/api/fights/{fight_id}/result"): CORNER,
    ("POST", "/fights/{fight_id}/weigh-in"): CORNER,
    ("POST", "/api/fights/{fight_id}/weigh-in"): CORNER,
    # the gym's day (issue 17): an athlete's own entries, a coach's for their teams
    ("GET", "/today"): READ,
    ("GET", "/athletes/{name}/today"): READ,
    ("POST", "/athletes/{name}/morning"): WRITE,
    ("POST", "/athletes/{name}/weights"): WRITE,
    ("POST", "/athletes/{name}/sessions"): WRITE,
    ("POST", "/sessions/{session_id}/rating"): WRITE,
    ("GET", "/api/today"): READ,
    ("GET", "/api/athletes/{name}/today"): READ,
    ("POST", "/api/athletes/{name}/wellness"): WRITE,
    ("POST", "/api/athletes/{name}/weights"): WRITE,
    ("POST", "/api/athletes/{name}/rr"): WRITE,
    ("POST", "/api/athletes/{name}/sessions"): WRITE,
    ("PATCH", "/api/sessions/{session_id}"): WRITE,
    # the JSON API
    ("GET", "/api/athletes"): READ,
    ("GET", "/api/athletes/{name}"): READ,
    ("GET", "/api/athletes/{name}/sessions"): READ,
    ("GET", "/api/athletes/{name}/load"): READ,
    ("GET", "/api/athletes/{name}/readiness"): READ,
    ("GET", "/api/athletes/{name}/readiness/now"): READ,
    ("GET", "/api/athletes/{name}/camp"): READ,
    ("GET", "/athletes/{name}/camp"): READ,
    ("GET", "/api/sessions/{session_id}"): READ,
    ("GET", "/api/sessions/{session_id}/streams"): READ,
    ("GET", "/api/sessions/{session_id}/punches"): READ,
    ("POST", "/api/athletes/{name}/imports"): WRITE,
    ("GET", "/api/fights"): READ,
    ("GET", "/api/fights/{fight_id}"): READ,
    ("POST", "/api/fights/{fight_id}/rounds"): CORNER,
    ("GET", "/api/aggregates"): Rule(Kind.aggregates),
    ("GET", "/federation"): LAKE,
    ("GET", "/api/federation"): LAKE,
    # the live lab: each caller receives only the athletes they may see (web/live.py)
    ("GET", "/live"): READ,
    ("GET", "/api/live/state"): READ,
    ("GET", "/api/live/events"): READ,
    # accounts
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): ACCOUNT,
    ("POST", "/api/login"): PUBLIC,
    ("POST", "/api/logout"): ACCOUNT,
    ("GET", "/api/me"): ACCOUNT,
    # the schema, its docs, static files
    ("GET", "/openapi.json"): ACCOUNT,
    ("GET", "/api/docs"): ACCOUNT,
    ("GET", "/docs/oauth2-redirect"): ACCOUNT,
    ("GET", "/static/plotly.min.js"): PUBLIC,
    ("GET", "/static/{path:path}"): PUBLIC,
}

#: Path parameters that name an athlete, directly or through one of their sessions.
ATHLETE_PARAMS = {"name": "athlete", "session_id": "session", "fight_id": "fight"}


#: The rules' path patterns, compiled as Starlette compiles route paths.
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (path, compile_path(path)[0]) for path in dict.fromkeys(path for _, path in RULES)
]


def match_rule(method: str, path: str) -> tuple[str | None, Rule | None, dict[str, str]]:
    """The rule of a request: (its path pattern, its rule, the path parameters as sent).
    A path no pattern matches gives (None, None, {}); a pattern without a rule for this
    method gives (pattern, None, params). Either way the guard refuses it: a route without a
    rule is never reached (deny by default)."""
    wanted = "GET" if method == "HEAD" else method
    found: tuple[str | None, Rule | None, dict[str, str]] = (None, None, {})
    for pattern, regex in PATTERNS:
        match = regex.match(path)
        if match is None:
            continue
        rule = RULES.get((wanted, pattern))
        if rule is not None:
            return pattern, rule, match.groupdict()
        if found[0] is None:
            found = (pattern, None, match.groupdict())
    return found


def route_table(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every (method, path pattern) an app serves, HEAD left out (it follows GET); walks
    FastAPI's included routers and Starlette's mounts."""
    for route in routes:
        original = getattr(route, "original_router", None)
        if original is not None:  # FastAPI >= 0.16x keeps included routers whole
            context = getattr(route, "include_context", None)
            yield from route_table(original.routes, prefix + getattr(context, "prefix", ""))
        elif getattr(route, "methods", None):
            for method in sorted(route.methods - {"HEAD"}):
                yield method, prefix + route.path
        elif hasattr(route, "routes") and hasattr(route, "path"):  # a mount
            yield "GET", prefix + route.path + "/{path:path}"


@dataclass(frozen=True)
class Decision:
    """The guard's answer: `status` None lets the request through; `athlete_ids` are the
    athletes it names (for the audit log)."""

    status: int | None
    message: str = ""
    athlete_ids: tuple[int, ...] = ()


def decide(
    lab: Lab,
    principal: Principal,
    rule: Rule,
    path_params: Mapping[str, str],
    query: Mapping[str, str],
) -> Decision:
    """May `principal` have what the request asks? 403 for a role that never may, 404 for
    an athlete (or their session) it may not see, as if it did not exist."""
    if principal.role not in ROLES[rule.kind]:
        return Decision(403, f"a {principal.role} account may not see {rule.kind.value} data")
    if rule.roles is not None and principal.role not in rule.roles:
        return Decision(403, f"a {principal.role} account may not enter this")
    if rule.kind is not Kind.athletes:
        return Decision(None)
    named: list[tuple[str, str]] = [
        (ATHLETE_PARAMS.get(key, "unknown"), value) for key, value in path_params.items()
    ]
    named += [("athlete", query[key]) for key in rule.query if query.get(key)]
    ids: list[int] = []
    for what, value in named:
        if what == "athlete":
            athlete_id = lab.athletes.id_of(value)
            message = missing_athlete(value)
        elif what == "session":
            session_id = parse_id(value)  # the routes' own parser (`drago.web.ids`)
            if session_id is None:
                return Decision(404, NO_SUCH_SESSION)
            athlete_id = lab.sessions.athlete_id_of(session_id)
            message = missing_session(session_id)
        elif what == "fight":
            fight_id = parse_id(value)
            if fight_id is None:
                return Decision(404, NO_SUCH_FIGHT)
            corners = lab.fights.corner_ids(fight_id)
            if principal.visible is not None and not any(
                principal.may_see(i) for i in corners or ()
            ):
                return Decision(404, missing_fight(fight_id), tuple(corners or ()))
            ids += corners or ()
            continue
        else:
            return Decision(403, "no access rule for this parameter")
        if principal.visible is not None and not principal.may_see(athlete_id):
            seen = () if athlete_id is None else (athlete_id,)
            return Decision(404, message, seen)
        if athlete_id is not None:
            ids.append(athlete_id)
    return Decision(None, athlete_ids=tuple(ids))


__all__ = ["RULES", "Decision", "Kind", "Rule", "ScopedLab", "decide", "match_rule", "route_table"]
