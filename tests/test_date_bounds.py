"""Dates out of any calendar a lab keeps (a mistyped year 1 or 9999; a device clock never set)
are refused at entry in one line and store nothing: a session in year 1 once made `drago load`
build 740,000 days, and a fight in year 1 made `compare` and `fight show` an OverflowError."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import DATA, Cli

GPX = DATA / "gpx" / "goldencheetah-urbanbiker-hr.gpx"

TYPED = {
    "log": ("log", "--athlete", "drago", "--minutes", "30", "--rpe", "5", "--activity", "run"),
    "wellness": (
        "wellness",
        "drago",
        "--sleep",
        "3",
        "--stress",
        "3",
        "--fatigue",
        "3",
        "--soreness",
        "3",
    ),
    "weight": ("weight", "drago", "--kg", "80"),
    "test": ("test", "add", "drago", "--test", "3min-bag-punches", "--value", "150"),
    "rr": ("import", str(DATA / "rr"), "--athlete", "drago", "--as", "morning"),
    "fight": ("fight", "new", "--red", "drago", "--blue", "Apollo", "--rounds", "3"),
}


def one_line(answer: object, code: int) -> str:
    output: str = answer.output  # type: ignore[attr-defined]
    assert answer.exit_code == code, output  # type: ignore[attr-defined]
    assert "Traceback" not in output
    errors = [line for line in output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, output
    return errors[0]


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "9999-12-31"])
@pytest.mark.parametrize("what", sorted(TYPED))
def test_a_typed_date_out_of_range_is_refused(
    cli: Cli, athlete: Callable[..., str], what: str, day: str
) -> None:
    athlete("drago", "--hr-max", "190", "--hr-rest", "50")
    line = one_line(cli(*TYPED[what], "--date", day, code=None), 2)
    assert day in line and "check the year" in line
    assert cli.json("sessions") == []


def test_dated_values_and_suspensions_out_of_range_are_refused(
    cli: Cli, athlete: Callable[..., str]
) -> None:
    athlete("drago", "--hr-max", "190", "--hr-rest", "50")
    for command in (
        ("athlete", "set", "drago", "--hr-max", "185", "--from", "0001-01-01"),
        ("suspension", "add", "drago", "--from", "0001-01-01", "--days", "3", "--reason", "KO"),
    ):
        assert "0001-01-01" in one_line(cli(*command, code=None), 2)
    [row] = cli.json("athlete", "show", "drago")
    assert row["hr_max_bpm"] == 190


def test_the_edges_of_the_range_and_leap_days_are_kept(
    cli: Cli, athlete: Callable[..., str]
) -> None:
    athlete("drago", "--hr-max", "190", "--hr-rest", "50")
    for day in ("1900-01-01", "2024-02-29"):
        cli(*TYPED["log"], "--date", day)
    cli(*TYPED["fight"], "--date", "2100-12-31")
    assert len(cli.json("sessions")) == 2


@pytest.mark.parametrize("year", ["0001", "9999"])
def test_a_recording_from_an_unset_clock_is_refused(
    cli: Cli, athlete: Callable[..., str], tmp_path: Path, year: str
) -> None:
    athlete("drago", "--hr-max", "190", "--hr-rest", "50")
    path = tmp_path / f"clock-{year}.gpx"
    path.write_text(
        GPX.read_text(encoding="utf-8").replace("2019-04-18T", f"{year}-04-18T"), encoding="utf-8"
    )
    line = one_line(cli("import", str(path), "--athlete", "drago", code=None), 1)
    assert f"{year}-04-18" in line and "UTC" in line and "device clock" in line
    assert cli.json("sessions") == []
    assert not list((cli.db.parent / "originals").rglob("*.gpx"))
