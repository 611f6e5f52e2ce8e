"""Accounts, their teams and tokens (team mode). Only hashes are kept: argon2id PHC strings
for passwords (made in `drago.lab.passwords`), SHA-256 for random tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import polars as pl

from drago.errors import Conflict, NotFound
from drago.store.db import Store, utc_now


@dataclass(frozen=True)
class UserRow:
    id: int
    login: str
    role: str
    athlete_id: int | None
    password_hash: str


@dataclass(frozen=True)
class TokenUse:
    """A live token's owner: the user, the token's id and kind."""

    user: UserRow
    token_id: int
    kind: str


_USER = "u.id, u.login, u.role, u.athlete_id, u.password_hash"


def login_key(login: str) -> str:
    return login.strip().casefold()


def add_user(
    store: Store, login: str, *, role: str, password_hash: str, athlete_id: int | None
) -> int:
    if store.one("SELECT 1 FROM users WHERE login_key = ?", [login_key(login)]):
        raise Conflict(f"user {login!r} already exists")
    now = utc_now()
    row = store.one(
        "INSERT INTO users (login, login_key, role, athlete_id, password_hash, created_utc, "
        "password_changed_utc) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [login.strip(), login_key(login), role, athlete_id, password_hash, now, now],
    )
    assert row is not None
    return int(row[0])


def find_user(store: Store, login: str) -> UserRow | None:
    row = store.one(f"SELECT {_USER} FROM users u WHERE u.login_key = ?", [login_key(login)])
    return None if row is None else UserRow(*row)


def get_user(store: Store, login: str) -> UserRow:
    """The user `login` (any case), or NotFound with how to add one."""
    user = find_user(store, login)
    if user is None:
        raise NotFound(f"no user {login}: add one with drago user add")
    return user


def set_teams(store: Store, user_id: int, team_ids: list[int]) -> None:
    store.run("DELETE FROM user_teams WHERE user_id = ?", [user_id])
    for team_id in sorted(set(team_ids)):
        store.run("INSERT INTO user_teams VALUES (?, ?)", [user_id, team_id])


def team_ids(store: Store, user_id: int) -> list[int]:
    rows = store.run("SELECT team_id FROM user_teams WHERE user_id = ? ORDER BY 1", [user_id])
    return [int(r[0]) for r in rows]


def set_password_hash(store: Store, user_id: int, password_hash: str) -> None:
    store.run(
        "UPDATE users SET password_hash = ?, password_changed_utc = ? WHERE id = ?",
        [password_hash, utc_now(), user_id],
    )


def remove_user(store: Store, user_id: int) -> None:
    store.run("DELETE FROM tokens WHERE user_id = ?", [user_id])
    store.run("DELETE FROM user_teams WHERE user_id = ?", [user_id])
    store.run("DELETE FROM users WHERE id = ?", [user_id])


def list_users(store: Store) -> pl.DataFrame:
    """Every account with its role, athlete and teams (never the hash)."""
    return store.frame(
        """
        SELECT u.login, u.role, a.name AS athlete,
               coalesce((SELECT string_agg(t.name, ', ' ORDER BY t.name_key)
                         FROM user_teams ut JOIN teams t ON t.id = ut.team_id
                         WHERE ut.user_id = u.id), '') AS teams,
               u.created_utc, u.password_changed_utc,
               (SELECT count(*) FROM tokens k WHERE k.user_id = u.id AND k.kind = 'api'
                  AND k.revoked_utc IS NULL) AS api_tokens
        FROM users u LEFT JOIN athletes a ON a.id = u.athlete_id
        ORDER BY u.login_key
        """
    )


def add_token(
    store: Store, user_id: int, *, kind: str, token_sha256: str, expires_utc: datetime | None
) -> int:
    row = store.one(
        "INSERT INTO tokens (user_id, kind, token_sha256, created_utc, expires_utc) "
        "VALUES (?, ?, ?, ?, ?) RETURNING id",
        [user_id, kind, token_sha256, utc_now(), expires_utc],
    )
    assert row is not None
    return int(row[0])


def use_token(store: Store, token_sha256: str, *, idle_s: float | None) -> TokenUse | None:
    """The owner of a live token (not revoked, not expired, for sessions not idle longer than
    `idle_s`), noting its use at most once a minute; None otherwise."""
    now = utc_now()
    row = store.one(
        f"""
        SELECT {_USER}, k.id, k.kind, k.last_used_utc, k.created_utc
        FROM tokens k JOIN users u ON u.id = k.user_id
        WHERE k.token_sha256 = ? AND k.revoked_utc IS NULL
          AND (k.expires_utc IS NULL OR k.expires_utc > ?)
        """,
        [token_sha256, now],
    )
    if row is None:
        return None
    user, (token_id, kind, last_used, created) = UserRow(*row[:5]), row[5:]
    seen = last_used or created
    if kind == "session" and idle_s is not None and (now - seen).total_seconds() > idle_s:
        return None
    if last_used is None or (now - last_used).total_seconds() > 60:
        _note_use(store, int(token_id), now)
    return TokenUse(user, int(token_id), str(kind))


def _note_use(store: Store, token_id: int, now: datetime) -> None:
    """Note a token's use. Requests on one token at once race to note it; DuckDB lets one
    update the row and answers the others "Conflict on update" (optimistic concurrency), so
    outside a transaction of the caller's, a loser leaves the note to the winner."""
    update = "UPDATE tokens SET last_used_utc = ? WHERE id = ?"
    if store.in_transaction:
        store.run(update, [now, token_id])
        return
    try:
        with store.transaction():
            store.run(update, [now, token_id])
    except duckdb.TransactionException:
        pass  # another request noted the use a moment ago


