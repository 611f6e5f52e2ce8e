"""Fight camp and fight night through the store and the CLI: tests, model, weight,
suspensions, the camp plan and status, and a fight entered round by round."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer

from tests.conftest import Cli, Stores

FIGHT = date(2026, 11, 7)  # an 8-week camp from 2026-09-12
CAMP_START = FIGHT - timedelta(56)
AS_OF = ("--as-of", (CAMP_START - timedelta(1)).isoformat())  # the plan made before the camp


@pytest.fixture
def camp(cli: Cli) -> Cli:
    """The CLI runner, under the name the camp tests were written with."""
    return cli


def _one_line_error(result: Any) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    return str(lines[0])


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory, stores: Stores) -> Path:
    """A store with rocky, a welterweight with 14 weeks of training logged before the camp
    (built once per test session with `drago athlete add` and `drago log`, copied for each
    test; test_camp_chart uses it too)."""
    db = tmp_path_factory.mktemp("trained") / "drago.duckdb"
    return stores.copy("trained", _build_trained, db)


def _build_trained(db: Path) -> None:
    cli = Cli(db)
    cli("athlete", "add", "rocky", "--sex", "m", "--weight-class", "welterweight")
    day = CAMP_START - timedelta(98)
    rpe = {0: "7", 1: "5", 2: "8", 4: "6", 5: "7"}  # five sessions a week
    while day < CAMP_START:
        if (wd := day.weekday()) in rpe:
            cli(
                "log",
                "--athlete",
                "rocky",
                "--date",
                day.isoformat(),
                "--minutes",
                "60",
                "--rpe",
                rpe[wd],
                "--activity",
                "sparring" if wd in (0, 4) else "pads",
            )
        day += timedelta(1)


@pytest.fixture
def boxer(camp: Cli, trained: Path) -> str:
    camp.db.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(trained, camp.db)
    return "rocky"


def test_tests_model_and_population_fallback(camp: Cli, boxer: str) -> None:
    first = CAMP_START - timedelta(90)
    for i in range(3):
        camp(
            "test",
            "add",
            boxer,
            "--date",
            (first + timedelta(20 * i)).isoformat(),
            "--test",
            "bag-3min",
            "--value",
            str(400 + 5 * i),
        )
    model = camp.json("model", boxer)
    assert model["source"] == "population" and "population" in model["note"]
    assert model["test"] == "bag-3min" and model["n_tests"] == 3
    assert model["params"]["method"] == "busso2003" and model["params"]["tau1"] == 42.0
    table = camp("model", boxer).stdout
    assert "population" in table and "tau1" in table
    for i in range(3, 10):
        camp(
            "test",
            "add",
            boxer,
            "--date",
            (first + timedelta(9 * i)).isoformat(),
            "--test",
            "bag-3min",
            "--value",
            str(400 + 3 * i),
        )
    fitted = camp.json("model", boxer, "--test", "BAG-3MIN")
    # ten made-up tests do not identify a model: the answer is a named fallback and says why
    assert fitted["n_tests"] == 10 and fitted["source"] in ("fixed_taus", "population")
    assert "busso2003:" in fitted["note"] and "banister1975:" in fitted["note"]
    camp(
        "test",
        "add",
        boxer,
        "--date",
        "2026-09-01",
        "--test",
        "sprint-20m",
        "--value",
        "3.1",
        "--lower-is-better",
    )
    sprint = camp.json("model", boxer, "--test", "sprint-20m")
    assert sprint["lower_is_better"] is True and sprint["n_tests"] == 1
    bad = camp("model", boxer, "--test", "nothing", code=2)
    assert "no 'nothing' tests" in _one_line_error(bad)


def test_weight_and_suspension_record(camp: Cli, boxer: str) -> None:
    assert "70.00 kg" in camp("weight", boxer, "--kg", "70", "--date", "2026-09-01").stdout
    assert "68.04 kg" in camp("weight", boxer, "--lb", "150", "--date", "2026-09-02").stdout
    _one_line_error(camp("weight", boxer, "--kg", "70", "--lb", "150", code=2))
    _one_line_error(camp("weight", boxer, code=2))
    assert "outside" in _one_line_error(camp("weight", boxer, "--kg", "700", code=2))
    out = camp(
        "suspension",
        "add",
        boxer,
        "--from",
        "2026-09-14",
        "--days",
        "14",
        "--reason",
        "cut over the eye",
    ).stdout
    assert "recorded suspension 1" in out
    _one_line_error(
        camp(
            "suspension",
            "add",
            boxer,
            "--from",
            "2026-09-14",
            "--days",
            "0",
            "--reason",
            "x",
            code=2,
        )
    )
    assert "no athlete" in _one_line_error(camp("weight", "nobody", "--kg", "70", code=2))


def test_camp_plan_contract(camp: Cli, boxer: str) -> None:
    camp(
        "suspension",
        "add",
        boxer,
        "--from",
        CAMP_START.isoformat(),
        "--days",
        "10",
        "--reason",
        "KO",
    )
    camp("weight", boxer, "--kg", "71.0", "--date", (CAMP_START - timedelta(10)).isoformat())
    camp("weight", boxer, "--kg", "70.5", "--date", (CAMP_START - timedelta(3)).isoformat())
    plan = camp.json("camp", "plan", boxer, "--fight-date", FIGHT.isoformat(), *AS_OF)
    assert len(plan["days"]) == 56
    assert set(plan["days"][0]) >= {
        "date",
        "target_load",
        "session",
        "predicted_performance",
        "activity",
        "minutes",
        "rpe",
    }
    assert plan["days"][0]["date"] == CAMP_START.isoformat()
    assert plan["fight_day_prediction"] >= plan["ramp_prediction"]
    names = {c["name"] for c in plan["constraints"]}
    assert {"week_ratio", "day_load_max", "sparring_in_suspension", "taper_days"} <= names
    assert all(
        set(c) == {"name", "limit", "min_seen", "max_seen", "ok"}
        and (c["ok"] or c["name"] == "monotony_7d_from_history")
        for c in plan["constraints"]
    )
    assert all(d["session"] != "sparring" for d in plan["days"][:10])
    assert plan["model"]["source"] == "population"
    # welterweight is 147 lb: 70.5 kg to 66.68 kg
    assert plan["weight"]["limit_kg"] == pytest.approx(66.678, abs=1e-3)
    heavy = camp.json(
        "camp", "plan", boxer, "--fight-date", FIGHT.isoformat(), "--weigh-in-kg", "60", *AS_OF
    )
    assert any("acute loss" in w for w in heavy["warnings"])
    csv = camp("camp", "plan", boxer, "--fight-date", FIGHT.isoformat(), "--format", "csv", *AS_OF)
    assert csv.stdout.splitlines()[0].startswith(
        "date,target_load,session,predicted_performance,activity,minutes,rpe,hr_zone"
    )
    table = camp("camp", "plan", boxer, "--fight-date", FIGHT.isoformat(), *AS_OF).stdout
    assert "taper" in table and "week_ratio" in table
    _one_line_error(
        camp(
            "camp",
            "plan",
            boxer,
            "--fight-date",
            FIGHT.isoformat(),
            "--weeks",
            "40",
            *AS_OF,
            code=2,
        )
    )
    # a fight date already past is one line, not a confusing remark about training load
    past = _one_line_error(camp("camp", "plan", boxer, "--fight-date", FIGHT.isoformat(), code=2))
    assert "is not after" in past


def test_camp_status_follows_the_next_fight(camp: Cli, boxer: str) -> None:
    assert "no fight ahead" in _one_line_error(
        camp("camp", "status", boxer, "--as-of", "2026-09-20", code=2)
    )
    camp(
        "fight",
        "new",
        "--red",
        boxer,
        "--blue",
        "Apollo Creed",
        "--date",
        FIGHT.isoformat(),
        "--rounds",
        "12",
    )
    for day in ("2026-09-12", "2026-09-14", "2026-09-16"):
        camp(
            "log",
            "--athlete",
            boxer,
            "--date",
            day,
            "--minutes",
            "60",
            "--rpe",
            "7",
            "--activity",
            "pads",
        )
    camp("weight", boxer, "--kg", "71.0", "--date", "2026-09-10")
    camp("weight", boxer, "--kg", "70.6", "--date", "2026-09-18")
    status = camp.json("camp", "status", boxer, "--as-of", "2026-09-20")
    assert status["fight_date"] == FIGHT.isoformat()
    assert status["camp_start"] == CAMP_START.isoformat()
    assert status["done_load_to_date"] > 0 and status["planned_load_to_date"] > 0
    assert isinstance(status["predicted_fight_day"], float)
    assert status["limit_kg"] == pytest.approx(66.678, abs=1e-3) and status["current_kg"] == 70.6
    assert status["planned_kg_today"] is not None
    text = camp("camp", "status", boxer, "--as-of", "2026-09-20").stdout
    assert "fight-day form" in text and "weight" in text


ROUND = ("--jabs-thrown", "--jabs-landed", "--power-thrown", "--power-landed")


def _enter(camp: Cli, fid: str, rnd: int, corner: str, counts: tuple[int, ...], *extra: str) -> str:
    args = [x for pair in zip(ROUND, map(str, counts), strict=True) for x in pair]
    return str(
        camp("fight", "round", fid, "--round", str(rnd), "--corner", corner, *args, *extra).stdout
    )


def test_one_sided_fight_alerts_before_the_last_round(
    camp: Cli, athlete: Callable[..., str]
) -> None:
    athlete("rocky")
    fid = camp(
        "fight",
        "new",
        "--red",
        "Ivan Drago",
        "--blue",
        "rocky",
        "--date",
        "2026-12-19",
        "--rounds",
        "12",
        "--weight-class",
        "heavyweight",
    ).stdout.strip()
    assert fid.isdigit()
    alert_round = None
    for rnd in range(1, 13):
        fade = max(0, rnd - 3)
        red = (30, 12, 35, 16 + fade, "--scores", "10,10,10")
        blue = (25 - 2 * fade if fade < 10 else 5, 3, 20 - fade if fade < 15 else 5, 2)
        kd = ("--knockdowns", "1") if rnd in (6, 8) else ()
        _enter(camp, fid, rnd, "red", red[:4], *red[4:])
        out = _enter(camp, fid, rnd, "blue", blue, *kd, "--scores", "9,9,8" if kd else "9,9,9")
        if "ALERT blue" in out:
            alert_round = rnd
            break
    assert alert_round is not None and alert_round < 12
    report = json.loads(camp("fight", "show", fid, "--format", "json").stdout)
    assert len(report["rounds"]) == alert_round
    first = report["rounds"][0]
    assert set(first) == {"round", "red", "blue"}
    assert {
        "jabs_thrown",
        "jabs_landed",
        "power_thrown",
        "power_landed",
        "knockdowns",
        "risk",
        "alert",
    } <= set(first["red"])
    assert report["rounds"][-1]["blue"]["alert"] is True
    assert report["totals"]["red"]["jab_landed"] == 12 * alert_round
    assert report["scorecards"][-1]["red_total"] == 10 * alert_round
    assert report["fight"]["blue_athlete_id"] is not None
    assert report["fight"]["red_athlete_id"] is None  # an external opponent
    table = camp("fight", "show", fid).stdout
    assert "ALERT" in table and "not a medical device" in table and "red jabs" in table
    csv = camp("fight", "show", fid, "--format", "csv").stdout
    assert csv.startswith("round,corner,jabs_thrown")


def test_fight_errors_are_one_line(camp: Cli) -> None:
    assert "no fight 99" in _one_line_error(
        camp(
            "fight",
            "round",
            "99",
            "--round",
            "1",
            "--corner",
            "red",
            "--jabs-thrown",
            "1",
            "--jabs-landed",
            "0",
            "--power-thrown",
            "1",
            "--power-landed",
            "0",
            code=2,
        )
    )
    fid = camp(
        "fight", "new", "--red", "A", "--blue", "B", "--date", "2026-12-19", "--rounds", "4"
    ).stdout.strip()
    assert "exceed" in _one_line_error(
        camp(
            "fight",
            "round",
            fid,
            "--round",
            "1",
            "--corner",
            "red",
            "--jabs-thrown",
            "1",
            "--jabs-landed",
            "5",
            "--power-thrown",
            "1",
            "--power-landed",
            "0",
            code=2,
        )
    )
    assert "outside 1-4" in _one_line_error(
        camp(
            "fight",
            "round",
            fid,
            "--round",
            "5",
            "--corner",
            "red",
            "--jabs-thrown",
            "1",
            "--jabs-landed",
            "0",
            "--power-thrown",
            "1",
            "--power-landed",
            "0",
            code=2,
        )
    )
    assert "--scores" in _one_line_error(
        camp(
            "fight",
            "round",
            fid,
            "--round",
            "1",
            "--corner",
            "red",
            "--jabs-thrown",
            "1",
            "--jabs-landed",
            "0",
            "--power-thrown",
            "1",
            "--power-landed",
            "0",
            "--scores",
            "ten",
            code=2,
        )
    )
    _one_line_error(
        camp(
            "fight",
            "new",
            "--red",
            "A",
            "--blue",
            "a",
            "--date",
            "2026-12-19",
            "--rounds",
            "4",
            code=2,
        )
    )
    assert "no fight 42" in _one_line_error(camp("fight", "show", "42", code=2))


def test_every_camp_command_and_option_is_explained(camp: Cli) -> None:
    from drago.cli import app
    from drago.cli.reference import commands

    mine = ("test", "model", "weight", "suspension", "camp", "fight")
    found = [
        (name, c) for name, c in commands(typer.main.get_command(app)) if name.split()[1] in mine
    ]
    assert len(found) == 11  # fight result (issue 17), fight rules (the bout's weigh-in)
    for name, command in found:
        assert command.help and "Example:" in command.help, name
        for param in command.params:
            if param.param_type_name == "option":
                assert param.help, f"{name} {param.opts}"
