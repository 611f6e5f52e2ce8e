"""The broken paths of issue 17, each with a test: punches of a stored two-hand session in a
table, rounds from laps with rests, the CLI's times and numbers, the README's first example,
`make demo`'s commands, and `athlete export --format csv`."""

from __future__ import annotations

import csv
import json
import re
import shlex
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from drago.analysis.round_hr import rounds_from_laps
from drago.ingest.imu import read_imu
from tests.conftest import DATA, Cli

JAB = next(
    (DATA / "punch" / "metawear" / "Left Jab 10 Matt_2019-11-05T11-59-58.108").glob(
        "*_Accelerometer_*.csv"
    )
)
ROOT = Path(__file__).parents[1]


def _right_hand_copy(tmp_path: Path, shift_s: float) -> Path:
    """The left glove's real recording as drago's generic CSV, `shift_s` later: a right-hand
    sensor that started after the left one."""
    rec = read_imu(JAB)
    assert rec.start is not None and rec.gyro_rads() is not None
    t0_ms = (rec.start.timestamp() + shift_s) * 1000.0
    frame = rec.frame.select(
        (pl.col("t_s") * 1000.0 + t0_ms).round(0).cast(pl.Int64).alias("time_ms"),
        pl.col("acc_x_ms2").alias("ax_ms2"),
        pl.col("acc_y_ms2").alias("ay_ms2"),
        pl.col("acc_z_ms2").alias("az_ms2"),
        pl.col("gyro_x_rads").alias("gx_rads"),
        pl.col("gyro_y_rads").alias("gy_rads"),
        pl.col("gyro_z_rads").alias("gz_rads"),
    )
    path = tmp_path / "right-glove.csv"
    frame.write_csv(path)
    return path


def test_punches_of_a_two_hand_session_in_a_table_and_on_the_session_clock(
    cli: Cli, athlete: Callable[..., str], tmp_path: Path
) -> None:
    athlete("matt", "--stance", "orthodox")
    start = read_imu(JAB).start
    assert start is not None
    cli(
        "log",
        "--athlete",
        "matt",
        "--date",
        start.strftime("%Y-%m-%d"),
        "--time",
        (start - timedelta(minutes=5)).strftime("%H:%M"),
        "--minutes",
        "30",
        "--rpe",
        "7",
        "--activity",
        "bag",
    )
    [logged] = cli.json("sessions")
    shift_s = 20.0
    cli("import", str(JAB), "--athlete", "matt", "--hand", "left")
    cli("import", str(_right_hand_copy(tmp_path, shift_s)), "--athlete", "matt", "--hand", "right")
    table = cli("punches", str(logged["id"]))  # the README's example: crashed on 'rate_hz'
    assert "punches" in table.stdout and "Hz" in table.stdout
    stored = json.loads(cli("punches", str(logged["id"]), "--format", "json").stdout)
    direct = json.loads(cli("punches", str(JAB), "--hand", "left", "--format", "json").stdout)
    right = [p for p in stored["punches"] if p["hand"] == "right"]
    left = [p for p in stored["punches"] if p["hand"] == "left"]
    assert len(right) == len(left) == direct["n_punches"] > 0
    for r, d in zip(right, direct["punches"], strict=True):  # the same punches, 20 s later
        assert r["t_s"] == pytest.approx(d["t_s"] + shift_s, abs=0.02)
        for key in ("onset_s", "end_s"):  # the copy's whole-ms clock moves the edges a little;
            assert r[key] == pytest.approx(d[key] + shift_s, abs=0.5), key  # was 20 s off
        assert r["onset_s"] <= r["t_s"] <= r["end_s"]
    assert stored["rate_hz"] == pytest.approx(direct["rate_hz"], rel=0.01)


