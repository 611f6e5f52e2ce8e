"""The lake: synthetic federation, export round trip, incremental writes, the local engine
against the store's own numbers, attach and the listings. Engines: tests/test_lake_engines.py."""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from drago.lab import Lab
from drago.lake import compute, synth
from drago.lake.apply import Step, union_rows
from drago.store.lake_files import (
    TABLES,
    export_tables,
    read_athletes,
    read_manifest,
    read_results,
    read_table,
)
from tests.conftest import DATA, Cli, Stores

MORNINGS = sorted((DATA / "rr" / "hrvlogger_h10_daily").glob("*_RRIntervals.csv"))[:8]
FIT = DATA / "fit" / "garmin-edge530-road-hrv.fit"
NAME = "Ana María"  # a space and an accent: the partition key must carry any name
AS_OF = "2023-03-31"


@pytest.fixture(scope="module")
def small_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lake") / "fed"
    synth(root, athletes=4, years=0.5, seed=3)
    return root


def test_synthetic_lake_is_stated_synthetic_and_follows_the_schema(small_lake: Path) -> None:
    manifest = read_manifest(small_lake)
    assert manifest["synthetic"] is True and "synth" in manifest["source"]
    assert manifest["athletes"] == 4
    for table in ("sessions", "wellness", "rr_measurements"):
        frame = read_table(small_lake, table)
        assert list(frame.columns) == list(TABLES[table])
        assert frame.height == manifest["tables"][table]["rows"] > 0
        parts = manifest["tables"][table]["partitions"]
        assert all(p.startswith(f"{table}/athlete=Synthetic%20") for p in parts)
        assert len(parts) == 4  # one file per athlete and table
    sessions = read_table(small_lake, "sessions")
    assert set(sessions["activity"].unique()) <= {
        "bag",
        "pads",
        "sparring",
        "run",
        "strength",
        "conditioning",
        "ride",
    }
    # HR-based and RPE-based loads both occur, alone and together
    hr, rpe = sessions["trimp_banister"].is_not_null(), sessions["srpe_load"].is_not_null()
    assert (hr & ~rpe).any() and (~hr & rpe).any() and (hr & rpe).any()
    ln = read_table(small_lake, "rr_measurements").sort("athlete", "date")
    step = ln.group_by("athlete").agg(pl.col("ln_rmssd").diff().abs().median())
    assert step["ln_rmssd"].is_between(0.02, 0.3).all()  # plausible day-to-day change


def test_synth_is_deterministic_and_incremental(small_lake: Path, tmp_path: Path) -> None:
    again = synth(small_lake, athletes=4, years=0.5, seed=3)
    assert again.written == 0 and again.unchanged > 0
    other = synth(tmp_path / "other", athletes=4, years=0.5, seed=3)
    for table in ("sessions", "rr_measurements"):
        assert_frame_equal(read_table(small_lake, table), read_table(tmp_path / "other", table))
    assert other.written == again.unchanged


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_an_athletes_numbers_do_not_depend_on_row_order(small_lake: Path, seed: int) -> None:
    tables = {t: read_table(small_lake, t, ["Synthetic 0002"]) for t in TABLES if t != "athletes"}
    rows = union_rows(tables)
    step = Step({"Synthetic 0002": "Asia/Tokyo"})
    assert_frame_equal(
        step.polars(rows), step.polars(rows.sample(fraction=1.0, seed=seed, shuffle=True))
    )


