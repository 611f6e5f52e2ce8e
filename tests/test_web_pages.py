"""The dashboard's pages over a real store: each renders its numbers and figure specs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from drago.web import create_app
from tests.conftest import Stores
from tests.web_store import build_store


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory, stores: Stores) -> Iterator[TestClient]:
    db = stores.copy("web", build_store, tmp_path_factory.mktemp("pages") / "drago.duckdb")
    with TestClient(create_app(db)) as client:
        yield client


def html(client: TestClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return str(response.text)


def figures(page: str) -> dict[str, Any]:
    """The figure specs a page hands to plotly.js, by the id of their element."""
    found = re.findall(r'<script type="application/json" data-figure="(\w+)">(.*?)</script>', page)
    return {name: json.loads(text) for name, text in found}


def session_id(client: TestClient, athlete: str, index: int) -> int:
    return int(client.get(f"/api/athletes/{athlete}/sessions").json()["items"][index]["id"])


def test_overview_groups_athletes_by_team(web: TestClient) -> None:
    page = html(web, "/")
    assert page.index("<h2>Moscow</h2>") < page.index("<h2>Philadelphia</h2>")
    assert page.index('href="/athletes/Drago"') < page.index("<h2>Philadelphia</h2>")
    assert 'href="/athletes/Apollo%20Creed"' in page and "no sessions" in page
    assert "form (TSB)" in page and "ACWR band" in page and "readiness" in page
    drago_row = page[page.index('href="/athletes/Drago"') : page.index("<h2>Philadelphia</h2>")]
    assert 'class="dot green"' in drago_row or 'class="dot amber"' in drago_row
    assert "no recent readiness data" in page  # Rocky and Apollo have none
    assert 'class="dot' in page and '<script src="/static/plotly.min.js">' in page


def test_athlete_page_has_the_pmc_sessions_and_upload(web: TestClient) -> None:
    page = html(web, "/athletes/drago")
    specs = figures(page)
    assert "pmc" in specs and len(specs["pmc"]["data"]) == 6
    assert specs["pmc"]["data"][1]["name"] == "fitness (CTL)"
    assert 'id="upload"' in page and 'type="file"' in page and "64 MiB" in page
    assert page.count('href="/sessions/') == 2 and "Europe/Moscow" in page
    assert "No morning check yet" in page  # wellness alone draws no HRV chart
    assert "drago hrv import" not in page and 'drago import --athlete "Drago" FILE' in page


def test_an_athlete_without_sessions_still_renders(web: TestClient) -> None:
    page = html(web, "/athletes/APOLLO%20creed")
    assert "No sessions yet" in page and figures(page) == {}


def test_session_page_draws_hr_zones_and_the_track(web: TestClient) -> None:
    page = html(web, f"/sessions/{session_id(web, 'drago', 0)}")
    specs = figures(page)
    hr, track = specs["hr"], specs["track"]
    assert len(hr["layout"]["shapes"]) == 5  # zones 1-5 from HR rest 46 and max 196
    assert hr["layout"]["shapes"][0]["y0"] == pytest.approx(46 + 0.5 * 150)
    assert 2800 < len(hr["data"][0]["x"]) <= 2809  # every sample with HR
    assert track["layout"]["yaxis"]["scaleanchor"] == "x"
    assert track["layout"]["yaxis"]["scaleratio"] > 1  # a degree of longitude is shorter
    assert "No punches recorded" in page and "Time in zones" in page


def test_a_logged_session_has_no_charts(web: TestClient) -> None:
    logged = web.get("/api/athletes/rocky/sessions", params={"order": "desc"}).json()["items"][0]
    page = html(web, f"/sessions/{logged['id']}")
    assert figures(page) == {} and "snow" in page
    # What is known instead of empty panels: RPE, its load and its week (issue 17).
    assert "No heart-rate records" not in page and "No GPS track" not in page
    assert "RPE x minutes (Foster 2001): 8 x 50 = 400" in page and 'id="week"' in page
    assert f'<strong><a href="/sessions/{logged["id"]}">2026-11-20 12:00 run</a>' in page


def test_tale_of_the_tape_puts_two_athletes_side_by_side(web: TestClient) -> None:
    page = html(web, "/compare?a=drago&b=ROCKY")
    assert 'class="side1"><a href="/athletes/Drago"' in page
    assert 'class="side2"><a href="/athletes/Rocky"' in page
    assert page.count("no punches recorded") == 2
    names = [trace["name"] for trace in figures(page)["tape"]["data"]]
    assert names == [
        "Drago fitness (CTL)",
        "Drago form (TSB)",
        "Rocky fitness (CTL)",
        "Rocky form (TSB)",
    ]
    assert "Choose two athletes" in html(web, "/compare")


def test_unknown_pages_answer_html_errors(web: TestClient) -> None:
    assert "no athlete ivan" in html(web, "/athletes/ivan", 404)
    assert "no session 999" in html(web, "/sessions/999", 404)
    assert "no athlete ivan" in html(web, "/compare?a=drago&b=ivan", 404)


def test_plotly_is_served_from_the_installed_package(web: TestClient) -> None:
    response = web.get("/static/plotly.min.js")
    assert response.status_code == 200 and b"plotly.js" in response.content[:2000]
    assert response.headers["content-type"].startswith("text/javascript")
    assert web.get("/static/drago.js").status_code == 200
