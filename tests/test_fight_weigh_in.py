"""The bout's weigh-in rules kept with the fight (issue 16's follow-up: the athlete page
assumed pro rules and the camp page chose them each time): set once with the fight, every
camp surface uses them; an explicit choice still wins; without them, pro is assumed and the
rule's source says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from drago.lab import Lab
from drago.web import create_app
from drago.web.auth import TeamConfig
from tests.conftest import Cli, Stores
from tests.team_store import bearer_tokens, build_team_store, cheap_hashing
from tests.test_camp_web import FIGHT, TODAY, build_camp_store


@pytest.fixture
def camp_db(tmp_path: Path, stores: Stores) -> Path:
    return stores.copy("camp", build_camp_store, tmp_path / "drago.duckdb")


def test_without_stored_rules_pro_is_assumed_and_said(camp_db: Path) -> None:
    with Lab(camp_db) as lab:
        cut = lab.camp.weight_cut("Rocky", as_of=TODAY)
    assert cut is not None and cut.weigh_in.rules == "pro"
    assert cut.weigh_in.date == FIGHT - timedelta(1)
    assert "not set, pro assumed (drago convention)" in cut.weigh_in.source


def test_stored_amateur_rules_reach_every_camp_surface(camp_db: Path, cli: Cli) -> None:
    cli.db = camp_db
    said = cli("fight", "rules", "1", "--weigh-in", "Amateur")
    assert said.stdout.strip() == "fight 1: amateur weigh-in rules"
    status = cli.json("camp", "status", "Rocky", "--as-of", TODAY.isoformat())
    assert any("cap for 4 h from weigh-in to bout" in w for w in status["warnings"])
    with TestClient(create_app(camp_db)) as web:
        wi = web.get("/api/athletes/rocky/camp").json()["weight"]["weigh_in"]
        assert (wi["rules"], wi["date"], wi["hours_to_bout"], wi["acute_cap_pct"]) == (
            "amateur",
            FIGHT.isoformat(),
            4.0,
            3.0,
        )
        assert "assumed" not in wi["source"]
        athlete = web.get("/athletes/rocky").text
        assert "amateur rules, 4 h before the bout" in athlete
        page = web.get("/athletes/rocky/camp").text
        assert '<option value="" selected>the bout\'s (amateur)</option>' in page
        fight = web.get("/fights/1").text
        assert "<strong>amateur</strong>" in fight
        # an explicit choice still wins over the stored rules
        pro = web.get("/api/athletes/rocky/camp?weigh_in=pro").json()["weight"]["weigh_in"]
        assert (pro["rules"], pro["date"]) == ("pro", (FIGHT - timedelta(1)).isoformat())


def test_the_promotions_hours_are_kept_too(camp_db: Path) -> None:
    with TestClient(create_app(camp_db)) as web:
        answer = web.post("/api/fights/1/weigh-in", json={"weigh_in": "ibf", "hours_to_bout": 12})
        assert answer.status_code == 200
        assert answer.json()["fight"]["weigh_in_rules"] == "ibf"
        wi = web.get("/api/athletes/rocky/camp").json()["weight"]["weigh_in"]
        assert (wi["rules"], wi["hours_to_bout"], wi["acute_cap_pct"]) == ("ibf", 12.0, 4.0)
        form = web.post(
            "/fights/1/weigh-in",
            data={"weigh_in": "amateur", "hours_to_bout": ""},
            follow_redirects=False,
        )
        assert form.status_code == 303
    with Lab(camp_db) as lab:
        cut = lab.camp.weight_cut("Rocky", as_of=TODAY)
    assert cut is not None and (cut.weigh_in.rules, cut.weigh_in.hours_to_bout) == ("amateur", 4)


def test_a_new_fight_takes_its_rules(db: Path, cli: Cli) -> None:
    cli("athlete", "add", "rocky", "--sex", "m")
    day = (date.today() + timedelta(30)).isoformat()
    fid = cli(
        "fight",
        "new",
        "--red",
        "rocky",
        "--blue",
        "Drago",
        "--date",
        day,
        "--rounds",
        "12",
        "--weigh-in",
        "ibf",
        "--hours-to-bout",
        "28",
    ).stdout.strip()
    with Lab(db) as lab:
        row = lab.fights.list().row(0, named=True)
    assert str(row["id"]) == fid and (row["weigh_in_rules"], row["weigh_in_hours"]) == ("ibf", 28)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("fight", "rules", "1", "--weigh-in", "wbc"), "valid: pro, amateur, ibf"),
        (("fight", "rules", "1", "--weigh-in", "pro", "--hours-to-bout", "100"), "0-72"),
        (("fight", "rules", "1", "--weigh-in", "pro", "--hours-to-bout", "nan"), "0-72"),
        (("fight", "rules", "9", "--weigh-in", "pro"), "no fight 9"),
        (
            (
                "fight",
                "new",
                "--red",
                "a",
                "--blue",
                "b",
                "--date",
                "2027-01-01",
                "--rounds",
                "4",
                "--hours-to-bout",
                "30",
            ),
            "need the weigh-in rules",
        ),
    ],
)
def test_bad_rules_are_one_line_and_change_nothing(
    camp_db: Path, cli: Cli, args: tuple[str, ...], words: str
) -> None:
    cli.db = camp_db
    result = cli(*args, code=None)
    assert result.exit_code in (1, 2) and words in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    with Lab(camp_db) as lab:
        fights = lab.fights.list()
    assert fights.height == 1 and fights["weigh_in_rules"][0] is None


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"weigh_in": "wbc"}, 400),
        ({"weigh_in": "pro", "hours_to_bout": 0}, 422),
        ({"weigh_in": "pro", "hours_to_bout": 1e308}, 422),
        ({}, 422),
    ],
)
def test_bad_rules_from_the_api_are_4xx_json(
    camp_db: Path, body: dict[str, object], status: int
) -> None:
    with TestClient(create_app(camp_db)) as web:
        answer = web.post("/api/fights/1/weigh-in", json=body)
        assert answer.status_code == status and answer.json()["ok"] is False
        assert web.post("/api/fights/7/weigh-in", json={"weigh_in": "pro"}).status_code == 404


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    cheap_hashing(monkeypatch)
    yield build_team_store(tmp_path / "drago.duckdb")


def test_the_rules_are_written_by_whoever_may_enter_the_result(team: Path) -> None:
    from drago.lab.scoped import Forbidden, ScopedLab

    with Lab(team) as lab:
        cross = lab.fights.new(red="Drago", blue="Rocky", day=date(2026, 7, 1), rounds=3)
        moscow = frozenset(lab.athletes.list(team="Moscow")["id"].to_list())
    scoped = ScopedLab(team, moscow, role="coach")
    try:
        with pytest.raises(Forbidden):
            scoped.fights.set_weigh_in(cross, weigh_in="amateur")
    finally:
        scoped.close()
    tokens = bearer_tokens(team)
    with TestClient(create_app(team, team=TeamConfig())) as web:
        for who, status in (("coach", 403), ("admin", 200)):
            answer = web.post(
                f"/api/fights/{cross}/weigh-in",
                json={"weigh_in": "amateur"},
                headers={"Authorization": f"Bearer {tokens[who]}"},
            )
            assert answer.status_code == status, (who, answer.text)
