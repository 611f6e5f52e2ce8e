"""Training load through the store and the CLI: kept current, the same for sensors and snow."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest

import drago
from drago.analysis.trimp import session_loads
from tests.conftest import DATA, Cli
from tests.test_records_life import fit_as_tcx

RIDE = DATA / "fit" / "garmin-edge500-ride.fit"
KEYS = (
    "date",
    "load",
    "ctl",
    "atl",
    "tsb",
    "acwr_rolling",
    "acwr_rolling_uncoupled",
    "acwr_ewma",
    "monotony",
    "strain",
)


def expected_trimp(path: Path, *, hr_rest: float, hr_max: float) -> float:
    recording = drago.read(path)
    loads = session_loads(recording.records, sex="m", hr_rest_bpm=hr_rest, hr_max_bpm=hr_max)
    return float(loads["trimp_banister"][0])


def test_session_loads_are_stored_and_kept_current(cli: Cli, athlete: Callable[..., str]) -> None:
    athlete("drago", "--hr-max", "195", "--hr-rest", "50")
    cli("import", str(RIDE), "--athlete", "drago")
    [session] = cli.json("sessions")
    assert session["trimp_banister"] == pytest.approx(expected_trimp(RIDE, hr_rest=50, hr_max=195))
    assert session["trimp_edwards"] > 0 and session["trimp_lucia"] is None
    assert len(session["zone_s"]) == 5 and sum(session["zone_s"]) <= session["duration_s"]
    assert session["srpe_load"] is None
    cli("session", "set", str(session["id"]), "--rpe", "6")
    [session] = cli.json("sessions")
    assert session["srpe_load"] == pytest.approx(6 * session["duration_s"] / 60)
    cli("athlete", "set", "drago", "--hr-max", "185", "--from", "2000-01-01")
    cli("athlete", "set", "drago", "--hr-threshold", "150", "--hr-threshold2", "170")
    [changed] = cli.json("sessions")
    assert changed["trimp_banister"] == pytest.approx(expected_trimp(RIDE, hr_rest=50, hr_max=185))
    assert changed["trimp_lucia"] > 0


def test_hand_logged_sessions_count(cli: Cli, athlete: Callable[..., str]) -> None:
    athlete("rocky", "--tz", "America/New_York")
    cli(
        "log",
        "--athlete",
        "rocky",
        "--date",
        "2026-01-05",
        "--minutes",
        "50",
        "--rpe",
        "8",
        "--activity",
        "run",
    )
    cli(
        "log",
        "--athlete",
        "rocky",
        "--date",
        "2026-01-07",
        "--minutes",
        "30",
        "--rpe",
        "5",
        "--activity",
        "strength",
    )
    [first, _] = cli.json("sessions")
    assert first["srpe_load"] == 400
    days = cli.json("load", "rocky", "--method", "srpe", "--until", "2026-01-10")
    assert [d["date"] for d in days][:3] == ["2026-01-05", "2026-01-06", "2026-01-07"]
    assert len(days) == 6 and all(set(KEYS) <= set(d) for d in days)
    assert [d["load"] for d in days] == [400.0, 0.0, 150.0, 0.0, 0.0, 0.0]
    assert days[0]["tsb"] == 0 and days[0]["acwr_rolling"] is None
    assert all(not (isinstance(v, float) and math.isnan(v)) for d in days for v in d.values())
    auto = cli.json("load", "rocky", "--until", "2026-01-10")
    assert auto[0]["load"] == pytest.approx(400 * 0.40)


def test_duplicates_do_not_count_twice(
    cli: Cli, athlete: Callable[..., str], tmp_path: Path
) -> None:
    athlete("drago", "--hr-max", "195", "--hr-rest", "50")
    cli("import", str(RIDE), "--athlete", "drago")
    single = cli.json("load", "drago", "--method", "trimp", "--until", "2010-01-01")
    phone = tmp_path / "phone.tcx"
    fit_as_tcx(RIDE, phone)
    cli("import", str(phone), "--athlete", "drago")
    assert len(cli.json("sessions")) == 2
    double = cli.json("load", "drago", "--method", "trimp", "--until", "2010-01-01")
    assert [d["load"] for d in double] == [d["load"] for d in single]


def test_status_in_plain_words(cli: Cli, athlete: Callable[..., str]) -> None:
    athlete("rocky")
    for day in range(1, 29):
        cli(
            "log",
            "--athlete",
            "rocky",
            "--date",
            f"2026-02-{day:02d}",
            "--minutes",
            "60",
            "--rpe",
            "6" if day < 22 else "9",
            "--activity",
            "conditioning",
        )
    out = cli("status", "rocky", "--as-of", "2026-02-28", "--method", "srpe").stdout
    assert "fitness (CTL)" in out and "last 14 days" in out
    assert "ACWR (rolling 7:28, Gabbett 2016)" in out
    [today] = cli.json("status", "rocky", "--as-of", "2026-02-28", "--method", "srpe")
    assert today["acwr_ewma"] > 1.0 and today["acwr_band"] in out
    assert "no sessions up to" in cli("status", "rocky", "--as-of", "2025-01-01", code=2).stderr
    assert "recomputed 28 sessions" in cli("recompute", "rocky").stdout


def test_rounds_of_an_interval_session(cli: Cli, athlete: Callable[..., str]) -> None:
    athlete("drago", "--hr-max", "195", "--hr-rest", "50")
    cli("import", str(DATA / "fit" / "garmin-fenix2-run.fit"), "--athlete", "drago")
    [session] = cli.json("sessions")
    rounds = cli.json("session", "rounds", str(session["id"]))
    assert len(rounds) >= 2 and rounds[0]["round"] == 1
    assert all(r["hr_max_bpm"] >= r["hr_avg_bpm"] for r in rounds)


@pytest.mark.parametrize(
    "template",
    [
        ("--work", "0"),
        ("--work", "-5"),
        ("--work", "nan"),
        ("--rest", "inf"),
        ("--work", "0.001", "--rest", "0.001"),
        ("--work", "1e308"),
    ],
)
def test_an_impossible_round_template_is_one_line(
    cli: Cli, athlete: Callable[..., str], template: tuple[str, ...]
) -> None:
    """A round of 0 s was silently the 3-minute default, -5 s a ValueError's traceback, and
    1 ms made millions of rounds of one run (the command never ended)."""
    athlete("drago", "--hr-max", "195", "--hr-rest", "50")
    cli("import", str(DATA / "fit" / "garmin-fenix2-run.fit"), "--athlete", "drago")
    [session] = cli.json("sessions")
    answer = cli("session", "rounds", str(session["id"]), *template, code=2)
    lines = [line for line in answer.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in answer.output
    assert (
        len(cli.json("session", "rounds", str(session["id"]), "--work", "20", "--rest", "10")) > 2
    )


@pytest.mark.parametrize(
    "template",
    [("--work", "nan"), ("--work", "0.01", "--rest", "0"), ("--rest", "-1"), ("--work", "inf")],
)
def test_an_impossible_punch_round_template_is_one_line(
    cli: Cli, template: tuple[str, ...]
) -> None:
    """`drago punches` with --work nan was a ValueError's traceback, 0.01 s a Polars overflow's."""
    folder = DATA / "punch" / "metawear"
    [path] = [p for p in folder.rglob("*Accelerometer*.csv")][:1]
    answer = cli("punches", str(path), "--hand", "left", *template, code=2)
    lines = [line for line in answer.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in answer.output
