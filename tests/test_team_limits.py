"""Limits for everyone, while streaming (issue 15): body limits per route, enforced on chunked
bodies before they are read; a bound on password checks at once; attempts counted before
their password is checked; a lockout an attacker cannot turn against the admin."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from drago.lab import passwords
from drago.web import create_app
from drago.web.app import error_response
from drago.web.auth import TeamConfig
from drago.web.limits import DEFAULT_BYTES, LOGIN_BYTES, BodyLimit
from drago.web.login import LoginLimiter
from tests.team_store import ACCOUNTS, bearer_tokens, build_team_store, cheap_hashing

CHUNK = 64 * 1024


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        cheap_hashing(monkeypatch)
        yield build_team_store(tmp_path_factory.mktemp("limits") / "drago.duckdb")


def endless_body(method: str, path: str) -> tuple[int, Counter[str], list[dict[str, Any]]]:
    """Send `path` a chunked body that never ends through `BodyLimit` in front of an app that
    reads the whole body: the chunks pulled, and what was answered."""
    pulled: Counter[str] = Counter()
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        pulled["chunks"] += 1
        return {"type": "http.request", "body": b"x" * CHUNK, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(dict(message))

    async def app(scope: Any, receive: Any, send: Any) -> None:
        while (await receive()).get("more_body"):
            pass

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "headers": [],
        "query_string": b"",
        "root_path": "",
        "scheme": "http",
        "server": ("x", 80),
    }
    asyncio.run(BodyLimit(app, error_response)(scope, receive, send))  # type: ignore[arg-type]
    return sent[0]["status"], pulled, sent


@pytest.mark.parametrize(
    ("path", "limit"), [("/api/login", LOGIN_BYTES), ("/api/fights/1/rounds", DEFAULT_BYTES)]
)
def test_a_chunked_body_is_cut_off_at_its_routes_limit(path: str, limit: int) -> None:
    status, pulled, sent = endless_body("POST", path)
    assert status == 413
    assert pulled["chunks"] * CHUNK <= limit + CHUNK
    assert b"request body larger than" in sent[1]["body"]


def test_a_chunked_login_is_refused_413(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)

    def chunks() -> Iterator[bytes]:
        yield b'{"login": "boss", "password": "'
        for _ in range(16):
            yield b"a" * CHUNK
        yield b'"}'

    with TestClient(create_app(built, team=TeamConfig())) as client:
        answer = client.post("/api/login", content=chunks())
        assert answer.status_code == 413
        assert answer.json() == {
            "ok": False,
            "error": "request body larger than 8 KiB",
            "status": 413,
        }
        announced = client.post("/api/login", content=b"{}", headers={"Content-Length": "10e9"})
        assert announced.status_code == 413


def test_a_bad_upload_name_is_a_one_line_400(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)
    token = bearer_tokens(built)["admin"]
    with TestClient(create_app(built, team=TeamConfig())) as client:
        for name in ("..", "a/.."):
            answer = client.post(
                "/api/athletes/Drago/imports",
                files={"files": (name, b"not a FIT file")},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert answer.status_code == 400, (name, answer.text)
            assert "is not a file name" in answer.json()["error"]


def test_password_checks_are_bounded_and_counted_before_they_run(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twelve wrong passwords at once for one login: five are checked, two at a time."""
    cheap_hashing(monkeypatch)
    running, most, calls = [0], [0], [0]
    lock = threading.Lock()
    verify = passwords.verify

    def slow_verify(stored: str, password: str) -> bool:
        with lock:
            running[0] += 1
            calls[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.3)
        try:
            return verify(stored, password)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(passwords, "verify", slow_verify)
    with TestClient(create_app(built, team=TeamConfig())) as client:

        def guess(number: int) -> int:
            body = {"login": "boss", "password": f"wrong-guess-{number}"}
            return int(client.post("/api/login", json=body).status_code)

        with ThreadPoolExecutor(12) as pool:
            statuses = Counter(pool.map(guess, range(12)))
    assert calls[0] == 5 and most[0] <= 2
    assert statuses == Counter({401: 5, 429: 7})


def test_an_attacker_cannot_lock_the_admin_out(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cheap_hashing(monkeypatch)
    app = create_app(built, team=TeamConfig())
    boss = {"login": "boss", "password": ACCOUNTS["boss"][1]}
    with TestClient(app, client=("203.0.113.9", 4000)) as attacker:
        for number in range(8):
            attacker.post("/api/login", json={"login": "boss", "password": f"guess-{number}"})
        assert attacker.post("/api/login", json=boss).status_code == 429
    with TestClient(app, client=("198.51.100.7", 4000)) as admin:
        assert admin.post("/api/login", json=boss).status_code == 200


def test_guesses_from_many_addresses_close_the_login_to_new_addresses_only() -> None:
    now = [0.0]
    config = TeamConfig(max_failures=3, max_failures_per_login=6, window_s=60)
    limiter = LoginLimiter(config, clock=lambda: now[0])
    assert limiter.begin("boss", "10.0.0.1") is None
    limiter.succeeded("boss", "10.0.0.1")  # the admin's own address
    for address in ("203.0.113.1", "203.0.113.2"):
        for _ in range(3):
            assert limiter.begin("BOSS", address) is None
        assert limiter.begin("boss", address) == 61  # this address is done with boss
    assert limiter.begin("boss", "203.0.113.3") == 61  # six guesses: new addresses wait
    assert limiter.begin("boss", "10.0.0.1") is None  # the admin's address does not
    assert limiter.begin("ana", "203.0.113.1") is None  # other logins are not concerned
    now[0] = 61.0
    assert limiter.begin("boss", "203.0.113.3") is None