def build_store(path: Path) -> None:
    """A store with one athlete: a FIT ride with HR, hand-logged sessions, mornings, wellness
    (and rocky with one session)."""
    cli = Cli(path)
    cli(
        "athlete",
        "add",
        NAME,
        "--sex",
        "f",
        "--tz",
        "America/New_York",
        "--hr-max",
        "190",
        "--hr-rest",
        "50",
    )
    cli("athlete", "add", "rocky", "--sex", "m", "--tz", "Europe/Berlin")
    cli("import", str(FIT), "--athlete", NAME)
    folder = path.parent / "mornings"
    folder.mkdir()
    for path in MORNINGS:
        shutil.copy(path, folder / path.name)
    cli("import", str(folder), "--athlete", NAME)
    for day in range(1, 60, 2):
        when = date.fromordinal(date(2023, 1, 20).toordinal() + day).isoformat()
        cli(
            "log",
            "--athlete",
            NAME,
            "--date",
            when,
            "--minutes",
            str(30 + day),
            "--rpe",
            str(3 + day % 6),
            "--activity",
            "bag",
            "--time",
            "23:30",
        )
        if day % 3 == 0:
            cli(
                "wellness",
                NAME,
                "--date",
                when,
                "--sleep",
                "2",
                "--stress",
                str(1 + day % 5),
                "--fatigue",
                "3",
                "--soreness",
                "2",
            )
    cli(
        "log",
        "--athlete",
        "rocky",
        "--date",
        "2023-02-01",
        "--minutes",
        "60",
        "--rpe",
        "6",
        "--activity",
        "run",
    )


@pytest.fixture
def store(stores: Stores, db: Path) -> Path:
    """`build_store`'s store, built once per session and copied to `db` for each test."""
    return stores.copy("lake", build_store, db)


def test_export_round_trips_sessions_and_daily_inputs(store: Path, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    with Lab(store) as lab:
        done = lab.lake.export(lake)
        tables = export_tables(lab.store)
    assert done.written > 0 and read_manifest(lake)["synthetic"] is False
    assert read_athletes(lake)["athlete"].to_list() == [NAME, "rocky"]
    keys = {
        "sessions": ["athlete", "session_id"],
        "wellness": ["athlete", "date"],
        "rr_measurements": ["athlete", "id"],
    }
    for table, key in keys.items():
        expected = tables[table].select(list(TABLES[table])).sort(key)
        got = read_table(lake, table).sort(key)
        assert got.height == expected.height > 0
        assert_frame_equal(got, expected, check_dtypes=False)


def test_export_again_writes_only_what_changed(store: Path, cli: Cli, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    first = cli("lake", "export", "--to", str(lake)).stdout
    assert "0 unchanged" in first
    assert "0 partitions written" in cli("lake", "export", "--to", str(lake)).stdout
    cli(
        "log",
        "--athlete",
        "rocky",
        "--date",
        "2023-02-03",
        "--minutes",
        "30",
        "--rpe",
        "4",
        "--activity",
        "pads",
    )
    again = cli("lake", "export", "--to", str(lake), "--athlete", "rocky").stdout
    assert "1 partitions written" in again  # rocky's February sessions, nothing else
    assert read_table(lake, "sessions", ["rocky"]).height == 2
    assert read_table(lake, "sessions", [NAME]).height > 30  # the other athlete kept


def test_lake_numbers_equal_the_store_cli(store: Path, cli: Cli, tmp_path: Path) -> None:
    lake, out = tmp_path / "lake", tmp_path / "out"
    cli("lake", "export", "--to", str(lake))
    cli("lake", "compute", str(lake), "--engine", "local", "--out", str(out), "--as-of", AS_OF)
    daily = read_results(out, [NAME])
    load = pl.DataFrame(cli.json("load", NAME, "--as-of", AS_OF))
    assert load.height > 100
    mine = daily.filter(pl.col("load").is_not_null())
    assert mine["date"].cast(pl.String).to_list() == load["date"].to_list()
    for column in ("load", "ctl", "atl", "tsb", "acwr_ewma", "acwr_rolling", "monotony"):
        _close(mine[column].to_list(), load[column].to_list())
    ready = cli.json("readiness", NAME, "--as-of", AS_OF)
    assert len(ready) >= 8
    by_day = {str(r["date"]): r for r in daily.to_dicts()}
    for row in ready:
        lake_row = by_day[row["date"]]
        assert (lake_row["verdict"], lake_row["reason"]) == (row["verdict"], row["reason"]), row
        _close(
            [lake_row["ln_rmssd_7d"], lake_row["normal_low"]],
            [row["ln_rmssd_7d"], row["normal_low"]],
        )


def test_store_readiness_equals_the_loop_it_replaced(store: Path) -> None:
    """Real mornings (H10 RR files) through the store: the vectorised readiness equals the
    per-morning loop it replaced (tests/readiness_reference.py) to 1e-9, reasons included."""
    from tests.readiness_reference import readiness_series_loop

    with Lab(store) as lab:
        series = lab.readiness.series(NAME, as_of=date.fromisoformat(AS_OF))
    inputs = series.select(
        "date",
        "ln_rmssd",
        "reliable",
        "rhr_bpm",
        "sleep",
        "stress",
        "fatigue",
        "soreness",
        "mood",
        "acwr",
    )
    assert series.height >= 8 and series["ln_rmssd"].drop_nulls().len() >= 8
    expected = readiness_series_loop(inputs).select(series.columns)
    assert_frame_equal(series, expected, rel_tol=1e-9, abs_tol=1e-9)


def _close(got: list[float | None], expected: list[float | None]) -> None:
    assert len(got) == len(expected)
    for a, b in zip(got, expected, strict=True):
        assert (a is None) == (b is None), (a, b)
        if a is not None and b is not None:
            assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (a, b)


def test_attach_lists_lake_athletes(small_lake: Path, cli: Cli, tmp_path: Path) -> None:
    assert "no lake attached" in cli("lake", "overview", code=2).stderr
    out = tmp_path / "results"
    compute(small_lake, engine="local", out=out)
    assert "attached" in cli("lake", "attach", str(out)).stdout
    overview = cli.json("lake", "overview")
    assert [r["athlete"] for r in overview] == [f"Synthetic {k:04d}" for k in range(1, 5)]
    last = read_results(out, ["Synthetic 0001"]).row(-1, named=True)
    assert overview[0]["ctl"] == pytest.approx(last["ctl"])
    series = cli.json("load", "Synthetic 0001")  # a lake athlete, unknown to the store
    assert series[-1]["ctl"] == pytest.approx(last["ctl"])
    status = cli("status", "Synthetic 0001").stdout
    assert f"{last['ctl']:.1f}" in status or f"{last['ctl']:.0f}" in status
    assert "no athlete named" in cli("load", "Nobody", code=2).stderr
    assert "detached" in cli("lake", "detach").stdout
    assert "no athlete Synthetic 0001" in cli("load", "Synthetic 0001", code=2).stderr


def test_bad_lakes_get_one_line_errors(cli: Cli, tmp_path: Path) -> None:
    missing = cli("lake", "compute", str(tmp_path / "nope"), code=1).stderr
    assert "nope: no such directory" in missing
    assert (
        "not a drago lake: no manifest.json" in cli("lake", "compute", str(tmp_path), code=1).stderr
    )
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "other"}))
    assert "expected 'drago-lake'" in cli("lake", "compute", str(tmp_path), code=1).stderr
    assert "not a drago lake" in cli("lake", "attach", str(tmp_path / "nope2"), code=1).stderr
    assert "unknown engine" in str(_raises(lambda: compute(tmp_path, engine="ray")))