def _laps_and_records(durations: list[float]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Laps back to back with HR 170 in work laps and falling 1 bpm/s in rest laps."""
    t0 = datetime(2026, 5, 1, 18, tzinfo=UTC)
    starts, hr, clock = [], [], 0.0
    for k, d in enumerate(durations):
        starts.append(t0 + timedelta(seconds=clock))
        hr += [170.0] * int(d) if k % 2 == 0 else [170.0 - s for s in range(int(d))]
        clock += d
    recs = pl.DataFrame(
        {
            "session_index": [0] * len(hr),
            "timestamp": [t0 + timedelta(seconds=i) for i in range(len(hr))],
            "hr_bpm": hr,
        }
    )
    laps = pl.DataFrame(
        {
            "session_index": [0] * len(durations),
            "lap_index": list(range(len(durations))),
            "start": starts,
            "duration_s": durations,
        }
    )
    return laps, recs


def test_rest_laps_are_rests_even_with_a_last_round_cut_short() -> None:
    # Three 3-min rounds with 1-min rests, the last round stopped after 50 s (a stoppage).
    laps, recs = _laps_and_records([180, 60, 180, 60, 180, 60, 50])
    out = rounds_from_laps(laps, recs)
    assert out["round"].to_list() == [1, 2, 3, 4]
    assert out["work_s"].to_list() == [180, 180, 180, 50]  # no rest lap listed as a round
    # HR 60 s into the rest is the mean of its last 5 s (115 ... 111 bpm): 170 - 113 = 57
    # (Cole et al. 1999's 1-min recovery, as in the module's doctest).
    assert out["hrr_60s_bpm"].to_list()[:3] == pytest.approx([57.0, 57.0, 57.0])


def test_work_and_rest_given_override_the_laps(cli: Cli, athlete: Callable[..., str]) -> None:
    athlete("drago")
    cli("import", str(DATA / "fit" / "garmin-fenix2-run.fit"), "--athlete", "drago")
    [s] = cli.json("sessions")
    by_laps = cli.json("session", "rounds", str(s["id"]))
    chosen = cli.json("session", "rounds", str(s["id"]), "--work", "120", "--rest", "30")
    assert {r["work_s"] for r in chosen} == {120.0} and {r["rest_s"] for r in chosen} == {30.0}
    assert [r["work_s"] for r in by_laps] != [r["work_s"] for r in chosen]


def test_cli_lists_say_their_time_zone_and_round_their_numbers(
    cli: Cli, athlete: Callable[..., str]
) -> None:
    athlete("ivan", "--tz", "Europe/Moscow")
    cli(
        "log",
        "--athlete",
        "ivan",
        "--date",
        "2026-11-20",
        "--time",
        "07:15",
        "--minutes",
        "50.3333",
        "--rpe",
        "7.5",
        "--activity",
        "run",
    )
    listing = cli("sessions").stdout
    assert "2026-11-20 07:15 Europe/Moscow" in listing and "7.5" in listing
    [s] = cli.json("sessions")
    assert s["start"].startswith("2026-11-20T04:15:00")  # JSON stays UTC, as the contract says
    shown = cli("session", "show", str(s["id"])).stdout
    assert "2026-11-20 07:15 Europe/Moscow" in shown and "2026-11-20 04:15:00 UTC" in shown
    assert "duration_s: 3020\n" in shown and "377.5" in shown  # 7.5 x 50.33 min
    assert not re.search(r"\d\.\d{3,}", shown)  # no 134.14342629482073


def test_the_readmes_first_example_runs_on_a_new_store(cli: Cli) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Using it", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    for line in block.strip().splitlines()[:2]:  # team add, then athlete add --team
        args = shlex.split(line.split("#", 1)[0])
        assert args[0] == "drago"
        cli(*args[1:])
    assert cli.json("athlete", "list")[0]["team"] == "Soviet Union"


def test_demo_prints_commands_that_run_from_where_make_demo_runs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import shutil
    import sys

    from drago.cli.demo import program

    venv = tmp_path / ".venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "drago").write_text("#!/bin/sh\n")
    monkeypatch.setattr(sys, "executable", str(venv / "python"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(shutil, "which", lambda name: None)  # not activated: not on the PATH
    assert program() == ".venv/bin/drago"
    monkeypatch.setattr(shutil, "which", lambda name: str(venv / "drago"))
    assert program() == "drago"


def test_athlete_export_as_csv(cli: Cli, athlete: Callable[..., str], tmp_path: Path) -> None:
    athlete("drago")
    cli("import", str(DATA / "fit" / "garmin-fenix2-run.fit"), "--athlete", "drago")
    cli(
        "log",
        "--athlete",
        "drago",
        "--date",
        "2026-11-20",
        "--minutes",
        "50",
        "--rpe",
        "8",
        "--activity",
        "run",
        "--notes",
        "snow, hills",
    )
    out = tmp_path / "export"
    cli("athlete", "export", "drago", "-o", str(out), "--format", "csv")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["rows"]["sessions"] == 2
    with (out / "sessions.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["notes"] for r in rows][1] == "snow, hills"  # quoted, RFC 4180
    assert ";" in rows[0]["zone_s"]  # a list column as text
    records = pl.read_csv(out / "records.csv")
    parquet = tmp_path / "parquet"
    cli("athlete", "export", "drago", "-o", str(parquet))
    assert records.height == pl.read_parquet(parquet / "records.parquet").height > 1000
    bad = cli("athlete", "export", "drago", "-o", str(tmp_path / "x"), "--format", "xlsx", code=2)
    assert "xlsx" in bad.stderr and not (tmp_path / "x").exists()


def test_charts_open_on_the_camp_or_the_last_90_days(tmp_path: Path) -> None:
    from datetime import date

    from fastapi.testclient import TestClient

    from drago.lab import Lab
    from drago.web.app import create_app

    db = tmp_path / "drago.duckdb"
    today = date.today()
    with Lab(db) as lab:
        lab.athletes.add("Ivan", sex="m", tz="UTC")
        # one old morning, four years back
        lab.readiness.log_wellness(
            "Ivan", day=today - timedelta(4 * 365), sleep=3, stress=3, fatigue=3, soreness=3
        )
        for k in (1, 3, 40):
            lab.sessions.log(
                athlete="Ivan", day=today - timedelta(k), minutes=60, rpe=6, activity="run"
            )
        lab.readiness.log_wellness(
            "Ivan", day=today - timedelta(1), sleep=2, stress=2, fatigue=2, soreness=2
        )
        recent = lab.camp.window("Ivan")
        assert (recent.chosen, recent.start) == ("90d", today - timedelta(90))
        assert lab.camp.window("Ivan", choice="all").start is None
        lab.fights.new(red="Ivan", blue="Rocky Balboa", day=today + timedelta(20), rounds=10)
        camp = lab.camp.window("Ivan")
        assert (camp.chosen, camp.start, camp.end) == (
            "camp",
            today - timedelta(36),
            today + timedelta(20),
        )
    with TestClient(create_app(db, linger_s=0)) as client:
        page = client.get("/athletes/Ivan").text
        assert "Charts: the camp to the fight on" in page and 'href="?range=all"' in page
        spec = json.loads(page.split('data-figure="pmc">', 1)[1].split("</script>", 1)[0])
        assert spec["layout"]["xaxis"]["range"] == [camp.start.isoformat(), camp.end.isoformat()]
        assert spec["data"][0]["type"] == "bar" and spec["data"][0]["width"] == 0.8 * 86_400_000
        assert all(d >= camp.start.isoformat() for d in spec["data"][1]["x"])
        everything = client.get("/athletes/Ivan?range=all").text
        assert "Charts: all the history" in everything
        assert client.get("/athletes/Ivan?range=week").status_code == 400


def test_plot_readiness_leaves_an_old_morning_out(cli: Cli, tmp_path: Path) -> None:
    from datetime import date

    cli("athlete", "add", "ivan", "--sex", "m")
    today = date.today()
    for day in (today - timedelta(4 * 365), today - timedelta(2), today - timedelta(1)):
        cli(
            "wellness",
            "ivan",
            "--date",
            day.isoformat(),
            "--sleep",
            "2",
            "--stress",
            "3",
            "--fatigue",
            "3",
            "--soreness",
            "2",
        )
    out = cli("plot", "readiness", "ivan", "-o", str(tmp_path / "r.svg")).stdout
    assert "drew 2 days" in out
