"""The live session on replays, stepped by hand (no wall clock): the same science as files.

Replay equality: per-round punch counts within one of the file detector's, HR metrics and
Banister TRIMP equal to the file path's, 1-min recovery equal to `rounds_from_template`; the
session stored as an import would store it, idempotently.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
import yaml

from drago.analysis.punches.analyse import punches_analyse
from drago.analysis.punches.rounds import round_of
from drago.analysis.round_hr import rounds_from_template
from drago.analysis.trimp import trimp_banister
from drago.analysis.zones import sample_durations
from drago.ingest import read_file
from drago.ingest.imu import read_imu
from drago.lab import Lab
from drago.live.clock import RoundClock
from drago.live.detectors import HrTracker, Physiology, PunchStream
from drago.live.hub import LiveHub
from drago.live.journal import journal_dir
from drago.live.persist import store_journal
from drago.live.run import athlete_of
from drago.live.session import LiveSession
from drago.live.sources import HrReading, ImuBatch, ReplayHr, replay_source

DATA = Path(__file__).parent / "data"
FIT = DATA / "fit" / "garmin-edge530-indoor-hrv.fit"
PUNCH = DATA / "punch"
MANIFEST: list[dict[str, Any]] = yaml.safe_load((PUNCH / "index.yml").read_text())["files"]
PHONE_MAP = "time=seconds_elapsed,ax=accX,ay=accY,az=accZ,gx=gyrX,gy=gyrY,gz=gyrZ"
LEFT = (
    PUNCH
    / "metawear"
    / "Left Jab 20 Matt Combo RH_2019-11-09T15-00-30.300"
    / ("Left Jab 20 Matt Combo RH_Accelerometer_2019-11-09T15-00-30.300.csv")
)
PHYSIOLOGY = Physiology(hr_rest_bpm=55.0, hr_max_bpm=190.0, sex="m")


@pytest.mark.parametrize("entry", MANIFEST, ids=lambda e: Path(e["file"]).name[:30])
@pytest.mark.parametrize(("chunk", "phase"), [(1, 0.0), (7, 0.37), (50, 0.74)])
def test_streaming_punches_per_round_match_the_file_within_one(
    entry: dict[str, Any], chunk: int, phase: float
) -> None:
    rec = read_imu(
        PUNCH / entry["file"], mapping=PHONE_MAP if entry["format"] == "mapped" else None
    )
    acc, gyro, rate = rec.acc_ms2(), rec.gyro_rads(), rec.rate_hz
    t = rec.frame["t_s"].to_numpy()
    stream = PunchStream("left", "orthodox", rate, phase)
    for i in range(0, t.size, chunk):
        stream.push(
            ImuBatch(
                t[i : i + chunk],
                acc[i : i + chunk],
                None if gyro is None else gyro[i : i + chunk],
                rate,
            )
        )
    stream.finish()
    file = punches_analyse(acc, gyro, rate, hand="left")
    work, rest = 10.0, 5.0  # short rounds: several in each excerpt
    n = int(t[-1] // (work + rest)) + 2
    live_rounds = np.bincount(
        round_of(np.array([p["t_s"] for p in stream.punches]), work_s=work, rest_s=rest),
        minlength=n,
    )[1:]
    file_rounds = np.bincount(
        round_of(file["t_s"].to_numpy(), work_s=work, rest_s=rest), minlength=n
    )[1:]
    assert np.all(np.abs(live_rounds - file_rounds) <= 1), (live_rounds, file_rounds)
    assert abs(len(stream.punches) - file.height) <= 1
    # the same detector: matched punches have the file's class and (nearly) its time
    if file.height and stream.punches:
        live_t = np.array([p["t_s"] for p in stream.punches])
        nearest = np.abs(live_t[:, None] - file["t_s"].to_numpy()[None, :]).min(axis=1)
        assert np.median(nearest) < 0.05


def test_hr_tracker_gives_the_file_trimp_and_recovery() -> None:
    rec = read_file(FIT)
    records = rec.records.filter(pl.col("hr_bpm").is_not_null()).sort("timestamp")
    clock = RoundClock(180.0, 60.0)
    source = ReplayHr("x", FIT)
    tracker = HrTracker(PHYSIOLOGY, clock, records["timestamp"][0])
    for item in source.poll(1e9):
        assert isinstance(item, HrReading)
        tracker.push(item)
    t = (records["timestamp"] - records["timestamp"][0]).dt.total_microseconds().to_numpy() / 1e6
    hr = records["hr_bpm"].to_numpy()
    expected = trimp_banister(hr, sample_durations(t, hr), hr_rest_bpm=55, hr_max_bpm=190, sex="m")
    assert tracker.trimp(final=True) == pytest.approx(expected, rel=1e-9)
    rounds = rounds_from_template(records, 180.0, 60.0)
    by_round = {int(r["round"]): r["hrr_60s_bpm"] for r in rounds.iter_rows(named=True)}
    want = {k: v for k, v in by_round.items() if v is not None}
    got = {k: tracker.rests[k]["hrr_60s_bpm"] for k in want}
    assert len(want) >= 3 and got == pytest.approx(want)
    assert len(tracker.rr_all) == rec.rr.height
    state = tracker.state()
    assert state["rmssd_ms"] is not None and 0 < state["rmssd_ms"] < 300
    assert state["zone"] in range(6) and state["pct_max"] == pytest.approx(100 * hr[-1] / 190, 0.01)


def _session(lab: Lab, name: str, clock: RoundClock, folder: Path) -> tuple[LiveSession, LiveHub]:
    athlete = athlete_of(lab, name)
    sources = [replay_source(athlete.name, FIT), replay_source(athlete.name, LEFT, "left")]
    hub = LiveHub()
    start = {athlete.name: sources[0].start_utc}
    session = LiveSession(
        [athlete],
        sources,
        clock,
        hub,
        start_utc=start,  # type: ignore[arg-type]
        journal_dir=folder,
    )
    return session, hub


def test_a_replayed_session_is_stored_like_an_import_and_only_once(cli: Any, db: Path) -> None:
    cli("athlete", "add", "rocky", "--sex", "m", "--hr-max", "190", "--hr-rest", "55")
    clock = RoundClock(20.0, 10.0)
    with Lab(db) as lab:
        folder = journal_dir(lab.store.path)
        session, hub = _session(lab, "rocky", clock, folder)
    events: list[dict[str, Any]] = []
    queue = hub.subscribe()
    now = 0.0
    while not session.finished:
        session.step(now, 0.0)
        now += 0.5
    session.close()
    while not queue.empty():
        item = queue.get_nowait()
        if item is not None:
            events.append(item)
    assert events and all({"athlete", "t_s", "hr_bpm", "round"} <= set(e) for e in events)
    assert {e["round"] for e in events} >= {0, 1, 2}
    file = cli.json("punches", str(LEFT), "--hand", "left", "--work", "20", "--rest", "10")
    want = {str(r["round"]): r["n_punches"] for r in file["rounds"]}
    got = events[-1]["punches"]["by_round"]
    assert all(abs(got.get(k, 0) - n) <= 1 for k, n in want.items()), (got, want)
    (path,) = folder.glob("*.jsonl")
    with Lab(db) as lab:
        first = store_journal(lab, path)
        again = store_journal(lab, path)
    assert first is not None and again is not None
    assert first.new and not again.new and first.session_id == again.session_id
    stored = cli.json("punches", str(first.session_id), "--work", "20", "--rest", "10")
    assert abs(stored["n_punches"] - file["n_punches"]) <= 1
    rec = read_file(FIT)
    sessions = cli.json("sessions", "--athlete", "rocky")
    row = next(s for s in sessions if s["id"] == first.session_id)
    assert row["activity"] == "sparring"
    assert abs(row["hr_max_bpm"] - rec.records["hr_bpm"].max()) < 1e-9


def test_the_towel_reads_a_falling_output_from_the_live_punches() -> None:
    from drago.live.towel import towel_state

    clock = RoundClock(60.0, 30.0)
    per_round = [30, 30, 30, 12, 6]  # output falls by 60 % then 80 % against rounds 1-3
    punches = [
        {"t_s": k * clock.cycle_s + 1.0 + i, "type": "jab", "power_au": 1.0}
        for k, n in enumerate(per_round)
        for i in range(n)
    ]
    early = towel_state(punches, [], [], clock, 3)
    late = towel_state(punches, [], [], clock, 5)
    assert early is not None and early["risk"] == 0.0 and not early["alert"]
    assert late is not None and late["round"] == 5 and late["risk"] == pytest.approx(0.2)
    assert towel_state(punches, [], [], clock, 0) is None
