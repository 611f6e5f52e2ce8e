"""The ACWR band is of the ratio it was drawn from (Gabbett 2016: the rolling, coupled 7:28
ratio), wherever it is shown, with that ratio beside it and the source named (issue 16).

The loads: 28 days at 100 then 7 days at 200. On the last day the rolling ratio is 1.6, a
"spike"; the EWMA ratio is 1.34, which the old code banded "caution".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient
from hypothesis import example, given, settings
from hypothesis import strategies as st

from drago.analysis.acwr import acwr, acwr_band
from drago.lab import Lab
from drago.vocab import ACWR_BAND_LABEL, ACWR_BAND_RATIO
from drago.web import create_app
from tests.conftest import Cli

D0 = date(2026, 1, 1)
LOADS = [100.0] * 28 + [200.0] * 7


def daily(loads: list[float]) -> pl.DataFrame:
    days = [D0 + timedelta(i) for i in range(len(loads))]
    return pl.DataFrame({"athlete_id": [1] * len(loads), "date": days, "load": loads})


def test_the_band_is_of_the_rolling_ratio() -> None:
    last = acwr(daily(LOADS)).row(-1, named=True)
    assert last["acwr_rolling"] == pytest.approx(1.6)
    assert last["acwr_ewma"] == pytest.approx(1.339, abs=1e-3)
    assert acwr_band(last["acwr_ewma"]) == "caution"  # what the EWMA ratio would have said
    assert last["acwr_band"] == "spike" and ACWR_BAND_RATIO == "acwr_rolling"


#: Found by hypothesis: the running sum left a rolling ratio of -1e-321, which `acwr_band`
#: refused (loads are non-negative, so the means are clipped at 0).
ROUNDING = [0.0] * 13 + [679.4743581846444, 0.0, 0.0, 1.9037884654876304e-51, 6.06836e-319]
ROUNDING += [0.0] * (28 - len(ROUNDING))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1000, allow_nan=False), min_size=28, max_size=80))
@example(ROUNDING)
def test_every_band_is_the_band_of_its_rolling_ratio(loads: list[float]) -> None:
    out = acwr(daily(loads))
    for ratio, band in out.select("acwr_rolling", "acwr_band").iter_rows():
        assert band == (None if ratio is None else acwr_band(ratio))


def _log(cli: Cli, name: str) -> None:
    """The loads as sessions ending today (the tale of the tape is about today)."""
    for i, load in enumerate(LOADS):  # sRPE = minutes x RPE: 50 min at RPE 2 or 4
        day = (date.today() - timedelta(len(LOADS) - 1 - i)).isoformat()
        rpe = "2" if load == 100.0 else "4"
        cli(
            "log",
            "--athlete",
            name,
            "--date",
            day,
            "--minutes",
            "50",
            "--rpe",
            rpe,
            "--activity",
            "conditioning",
        )


def test_status_and_compare_show_the_rolling_ratio_with_its_band(
    cli: Cli, athlete: Callable[..., str]
) -> None:
    athlete("rocky")
    athlete("apollo")
    _log(cli, "rocky")
    _log(cli, "apollo")
    out = cli("status", "rocky", "--method", "srpe").stdout
    assert f"ACWR ({ACWR_BAND_LABEL}) 1.60: spike" in out and "EWMA 1.34" in out
    [today] = cli.json("status", "rocky", "--method", "srpe")
    assert today["acwr_rolling"] == pytest.approx(1.6) and today["acwr_band"] == "spike"
    tape = cli("compare", "rocky", "apollo", "--format", "csv").stdout
    assert f"1.60 spike ({ACWR_BAND_LABEL})" in tape


def test_the_dashboard_shows_the_band_beside_the_rolling_ratio(drago_home: Path) -> None:
    db = drago_home / "band.duckdb"
    today = date.today()
    with Lab(db) as lab:
        lab.athletes.add("rocky", sex="m")
        for i, load in enumerate(LOADS):
            day = today - timedelta(len(LOADS) - 1 - i)
            lab.sessions.log(
                athlete="rocky", day=day, minutes=50, rpe=load / 50, activity="conditioning"
            )
    with TestClient(create_app(db)) as web:
        for url in ("/", "/athletes/rocky", "/compare?a=rocky&b=rocky"):
            page = web.get(url).text
            assert "1.60 · spike" in page, url
            assert ACWR_BAND_LABEL in page, url
            assert "1.34 · caution" not in page, url
