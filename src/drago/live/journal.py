"""The live session's journal: what each athlete's sensors sent, flushed to disk every second.

One JSON-lines file per athlete and session under `live/` beside the store: a header line
(athlete, start, round template), then `hr` lines (t_s, hr_bpm, rr_ms) and `imu` lines (one
hand's batch). Every `FLUSH_S` the buffered lines are written and fsync'ed, so a session
killed mid-way (kill -9, power cut) loses at most the last second; the next `drago live`
stores what the journal holds (`drago.live.persist`). A torn last line is ignored.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import threading
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
        return {
            "kind": "header",
            "version": VERSION,
            "athlete": self.athlete,
            "athlete_id": self.athlete_id,
            "start_utc": self.start_utc.isoformat(),
            "round_s": self.round_s,
            "rest_s": self.rest_s,
            "rounds": self.rounds,
            "activity": self.activity,
            "sources": self.sources,
        }


class Writer:
    """Writes and fsyncs journals in a thread of its own, so the session's event loop never
    waits for the disk (an fsync can take tens of ms on a busy machine)."""

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[TextIO, str] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="drago-journal", daemon=True)
        self._thread.start()

    def submit(self, file: TextIO, text: str) -> None:
        self._queue.put((file, text))

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            file, text = item
            file.write(text)
            file.flush()
            os.fsync(file.fileno())

    def close(self) -> None:
        """Write what is queued, then stop."""
        self._queue.put(None)
        self._thread.join()


class Journal:
    """An athlete's journal being written (lines buffered, flushed by `flush`, by `writer`'s
    thread when given, else at once)."""

    def __init__(self, path: Path, header: Header, writer: Writer | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.writer = writer
        self._file: TextIO = path.open("a", encoding="utf-8")
        self._lines: list[str] = [json.dumps(header.to_json()) + "\n"]
        self.flush()

    def hr(self, reading: HrReading) -> None:
        self._lines.append(
            json.dumps(
                {"kind": "hr", "t": reading.t_s, "hr": reading.hr_bpm, "rr": list(reading.rr_ms)}
            )
            + "\n"
        )

    def imu(self, hand: str, batch: ImuBatch) -> None:
        """One hand's batch: columns t, ax, ay, az[, gx, gy, gz] as little-endian float64,
        row by row, in base64 (JSON numbers would cost ten times the CPU at 100 Hz)."""
        cols = [batch.t_s[:, None], batch.acc_ms2]
        if batch.gyro_rads is not None:
            cols.append(batch.gyro_rads)
        table = np.hstack(cols).astype("<f8")
        payload = base64.b64encode(table.tobytes()).decode("ascii")
        self._lines.append(
            f'{{"kind": "imu", "hand": {json.dumps(hand)}, "rate_hz": {batch.rate_hz!r}, '
            f'"cols": {table.shape[1]}, "f8": "{payload}"}}\n'
        )

    def flush(self) -> None:
        """Hand the buffered lines over to be written and made durable (fsync)."""
        if not self._lines:
            return
        text = "".join(self._lines)
        self._lines.clear()
        if self.writer is not None:
            self.writer.submit(self._file, text)
        else:
            self._file.write(text)
            self._file.flush()
            os.fsync(self._file.fileno())

    def close(self) -> None:
        """Flush; the file is closed once written (by the writer's thread when there is one)."""
        self.flush()
        if self.writer is None:
            self._file.close()

    def close_file(self) -> None:
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
                header = Header(
                    row["athlete"],
                    int(row["athlete_id"]),
                    datetime.fromisoformat(row["start_utc"]),
                    float(row["round_s"]),
                    float(row["rest_s"]),
                    row["rounds"],
                    row["activity"],
                    list(row.get("sources", [])),
                )
            elif kind == "hr":
                t.append(float(row["t"]))
                hr.append(np.nan if row["hr"] is None else float(row["hr"]))
                rr += [float(v) for v in row["rr"]]
            elif kind == "imu":
                part = imu.setdefault(row["hand"], {"rate": row["rate_hz"], "rows": []})
                raw = np.frombuffer(base64.b64decode(row["f8"]), dtype="<f8")
                part["rows"].append(raw.reshape(-1, int(row["cols"])))
    if header is None:
        return None
    hands = {}
    for hand, part in imu.items():
        widths = {r.shape[1] for r in part["rows"]}
        table = (
            np.vstack([r[:, :4] for r in part["rows"]])
            if len(widths) > 1
            else (np.vstack(part["rows"]))
        )
        if table.shape[0] < 2:
            continue
        gyro = table[:, 4:7] if table.shape[1] == 7 else None
        hands[hand] = HandStream(
            float(part["rate"]),
            table[:, 0].copy(),
            table[:, 1:4].copy(),
            None if gyro is None else gyro.copy(),
        )
    return JournalData(
        header,
        np.asarray(t, dtype=np.float64),
        np.asarray(hr, dtype=np.float64),
        np.asarray(rr, dtype=np.float64),
        hands,
    )
