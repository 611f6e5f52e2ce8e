"""IMU files filed into sessions (`drago import --hand`) and punches of a stored session."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import drago
from drago.ingest.imu import read_imu
from tests.conftest import DATA, Cli

JAB = next(
    (DATA / "punch" / "metawear" / "Left Jab 10 Matt_2019-11-05T11-59-58.108").glob(
        "*_Accelerometer_*.csv"
    )
)


def test_imu_file_joins_a_session_and_gives_the_same_punches(
    cli: Cli, athlete: Callable[..., str]
) -> None:
    athlete("matt", "--stance", "orthodox")
    start = read_imu(JAB).start
    assert start is not None
    day, at = start.strftime("%Y-%m-%d"), (start - timedelta(minutes=5)).strftime("%H:%M")
    cli(
        "log",
        "--athlete",
        "matt",
        "--date",
        day,
        "--time",
        at,
        "--minutes",
        "30",
        "--rpe",
        "7",
        "--activity",
        "bag",
    )
    [logged] = cli.json("sessions")
    result = cli("import", str(JAB), "--athlete", "matt", "--hand", "left")
    assert "imported 1 files (1 sessions)" in result.stdout
    assert len(cli.json("sessions")) == 1, "the IMU recording joined the overlapping session"
    stored = json.loads(cli("punches", str(logged["id"]), "--format", "json").stdout)
    direct = json.loads(cli("punches", str(JAB), "--hand", "left", "--format", "json").stdout)
    assert stored["n_punches"] == direct["n_punches"] > 0
    assert stored["by_type"] == direct["by_type"]
    assert stored["by_hand"] == direct["by_hand"]
    assert (
        "already imported" in cli("import", str(JAB), "--athlete", "matt", "--hand", "left").stdout
    )
    with drago.Lab(cli.db) as lab:
        originals = list(lab.store.originals.root.iterdir())
    assert len(originals) == 2, "the accelerometer file and its gyroscope twin are kept"


def test_imu_without_overlap_makes_a_session_and_errors_are_one_line(
    cli: Cli, athlete: Callable[..., str]
) -> None:
    athlete("matt")
    cli("import", str(JAB), "--athlete", "matt", "--hand", "left")
    [session] = cli.json("sessions")
    assert session["activity"] == "bag" and "IMU" in session["notes"]
    result = cli("punches", "999", code=2)
    assert "no session 999" in result.stderr
    cli(
        "log",
        "--athlete",
        "matt",
        "--date",
        "2026-01-02",
        "--minutes",
        "30",
        "--rpe",
        "5",
        "--activity",
        "run",
    )
    plain = next(s for s in cli.json("sessions") if s["activity"] == "run")
    assert "no IMU recording" in cli("punches", str(plain["id"]), code=2).stderr


def test_the_dashboard_shows_a_sessions_punches(cli: Cli, athlete: Callable[..., str]) -> None:
    from fastapi.testclient import TestClient

    from drago.web import create_app

    athlete("matt")
    cli("import", str(JAB), "--athlete", "matt", "--hand", "left")
    [session] = cli.json("sessions")
    report = json.loads(cli("punches", str(session["id"]), "--format", "json").stdout)
    client = TestClient(create_app(cli.db))
    answer = client.get(f"/api/sessions/{session['id']}/punches").json()
    assert len(answer["items"]) == report["n_punches"] > 0
    assert {"t_s", "hand", "type", "peak_acc_ms2", "speed_ms", "power_au", "round"} <= set(
        answer["items"][0]
    )
    page = client.get(f"/sessions/{session['id']}").text
    assert "Punches <span" in page and "relative estimates" in page


def test_plot_punches_and_the_tale_of_the_tape(
    cli: Cli, athlete: Callable[..., str], tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from drago.web import create_app

    athlete("matt")
    athlete("rahim")
    cli("import", str(JAB), "--athlete", "matt", "--hand", "left")
    [session] = cli.json("sessions")
    png = tmp_path / "p.png"
    assert "drew 10 punches" in cli("plot", "punches", str(session["id"]), "-o", str(png)).stdout
    assert png.read_bytes()[:4] == b"\x89PNG"
    html = tmp_path / "p.html"
    cli("plot", "punches", str(session["id"]), "-o", str(html))
    assert "Plotly.newPlot" in html.read_text()
    assert "cannot draw '.pdf'" in cli("plot", "punches", "1", "-o", "x.pdf", code=2).stderr
    client = TestClient(create_app(cli.db))
    page = client.get("/compare", params={"a": "matt", "b": "rahim"}).text
    assert "punches a session" in page and "no punches recorded" in page
    assert 'id="punchtrace"' in client.get(f"/sessions/{session['id']}").text
