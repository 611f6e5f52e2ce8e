"""The live page and its stream: the JSON twin, team mode's access rules, and the page in
Debian's Chromium showing the replayed HR and the round clock, also after a reload."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from drago.lab import Lab
from drago.live.hub import LiveHub
from drago.web import create_app
from drago.web.auth import TeamConfig
from tests.conftest import Stores
from tests.team_store import ACCOUNTS, OTHER, OWN, build_team_store, cheap_hashing
from tests.test_live_cli import add_rocky, start, url_of
from tests.test_live_session import FIT
from tests.test_web_browser import browser  # noqa: F401  (the fixture)


def _event(name: str, athlete_id: int, hr: float) -> dict[str, Any]:
    return {
        "athlete": name,
        "athlete_id": athlete_id,
        "t_s": 12.0,
        "hr_bpm": hr,
        "round": 1,
        "zone": 3,
        "clock": {"round": 1, "phase": "work", "left_s": 100.0, "warning": False},
    }


def test_without_a_session_the_page_says_so_and_the_stream_ends(db: Path) -> None:
    add_rocky(db)
    with TestClient(create_app(db, linger_s=0)) as client:
        assert "No live session is running" in client.get("/live").text
        assert client.get("/api/live/state").json()["running"] is False
        answer = client.get("/api/live/events")
        assert answer.status_code == 200 and "data:" not in answer.text


def test_the_stream_and_its_json_twin(db: Path) -> None:
    add_rocky(db)
    app = create_app(db, linger_s=0)
    hub = LiveHub(athletes=[{"athlete": "rocky", "athlete_id": 1}])
    hub.publish(_event("rocky", 1, 151.0))
    app.state.live_hub = hub
    with TestClient(app) as client:
        assert client.get("/api/live/state").json()["athletes"][0]["hr_bpm"] == 151.0
        body = client.get("/api/live/events", params={"once": "true"}).text
        assert re.search(r'^data: \{"athlete": "rocky"', body, re.M)
        assert 'data-athlete="rocky"' in client.get("/live").text


@pytest.fixture
def team_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stores: Stores) -> Iterator[Path]:
    """The team store, built once per session and copied for each test."""
    cheap_hashing(monkeypatch)
    yield stores.copy("team", build_team_store, tmp_path / "drago.duckdb")


@pytest.mark.parametrize(
    ("login", "sees"), [("mick", {OWN}), ("boss", {OWN, OTHER}), ("ivan", {OWN})]
)
def test_team_mode_shows_a_caller_only_the_athletes_they_may_see(
    team_db: Path, login: str, sees: set[str]
) -> None:
    with Lab(team_db) as lab:
        ids = {name: lab.athletes.id_of(name) for name in (OWN, OTHER)}
    app = create_app(team_db, team=TeamConfig(), linger_s=0)
    hub = LiveHub(athletes=[{"athlete": n, "athlete_id": i} for n, i in ids.items()])
    for name, athlete_id in ids.items():
        hub.publish(_event(name, int(athlete_id or 0), 150.0))
    app.state.live_hub = hub
    with TestClient(app) as client:
        assert client.get("/api/live/state").status_code == 401
        token = client.post("/api/login", json={"login": login, "password": ACCOUNTS[login][1]})
        bearer = {"Authorization": f"Bearer {token.json()['token']}"}
        state = client.get("/api/live/state", headers=bearer).json()
        assert {e["athlete"] for e in state["athletes"]} == sees
        body = client.get("/api/live/events?once=true", headers=bearer).text
        assert {m for m in re.findall(r'"athlete": "([^"]+)"', body)} == sees


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:  # noqa: F811
    """A tab that fails the test on a script error or a failed request, except the event
    stream's own connection, which a reload or the session's end closes on purpose."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("requestfailed", lambda r: "/api/live/events" in r.url or errors.append(r.url))
    yield tab
    context.close()
    assert not errors


def test_the_live_page_in_chromium_shows_the_replayed_hr_and_the_clock(db: Path, page: Any) -> None:
    add_rocky(db)
    proc = start(
        db,
        "--replay",
        f"rocky={FIT}",
        "--speed",
        "10",
        "--rounds",
        "3",
        "--round-s",
        "60",
        "--rest-s",
        "30",
    )
    try:
        base = url_of(proc)
        page.goto(f"{base}/live")
        tile = page.locator('.live-tile[data-athlete="rocky"] .bpm')
        tile.wait_for(timeout=20_000)
        page.wait_for_function(
            "document.querySelector('#live-clock .round').textContent.startsWith('Round')",
            timeout=20_000,
        )
        assert re.fullmatch(r"\d+", tile.inner_text())
        assert re.fullmatch(r"\d+:\d\d", page.locator("#live-clock .left").inner_text())
        assert page.locator(".live-tile").get_attribute("class") != "live-tile z0"
        page.reload()  # survives a reload: the latest state comes first
        page.locator('.live-tile[data-athlete="rocky"] .bpm').wait_for(timeout=10_000)
        assert re.fullmatch(r"\d+", page.locator(".live-tile .bpm").inner_text())
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert "rocky: session" in out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
