"""A medical suspension turns readiness red on every day it covers, with or without a morning
check, and only on those days."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl

from drago.analysis.readiness import readiness_series
from drago.lab import Lab

D0 = date(2026, 5, 1)


def test_suspension_overrides_a_green_morning() -> None:
    days = pl.DataFrame(
        {
            "date": [D0, D0 + timedelta(1)],
            "sleep": [1, 1],
            "stress": [1, 1],
            "fatigue": [1, 1],
            "soreness": [1, 1],
            "suspension": [None, "KO in sparring"],
        }
    )
    out = readiness_series(days)
    assert out["verdict"].to_list() == ["green", "red"]
    assert out["reason"][1] == "red: medical suspension (KO in sparring)"


def test_lab_readiness_is_red_through_the_suspension(tmp_path: Path) -> None:
    with Lab(tmp_path / "drago.duckdb") as lab:
        lab.athletes.add("ivan", sex="m", tz="UTC")
        for i in range(10):
            good = {"sleep": 2, "stress": 2, "fatigue": 2, "soreness": 2}
            lab.readiness.log_wellness("ivan", day=D0 + timedelta(i), **good)
        lab.camp.add_suspension("ivan", first_day=D0 + timedelta(3), days=4, reason="knockdown")
        series = lab.readiness.series("ivan")
        by_day = dict(zip(series["date"].to_list(), series["verdict"].to_list(), strict=True))
        assert [by_day[D0 + timedelta(i)] for i in range(10)] == (
            ["green"] * 3 + ["red"] * 4 + ["green"] * 3
        )
        # A suspension running today shows red today, though nobody logged a morning check.
        today = date.today()
        lab.camp.add_suspension("ivan", first_day=today - timedelta(2), days=30, reason="KO")
        latest = lab.readiness.series("ivan").row(-1, named=True)
        assert (latest["date"], latest["verdict"]) == (today, "red")
        assert "medical suspension (KO)" in latest["reason"]
