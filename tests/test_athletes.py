"""`drago athlete ...`: unique names, dated values, estimates, clear errors."""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import Cli


def test_add_list_show(cli: Cli) -> None:
    cli(
        "athlete",
        "add",
        "Drago",
        "--sex",
        "m",
        "--tz",
        "Europe/Moscow",
        "--hr-max",
        "195",
        "--hr-rest",
        "48",
        "--weight-class",
        "heavyweight",
        "--stance",
        "orthodox",
    )
    cli("athlete", "add", "rocky", "--sex", "m")
    listing = cli.json("athlete", "list")
    assert [row["name"] for row in listing] == ["Drago", "rocky"]
    drago = listing[0]
    assert drago["tz"] == "Europe/Moscow" and drago["hr_max_bpm"] == 195
    assert drago["hr_max_estimated"] is False
    assert listing[1]["tz"] == "UTC" and listing[1]["hr_max_bpm"] is None
    shown = cli("athlete", "show", "DRAGO").stdout
    assert "heavyweight" in shown and "195" in shown


def test_names_are_unique_whatever_their_case(cli: Cli, athlete: Callable[..., str]) -> None:
    athlete("drago")
    result = cli("athlete", "add", "DRAGO", "--sex", "m", code=2)
    assert "already exists" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_bad_values_exit_2_with_one_line(cli: Cli) -> None:
    for args, words in [
        (("--tz", "Mars/Olympus"), "unknown time zone"),
        (("--hr-max", "400"), "outside"),
        (("--hr-rest", "5"), "outside"),
    ]:
        result = cli("athlete", "add", "x", "--sex", "m", *args, code=2)
        assert words in result.stderr and result.stderr.count("\n") == 1
    assert cli.json("athlete", "list") == []


def test_dated_values_apply_from_their_date(cli: Cli, athlete: Callable[..., str]) -> None:
    athlete("drago")
    cli("athlete", "set", "drago", "--hr-max", "198")
    cli("athlete", "set", "drago", "--hr-max", "194", "--from", "2026-09-01")
    cli("athlete", "set", "drago", "--hr-threshold", "172", "--tz", "Europe/Moscow")
    [row] = cli.json("athlete", "show", "drago")
    assert row["hr_max_bpm"] == 194 and row["hr_threshold_bpm"] == 172
    assert row["tz"] == "Europe/Moscow"
    shown = cli("athlete", "show", "drago").stdout
    assert "1900-01-01" in shown and "2026-09-01" in shown


def test_unknown_athlete(cli: Cli) -> None:
    result = cli("athlete", "set", "nobody", "--hr-max", "190", code=2)
    assert "no athlete nobody: add it with drago athlete add" in result.stderr
