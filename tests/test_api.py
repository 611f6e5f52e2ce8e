"""The Python API for notebooks: `drago.read` without a database, `drago.Lab` over a store."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import fitdecode
import polars as pl
import pytest

import drago
from drago.ingest.fit.retime import retime
from drago.recording import RECORD_SCHEMA
from tests.conftest import DATA

HRV_FILE = DATA / "fit" / "garmin-edge530-indoor-hrv.fit"


def test_read_gives_a_recording_without_a_database(tmp_path: Path) -> None:
    recording = drago.read(HRV_FILE)
    assert isinstance(recording, drago.Recording) and recording.format == "fit"
    assert recording.records.schema == pl.Schema(RECORD_SCHEMA)
    [session] = recording.sessions
    assert session.activity == "ride" and session.start.tzinfo is not None
    assert recording.rr_ms is not None and len(recording.rr_ms) > 1000
    assert drago.read(DATA / "gpx" / "garmin-connect-ride-hr-riderx3.gpx").rr_ms is None
    assert not list(tmp_path.iterdir())


def test_read_refuses_with_bad_input() -> None:
    with pytest.raises(drago.BadInput, match="rerun with --recover"):
        drago.read(DATA / "fit" / "bad" / "bad-file-crc.fit")


def test_lab_gives_listings_as_frames(tmp_path: Path) -> None:
    with drago.Lab(tmp_path / "lab.duckdb") as lab:
        lab.athletes.add("drago", sex="m", tz="Europe/Moscow")
        report = lab.sessions.import_paths([HRV_FILE], athlete="drago")
        assert report.count("imported") == 1
        lab.sessions.log(athlete="drago", day=date(2026, 1, 2), minutes=30, rpe=5, activity="bag")
        sessions = lab.sessions.list(athlete="drago")
        assert sessions.height == 2 and sessions.schema["start"] == pl.Datetime("us", "UTC")
        assert lab.athletes.list()["name"].to_list() == ["drago"]


@pytest.mark.parametrize(
    "name", sorted(p.name for p in (Path(drago.__file__).parent / "demo_data").glob("*.fit"))
)
def test_retime_shifts_every_time_and_keeps_the_file_valid(name: str, tmp_path: Path) -> None:
    """The demo's re-timed files are real FIT files: fitdecode checks their CRC independently."""
    original = drago.read(Path(drago.__file__).parent / "demo_data" / name)
    start = datetime(2026, 10, 5, 7, 0, tzinfo=UTC)
    moved = tmp_path / name
    moved.write_bytes(
        retime((Path(drago.__file__).parent / "demo_data" / name).read_bytes(), start)
    )
    shifted = drago.read(moved)
    assert shifted.records.height == original.records.height
    first = shifted.records["timestamp"].min()
    assert isinstance(first, datetime) and abs(first - start) <= timedelta(seconds=16)
    delta = shifted.records["timestamp"] - original.records["timestamp"]
    assert delta.n_unique() == 1
    assert shifted.records["hr_bpm"].equals(original.records["hr_bpm"])
    assert shifted.sessions[0].start - original.sessions[0].start == delta[0]
    with fitdecode.FitReader(
        str(moved), check_crc=fitdecode.CrcCheck.RAISE, error_handling=fitdecode.ErrorHandling.RAISE
    ) as reader:
        n = sum(1 for f in reader if isinstance(f, fitdecode.FitDataMessage) and f.name == "record")
    assert n == original.records.height
