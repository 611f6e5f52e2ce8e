"""Readiness through the store and the CLI: morning RR files, wellness, verdicts."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import DATA, Cli

RR = DATA / "rr"
MORNINGS = sorted((RR / "hrvlogger_h10_daily").glob("*_RRIntervals.csv"))
ECTOPIC = RR / "polar_h10_pvc" / "polar_h10_rr.csv"
CONTRACT = (
    "date",
    "ln_rmssd",
    "ln_rmssd_7d",
    "normal_low",
    "normal_high",
    "rhr_bpm",
    "hooper",
    "verdict",
    "reason",
)


def test_hrv_of_one_file(cli: Cli) -> None:
    out = json.loads(
        cli("hrv", str(MORNINGS[0]), "--correction", "none", "--format", "json").stdout
    )
    for key in (
        "n_beats",
        "artefact_pct",
        "reliable",
        "mean_rr_ms",
        "mean_hr_bpm",
        "rmssd_ms",
        "ln_rmssd",
        "sdnn_ms",
        "pnn50_pct",
    ):
        assert key in out
    assert out["reliable"] is True and out["mean_hr_bpm"] == pytest.approx(
        60000 / out["mean_rr_ms"]
    )
    bad = json.loads(cli("hrv", str(ECTOPIC), "--format", "json").stdout)
    assert bad["reliable"] is False and bad["reason"]
    assert (
        "unreliable" in cli("hrv", str(ECTOPIC)).stdout.lower()
        or "NOT" in cli("hrv", str(ECTOPIC)).stdout
    )
    assert "--window takes" in cli("hrv", str(MORNINGS[0]), "--window", "x", code=2).stderr


def test_morning_files_become_readiness(
    cli: Cli, athlete: Callable[..., str], tmp_path: Path, db: Path
) -> None:
    athlete("rocky", "--tz", "Europe/Berlin")
    folder = tmp_path / "mornings"
    folder.mkdir()
    for path in MORNINGS:
        shutil.copy(path, folder / path.name)
    shutil.copy(RR / "hrvlogger_h10_daily" / "ot_m60_Features.csv", folder / "features.csv")
    result = cli("import", str(folder), "--athlete", "rocky")
    assert f"imported {len(MORNINGS)} files (0 sessions)" in result.stdout
    again = cli("import", str(MORNINGS[0]), "--athlete", "rocky")
    assert "already imported" in again.stdout
    days = cli.json("readiness", "rocky")
    assert len(days) == len({d["date"] for d in days}) and len(days) >= 10
    assert all(set(CONTRACT) <= set(day) for day in days)
    assert days[-1]["ln_rmssd_7d"] is not None
    assert days[-1]["verdict"] in ("green", "amber", "red", None)
    day = days[-1]["date"]
    cli(
        "wellness",
        "rocky",
        "--date",
        day,
        "--sleep",
        "7",
        "--stress",
        "6",
        "--fatigue",
        "7",
        "--soreness",
        "6",
    )
    [last] = [d for d in cli.json("readiness", "rocky") if d["date"] == day]
    assert last["hooper"] == 26 and last["verdict"] == "red" and "7" in last["reason"]


def test_the_snow_gets_a_verdict_and_bad_values_exit_2(
    cli: Cli, athlete: Callable[..., str]
) -> None:
    athlete("rocky")
    cli(
        "wellness",
        "rocky",
        "--date",
        "2026-01-05",
        "--sleep",
        "2",
        "--stress",
        "2",
        "--fatigue",
        "3",
        "--soreness",
        "2",
    )
    [day] = cli.json("readiness", "rocky")
    assert day["hooper"] == 9 and day["verdict"] is not None and day["ln_rmssd"] is None
    assert (
        cli(
            "wellness",
            "rocky",
            "--sleep",
            "9",
            "--stress",
            "2",
            "--fatigue",
            "3",
            "--soreness",
            "2",
            code=2,
        ).exit_code
        == 2
    )


def test_unreliable_mornings_are_kept_out_and_say_so(cli: Cli, athlete: Callable[..., str]) -> None:
    athlete("drago")
    cli("import", str(ECTOPIC), "--athlete", "drago", "--as", "morning", "--date", "2026-01-05")
    [day] = cli.json("readiness", "drago")
    assert day["date"] == "2026-01-05"
