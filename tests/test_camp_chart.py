"""`drago plot camp` and the frame behind it: done load is the athlete's own daily load, the
plan after today is the re-planned one, and the curve ends on the fight-day prediction that
`camp status` prints."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

import drago
from tests.conftest import Cli, Stores, copy_store
from tests.test_camp_cli import CAMP_START, FIGHT, trained  # noqa: F401  (fixture)

AS_OF = date(2026, 9, 20)


def _build_camp(db: Path, source: Path) -> None:
    """The trained store with rocky's fight, three camp sessions and two weigh-ins."""
    copy_store(source, db)
    cli = Cli(db)
    cli(
        "fight",
        "new",
        "--red",
        "rocky",
        "--blue",
        "Apollo Creed",
        "--date",
        FIGHT.isoformat(),
        "--rounds",
        "12",
    )
    for day in ("2026-09-12", "2026-09-14", "2026-09-16"):
        cli(
            "log",
            "--athlete",
            "rocky",
            "--date",
            day,
            "--minutes",
            "60",
            "--rpe",
            "7",
            "--activity",
            "pads",
        )
    cli("weight", "rocky", "--kg", "71.0", "--date", "2026-09-10")
    cli("weight", "rocky", "--kg", "70.6", "--date", "2026-09-18")


@pytest.fixture
def camp_lab(stores: Stores, trained: Path, db: Path) -> Cli:  # noqa: F811
    """`_build_camp`'s store, built once per session and copied to `db` for each test."""
    return Cli(stores.copy("camp_chart", lambda path: _build_camp(path, trained), db))


def test_camp_chart_frame_follows_the_lab(camp_lab: Cli) -> None:
    with drago.Lab(camp_lab.db) as lab:
        days = lab.camp.chart("rocky", as_of=AS_OF)
        status = lab.camp.status("rocky", as_of=AS_OF)
        load = lab.load.series("rocky", until=AS_OF).select("date", "load")
        replan = lab.camp.plan("rocky", fight_date=FIGHT, until=AS_OF)
        before = lab.camp.plan("rocky", fight_date=FIGHT, until=CAMP_START - timedelta(1))
    assert days["date"][0] == CAMP_START and days["date"][-1] == FIGHT
    assert days["date"].is_unique().all() and days.height == (FIGHT - CAMP_START).days + 1
    done = days.filter(pl.col("date") <= AS_OF).join(load, on="date")
    assert done["done_load"].to_list() == pytest.approx(done["load"].to_list())
    assert days.filter(pl.col("date") > AS_OF)["done_load"].null_count() == FIGHT.toordinal() - (
        AS_OF.toordinal()
    )
    ahead = days.filter((pl.col("date") > AS_OF) & (pl.col("date") < FIGHT))
    expected = replan.plan.days.filter(pl.col("date") > AS_OF)["target_load"]
    assert ahead["replanned_load"].to_list() == pytest.approx(expected.to_list())
    planned = days.join(before.plan.days, on="date")
    assert planned["planned_load"].to_list() == pytest.approx(planned["target_load"].to_list())
    assert days["predicted_performance"][-1] == pytest.approx(status.predicted_fight_day)
    assert days.filter(pl.col("date") == date(2026, 9, 18))["kg"][0] == 70.6
    assert days["planned_kg"].drop_nulls().len() > 0


@pytest.mark.parametrize("suffix", [".png", ".svg", ".html"])
def test_plot_camp_writes_each_format(camp_lab: Cli, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"camp{suffix}"
    result = camp_lab("plot", "camp", "rocky", "--as-of", AS_OF.isoformat(), "-o", str(out))
    assert f"to {FIGHT}" in result.stdout
    head = out.read_bytes()[:200]
    marker = {".png": b"\x89PNG", ".svg": b"<svg", ".html": b"<!DOCTYPE html>"}[suffix]
    assert marker in head or marker in out.read_bytes()[:2000]


def test_plot_camp_errors_are_one_line(camp_lab: Cli, tmp_path: Path) -> None:
    bad = camp_lab("plot", "camp", "rocky", "-o", str(tmp_path / "camp.pdf"), code=2).stderr
    assert bad.count("\n") == 1 and "use .png, .svg or .html" in bad
    late = camp_lab(
        "plot", "camp", "rocky", "--as-of", "2026-12-01", "-o", str(tmp_path / "c.png"), code=2
    ).stderr
    assert late.count("\n") == 1 and "no fight ahead" in late
