"""A team server's store for the tests: web_store's athletes plus one account per role.

Drago (team Moscow) is the athlete account `ivan`'s own athlete and one of coach `mick`'s;
Rocky and Apollo Creed (Philadelphia) are visible to the admin only. Passwords are hashed with
argon2-cffi's cheapest argon2id profile (`DRAGO_PASSWORD_HASH=cheapest`, tests only).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from drago.lab import Lab, passwords
from tests.web_store import build_store

#: Login, role, password, and the athlete or team of each account.
ACCOUNTS = {
    "boss": ("admin", "boss-password-1", {}),
    "mick": ("coach", "mick-password-1", {"teams": ["Moscow"]}),
    "ivan": ("athlete", "ivan-password-1", {"athlete": "Drago"}),
    "ana": ("analyst", "ana-password-1", {}),
}
ROLE_LOGIN = {role: login for login, (role, _, _) in ACCOUNTS.items()}
#: The athlete every role but the analyst may see, and one only the admin may.
OWN, OTHER = "Drago", "Rocky"


def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash with the cheapest argon2id profile in this test (and servers it starts)."""
    monkeypatch.setenv("DRAGO_PASSWORD_HASH", "cheapest")
    passwords.hasher.cache_clear()
    passwords.dummy_hash.cache_clear()


def build_team_store(db: Path) -> Path:
    build_store(db)
    with Lab(db) as lab:
        for login, (role, password, extra) in ACCOUNTS.items():
            lab.accounts.add_user(login, role=role, password=password, **extra)  # type: ignore[arg-type]
        for athlete in (OWN, OTHER):  # a fight each, against a boxer outside the store
            lab.fights.new(red=athlete, blue="Clubber Lang", day=date(2026, 6, 1), rounds=3)
    return db


def fight_ids(db: Path) -> dict[str, int]:
    """A fight of the athlete everyone but the analyst may see, and one of another."""
    with Lab(db) as lab:
        fights = lab.fights.list()
        return {who: int(fights.filter(pl.col("red_name") == who)["id"][0]) for who in (OWN, OTHER)}


def bearer_tokens(db: Path) -> dict[str, str]:
    """A live API token per role, and an expired one ("expired", the coach's)."""
    with Lab(db) as lab:
        tokens = {role: lab.accounts.create_token(login)[1] for role, login in ROLE_LOGIN.items()}
        tokens["expired"] = lab.accounts.create_token("mick", expires_in=timedelta(minutes=-1))[1]
    return tokens


def session_ids(db: Path) -> dict[str, int]:
    """A session of the athlete everyone but the analyst may see, and one of another."""
    with Lab(db) as lab:
        return {
            OWN: int(lab.sessions.list(athlete=OWN)["id"][0]),
            OTHER: int(lab.sessions.list(athlete=OTHER)["id"][0]),
        }
