"""Living with the records: corrections, duplicates, teams, export and erasure."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

import duckdb
import polars as pl

import drago
from tests.conftest import DATA, Cli

FIT = DATA / "fit"
RUN = FIT / "garmin-fenix2-run.fit"
MULTISPORT = FIT / "garmin-fr920xt-triathlon-chained.fit"
TCX_NS = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"


def fit_as_tcx(source: Path, target: Path, every: int = 2) -> None:
    """The same workout as a phone would export it: TCX, one point in `every` records."""
    recording = drago.read(source)
    ET.register_namespace("", TCX_NS)
    root = ET.Element(f"{{{TCX_NS}}}TrainingCenterDatabase")
    activity = ET.SubElement(
        ET.SubElement(root, f"{{{TCX_NS}}}Activities"), f"{{{TCX_NS}}}Activity", Sport="Running"
    )
    start = recording.sessions[0].start.strftime("%Y-%m-%dT%H:%M:%SZ")
    ET.SubElement(activity, f"{{{TCX_NS}}}Id").text = start
    lap = ET.SubElement(activity, f"{{{TCX_NS}}}Lap", StartTime=start)
    track = ET.SubElement(lap, f"{{{TCX_NS}}}Track")
    for row in recording.records.gather_every(every).iter_rows(named=True):
        point = ET.SubElement(track, f"{{{TCX_NS}}}Trackpoint")
        ET.SubElement(point, f"{{{TCX_NS}}}Time").text = row["timestamp"].strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        if row["hr_bpm"] is not None:
            hr = ET.SubElement(point, f"{{{TCX_NS}}}HeartRateBpm")
            ET.SubElement(hr, f"{{{TCX_NS}}}Value").text = str(int(row["hr_bpm"]))
    ET.ElementTree(root).write(target, xml_declaration=True, encoding="UTF-8")


def test_rpe_and_corrections_after_the_fact(cli: Cli, athlete: Callable[..., str]) -> None:
    athlete("drago")
    athlete("rocky")
    cli("import", str(RUN), "--athlete", "drago")
    [session] = cli.json("sessions")
    sid = str(session["id"])
    cli("session", "set", sid, "--rpe", "7.5", "--notes", "tempo run", "--activity", "Run")
    [shown] = cli.json("session", "show", sid)
    assert (shown["rpe"], shown["notes"], shown["activity"]) == (7.5, "tempo run", "run")
    cli("session", "set", sid, "--athlete", "rocky")
    assert cli.json("sessions", "--athlete", "drago") == []
    assert cli.json("sessions", "--athlete", "rocky")[0]["id"] == session["id"]
    for args, words in [
        (("--rpe", "12"), "rpe 12 is outside 0-10"),
        (("--activity", "chess"), "unknown activity"),
        (("--athlete", "ivan"), "no athlete ivan"),
    ]:
        result = cli("session", "set", sid, *args, code=2)
        assert words in result.stderr and result.stderr.count("\n") == 1
    assert "no session 999" in cli("session", "show", "999", code=2).stderr


def test_delete_keeps_the_original_while_used(
    cli: Cli, athlete: Callable[..., str], db: Path
) -> None:
    athlete("drago")
    cli("import", str(MULTISPORT), "--athlete", "drago")
    sessions = cli.json("sessions")
    originals = db.parent / "originals"
    assert len(sessions) > 1 and len(list(originals.iterdir())) == 1
    assert "--yes" in cli("session", "delete", str(sessions[0]["id"]), code=2).output
    cli("session", "delete", str(sessions[0]["id"]), "--yes")
    assert len(list(originals.iterdir())) == 1
    for session in sessions[1:]:
        cli("session", "delete", str(session["id"]), "--yes")
    assert cli.json("sessions") == [] and list(originals.iterdir()) == []
    assert "imported 1 files" in cli("import", str(MULTISPORT), "--athlete", "drago").stdout


def test_two_devices_one_workout(cli: Cli, athlete: Callable[..., str], tmp_path: Path) -> None:
    athlete("drago")
    phone = tmp_path / "phone.tcx"
    fit_as_tcx(RUN, phone)
    cli("import", str(phone), "--athlete", "drago")
    cli("import", str(RUN), "--athlete", "drago")
    by_format = {s["source_format"]: s for s in cli.json("sessions")}
    watch, tcx = by_format["fit"], by_format["tcx"]
    assert watch["duplicate_of"] is None and tcx["duplicate_of"] == watch["id"]
    cli("session", "set", str(tcx["id"]), "--primary")
    by_format = {s["source_format"]: s for s in cli.json("sessions")}
    assert by_format["tcx"]["duplicate_of"] is None
    assert by_format["fit"]["duplicate_of"] == tcx["id"]
    cli("session", "delete", str(tcx["id"]), "--yes")
    [left] = cli.json("sessions")
    assert left["id"] == watch["id"] and left["duplicate_of"] is None


def test_sessions_that_do_not_overlap_enough_stay_apart(
    cli: Cli, athlete: Callable[..., str]
) -> None:
    athlete("drago")
    cli("import", str(FIT / "garmin-fenix5-run-short-hrv.fit"), str(RUN), "--athlete", "drago")
    assert all(s["duplicate_of"] is None for s in cli.json("sessions"))


def test_teams(cli: Cli, athlete: Callable[..., str]) -> None:
    cli("team", "add", "Mighty Micks")
    cli("team", "add", "Soviet Union")
    assert "already exists" in cli("team", "add", "mighty micks", code=2).stderr
    athlete("rocky", "--team", "mighty micks")
    athlete("drago", "--team", "Soviet Union")
    athlete("apollo")
    cli("athlete", "set", "apollo", "--team", "Mighty Micks")
    teams = {t["name"]: t for t in cli.json("team", "list")}
    assert teams["Mighty Micks"]["n_athletes"] == 2 and teams["Soviet Union"]["n_athletes"] == 1
    names = [a["name"] for a in cli.json("athlete", "list", "--team", "Mighty Micks")]
    assert names == ["apollo", "rocky"]
    cli(
        "log",
        "--athlete",
        "rocky",
        "--date",
        "2026-01-02",
        "--minutes",
        "30",
        "--rpe",
        "6",
        "--activity",
        "run",
    )
    cli(
        "log",
        "--athlete",
        "drago",
        "--date",
        "2026-01-02",
        "--minutes",
        "30",
        "--rpe",
        "6",
        "--activity",
        "run",
    )
    [session] = cli.json("sessions", "--team", "Mighty Micks")
    assert (session["athlete"], session["team"]) == ("rocky", "Mighty Micks")
    assert "no team Nowhere" in cli("sessions", "--team", "Nowhere", code=2).stderr
    assert "no team x" in cli("athlete", "add", "ivan", "--sex", "m", "--team", "x", code=2).stderr


def test_export_erase_and_reimport(
    cli: Cli, athlete: Callable[..., str], db: Path, tmp_path: Path
) -> None:
    athlete("Ivan Zzyzx-Erasable")
    athlete("rocky")
    cli("import", str(RUN), str(MULTISPORT), "--athlete", "Ivan Zzyzx-Erasable")
    cli("import", str(FIT / "garmin-fenix5-run-short-hrv.fit"), "--athlete", "rocky")
    morning = DATA / "rr" / "hrvlogger_h10_daily" / "ot_m60_RRIntervals.csv"
    cli("import", str(morning), "--athlete", "Ivan Zzyzx-Erasable")
    cli(
        "wellness",
        "Ivan Zzyzx-Erasable",
        "--date",
        "2026-01-03",
        "--sleep",
        "2",
        "--stress",
        "3",
        "--fatigue",
        "2",
        "--soreness",
        "2",
        "--rhr-bpm",
        "47.123",
    )
    cli(
        "log",
        "--athlete",
        "Ivan Zzyzx-Erasable",
        "--date",
        "2026-01-02",
        "--minutes",
        "30",
        "--rpe",
        "6",
        "--activity",
        "bag",
        "--notes",
        "zzyzx private note",
    )
    cli(
        "fight",
        "new",
        "--red",
        "Ivan Zzyzx-Erasable",
        "--blue",
        "Apollo",
        "--date",
        "2026-02-01",
        "--rounds",
        "12",
    )
    cli("weight", "Ivan Zzyzx-Erasable", "--kg", "95.5", "--date", "2026-01-03")
    cli(
        "test",
        "add",
        "Ivan Zzyzx-Erasable",
        "--date",
        "2026-01-03",
        "--test",
        "zzyzx bag",
        "--value",
        "88",
    )
    before = cli.json("sessions", "--athlete", "Ivan Zzyzx-Erasable")
    out = tmp_path / "export"
    cli("athlete", "export", "Ivan Zzyzx-Erasable", "-o", str(out))
    manifest = json.loads((out / "manifest.json").read_text())
    for entry in manifest["files"]:
        data = (out / entry["path"]).read_bytes()
        assert len(data) == entry["bytes"]
        assert drago.store.privacy.sha256_file(out / entry["path"]) == entry["sha256"]
    assert pl.read_parquet(out / "sessions.parquet").height == len(before)
    records = pl.read_parquet(out / "records.parquet").height
    assert records == sum(s["n_records"] for s in before)
    assert len(list((out / "originals").iterdir())) == 3
    assert pl.read_parquet(out / "wellness.parquet").height == 1
    assert pl.read_parquet(out / "fights.parquet").height == 1
    assert pl.read_parquet(out / "body_mass.parquet").height == 1
    assert pl.read_parquet(out / "measurement_rr.parquet").height > 100
    daily = pl.read_parquet(out / "daily_load.parquet")
    assert daily.height > 1 and {"load", "ctl", "atl", "tsb", "acwr_ewma"} <= set(daily.columns)

    result = cli("athlete", "delete", "Ivan Zzyzx-Erasable", "--yes")
    assert "erased athlete" in result.stdout and "3 original files" in result.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        for (table,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall():
            rows = con.execute(f"SELECT * FROM {table}").fetchall()
            assert not any("Zzyzx" in str(row) or "zzyzx" in str(row) for row in rows), table
        assert con.execute("SELECT count(*) FROM sessions").fetchall()[0][0] == 1
    store_bytes = db.read_bytes() + (
        Path(f"{db}.wal").read_bytes() if Path(f"{db}.wal").exists() else b""
    )
    assert b"Zzyzx" not in store_bytes and b"zzyzx private" not in store_bytes
    assert len(list((db.parent / "originals").iterdir())) == 1
    assert len(cli.json("sessions", "--athlete", "rocky")) == 1

    athlete("Ivan Zzyzx-Erasable")
    cli("import", str(out / "originals"), "--athlete", "Ivan Zzyzx-Erasable")
    again = cli.json("sessions", "--athlete", "Ivan Zzyzx-Erasable")
    keys = ("start", "activity", "n_records", "source_sha256", "hr_avg_bpm")
    recorded = [tuple(s[k] for k in keys) for s in before if s["source_sha256"]]
    assert len(cli.json("readiness", "Ivan Zzyzx-Erasable")) == 1
    assert [tuple(s[k] for k in keys) for s in again] == recorded


def test_schema_1_store_opens_and_migrates(tmp_path: Path) -> None:
    fixture = DATA / "stores" / "schema1"
    db = tmp_path / "old" / "drago.duckdb"
    db.parent.mkdir()
    db.write_bytes(gzip.decompress((fixture / "drago.duckdb.gz").read_bytes()))
    shutil.copytree(fixture / "originals", db.parent / "originals")
    cli = Cli(db)
    sessions = cli.json("sessions")
    assert [(s["athlete"], s["activity"]) for s in sessions] == [("Drago", "run"), ("rocky", "run")]
    assert all(s["duplicate_of"] is None and s["team"] is None for s in sessions)
    with drago.Lab(db) as lab:
        assert lab.store.schema_version >= 2
    cli("team", "add", "Soviet Union")
    cli("athlete", "set", "drago", "--team", "Soviet Union")
    assert (
        "already imported"
        in cli("import", str(FIT / "garmin-fenix5-run-short-hrv.fit"), "--athlete", "drago").stdout
    )
