"""Headers and origins (issue 15): protective headers on every answer, the plain dashboard
answering only to loopback names and refusing other sites' posts, links built from the
configured address, HEAD wherever GET."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from drago.web import create_app
from drago.web.auth import TeamConfig
from tests.team_store import bearer_tokens, build_team_store, cheap_hashing, fight_ids

ROUND = {
    "round": 1,
    "corner": "red",
    "jabs_thrown": 10,
    "jabs_landed": 3,
    "power_thrown": 8,
    "power_landed": 2,
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        cheap_hashing(monkeypatch)
        yield build_team_store(tmp_path_factory.mktemp("protect") / "drago.duckdb")


@pytest.fixture(scope="module")
def plain(built: Path) -> Iterator[TestClient]:
    with TestClient(create_app(built, linger_s=0)) as client:
        yield client


def test_every_answer_carries_protective_headers(plain: TestClient) -> None:
    for path in ("/", "/api/athletes", "/api/athletes/Ghost", "/sessions/1"):
        answer = plain.get(path)
        csp = answer.headers["content-security-policy"]
        script = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script, path
        assert "frame-ancestors 'none'" in csp
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin"
        assert answer.headers["cache-control"] == "no-store"
        assert "strict-transport-security" not in answer.headers  # not over TLS
    static = plain.get("/static/plotly.min.js")
    assert "max-age" in static.headers["cache-control"]
    assert static.headers["x-content-type-options"] == "nosniff"


def test_hsts_over_tls(built: Path) -> None:
    app = create_app(built, team=TeamConfig())
    with TestClient(app, base_url="https://gym.example") as client:
        assert client.get("/login").headers["strict-transport-security"] == "max-age=31536000"


def test_the_plain_dashboard_answers_to_loopback_names_only(plain: TestClient) -> None:
    """A DNS-rebinding page (Host: evil.example) cannot read the lab."""
    for host in ("localhost", "127.0.0.1:80", "LOCALHOST:80", "testserver"):
        assert plain.get("/api/athletes", headers={"Host": host}).status_code == 200, host
    for host in (
        "evil.example",
        "evil.example:80",
        "localhost:8000",
        "127.0.0.1.evil.example",
        "",
        "[::1",
    ):
        answer = plain.get("/api/athletes", headers={"Host": host})
        assert answer.status_code == 421, host
        assert answer.json()["error"].startswith("this dashboard answers on localhost only")


def test_the_plain_dashboard_refuses_other_sites_posts(built: Path, plain: TestClient) -> None:
    fight = fight_ids(built)["Drago"]
    url = f"/api/fights/{fight}/rounds"
    for origin in ("http://evil.example", "null", "http://localhost:8000", "https://testserver"):
        answer = plain.post(url, json=ROUND, headers={"Origin": origin})
        assert answer.status_code == 403, origin
        assert answer.json()["error"] == "a request from another site may not change this lab"
    assert plain.post(url, json=ROUND).status_code == 200  # a script: no Origin
    assert plain.post(url, json=ROUND, headers={"Origin": "http://testserver"}).status_code == 200
    assert plain.get("/api/athletes", headers={"Origin": "http://evil.example"}).status_code == 200


def test_links_are_built_from_the_configured_address(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Team mode takes any Host (behind a proxy); its pagination links do not echo it."""
    cheap_hashing(monkeypatch)
    bearer = {"Authorization": f"Bearer {bearer_tokens(built)['admin']}"}
    with TestClient(create_app(built, team=TeamConfig())) as client:
        page = client.get("/api/athletes?limit=1", headers={**bearer, "Host": "evil.example"})
        assert page.json()["next"] == "http://testserver:80/api/athletes?limit=1&offset=1"
    monkeypatch.setenv("DRAGO_PUBLIC_URL", "https://gym.example/")
    with TestClient(create_app(built, team=TeamConfig())) as client:
        page = client.get("/api/athletes?limit=2", headers={**bearer, "Host": "evil.example"})
        assert page.json()["next"] == "https://gym.example/api/athletes?limit=2&offset=2"


def test_head_works_wherever_get_does(built: Path, plain: TestClient) -> None:
    for path in ("/", "/api/athletes", "/api/athletes/Drago", "/fights"):
        got, head = plain.get(path), plain.head(path)
        assert head.status_code == got.status_code == 200, path
        assert head.content == b"" and head.headers["content-type"] == got.headers["content-type"]
