"""Fight night in the dashboard: create a fight and enter rounds through the forms and the
API, and see the CompuBox table, the cards and the towel's alert the CLI would print."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from drago.web.app import create_app
from tests.conftest import Cli


@pytest.fixture
def client(cli: Cli) -> Iterator[TestClient]:
    cli("athlete", "add", "ivan", "--sex", "m")
    with TestClient(create_app(cli.db, linger_s=0)) as c:
        yield c


def _round(
    client: TestClient, fid: int, rnd: int, corner: str, counts: tuple[int, ...], **extra: str
) -> None:
    form = dict(
        zip(
            ("jabs_thrown", "jabs_landed", "power_thrown", "power_landed"),
            map(str, counts),
            strict=True,
        )
    )
    answer = client.post(
        f"/fights/{fid}/rounds",
        data={"round": str(rnd), "corner": corner, **form, **extra},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/fights/{fid}#round-{rnd}"


def test_forms_create_a_fight_and_enter_rounds_like_the_cli(client: TestClient, cli: Cli) -> None:
    made = client.post(
        "/fights",
        data={"red": "Ivan", "blue": "Rocky Balboa", "date": "2026-12-25", "rounds": "12"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    fid = int(made.headers["location"].rsplit("/", 1)[1])
    for rnd in range(1, 6):  # a one-sided fight: red absorbs more every round
        _round(client, fid, rnd, "red", (10, 2, 10, 2), scores="9,9,9")
        _round(
            client, fid, rnd, "blue", (20, 10, 30, 8 + 3 * rnd), scores="10,10,10", knockdowns="0"
        )
    _round(client, fid, 5, "red", (10, 2, 10, 2), knockdowns="2", scores="8,8,8")
    page = client.get(f"/fights/{fid}")
    assert page.status_code == 200
    html = page.text
    assert "ivan" in html and "Rocky Balboa" in html and 'id="round-form"' in html
    assert 'id="round-5"' in html and "consider stopping" in html
    shown = json.loads(cli("fight", "show", str(fid), "--format", "json").stdout)
    api = client.get(f"/api/fights/{fid}").json()
    assert api["rounds"] == shown["rounds"] and api["totals"] == shown["totals"]
    assert api["alerts"] and api["alerts"][0]["corner"] == "red"
    listing = client.get("/fights")
    assert listing.status_code == 200 and f'href="/fights/{fid}"' in listing.text
    assert client.get("/api/fights").json()["items"][0]["id"] == fid


def test_api_round_entry_and_errors(client: TestClient) -> None:
    made = client.post(
        "/fights",
        data={"red": "ivan", "blue": "Apollo", "date": "2026-12-01", "rounds": "3"},
        follow_redirects=False,
    )
    fid = int(made.headers["location"].rsplit("/", 1)[1])
    body = {
        "round": 1,
        "corner": "blue",
        "jabs_thrown": 12,
        "jabs_landed": 4,
        "power_thrown": 9,
        "power_landed": 3,
        "scores": [10, 10, 9],
    }
    answer = client.post(f"/api/fights/{fid}/rounds", json=body)
    assert answer.status_code == 200
    assert answer.json()["rounds"][0]["blue"]["jabs_landed"] == 4
    bad = client.post(f"/api/fights/{fid}/rounds", json=body | {"jabs_landed": 40})
    assert bad.status_code == 400 and "exceed" in bad.json()["error"]
    late = client.post(f"/api/fights/{fid}/rounds", json=body | {"round": 4})
    assert late.status_code == 400 and "outside 1-3" in late.json()["error"]
    assert client.get("/api/fights/999").status_code == 404
    assert client.get("/api/fights/999").json()["ok"] is False
    page = client.post(
        f"/fights/{fid}/rounds",
        data={
            "round": "1",
            "corner": "green",
            "jabs_thrown": "1",
            "jabs_landed": "0",
            "power_thrown": "0",
            "power_landed": "0",
        },
    )
    assert page.status_code == 400 and "red or blue" in page.text
    scores = client.post(
        f"/fights/{fid}/rounds",
        data={
            "round": "1",
            "corner": "red",
            "jabs_thrown": "1",
            "jabs_landed": "0",
            "power_thrown": "0",
            "power_landed": "0",
            "scores": "ten",
        },
    )
    assert scores.status_code == 400 and "whole numbers" in scores.text
    assert client.get(f"/fights/{fid}").status_code == 200
    assert client.get("/fights/999").status_code == 404
