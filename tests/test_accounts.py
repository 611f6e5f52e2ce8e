"""Accounts, tokens and the audit log from the command line; how passwords are kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from argon2 import extract_parameters
from argon2.low_level import Type

from drago.cli import app
from drago.lab import Lab, passwords
from tests.conftest import Cli
from tests.team_store import cheap_hashing


@pytest.fixture
def team_cli(cli: Cli, athlete: Callable[..., str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    cheap_hashing(monkeypatch)
    cli("team", "add", "Moscow")
    athlete("Drago", "--team", "Moscow")
    return cli


def add_user(cli: Cli, *args: str, password: str = "s3cret-pass") -> Any:
    return _checked(cli, ["user", "add", *args, "--password-stdin"], password + "\n", 0)


def _checked(cli: Cli, args: list[str], stdin: str, code: int) -> Any:
    result = cli.runner.invoke(app, ["--db", str(cli.db), *args], input=stdin)
    assert result.exit_code == code, (result.exit_code, result.output)
    return result


def test_users_are_added_listed_and_removed(team_cli: Cli) -> None:
    add_user(team_cli, "ivan", "--role", "athlete", "--athlete", "drago")
    add_user(team_cli, "mick", "--role", "coach", "--team", "moscow")
    add_user(team_cli, "boss", "--role", "admin")
    rows = {r["login"]: r for r in team_cli.json("user", "list")}
    assert rows["ivan"]["athlete"] == "Drago" and rows["ivan"]["role"] == "athlete"
    assert rows["mick"]["teams"] == "Moscow"
    assert "password_hash" not in rows["boss"] and "s3cret" not in str(rows)
    team_cli("user", "remove", "boss")
    assert {r["login"] for r in team_cli.json("user", "list")} == {"ivan", "mick"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "athlete"], "needs --athlete"),
        (["--role", "coach"], "at least one --team"),
        (["--role", "admin", "--team", "Moscow"], "only coach"),
        (["--role", "boxer"], "role must be one of"),
        (["--role", "athlete", "--athlete", "nobody"], "no athlete nobody"),
        (["--role", "coach", "--team", "nowhere"], "no team nowhere"),
    ],
)
def test_wrong_accounts_are_refused_in_one_line(
    team_cli: Cli, args: list[str], message: str
) -> None:
    result = _checked(team_cli, ["user", "add", "x", *args, "--password-stdin"], "pw-long-1\n", 2)
    assert message in result.output and "Traceback" not in result.output


def test_short_passwords_and_twice_the_same_login_are_refused(team_cli: Cli) -> None:
    result = _checked(
        team_cli, ["user", "add", "a", "--role", "admin", "--password-stdin"], "short\n", 2
    )
    assert "8 to 1024 characters" in result.output
    add_user(team_cli, "boss", "--role", "admin")
    result = _checked(
        team_cli,
        ["user", "add", "BOSS", "--role", "admin", "--password-stdin"],
        "another-pass\n",
        2,
    )
    assert "already exists" in result.output


def test_passwords_are_argon2id_with_a_salt_of_their_own(team_cli: Cli) -> None:
    add_user(team_cli, "one", "--role", "admin", password="same-password")
    add_user(team_cli, "two", "--role", "admin", password="same-password")
    with Lab(team_cli.db) as lab:
        hashes = [r[0] for r in lab.store.run("SELECT password_hash FROM users ORDER BY id")]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert all(extract_parameters(h).type is Type.ID for h in hashes)
    salts = [h.split("$")[4] for h in hashes]
    assert salts[0] != salts[1] and hashes[0] != hashes[1]
    assert "same-password" not in (team_cli.db.read_bytes().decode("latin-1"))


def test_the_real_profile_is_rfc9106_argon2id(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside tests, hashes use RFC 9106's low-memory set: t=3, 64 MiB, p=4, 16-byte salt."""
    monkeypatch.delenv("DRAGO_PASSWORD_HASH", raising=False)
    passwords.hasher.cache_clear()
    try:
        params = passwords.hasher()._parameters  # the hasher's own, without hashing once
        assert (params.type, params.time_cost, params.memory_cost, params.parallelism) == (
            Type.ID,
            3,
            65536,
            4,
        )
        assert params.salt_len == 16
    finally:
        passwords.hasher.cache_clear()


