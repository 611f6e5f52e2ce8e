"""Accounts, roles and tokens of team mode, and who may see which athlete.

A role decides what kind of data an account reaches: an admin everything (and manages
accounts from the command line), a coach the athletes of their teams, an athlete their own
data, an analyst anonymised aggregates only. `Principal.visible` is the set of athlete ids an
account may see (None: all of them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import polars as pl

from drago.errors import NotFound, UsageError
from drago.lab import passwords
from drago.lab.base import check_name
from drago.lab.context import Service
from drago.store import accounts as rows
from drago.store import athletes as athlete_rows
from drago.store import teams as team_rows
from drago.store.db import utc_now

ROLES = ("admin", "coach", "athlete", "analyst")


@dataclass(frozen=True)
class Principal:
    """Who is asking: an account, its role, the athletes it may see, and how it came in
    (`via`: "session" for a login, "api" for an API token)."""

    login: str
    role: str
    athlete: str | None
    visible: frozenset[int] | None
    token_id: int
    via: str

    def may_see(self, athlete_id: int | None) -> bool:
        if athlete_id is None:
            return False
        return self.visible is None or athlete_id in self.visible


@dataclass(frozen=True)
class Login:
    """A fresh session: its token (cookie value and bearer) and who it belongs to."""

    token: str
    principal: Principal


class AccountsService(Service):
    """Accounts, passwords, tokens and sessions of team mode (`lab.accounts`)."""

    def add_user(
        self,
        login: str,
        *,
        role: str,
        password: str,
        teams: Sequence[str] = (),
        athlete: str | None = None,
    ) -> int:
        """Add an account; an athlete account is linked to one athlete, a coach to teams."""
        if not login.strip() or any(c.isspace() for c in login.strip()):
            raise UsageError("a login needs at least one character and no spaces")
        check_name(login, what="a login")
        if role not in ROLES:
            raise UsageError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        if (role == "athlete") != (athlete is not None):
            raise UsageError("an athlete account needs --athlete NAME, and only it takes one")
        if role == "coach" and not teams:
            raise UsageError("a coach account needs at least one --team")
        if teams and role != "coach":
            raise UsageError("only coach accounts take --team")
        athlete_id = athlete_rows.get_athlete(self.store, athlete).id if athlete else None
        team_ids = [team_rows.team_id(self.store, team) for team in teams]
        password_hash = passwords.hash_password(password)
        with self.store.transaction():
            user_id = rows.add_user(
                self.store, login, role=role, password_hash=password_hash, athlete_id=athlete_id
            )
            rows.set_teams(self.store, user_id, team_ids)
        return user_id

    def users(self) -> pl.DataFrame:
        return rows.list_users(self.store)

    def set_password(self, login: str, password: str) -> int:
        """Change a password and end the account's sessions (OWASP: renew on privilege
        change); its API tokens stay. The number of sessions ended."""
        user = rows.get_user(self.store, login)
        password_hash = passwords.hash_password(password)
        with self.store.transaction():
            rows.set_password_hash(self.store, user.id, password_hash)
            return rows.revoke_tokens(self.store, user_id=user.id, kind="session")

    def remove_user(self, login: str) -> None:
        """Remove an account with its tokens (the audit log keeps its login)."""
        user = rows.get_user(self.store, login)
        with self.store.transaction():
            rows.remove_user(self.store, user.id)

    def create_token(
        self, login: str, *, expires_in: timedelta | None = None, kind: str = "api"
    ) -> tuple[int, str]:
        """A new token for `login`, valid for `expires_in` (None: until revoked): (its id,
        the token). Only its hash is kept, so this is the one time it can be shown."""
        user = rows.get_user(self.store, login)
        token = passwords.new_token()
        with self.store.transaction():
            token_id = rows.add_token(
                self.store,
                user.id,
                kind=kind,
                token_sha256=passwords.token_digest(token),
                expires_utc=None if expires_in is None else utc_now() + expires_in,
            )
        return token_id, token

    def revoke_token(self, token_id: int) -> None:
        with self.store.transaction():
            if not rows.revoke_tokens(self.store, token_id=token_id):
                raise UsageError(f"no active token {token_id}: see drago token list")

    def revoke_tokens(self, login: str) -> int:
        """Revoke every token and session of `login`; how many."""
        user = rows.get_user(self.store, login)
        with self.store.transaction():
            return rows.revoke_tokens(self.store, user_id=user.id)

    def tokens(self, login: str | None = None) -> pl.DataFrame:
        user_id = rows.get_user(self.store, login).id if login else None
        return rows.list_tokens(self.store, user_id=user_id)

    def login(self, login: str, password: str, *, session_s: float) -> Login | None:
        """Check a password and open a session of `session_s` seconds; None when the login
        or the password is wrong. An unknown login is verified against a dummy hash, so both
        failures cost the same work (OWASP Authentication Cheat Sheet)."""
        user = rows.find_user(self.store, login)
        if user is None:
            passwords.verify(passwords.dummy_hash(), password)
            return None
        if not passwords.verify(user.password_hash, password):
            return None
        if passwords.needs_rehash(user.password_hash):
            with self.store.transaction():
                rows.set_password_hash(self.store, user.id, passwords.hash_password(password))
        session = timedelta(seconds=session_s)
        _, token = self.create_token(user.login, expires_in=session, kind="session")
        principal = self.principal(token, idle_s=None)
        assert principal is not None
        return Login(token, principal)

    def logout(self, token: str) -> None:
        """End the session (or revoke the API token) `token`."""
        with self.store.transaction():
            found = rows.use_token(self.store, passwords.token_digest(token), idle_s=None)
            if found is not None:
                rows.revoke_tokens(self.store, token_id=found.token_id)

    def principal(self, token: str, *, idle_s: float | None) -> Principal | None:
        """Who `token` belongs to, with the athletes they may see; None for a wrong, revoked
        or expired token, or a session idle longer than `idle_s`."""
        found = rows.use_token(self.store, passwords.token_digest(token), idle_s=idle_s)
        if found is None:
            return None
        user = found.user
        visible: frozenset[int] | None
        athlete = None
        if user.role == "admin":
            visible = None
        elif user.role == "coach":
            team_ids = rows.team_ids(self.store, user.id)
            visible = frozenset(rows.athlete_ids_of_teams(self.store, team_ids))
        elif user.role == "athlete" and user.athlete_id is not None:
            try:
                athlete = athlete_rows.athlete_by_id(self.store, user.athlete_id).name
                visible = frozenset({user.athlete_id})
            except NotFound:  # the athlete was erased: nothing left to see
                visible = frozenset()
        else:
            visible = frozenset()
        return Principal(user.login, user.role, athlete, visible, found.token_id, found.kind)
