"""The tale of the tape (`drago compare`, `/compare`): every line comes from the lab's own
numbers for each athlete, and the fight record follows the judges' cards."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

import drago
from drago.ingest.imu import read_imu
from tests.conftest import Cli, Stores
from tests.test_punch_sessions import JAB

TODAY = date.today()


def _round(cli: Cli, fight: str, rnd: int, corner: str, scores: str) -> None:
    cli(
        "fight",
        "round",
        fight,
        "--round",
        str(rnd),
        "--corner",
        corner,
        "--jabs-thrown",
        "20",
        "--jabs-landed",
        "5",
        "--power-thrown",
        "15",
        "--power-landed",
        "6",
        "--scores",
        scores,
    )


def _build_tape(db: Path) -> None:
    """Two boxers with two weeks of training, a weigh-in, two fights scored and one to come."""
    cli = Cli(db)
    cli(
        "athlete",
        "add",
        "drago",
        "--sex",
        "m",
        "--stance",
        "orthodox",
        "--birth-year",
        "1985",
        "--weight-class",
        "heavyweight",
    )
    cli("athlete", "add", "rocky", "--sex", "m", "--stance", "southpaw")
    for i in range(1, 15):
        day = (TODAY - timedelta(days=i)).isoformat()
        cli(
            "log",
            "--athlete",
            "drago",
            "--date",
            day,
            "--minutes",
            "60",
            "--rpe",
            "7",
            "--activity",
            "sparring",
        )
        cli(
            "log",
            "--athlete",
            "rocky",
            "--date",
            day,
            "--minutes",
            "45",
            "--rpe",
            "6",
            "--activity",
            "run",
        )
    cli("weight", "drago", "--kg", "105.5", "--date", (TODAY - timedelta(days=2)).isoformat())
    won = cli(
        "fight",
        "new",
        "--red",
        "drago",
        "--blue",
        "Apollo Creed",
        "--date",
        (TODAY - timedelta(days=60)).isoformat(),
        "--rounds",
        "2",
    ).stdout.strip()
    for rnd in (1, 2):
        _round(cli, won, rnd, "red", "10,10,10")
        _round(cli, won, rnd, "blue", "9,9,9")
    month_ago = (TODAY - timedelta(days=30)).isoformat()
    lost = cli(
        "fight", "new", "--red", "rocky", "--blue", "drago", "--date", month_ago, "--rounds", "1"
    ).stdout.strip()
    _round(cli, lost, 1, "red", "10,10,9")
    _round(cli, lost, 1, "blue", "9,9,10")
    cli(
        "fight",
        "new",
        "--red",
        "drago",
        "--blue",
        "rocky",
        "--date",
        (TODAY + timedelta(days=20)).isoformat(),
        "--rounds",
        "12",
    )


@pytest.fixture
def tape(cli: Cli, stores: Stores) -> Cli:
    """A copy of the store `_build_tape` builds once per test session."""
    stores.copy("tape", _build_tape, cli.db)
    return cli


def test_compare_json_gathers_each_sides_numbers(tape: Cli) -> None:
    out = json.loads(tape("compare", "Drago", "rocky", "--format", "json").stdout)
    a, b = out["a"], out["b"]
    assert a["profile"]["name"] == "drago" and b["profile"]["name"] == "rocky"
    assert a["profile"]["age_years"] == TODAY.year - 1985 and b["profile"]["age_years"] is None
    assert a["profile"]["kg"] == 105.5 and b["profile"]["kg"] is None
    assert (a["profile"]["stance"], b["profile"]["stance"]) == ("orthodox", "southpaw")
    none = {"draws": 0, "kos": 0, "no_contests": 0, "undecided": 1}
    assert a["record"] == {"wins": 1, "losses": 1, "text": "1-1-0 (0 KOs)"} | none
    assert b["record"] == {"wins": 1, "losses": 0, "text": "1-0-0 (0 KOs)"} | none
    assert [f["opponent"] for f in a["fights"]] == ["rocky", "rocky", "Apollo Creed"]
    assert a["fights"][1]["decision"] == "split decision"
    with drago.Lab(tape.db) as lab:
        for side in (a, b):
            status = lab.load.series(side["profile"]["name"]).row(-1, named=True)
            assert side["today"]["ctl"] == pytest.approx(status["ctl"], abs=1e-3)
            assert side["today"]["acwr_band"] == status["acwr_band"]
    assert a["today"]["ctl"] > b["today"]["ctl"], "an hour of sparring outweighs a 45-min run"
    assert a["punches"] is None


def test_compare_shows_punch_output_per_round(tape: Cli) -> None:
    start = read_imu(JAB).start
    assert start is not None
    tape("import", str(JAB), "--athlete", "drago", "--hand", "left")
    out = json.loads(tape("compare", "drago", "rocky", "--format", "json").stdout)
    punches = out["a"]["punches"]
    [session] = [
        s for s in tape.json("sessions", "--athlete", "drago") if "IMU" in (s["notes"] or "")
    ]
    report = json.loads(tape("punches", str(session["id"]), "--format", "json").stdout)
    assert punches["punches"] == report["n_punches"] > 0
    assert [r["round"] for r in punches["per_round"]] == [r["round"] for r in report["rounds"]]
    assert punches["per_round"][0]["punches"] == report["rounds"][0]["n_punches"]


def test_compare_table_and_errors(tape: Cli) -> None:
    text = tape("compare", "drago", "rocky").stdout
    for line in ("weight now", "105.5 kg", "record (W-L-D)", "1-1-0", "readiness 28 d"):
        assert line in text
    assert "two different athletes" in tape("compare", "drago", "DRAGO", code=2).stderr
    missing = tape("compare", "drago", "ivan", code=2).stderr
    assert missing.count("\n") == 1 and "no athlete ivan" in missing


def test_dashboard_tape_shows_the_record(tape: Cli) -> None:
    from fastapi.testclient import TestClient

    from drago.web.app import create_app

    with TestClient(create_app(tape.db, linger_s=0)) as client:
        page = client.get("/compare", params={"a": "drago", "b": "rocky"})
    assert page.status_code == 200
    assert "105.5 kg" in page.text and "1-1-0" in page.text and "vs Apollo Creed" in page.text


def test_a_fighters_glove_imu_fills_the_fight(cli: Cli, athlete: Callable[..., str]) -> None:
    """A round not counted by hand is filled from the red corner's glove IMU that night; a
    hand count replaces it but keeps the sensor's punch power for the towel."""
    athlete("matt", "--stance", "orthodox")
    start = read_imu(JAB).start
    assert start is not None
    cli("import", str(JAB), "--athlete", "matt", "--hand", "left")
    fid = cli(
        "fight",
        "new",
        "--red",
        "matt",
        "--blue",
        "Ivan",
        "--date",
        start.date().isoformat(),
        "--rounds",
        "3",
    ).stdout.strip()
    [session] = cli.json("sessions", "--athlete", "matt")
    report = json.loads(cli("punches", str(session["id"]), "--format", "json").stdout)
    first = [p for p in report["punches"] if p["round"] == 1]
    fight = json.loads(cli("fight", "show", fid, "--format", "json").stdout)
    red = fight["rounds"][0]["red"]
    assert fight["rounds"][0]["blue"] is None
    assert red["source"] == "imu"
    assert red["jabs_thrown"] == sum(p["type"] == "jab" for p in first) > 0
    assert red["jabs_thrown"] + red["power_thrown"] == len(first)
    assert red["jabs_landed"] == red["power_landed"] == 0
    assert red["power_index"] == pytest.approx(
        sum(p["power_au"] for p in first) / len(first), abs=0.01
    )
    _round(cli, fid, 1, "red", "10,10,10")
    red = json.loads(cli("fight", "show", fid, "--format", "json").stdout)["rounds"][0]["red"]
    assert (red["source"], red["jabs_thrown"], red["power_thrown"]) == ("entered", 20, 15)
    assert red["power_index"] == pytest.approx(
        sum(p["power_au"] for p in first) / len(first), abs=0.01
    )
