"""`drago log`: a hand-logged session (the snow) is a session like any other."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import Cli


def test_logged_session_is_listed(cli: Cli, athlete: Callable[..., str]) -> None:
    athlete("rocky", "--tz", "America/New_York")
    cli(
        "log",
        "--athlete",
        "Rocky",
        "--date",
        "2026-01-15",
        "--time",
        "06:30",
        "--minutes",
        "45",
        "--rpe",
        "7",
        "--activity",
        "run",
        "--notes",
        "snow, uphill",
    )
    [session] = cli.json("sessions", "--athlete", "rocky")
    assert session["start"] == "2026-01-15T11:30:00Z"
    assert session["activity"] == "run" and session["duration_s"] == 2700
    assert session["rpe"] == 7 and session["notes"] == "snow, uphill"
    assert session["source_sha256"] is None and session["distance_m"] is None
    assert session["n_records"] == 0 and session["recovered"] is False
    assert isinstance(session["id"], int)


def test_default_time_is_local_midday(cli: Cli, athlete: Callable[..., str]) -> None:
    athlete("drago", "--tz", "Europe/Moscow")
    cli(
        "log",
        "--athlete",
        "drago",
        "--date",
        "2026-07-01",
        "--minutes",
        "30",
        "--rpe",
        "4",
        "--activity",
        "Strength",
    )
    [session] = cli.json("sessions", "--athlete", "drago")
    assert session["start"] == "2026-07-01T09:00:00Z" and session["activity"] == "strength"


def test_bad_values_exit_2_and_store_nothing(cli: Cli, athlete: Callable[..., str]) -> None:
    athlete("rocky")
    base = ["log", "--athlete", "rocky", "--date", "2026-01-15"]
    cases = [
        (["--minutes", "45", "--rpe", "11", "--activity", "run"], "rpe 11 is outside 0-10"),
        (["--minutes", "0", "--rpe", "5", "--activity", "run"], "minutes 0 is outside"),
        (["--minutes", "45", "--rpe", "5", "--activity", "chess"], "unknown activity 'chess'"),
    ]
    for extra, words in cases:
        result = cli(*base, *extra, code=2)
        assert words in result.stderr and result.stderr.count("\n") == 1
    result = cli(
        "log",
        "--athlete",
        "rocky",
        "--date",
        "15/01/2026",
        "--minutes",
        "4",
        "--rpe",
        "5",
        "--activity",
        "run",
        code=2,
    )
    assert "--date" in result.output
    result = cli(
        "log",
        "--athlete",
        "ivan",
        "--date",
        "2026-01-15",
        "--minutes",
        "4",
        "--rpe",
        "5",
        "--activity",
        "run",
        code=2,
    )
    assert "no athlete ivan: add it with drago athlete add" in result.stderr
    assert cli.json("sessions") == []


def test_listing_formats(cli: Cli, athlete: Callable[..., str]) -> None:
    athlete("rocky")
    for day in ("2026-01-01", "2026-02-01"):
        cli(
            "log",
            "--athlete",
            "rocky",
            "--date",
            day,
            "--minutes",
            "60",
            "--rpe",
            "6",
            "--activity",
            "sparring",
        )
    assert len(cli.json("sessions", "--since", "2026-01-15")) == 1
    csv = cli("sessions", "--format", "csv").stdout.splitlines()
    assert csv[0].startswith("id,athlete,team,start,activity") and len(csv) == 3
    table = cli("sessions").stdout
    assert "sparring" in table and "rocky" in table


def test_a_logged_session_and_its_load_are_one_transaction(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The session row and its load commit together: when writing the load fails, the store
    keeps no session without a load (and a logged session always has its sRPE load)."""
    from drago.lab import Lab
    from drago.store import loads as load_rows

    with Lab(db) as lab:
        lab.athletes.add("rocky", sex="m")
        day = date(2026, 1, 15)
        args = {"athlete": "rocky", "day": day, "minutes": 45.0, "rpe": 7.0, "activity": "run"}
        session_id = lab.sessions.log(**args)
        [row] = lab.sessions.list().to_dicts()
        assert row["id"] == session_id and row["srpe_load"] == 315.0

        def broken(*_: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(load_rows, "write_loads", broken)
        with pytest.raises(OSError, match="No space left"):
            lab.sessions.log(**args)
        assert lab.sessions.list()["id"].to_list() == [session_id]
