"""The live session's journal: what each athlete's sensors sent, flushed to disk every second.

One JSON-lines file per athlete and session under `live/` beside the store: a header line
(athlete, start, round template), then `hr` lines (t_s, hr_bpm, rr_ms) and `imu` lines (one
hand's batch). Every `FLUSH_S` the buffered lines are written and fsync'ed, so a session
killed mid-way (kill -9, power cut) loses at most the last second; the next `drago live`
stores what the journal holds (`drago.live.persist`). A torn last line is ignored.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final, TextIO

import numpy as np

from drago.live.sources import HrReading, ImuBatch

FLUSH_S: Final = 1.0
VERSION: Final = 1


def journal_dir(db_path: Path) -> Path:
    """Where the journals of the store at `db_path` live."""
    return db_path.parent / "live"


@dataclass
class Header:
    """What a journal says about its session."""

    athlete: str
    athlete_id: int
    start_utc: datetime
    round_s: float
    rest_s: float
    rounds: int | None
    activity: str
    sources: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"kind": "header", "version": VERSION, "athlete": self.athlete,
                "athlete_id": self.athlete_id, "start_utc": self.start_utc.isoformat(),
                "round_s": self.round_s, "rest_s": self.rest_s, "rounds": self.rounds,
                "activity": self.activity, "sources": self.sources}  # fmt: skip


class Journal:
    """An athlete's journal being written (lines buffered, flushed by `flush`)."""

    def __init__(self, path: Path, header: Header) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._file: TextIO = path.open("a", encoding="utf-8")
        self._lines: list[str] = [json.dumps(header.to_json()) + "\n"]
        self.flush()

    def hr(self, reading: HrReading) -> None:
        self._lines.append(json.dumps(
            {"kind": "hr", "t": reading.t_s, "hr": reading.hr_bpm, "rr": list(reading.rr_ms)}
        ) + "\n")  # fmt: skip

    def imu(self, hand: str, batch: ImuBatch) -> None:
        gyro = None if batch.gyro_rads is None else batch.gyro_rads.tolist()
        self._lines.append(json.dumps(
            {"kind": "imu", "hand": hand, "rate_hz": batch.rate_hz, "t": batch.t_s.tolist(),
             "acc": batch.acc_ms2.tolist(), "gyro": gyro}
        ) + "\n")  # fmt: skip

    def flush(self) -> None:
        """Write the buffered lines and make them durable."""
        if not self._lines:
            return
        self._file.write("".join(self._lines))
        self._lines.clear()
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        self.flush()
        self._file.close()


@dataclass
class HandStream:
    """One hand's IMU samples read back from a journal."""

    rate_hz: float
    t_s: np.ndarray
    acc_ms2: np.ndarray
    gyro_rads: np.ndarray | None


@dataclass
class JournalData:
    """A journal read back: its header, HR samples, RR intervals and IMU per hand."""

    header: Header
    t_s: np.ndarray
    hr_bpm: np.ndarray
    rr_ms: np.ndarray
    hands: dict[str, HandStream]


def read_journal(path: Path) -> JournalData | None:
    """A journal's content (None when it holds no header); a torn last line is skipped."""
    header: Header | None = None
    t: list[float] = []
    hr: list[float] = []
    rr: list[float] = []
    imu: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue  # torn by a crash mid-write
            kind = row.get("kind")
            if kind == "header":
                header = Header(row["athlete"], int(row["athlete_id"]),
                                datetime.fromisoformat(row["start_utc"]), float(row["round_s"]),
                                float(row["rest_s"]), row["rounds"], row["activity"],
                                list(row.get("sources", [])))  # fmt: skip
            elif kind == "hr":
                t.append(float(row["t"]))
                hr.append(np.nan if row["hr"] is None else float(row["hr"]))
                rr += [float(v) for v in row["rr"]]
            elif kind == "imu":
                part = imu.setdefault(row["hand"], {"rate": row["rate_hz"], "t": [], "acc": [],
                                                    "gyro": []})  # fmt: skip
                part["t"] += row["t"]
                part["acc"] += row["acc"]
                if row["gyro"] is not None:
                    part["gyro"] += row["gyro"]
    if header is None:
        return None
    hands = {}
    for hand, part in imu.items():
        if len(part["t"]) < 2:
            continue
        gyro = np.asarray(part["gyro"], dtype=np.float64).reshape(-1, 3)
        hands[hand] = HandStream(
            float(part["rate"]),
            np.asarray(part["t"], dtype=np.float64),
            np.asarray(part["acc"], dtype=np.float64).reshape(-1, 3),
            gyro if gyro.shape[0] == len(part["t"]) else None,
        )
    return JournalData(header, np.asarray(t, dtype=np.float64), np.asarray(hr, dtype=np.float64),
                       np.asarray(rr, dtype=np.float64), hands)  # fmt: skip
