"""A live session stored as an import of the same data would be.

From an athlete's journal (`drago.live.journal`): the HR samples and RR intervals become a
`Recording` (one session, the rounds as alternating work and rest laps) stored by the import
pipeline (`imports.pipeline.store_decoded`: original kept, one transaction, summaries, duplicates
linked); each hand's IMU samples become drago's generic IMU CSV (`time_ms` epoch, SI units),
imported with `--hand` so they join the HR session as `drago import` would file them. The
original of the HR part is a canonical JSON of the data, so storing the same session twice
is a no-op that finds the first one (idempotent), exactly as importing the same file twice.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from drago.analysis.round_hr import rounds_from_template
from drago.analysis.summary import session_hr_summary
from drago.imports.decoded import Sessions
from drago.imports.pipeline import store_decoded
from drago.lab import Lab
from drago.live.journal import JournalData, read_journal
from drago.recording import LAP_SCHEMA, RECORD_SCHEMA, RR_SCHEMA, Recording, SessionMeta
from drago.store.live import session_of_file

FORMAT = "live"


@dataclass(frozen=True)
class Stored:
    """What storing one athlete's live session did."""

    athlete: str
    session_id: int | None
    new: bool
    hr_samples: int
    rr_intervals: int
    hands: tuple[str, ...]
    duration_s: float


def _hr_frame(data: JournalData) -> pl.DataFrame:
    start = data.header.start_utc.astimezone(UTC)
    stamps = [start + timedelta(microseconds=round(t * 1e6)) for t in data.t_s.tolist()]
    columns: dict[str, object] = {
        "session_index": [0] * len(stamps),
        "timestamp": stamps,
        "hr_bpm": [None if np.isnan(h) else float(h) for h in data.hr_bpm.tolist()],
    }
    frame = pl.DataFrame(columns, schema={k: RECORD_SCHEMA[k] for k in columns})
    return frame.with_columns(
        pl.lit(None, RECORD_SCHEMA[c]).alias(c) for c in RECORD_SCHEMA if c not in columns
    ).select(list(RECORD_SCHEMA))


def _laps(data: JournalData, records: pl.DataFrame, duration_s: float) -> pl.DataFrame:
    """The rounds as laps: work, rest, work..., each with its HR average and peak."""
    h = data.header
    start = h.start_utc.astimezone(UTC)
    rows = []
    cycle = h.round_s + h.rest_s
    k = 0
    while k * cycle < duration_s and (h.rounds is None or k < h.rounds):
        for offset, length, work in ((0.0, h.round_s, True), (h.round_s, h.rest_s, False)):
            lo = k * cycle + offset
            if (
                length <= 0
                or lo >= duration_s
                or (not work and h.rounds is not None and k + 1 >= h.rounds)
            ):
                continue
            rows.append((lo, min(length, duration_s - lo), work))
        k += 1
    out = []
    for i, (lo, length, _) in enumerate(rows):
        stats = rounds_from_template(
            records, length, 0.0, start + timedelta(seconds=lo), rounds=1, hr_window_s=5.0
        )
        avg = stats["hr_avg_bpm"][0] if stats.height else None
        peak = stats["hr_max_bpm"][0] if stats.height else None
        out.append(
            {
                "session_index": 0,
                "lap_index": i,
                "start": start + timedelta(seconds=lo),
                "duration_s": length,
                "distance_m": None,
                "hr_avg_bpm": avg,
                "hr_max_bpm": peak,
            }
        )
    return pl.DataFrame(out, schema=LAP_SCHEMA)


def canonical_bytes(data: JournalData) -> bytes:
    """The HR part of a session as canonical JSON: the original kept for it."""
    h = data.header
    body = {
        "format": "drago-live",
        "version": 1,
        "athlete": h.athlete,
        "start_utc": h.start_utc.astimezone(UTC).isoformat(),
        "activity": h.activity,
        "round_s": h.round_s,
        "rest_s": h.rest_s,
        "rounds": h.rounds,
        "t_s": data.t_s.tolist(),
        "hr_bpm": [None if np.isnan(v) else v for v in data.hr_bpm.tolist()],
        "rr_ms": data.rr_ms.tolist(),
    }
    return json.dumps(body, separators=(",", ":"), allow_nan=False).encode()


