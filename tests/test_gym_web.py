"""The gym's day in the browser (issue 17): the contract endpoints, their forms, and the
coach's today board, over a real store (plain mode; team mode is in test_gym_team.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from fastapi.testclient import TestClient

from drago.lab import Lab
from drago.web.app import create_app
from tests.conftest import DATA
from tests.web_store import build_store

#: A real resting RR recording (ms, one a line): rhenanbartels/hrv's sample, 910 beats.
REST_RR = DATA / "rr" / "short_resting" / "hrv_rest_rri.txt"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("gym") / "drago.duckdb")


@pytest.fixture
def client(store: Path, tmp_path: Path) -> Iterator[TestClient]:
    db = tmp_path / "drago.duckdb"
    db.write_bytes(store.read_bytes())
    with TestClient(create_app(db, linger_s=0)) as c:
        c.db = db  # type: ignore[attr-defined]
        yield c


def moscow_today() -> date:
    return datetime.now(ZoneInfo("Europe/Moscow")).date()


def test_wellness_weight_session_and_patch_follow_the_contract(client: TestClient) -> None:
    day = moscow_today().isoformat()
    answer = client.post(
        "/api/athletes/drago/wellness",
        json={"date": day, "sleep": 2, "stress": 3, "fatigue": 4, "soreness": 2, "rhr_bpm": 47},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["date"] == day and answer.json()["athlete"] == "Drago"
    assert (
        client.post("/api/athletes/drago/weights", json={"date": day, "kg": 106.4}).status_code
        == 201
    )
    made = client.post(
        "/api/athletes/drago/sessions",
        json={
            "date": day,
            "time": "07:15",
            "minutes": 40,
            "rpe": 7.5,
            "activity": "run",
            "notes": "snow",
        },
    )
    assert made.status_code == 201, made.text
    sid = made.json()["id"]
    patched = client.patch(f"/api/sessions/{sid}", json={"rpe": 6.5, "notes": "snow, uphill"})
    assert patched.status_code == 200 and patched.json()["rpe"] == 6.5
    assert patched.json()["srpe_load"] == pytest.approx(6.5 * 40)  # Foster 2001: RPE x minutes
    with Lab(client.db) as lab:  # type: ignore[attr-defined]
        ready = lab.readiness.series("Drago").filter(pl.col("date") == date.fromisoformat(day))
        assert ready["fatigue"][0] == 4 and ready["rhr_bpm"][0] == 47
        assert lab.camp.body_mass("Drago")["kg"][-1] == pytest.approx(106.4)
        row = lab.sessions.get(sid)
        assert row["notes"] == "snow, uphill" and row["duration_s"] == 2400
        local = row["start"].astimezone(ZoneInfo("Europe/Moscow"))
        assert (local.hour, local.minute) == (7, 15)
    day_json = client.get("/api/athletes/Drago/today").json()
    assert day_json["checked_in"] and day_json["kg"] == pytest.approx(106.4)
    assert [s["id"] for s in day_json["sessions"]] == [sid]


@pytest.mark.parametrize(
    ("path", "body", "word"),
    [
        ("wellness", {"sleep": 0, "stress": 3, "fatigue": 3, "soreness": 3}, "sleep"),
        ("wellness", {"sleep": 2, "stress": 3, "fatigue": 8, "soreness": 3}, "fatigue"),
        ("wellness", {"sleep": 2, "stress": 3, "fatigue": 3, "soreness": 3, "rhr_bpm": 300}, "rhr"),
        ("weights", {"kg": 1000}, "kg"),
        ("sessions", {"minutes": 40, "rpe": 11, "activity": "run"}, "rpe"),
        ("sessions", {"minutes": 40, "rpe": 7.3, "activity": "run"}, "rpe"),
        ("sessions", {"minutes": 40, "rpe": 7, "activity": "juggling"}, "juggling"),
        ("sessions", {"minutes": -5, "rpe": 7, "activity": "run"}, "minutes"),
    ],
)
def test_impossible_entries_are_422_with_the_error_body(
    client: TestClient, path: str, body: dict[str, object], word: str
) -> None:
    answer = client.post(f"/api/athletes/drago/{path}", json={"date": "2026-12-01", **body})
    assert answer.status_code == 422
    error = answer.json()
    assert error["ok"] is False and error["status"] == 422 and word in error["error"]


def test_a_future_date_and_an_unknown_athlete_are_refused(client: TestClient) -> None:
    later = (date.today() + timedelta(days=5)).isoformat()
    answer = client.post("/api/athletes/drago/weights", json={"date": later, "kg": 100})
    assert answer.status_code == 422 and "future" in answer.json()["error"]
    missing = client.post("/api/athletes/nobody/weights", json={"date": "2026-12-01", "kg": 80})
    assert missing.status_code == 404 and missing.json()["ok"] is False
    assert client.patch("/api/sessions/999999", json={"rpe": 5}).status_code == 404


def test_a_date_before_1900_is_not_called_the_future(client: TestClient) -> None:
    for path, body in (
        ("weights", {"kg": 80}),
        ("sessions", {"minutes": 30, "rpe": 5, "activity": "run"}),
    ):
        answer = client.post(f"/api/athletes/drago/{path}", json={"date": "0001-01-01", **body})
        assert answer.status_code == 422, answer.text
        error = answer.json()["error"]
        assert "before 1900-01-01" in error and "future" not in error


def test_a_cross_site_post_is_refused_in_plain_mode(client: TestClient) -> None:
    body = {"date": "2026-12-01", "kg": 100}
    evil = client.post(
        "/api/athletes/drago/weights", json=body, headers={"Origin": "https://evil.example"}
    )
    assert evil.status_code == 403 and evil.json()["ok"] is False
    own = client.post(
        "/api/athletes/drago/weights", json=body, headers={"Origin": "http://testserver"}
    )
    assert own.status_code == 201


def test_the_morning_form_stores_wellness_weight_and_a_pasted_rr_list(client: TestClient) -> None:
    day = moscow_today().isoformat()
    pasted = ", ".join(REST_RR.read_text().split())
    answer = client.post(
        "/athletes/Drago/morning",
        data={
            "date": day,
            "sleep": "3",
            "stress": "2",
            "fatigue": "3",
            "soreness": "4",
            "rhr_bpm": "49",
            "kg": "105,8",
            "rr_text": pasted,
        },
        files={"rr_file": ("", b"")},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/athletes/Drago/today?saved=morning"
    with Lab(client.db) as lab:  # type: ignore[attr-defined]
        hrv = lab.readiness.measurements("Drago").filter(pl.col("date") == date.fromisoformat(day))
        assert hrv.height == 1 and hrv["n_beats"][0] == 910  # tests/data/rr/index.yml
        # the same beats as a file give the same HRV
        by_file = lab.readiness.analyse_rr_file(REST_RR)
        assert hrv["rmssd_ms"][0] == pytest.approx(by_file.hrv.rmssd_ms)
        assert lab.camp.body_mass("Drago")["kg"][-1] == pytest.approx(105.8)
    page = client.get(answer.headers["location"])
    assert page.status_code == 200 and "the morning check is in" in page.text
    assert 'value="3" checked' in page.text  # the answers stay shown


def test_the_morning_form_takes_an_rr_file(client: TestClient) -> None:
    day = moscow_today().isoformat()
    answer = client.post(
        "/athletes/Drago/morning",
        data={"date": day},
        files={"rr_file": (REST_RR.name, REST_RR.read_bytes())},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    again = client.post(
        "/api/athletes/Drago/rr",
        json={"date": day, "rr": [float(v) for v in REST_RR.read_text().split()]},
    )
    assert again.status_code == 201 and again.json()["rr"]["n_beats"] == 910


def test_bad_morning_entries_store_nothing(client: TestClient) -> None:
    day = moscow_today().isoformat()
    bad = client.post(
        "/athletes/Drago/morning", data={"date": day, "sleep": "3", "kg": "900", "rr_text": "abc"}
    )
    assert bad.status_code == 422
    empty = client.post("/athletes/Drago/morning", data={"date": day})
    assert empty.status_code == 422 and "empty" in empty.text
    with Lab(client.db) as lab:  # type: ignore[attr-defined]
        assert (
            lab.readiness.series("Drago").filter(pl.col("date") == date.fromisoformat(day)).height
            == 0
        )


def test_rating_and_logging_forms_redirect_to_the_day(client: TestClient) -> None:
    day = moscow_today().isoformat()
    made = client.post(
        "/athletes/Drago/sessions",
        data={"date": day, "time": "18:00", "minutes": "45", "rpe": "6", "activity": "bag"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    with Lab(client.db) as lab:  # type: ignore[attr-defined]
        sid = int(lab.sessions.list(athlete="Drago")["id"][-1])
    page = client.get("/athletes/Drago/today").text
    assert f"/sessions/{sid}" in page and "Nothing to rate" in page  # logged with its RPE
    client.patch(f"/api/sessions/{sid}", json={"notes": "no rpe yet"})
    rated = client.post(f"/sessions/{sid}/rating", data={"rpe": "8"}, follow_redirects=False)
    assert rated.status_code == 303
    assert rated.headers["location"] == "/athletes/Drago/today?saved=rating"
    assert client.get(f"/api/sessions/{sid}").json()["rpe"] == 8


def test_the_board_shows_who_checked_in_and_their_verdict(client: TestClient) -> None:
    before = {r["athlete"]: r for r in client.get("/api/today").json()}
    assert set(before) == {"Drago", "Rocky", "Apollo Creed"}
    assert not before["Drago"]["checked_in"] and before["Drago"]["verdict"] is None
    for key in ("athlete", "verdict", "reason", "checked_in", "planned"):
        assert key in before["Drago"]
    day = moscow_today().isoformat()
    client.post(
        "/api/athletes/drago/wellness",
        json={"date": day, "sleep": 7, "stress": 7, "fatigue": 7, "soreness": 7},
    )
    after = client.get("/api/today").json()
    assert after[0]["athlete"] == "Drago" and after[0]["checked_in"]  # sorted: verdicts first
    assert after[0]["verdict"] in ("green", "amber", "red") and after[0]["reason"]
    page = client.get("/today?sort=athlete")
    assert page.status_code == 200 and 'href="/athletes/Drago"' in page.text
    names = [r["athlete"] for r in client.get("/api/today?sort=athlete").json()]
    assert names == sorted(names, key=str.lower)
    assert client.get("/api/today?sort=nonsense").status_code == 422


def test_the_board_reads_the_camp_plan_and_the_weight_trajectory(tmp_path: Path) -> None:
    db = tmp_path / "drago.duckdb"
    today = date(2026, 11, 30)
    with Lab(db) as lab:
        lab.athletes.add("Ivan", sex="m", tz="UTC", weight_class="light heavyweight")
        for k in range(60, 0, -1):  # two months of a varied week (the plan needs a peak)
            minutes = (90, 40, 75, 30, 90, 50, 0)[k % 7]
            if minutes:
                lab.sessions.log(
                    athlete="Ivan",
                    day=today - timedelta(k),
                    minutes=minutes,
                    rpe=7 if minutes > 60 else 4,
                    activity="bag",
                )
        lab.camp.record_weight("Ivan", kg=95.0, day=today - timedelta(2))
        lab.fights.new(
            red="Ivan",
            blue="Rocky Balboa",
            day=today + timedelta(21),
            rounds=12,
            weigh_in="amateur",
        )
        lab.camp.add_suspension("Ivan", first_day=today - timedelta(1), days=7, reason="cut eye")
        row = lab.today.board(as_of=today)[0]
        plan = lab.camp.plan("Ivan", fight_date=today + timedelta(21), until=today)
        series = lab.load.series("Ivan", until=today)
    expected = plan.plan.days.filter(pl.col("date") == today).row(0, named=True)
    assert row.planned is not None
    assert row.planned["target_load"] == pytest.approx(expected["target_load"], abs=0.05)
    done = series.filter(pl.col("date") == today - timedelta(1))["load"][0]
    assert row.yesterday_done == pytest.approx(done, abs=0.05)
    yesterday = plan.plan.days.filter(pl.col("date") == today - timedelta(1))["target_load"][0]
    assert row.yesterday_planned == pytest.approx(yesterday, abs=0.05) and row.kg == 95.0
    assert row.planned_kg is not None and row.kg_vs_plan == pytest.approx(
        95.0 - row.planned_kg, abs=0.06
    )
    assert row.suspension is not None and "cut eye" in row.suspension
    assert row.fight_date == today + timedelta(21)
    # the camp's warnings, as drago camp plan says them, under the bout's (amateur) rules
    assert row.camp_warnings == plan.to_dict()["warnings"]
    assert any("3% cap for 4 h from weigh-in to bout" in w for w in row.camp_warnings)