def revoke_tokens(
    store: Store,
    *,
    token_id: int | None = None,
    user_id: int | None = None,
    kind: str | None = None,
) -> int:
    """Revoke one token, or a user's tokens (of one kind); the number revoked."""
    where, params = ["revoked_utc IS NULL"], [utc_now()]
    for column, value in (("id", token_id), ("user_id", user_id), ("kind", kind)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)  # type: ignore[arg-type]
    rows = store.run(
        f"UPDATE tokens SET revoked_utc = ? WHERE {' AND '.join(where)} RETURNING id", params
    )
    return len(rows)


def list_tokens(store: Store, *, user_id: int | None = None, kind: str = "api") -> pl.DataFrame:
    """Tokens of one kind with their owner and state (never the token or its hash)."""
    params: list[Any] = [kind]
    where = "k.kind = ?"
    if user_id is not None:
        where += " AND k.user_id = ?"
        params.append(user_id)
    return store.frame(
        f"""
        SELECT k.id, u.login, k.kind, k.created_utc, k.expires_utc, k.last_used_utc,
               k.revoked_utc,
               CASE WHEN k.revoked_utc IS NOT NULL THEN 'revoked'
                    WHEN k.expires_utc IS NOT NULL AND k.expires_utc <= ? THEN 'expired'
                    ELSE 'active' END AS state
        FROM tokens k JOIN users u ON u.id = k.user_id
        WHERE {where} ORDER BY k.id
        """,
        [utc_now(), *params],
    )


def athlete_ids_of_teams(store: Store, team_ids: list[int]) -> list[int]:
    if not team_ids:
        return []
    marks = ", ".join("?" for _ in team_ids)
    rows = store.run(f"SELECT id FROM athletes WHERE team_id IN ({marks}) ORDER BY id", team_ids)
    return [int(r[0]) for r in rows]


def athlete_id_by_name(store: Store, name: str) -> int | None:
    row = store.one("SELECT id FROM athletes WHERE name_key = ?", [name.strip().casefold()])
    return None if row is None else int(row[0])


def athlete_id_of_session(store: Store, session_id: int) -> int | None:
    row = store.one("SELECT athlete_id FROM sessions WHERE id = ?", [session_id])
    return None if row is None else int(row[0])


def remove_athlete_accounts(store: Store, athlete_id: int) -> int:
    """Remove the accounts linked to an athlete (erased), with their teams and tokens."""
    ids = [int(r[0]) for r in store.run("SELECT id FROM users WHERE athlete_id = ?", [athlete_id])]
    for user_id in ids:
        remove_user(store, user_id)
    return len(ids)
