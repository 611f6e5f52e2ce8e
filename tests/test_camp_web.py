"""The camp in the dashboard (issue 16: weight-cut warnings "in the camp, `camp status` and the
dashboard"): the camp page and its JSON twin, and the athlete page's weight cut, say what
`drago camp plan` and `drago camp status` say, under the bout's weigh-in rules.

The store: a welterweight (limit 147 lb, 66.7 kg) at 73.5 kg three weeks before a fight, with
ten weeks of logged training; a second athlete without a fight.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from drago.lab import Lab
from drago.web import create_app
from tests.conftest import Cli, Stores

TODAY = date.today()  # the pages' today (the athletes are on UTC)
FIGHT = TODAY + timedelta(21)


def build_camp_store(db: Path) -> Path:
    """Rocky: 70 days of pads, bag and runs (a rest day a week) up to yesterday, weigh-ins
    from 74.5 to 73.5 kg, a fight in three weeks; Apollo: sessions, no fight."""
    with Lab(db) as lab:
        lab.athletes.add("Rocky", sex="m", weight_class="welterweight")
        lab.athletes.add("Apollo", sex="m")
        for back in range(70, 0, -1):
            day = TODAY - timedelta(back)
            if back % 7 == 3:
                continue
            activity = ("pads", "bag", "run")[back % 3]
            lab.sessions.log(
                athlete="Rocky", day=day, minutes=50 + back % 4 * 5, rpe=6, activity=activity
            )
            lab.sessions.log(athlete="Apollo", day=day, minutes=45, rpe=5, activity="run")
        for back, kg in ((14, 74.5), (7, 74.0), (0, 73.5)):
            lab.camp.record_weight("Rocky", kg=kg, day=TODAY - timedelta(back))
        lab.fights.new(red="Rocky", blue="Ivan Drago", day=FIGHT, rounds=10)
    return db


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory, stores: Stores) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("camp-web")
    db = stores.copy("camp", build_camp_store, folder / "drago.duckdb")
    with Lab(db) as lab:  # what `drago camp status --format json` says
        status = lab.camp.status("Rocky", as_of=TODAY)
    with TestClient(create_app(db)) as client:
        client.status = status  # type: ignore[attr-defined]
        yield client


def test_the_camp_api_says_what_camp_status_says(web: TestClient) -> None:
    body = web.get("/api/athletes/rocky/camp").json()
    assert body["fight_date"] == FIGHT.isoformat() and body["as_of"] == TODAY.isoformat()
    wi = body["weight"]["weigh_in"]
    assert (wi["rules"], wi["date"], wi["hours_to_bout"], wi["acute_cap_pct"]) == (
        "pro",
        (FIGHT - timedelta(1)).isoformat(),
        30.0,
        5.0,
    )
    assert body["weight"]["limit_kg"] == pytest.approx(66.68, abs=0.01)
    assert body["weight"]["current_kg"] == 73.5
    [acute] = [w for w in body["warnings"] if "acute loss" in w]
    assert "above the 5% cap for 30 h from weigh-in to bout" in acute
    days = body["days"]
    assert len(days) == 56 and {"activity", "minutes", "rpe", "target_load"} <= set(days[0])
    status = web.status  # type: ignore[attr-defined]
    assert body["warnings"] == status.warnings
    assert body["status"]["done_load_to_date"] == pytest.approx(status.done_load_to_date)


def test_amateur_rules_move_the_weigh_in_and_tighten_the_cap(web: TestClient) -> None:
    body = web.get("/api/athletes/rocky/camp?weigh_in=amateur&usg_max=1.020").json()
    wi = body["weight"]["weigh_in"]
    assert (wi["rules"], wi["date"], wi["hours_to_bout"], wi["acute_cap_pct"], wi["usg_max"]) == (
        "amateur",
        FIGHT.isoformat(),
        4.0,
        3.0,
        1.02,
    )
    assert any("3% cap for 4 h from weigh-in to bout" in w for w in body["warnings"])
    assert any("urine specific gravity <= 1.020" in w for w in body["warnings"])
    ibf = web.get("/api/athletes/rocky/camp?weigh_in=ibf&hours_to_bout=12").json()
    assert ibf["weight"]["weigh_in"]["acute_cap_pct"] == 4.0
    assert any("fight-morning check" in w for w in ibf["warnings"])


@pytest.mark.parametrize(
    ("query", "status", "words"),
    [
        ("weigh_in=wbc-ish", 400, "valid: pro, amateur, ibf"),
        ("hours_to_bout=nan", 422, "hours_to_bout"),
        ("hours_to_bout=inf", 422, "hours_to_bout"),
        ("hours_to_bout=0", 422, "hours_to_bout"),
        ("usg_max=2", 422, "usg_max"),
        ("weigh_in_kg=1e308", 422, "weigh_in_kg"),
        ("weeks=2", 422, "weeks"),
        ("fight_date=2020-01-01&as_of=2020-06-01", 400, "is not after"),
        ("as_of=0202-01-01", 400, "outside 1900-2100"),
    ],
)
def test_bad_camp_queries_are_one_line_errors(
    web: TestClient, query: str, status: int, words: str
) -> None:
    response = web.get(f"/api/athletes/rocky/camp?{query}")
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ok"] is False and body["status"] == status and words in body["error"]


def test_no_fight_ahead_is_a_404_and_the_page_says_so(web: TestClient) -> None:
    response = web.get("/api/athletes/apollo/camp")
    assert response.status_code == 404 and "has no fight ahead" in response.json()["error"]
    assert web.get("/api/athletes/nobody/camp").status_code == 404
    page = web.get("/athletes/apollo/camp")
    assert page.status_code == 200 and 'id="problem"' in page.text and "no fight ahead" in page.text
    assert 'id="camp"' not in web.get("/athletes/apollo").text


def test_the_athlete_page_shows_the_weight_cut_warnings(web: TestClient) -> None:
    page = web.get("/athletes/rocky").text
    camp = page[
        page.index('<section id="camp"') : page.index("</section>", page.index('id="camp"'))
    ]
    assert f"Camp: fight {FIGHT}" in camp and "pro rules, 30 h before the bout" in camp
    assert 'id="camp-warnings"' in camp and "above the 5% cap for 30 h" in camp
    assert "73.5 kg now" in camp and "limit 66.7 kg" in camp
    assert 'href="/athletes/Rocky/camp"' in camp


def test_the_camp_page_shows_the_chosen_rules_and_every_warning(web: TestClient) -> None:
    # the form sends its blank fields too
    page = web.get("/athletes/rocky/camp?weigh_in=amateur&hours_to_bout=&usg_max=1.02&weigh_in_kg=")
    assert page.status_code == 200
    page = page.text
    warnings = page[page.index('id="warnings"') : page.index('id="weigh-in"')]
    assert "3% cap for 4 h from weigh-in to bout" in warnings
    assert "urine specific gravity &lt;= 1.020" in warnings
    assert f"{FIGHT}, 4.0 h before the bout" in page and "3 % of body mass" in page
    assert '<option value="amateur" selected>' in page
    assert page.count("<tr") >= 56 + 7  # the plan's days and the weigh-in rows


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("hours_to_bout=abc", "hours from weigh-in to bout must be a number"),
        ("hours_to_bout=nan", "must be a finite number"),
        ("hours_to_bout=100", "must be 0-72"),
        ("usg_max=1.2", "urine specific gravity limit must be 1.000-1.050"),
        ("weigh_in_kg=5", "outside 30-200"),
        ("weigh_in=wbc", "valid: pro, amateur, ibf"),
    ],
)
def test_a_bad_form_value_is_said_on_the_page(web: TestClient, query: str, words: str) -> None:
    response = web.get(f"/athletes/rocky/camp?{query}")
    assert response.status_code == 200
    assert 'id="problem"' in response.text and words in response.text


def test_camp_status_takes_the_hydration_test_too(db: Path, cli: Cli, stores: Stores) -> None:
    stores.copy("camp", build_camp_store, db)
    status = cli.json("camp", "status", "Rocky", "--weigh-in", "amateur", "--usg-max", "1.02")
    assert any("urine specific gravity <= 1.020" in w for w in status["warnings"])
    assert any("3% cap for 4 h" in w for w in status["warnings"])
