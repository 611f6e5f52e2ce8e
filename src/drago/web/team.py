"""Team mode on a dashboard app: the login routes, the guard in front of every route, and
labs scoped to the caller (see docs/team.md)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request

from drago.web.access import RULES, ScopedLab, route_table
from drago.web.auth import TeamConfig, TeamGuard
from drago.web.login import LoginLimiter
from drago.web.login import router as login_router


def scoped_lab(request: Request) -> ScopedLab:
    """The lab of one request: its athlete listings hold only what the caller may see."""
    principal = getattr(request.state, "principal", None)
    if principal is None:
        return ScopedLab(request.app.state.db_path, frozenset())
    return ScopedLab(request.app.state.db_path, principal.visible, role=principal.role)


def install(app: FastAPI, config: TeamConfig) -> None:
    """Turn `app` into a team server: nobody gets past `TeamGuard` without an account, and
    nobody past `access.RULES` to data their role and teams do not reach."""
    app.state.team = config
    app.state.limiter = LoginLimiter(config)
    app.state.open_lab = scoped_lab
    app.include_router(login_router)
    app.add_middleware(TeamGuard)
    missing = sorted(set(route_table(app.routes)) - set(RULES))
    if missing:  # refused to everybody until access.RULES has a rule for them
        logging.getLogger("drago.web").error("routes without an access rule: %s", missing)