def test_an_unknown_login_costs_a_verification_like_a_wrong_password(
    team_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same work for a login that does not exist: it is verified against the dummy hash."""
    add_user(team_cli, "ivan", "--role", "athlete", "--athlete", "Drago")
    calls: list[str] = []
    real = passwords.verify
    monkeypatch.setattr(passwords, "verify", lambda h, p: calls.append(h) or real(h, p))
    with Lab(team_cli.db) as lab:
        assert lab.accounts.login("nobody", "whatever-1", session_s=60) is None
        assert calls == [passwords.dummy_hash()]
        assert lab.accounts.login("ivan", "wrong-password", session_s=60) is None
        assert len(calls) == 2 and calls[1].startswith("$argon2id$")
        assert lab.accounts.login("ivan", "s3cret-pass", session_s=60) is not None


def test_passwd_changes_the_password_and_ends_sessions(team_cli: Cli) -> None:
    add_user(team_cli, "ivan", "--role", "athlete", "--athlete", "Drago")
    with Lab(team_cli.db) as lab:
        session = lab.accounts.login("ivan", "s3cret-pass", session_s=600)
        assert session is not None
        _, api_token = lab.accounts.create_token("ivan")
    result = _checked(team_cli, ["user", "passwd", "ivan", "--password-stdin"], "new-pass-2\n", 0)
    assert "1 session(s) ended" in result.output
    with Lab(team_cli.db) as lab:
        assert lab.accounts.principal(session.token, idle_s=None) is None
        assert lab.accounts.principal(api_token, idle_s=None) is not None
        assert lab.accounts.login("ivan", "s3cret-pass", session_s=60) is None
        assert lab.accounts.login("ivan", "new-pass-2", session_s=60) is not None


def test_tokens_are_shown_once_kept_hashed_listed_and_revoked(team_cli: Cli) -> None:
    add_user(team_cli, "boss", "--role", "admin")
    result = team_cli("token", "create", "boss", "--expires", "30")
    token = result.stdout.strip()
    assert token.startswith("drg_") and len(token) > 40
    with Lab(team_cli.db) as lab:
        stored = [r[0] for r in lab.store.run("SELECT token_sha256 FROM tokens")]
        assert stored == [passwords.token_digest(token)]
        who = lab.accounts.principal(token, idle_s=None)
        assert who is not None and who.role == "admin" and who.visible is None
    listed = team_cli.json("token", "list")
    assert [(r["login"], r["state"]) for r in listed] == [("boss", "active")]
    assert token not in str(listed)
    team_cli("token", "revoke", str(listed[0]["id"]))
    assert team_cli.json("token", "list")[0]["state"] == "revoked"
    with Lab(team_cli.db) as lab:
        assert lab.accounts.principal(token, idle_s=None) is None
    assert "no active token" in team_cli("token", "revoke", "99", code=2).output


def test_audit_lists_accesses_by_athlete_and_date(team_cli: Cli) -> None:
    with Lab(team_cli.db) as lab:
        drago = lab.athletes.id_of("Drago")
        lab.audit.record(
            login="mick",
            role="coach",
            action="read",
            method="GET",
            path="/athletes/Drago",
            athlete_id=drago,
            status=200,
            remote="10.0.0.7",
        )
        lab.audit.record(
            login="ana",
            role="analyst",
            action="read",
            method="GET",
            path="/api/aggregates",
            athlete_id=None,
            status=200,
            remote="10.0.0.8",
        )
    rows = team_cli.json("audit", "--athlete", "drago")
    assert [(r["login"], r["athlete"], r["remote"]) for r in rows] == [
        ("mick", "Drago", "10.0.0.7")
    ]
    assert len(team_cli.json("audit", "--since", "2000-01-01")) == 2
    assert team_cli.json("audit", "--since", "2100-01-01") == []
    assert "login,role,action" in team_cli("audit", "--format", "csv").stdout


def test_erasing_an_athlete_removes_their_account_and_their_name_from_the_audit(
    team_cli: Cli, athlete: Callable[..., str]
) -> None:
    athlete("Al")
    add_user(team_cli, "ivan", "--role", "athlete", "--athlete", "Drago")
    add_user(team_cli, "al", "--role", "athlete", "--athlete", "Al")
    with Lab(team_cli.db) as lab:
        drago = lab.athletes.id_of("Drago")
        for path, who in (
            ("/athletes/Drago", drago),
            ("/compare?a=Al&b=drago", None),
            ("/api/athletes/Al/load", None),
            ("/api/athletes", None),
        ):
            lab.audit.record(
                login="mick",
                role="coach",
                action="read",
                method="GET",
                path=path,
                athlete_id=who,
                status=200,
                remote="10.0.0.7",
            )
    team_cli("athlete", "delete", "Drago", "--yes")
    rows = team_cli.json("audit")
    assert [r["path"] for r in rows] == [
        "[erased athlete]",
        "[erased athlete]",
        "/api/athletes/Al/load",
        "/api/athletes",
    ]
    assert all(r["login"] == "mick" for r in rows), "who looked is kept"
    logins = [u["login"] for u in team_cli.json("user", "list")]
    assert logins == ["al"], "the erased athlete's account is gone, Al's stays"
