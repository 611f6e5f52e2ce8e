"""The morning verdict is fixed by the morning's inputs; the "now" view adds the day's training,
clearly apart (issue 16, readiness item 3), through the lab, the CLI, the API and the page.

The history: 21 days at sRPE 200, then 7 days at 286, so the rolling ACWR of the day before is
1.29 (below the 1.3 amber line); a 45-minute bag session at RPE 8 that day lifts the day's own
ratio to 1.31. The morning's fatigue 6/7 makes it amber.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient

from drago.lab import Lab
from drago.lab.readiness_now import NOW_LABEL
from drago.web import create_app
from tests.conftest import Cli

DAY = date(2026, 6, 29)
AMBER = "amber: fatigue 6/7 (drago convention)"


def _history(lab: Lab, name: str, day: date) -> None:
    lab.athletes.add(name, sex="m")
    for back in range(28, 0, -1):
        hard = back <= 7
        lab.sessions.log(
            athlete=name,
            day=day - timedelta(back),
            minutes=52 if hard else 40,
            rpe=5.5 if hard else 5,
            activity="pads",
        )
    lab.readiness.log_wellness(name, day=day, sleep=2, stress=2, fatigue=6, soreness=2)


def _morning(lab: Lab) -> dict[str, object]:
    return lab.readiness.series("rocky", as_of=DAY).filter(pl.col("date") == DAY).row(0, named=True)


def test_amber_in_the_morning_stays_amber_after_a_45_minute_bag_session(db: Path) -> None:
    with Lab(db) as lab:
        _history(lab, "rocky", DAY)
        before = _morning(lab)
        assert (before["verdict"], before["reason"]) == ("amber", AMBER)
        lab.sessions.log(athlete="rocky", day=DAY, minutes=45, rpe=8, activity="bag")
        after = _morning(lab)
        assert (after["verdict"], after["reason"], after["acwr"]) == (
            before["verdict"],
            before["reason"],
            before["acwr"],
        )
        assert after["acwr"] == pytest.approx(1.29, abs=0.005)  # the day before's ratio
        whole = lab.readiness.series("rocky").filter(pl.col("date") == DAY).row(0, named=True)
        assert whole["reason"] == before["reason"]  # the memoised series says the same
        view = lab.gym.readiness_now("rocky", as_of=DAY)
    assert (view.morning_verdict, view.morning_reason) == (before["verdict"], before["reason"])
    assert view.now_verdict == "amber" and view.label == NOW_LABEL
    assert "fatigue 6/7" in view.now_reason and "ACWR 1.31 above 1.3" in view.now_reason
    assert view.acwr_rolling == pytest.approx(1.305, abs=0.001) and view.acwr_band == "caution"
    assert [s.activity for s in view.sessions] == ["bag"]


def test_before_any_training_now_is_the_morning(db: Path) -> None:
    with Lab(db) as lab:
        _history(lab, "rocky", DAY)
        view = lab.gym.readiness_now("rocky", as_of=DAY)
    assert view.now_verdict == view.morning_verdict == "amber"
    assert view.now_reason == "no training logged yet today: as the morning"


def test_the_cli_shows_now_apart_and_keeps_the_readiness_contract(db: Path, cli: Cli) -> None:
    with Lab(db) as lab:
        _history(lab, "rocky", DAY)
        lab.sessions.log(athlete="rocky", day=DAY, minutes=45, rpe=8, activity="bag")
    rows = cli.json("readiness", "rocky", "--as-of", DAY.isoformat())
    assert rows[-1]["verdict"] == "amber" and rows[-1]["reason"] == AMBER
    now = cli.json("readiness", "rocky", "--now", "--as-of", DAY.isoformat())
    assert now["morning"] == {"verdict": "amber", "reason": AMBER}
    assert now["now"]["label"] == NOW_LABEL and "ACWR 1.31" in now["now"]["reason"]
    text = cli("readiness", "rocky", "--now", "--as-of", DAY.isoformat()).stdout
    assert text.index("morning: amber: fatigue 6/7") < text.index(NOW_LABEL)
    assert "bag 45 min at RPE 8" in text


def test_the_api_and_the_athlete_page_show_now_apart(drago_home: Path) -> None:
    db = drago_home / "now.duckdb"
    today = date.today()  # the page shows the athlete's today (UTC here)
    with Lab(db) as lab:
        _history(lab, "rocky", today)
        lab.sessions.log(athlete="rocky", day=today, minutes=45, rpe=8, activity="bag")
    with TestClient(create_app(db)) as web:
        body = web.get(f"/api/athletes/rocky/readiness/now?as_of={today}").json()
        assert body["morning"]["verdict"] == "amber" and body["now"]["label"] == NOW_LABEL
        assert "ACWR 1.31" in body["now"]["reason"] and "ACWR" not in body["morning"]["reason"]
        assert web.get("/api/athletes/rocky/readiness/now?as_of=0202-01-01").status_code == 400
        assert web.get("/api/athletes/nobody/readiness/now").json()["status"] == 404
        page = web.get("/athletes/rocky").text
    morning = page.index("readiness (morning)")
    assert morning < page.index('id="readiness-now"') < page.index(NOW_LABEL.replace("'", "&#39;"))
    assert AMBER in page