def _raises(call: Callable[[], object]) -> Exception:
    try:
        call()
    except Exception as exc:
        return exc
    raise AssertionError("no error raised")


def test_dashboard_federation_page_reads_the_attached_lake(small_lake: Path, db: Path) -> None:
    from fastapi.testclient import TestClient

    from drago.web import create_app

    out = small_lake.parent / "results-web"
    compute(small_lake, engine="local", out=out)
    with TestClient(create_app(db)) as client:
        assert "no lake attached" in client.get("/federation").text
        assert client.get("/api/federation").json()["ok"] is False
        with Lab(db) as lab:
            lab.lake.attach(out)
        items = client.get("/api/federation").json()["items"]
        assert [i["athlete"] for i in items] == [f"Synthetic {k:04d}" for k in range(1, 5)]
        last = read_results(out, ["Synthetic 0004"]).row(-1, named=True)
        assert items[3]["tsb"] == pytest.approx(last["tsb"]) and items[3]["date"] == str(
            last["date"]
        )
        page = client.get("/federation").text
        assert "Synthetic 0004" in page and f"{last['ctl']:.1f}" in page


def test_the_lake_schema_is_documented() -> None:
    from drago.store.lake_files import schema_reference

    doc = (Path(__file__).parents[1] / "docs" / "lake.md").read_text(encoding="utf-8")
    assert schema_reference() in doc, "regenerate the tables in docs/lake.md"
