"""Many requests at once on one token or cookie (issue 15): a real server on loopback, 8 clients
x 200 requests sharing two credentials, each burst after the tokens have been idle long enough
for their last use to be noted again. Every answer must be the one a lone request gets."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn

from drago.lab import Lab
from drago.store.db import utc_now
from drago.web import create_app
from drago.web.auth import TeamConfig
from tests.conftest import Stores
from tests.team_store import OWN, bearer_tokens, build_team_store, cheap_hashing, session_ids
from tests.web_store import free_port

CLIENTS, REQUESTS, BURSTS = 8, 200, 4


@pytest.fixture
def server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stores: Stores
) -> Iterator[tuple[str, Path]]:
    cheap_hashing(monkeypatch)
    db = stores.copy("team", build_team_store, tmp_path / "drago.duckdb")
    port = free_port()
    app = create_app(db, team=TeamConfig(), linger_s=0)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    while not running.started:
        time.sleep(0.05)
        assert thread.is_alive(), "the server did not start"
    try:
        yield f"http://127.0.0.1:{port}", db
    finally:
        running.should_exit = True
        thread.join(timeout=30)


def idle(db: Path) -> None:
    """Make every token look unused for two minutes, so the next request notes its use."""
    with Lab(db) as lab:
        lab.store.run("UPDATE tokens SET last_used_utc = ?", [utc_now() - timedelta(minutes=2)])


def test_eight_clients_share_a_token_and_a_cookie(server: tuple[str, Path]) -> None:
    base, db = server
    tokens = bearer_tokens(db)
    session = session_ids(db)[OWN]
    with httpx.Client(base_url=base) as login:
        cookie = login.post(
            "/api/login", json={"login": "mick", "password": "mick-password-1"}
        ).cookies["drago_session"]
    paths = ["/api/me", f"/api/sessions/{session}", "/api/athletes", f"/api/athletes/{OWN}"]

    def client(index: int) -> Counter[int]:
        seen: Counter[int] = Counter()
        credentials = (
            {"headers": {"Authorization": f"Bearer {tokens['coach']}"}}
            if index % 2
            else {"cookies": {"drago_session": cookie}}
        )
        with httpx.Client(base_url=base, timeout=60, **credentials) as http:  # type: ignore[arg-type]
            for number in range(REQUESTS // BURSTS):
                seen[http.get(paths[(index + number) % len(paths)]).status_code] += 1
        return seen

    statuses: Counter[int] = Counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        for _ in range(BURSTS):
            idle(db)
            for seen in pool.map(client, range(CLIENTS)):
                statuses.update(seen)
    assert statuses == Counter({200: CLIENTS * REQUESTS})
    with Lab(db) as lab:
        audit = lab.audit.entries()
    assert audit.filter(audit["status"] == 500).height == 0