def recording_of(data: JournalData) -> Recording:
    """The HR and RR of a journal as the `Recording` an importer would return."""
    h = data.header
    records = _hr_frame(data)
    step = float(np.median(np.diff(data.t_s))) if data.t_s.size > 1 else 0.0
    duration = float(data.t_s[-1] + step) if data.t_s.size else 0.0
    meta = SessionMeta(
        index=0,
        start=h.start_utc.astimezone(UTC),
        duration_s=duration,
        activity=h.activity,
        sport="boxing",
        timer_s=duration,
        device="drago live",
    )
    rr = pl.DataFrame(
        {"session_index": [0] * data.rr_ms.size, "rr_ms": data.rr_ms}, schema=RR_SCHEMA
    )
    return Recording(
        FORMAT, [meta], records, _laps(data, records, duration), rr, device="drago live"
    )


def imu_csv(data: JournalData, hand: str) -> bytes:
    """One hand's samples as drago's generic IMU CSV (epoch ms, m/s², rad/s)."""
    stream = data.hands[hand]
    epoch_ms = data.header.start_utc.timestamp() * 1000.0 + stream.t_s * 1000.0
    cols = ["time_ms", "ax_ms2", "ay_ms2", "az_ms2"]
    values = [epoch_ms[:, None], stream.acc_ms2]
    if stream.gyro_rads is not None:
        cols += ["gx_rads", "gy_rads", "gz_rads"]
        values.append(stream.gyro_rads)
    table = np.hstack(values)
    lines = [",".join(cols)] + [",".join(repr(float(v)) for v in row) for row in table]
    return ("\n".join(lines) + "\n").encode()


def store_journal(lab: Lab, path: Path) -> Stored | None:
    """Store one journal's session (None for a journal without data); idempotent."""
    data = read_journal(path)
    if data is None:
        return None
    name = data.header.athlete
    session_id: int | None = None
    new = False
    valid = data.t_s.size > 0 and bool(np.any(np.isfinite(data.hr_bpm)))
    if valid:
        recording = recording_of(data)
        payload = canonical_bytes(data)
        sha = hashlib.sha256(payload).hexdigest()
        summary = session_hr_summary(recording.records)
        summaries = {row["session_index"]: row for row in summary.iter_rows(named=True)}
        stamp = data.header.start_utc.astimezone(UTC).strftime("%Y%m%dT%H%M%S")
        decoded = Sessions(Path(f"live-{name}-{stamp}.json"), sha, payload, recording, summaries)
        outcome = store_decoded(lab.store, data.header.athlete_id, decoded)
        if outcome.status == "failed":
            from drago.errors import BadInput

            raise BadInput(path, outcome.reason or "could not store the live session")
        new = outcome.status == "imported"
        session_id = (
            outcome.session_ids[0] if outcome.session_ids else session_of_file(lab.store, sha)
        )
        if new and session_id is not None:
            lab.load.recompute(session_ids=[session_id])
    with tempfile.TemporaryDirectory(prefix="drago-live-") as tmp:
        for hand in sorted(data.hands):
            body = imu_csv(data, hand)
            sha = hashlib.sha256(body).hexdigest()
            csv = Path(tmp) / f"live-{name}-{hand}-{sha[:12]}.csv"
            csv.write_bytes(body)
            report = lab.sessions.import_paths([csv], athlete=name, hand=hand, workers=1)
            outcome = report.outcomes[0]
            if outcome.status == "failed":
                from drago.errors import BadInput

                raise BadInput(path, f"{hand} IMU: {outcome.reason}")
            new = new or outcome.status == "imported"
            if session_id is None:
                session_id = (
                    outcome.session_ids[0]
                    if outcome.session_ids
                    else session_of_file(lab.store, sha)
                )
    duration = (
        float(data.t_s[-1])
        if data.t_s.size
        else max((float(s.t_s[-1]) for s in data.hands.values()), default=0.0)
    )
    return Stored(
        name,
        session_id,
        new,
        int(data.t_s.size),
        int(data.rr_ms.size),
        tuple(sorted(data.hands)),
        duration,
    )


def recover(lab: Lab, folder: Path) -> list[Stored]:
    """Store every journal left in `folder` (a session killed mid-way) and remove it."""
    out = []
    for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else []:
        stored = store_journal(lab, path)
        if stored is not None:
            out.append(stored)
        path.unlink()
    return out


def now_utc() -> datetime:
    return datetime.now(UTC)
