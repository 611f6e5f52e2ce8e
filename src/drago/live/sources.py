"""Live sources behind one interface: what a sensor sends, stamped on the session's clock.

A source belongs to one athlete and gives either heart-rate readings (`HrReading`: HR and
the RR intervals that came with it) or IMU batches (`ImuBatch`: one hand's samples at a fixed
rate). The session asks every source for what is due at session time `now_s` (`poll`); a
source says when it has ended (`done`, only replays end by themselves).

`ReplayHr` and `ReplayImu` play real recordings (FIT/TCX/GPX with HR and RR; IMU CSV) from
their first sample at the session's start; the session's `speed` makes time run faster.
Live sources (Bluetooth straps in `drago.live.ble`, IMU streams in `drago.live.imu_stream`)
fill the same queues from callbacks.
"""

from __future__ import annotations

import collections
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

from drago.errors import BadInput
from drago.vocab import HANDS

Kind = Literal["hr", "imu"]


@dataclass(frozen=True)
class HrReading:
    """One heart-rate reading at session time `t_s`: `hr_bpm` (None: no contact or no value)
    and the RR intervals (ms) it carried."""

    t_s: float
    hr_bpm: float | None
    rr_ms: tuple[float, ...] = ()


@dataclass(frozen=True)
class ImuBatch:
    """Consecutive samples of one hand: times (s, session clock), acc (n, 3) m/s² with gravity,
    gyro (n, 3) rad/s or None, at `rate_hz`."""

    t_s: np.ndarray
    acc_ms2: np.ndarray
    gyro_rads: np.ndarray | None
    rate_hz: float


Item = HrReading | ImuBatch


class Source(Protocol):
    """What the session needs of a source."""

    @property
    def athlete(self) -> str:
        """The athlete wearing the sensor."""
        ...

    @property
    def kind(self) -> Kind:
        """The kind of readings: hr or imu."""
        ...

    @property
    def hand(self) -> str | None:
        """The hand of an IMU, None for HR."""
        ...

    @property
    def label(self) -> str:
        """What the source is, for the journal (a file name, ble:ADDRESS, udp:PORT)."""
        ...

    def poll(self, now_s: float) -> list[Item]:
        """Everything that arrived (or, for a replay, fell due) up to session time `now_s`."""
        ...

    @property
    def done(self) -> bool:
        """True once the source will give nothing more."""
        ...

    @property
    def start_utc(self) -> datetime | None:
        """The absolute time of the recording's first sample, when a replay knows it."""
        ...


@dataclass
class QueueSource:
    """A live source: callbacks `put` items (from any thread), the session polls them."""

    athlete: str
    kind: Kind
    hand: str | None = None
    label: str = "live"
    _items: collections.deque[Item] = field(default_factory=collections.deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    closed: bool = False

    def put(self, item: Item) -> None:
        with self._lock:
            self._items.append(item)

    def poll(self, now_s: float) -> list[Item]:
        with self._lock:
            items = list(self._items)
            self._items.clear()
        return items

    @property
    def done(self) -> bool:
        return self.closed and not self._items

    @property
    def start_utc(self) -> datetime | None:
        return None


class _Replay:
    """What both replays share: sample times `_t` (s from the start), a cursor `_next` past
    the samples handed out, the duration and the end."""

    _t: np.ndarray
    _next: int

    @property
    def duration_s(self) -> float:
        return float(self._t[-1])

    @property
    def done(self) -> bool:
        return self._next >= self._t.size

    def _due(self, now_s: float) -> tuple[int, int]:
        """The samples due by `now_s` not yet handed out, as (first, end); the cursor moves."""
        end = max(self._next, int(np.searchsorted(self._t, now_s, side="right")))
        first, self._next = self._next, end
        return first, end


class ReplayHr(_Replay):
    """A recording's HR samples (and RR beats) played from its first sample at session time 0.

    Each RR interval rides on the first HR sample at or after the moment its beat ended
    (beats placed from the recording's first sample), as a strap sends them with the
    following HR notification.
    """

    kind: Kind = "hr"
    hand: str | None = None

    def __init__(self, athlete: str, path: str | Path) -> None:
        from drago.ingest import read_file

        rec = read_file(path)
        records = rec.records.filter(rec.records["hr_bpm"].is_not_null()).sort("timestamp")
        if records.height == 0:
            raise BadInput(path, "no heart-rate samples to replay")
        first = records["timestamp"][0]
        t = (records["timestamp"] - first).dt.total_microseconds().to_numpy() / 1e6
        rr = rec.rr_ms if rec.rr_ms is not None else np.zeros(0)
        hr = records["hr_bpm"].to_numpy().astype(np.float64)
        self._setup(athlete, Path(path).name, first, t, hr, rr)

    @classmethod
    def from_arrays(
        cls,
        athlete: str,
        label: str,
        start: datetime,
        t_s: np.ndarray,
        hr_bpm: np.ndarray,
        rr_ms: np.ndarray,
    ) -> ReplayHr:
        """A replay of samples already in memory (a recording resampled, for the bench)."""
        self = cls.__new__(cls)
        self._setup(athlete, label, start, t_s, hr_bpm, rr_ms)
        return self

    def _setup(
        self,
        athlete: str,
        label: str,
        start: datetime,
        t: np.ndarray,
        hr: np.ndarray,
        rr: np.ndarray,
    ) -> None:
        self.athlete = athlete
        self.label = label
        self._start: datetime = start
        self._t = np.asarray(t, dtype=np.float64)
        self._hr = np.asarray(hr, dtype=np.float64)
        ends = np.cumsum(rr) / 1000.0
        owner = np.searchsorted(self._t, ends, side="left")
        self._rr: list[list[float]] = [[] for _ in range(self._t.size)]
        for value, k in zip(rr.tolist(), owner.tolist(), strict=True):
            self._rr[min(k, self._t.size - 1)].append(float(value))
        self._next = 0

    def poll(self, now_s: float) -> list[Item]:
        first, end = self._due(now_s)
        return [
            HrReading(float(self._t[i]), float(self._hr[i]), tuple(self._rr[i]))
            for i in range(first, end)
        ]

    @property
    def start_utc(self) -> datetime | None:
        return self._start


class ReplayImu(_Replay):
    """One hand's IMU recording played from its first sample at session time 0."""

    kind: Kind = "imu"

    def __init__(self, athlete: str, path: str | Path, hand: str | None) -> None:
        from drago.ingest.imu import read_imu

        rec = read_imu(path)
        t = rec.frame["t_s"].to_numpy().astype(np.float64)
        self._setup(
            athlete,
            hand,
            Path(path).name,
            t,
            rec.acc_ms2(),
            rec.gyro_rads(),
            rec.rate_hz,
            rec.start,
        )

    @classmethod
    def from_arrays(
        cls,
        athlete: str,
        hand: str,
        label: str,
        t_s: np.ndarray,
        acc_ms2: np.ndarray,
        gyro_rads: np.ndarray | None,
        rate_hz: float,
    ) -> ReplayImu:
        """A replay of samples already in memory (a recording looped, for the bench)."""
        self = cls.__new__(cls)
        self._setup(athlete, hand, label, t_s, acc_ms2, gyro_rads, rate_hz, None)
        return self

    def _setup(
        self,
        athlete: str,
        hand: str | None,
        label: str,
        t: np.ndarray,
        acc: np.ndarray,
        gyro: np.ndarray | None,
        rate_hz: float,
        start: datetime | None,
    ) -> None:
        self.athlete = athlete
        self.hand = hand
        self.label = label
        self._t = t
        self._acc = acc
        self._gyro = gyro
        self.rate_hz = rate_hz
        self._start = start
        self._next = 0

    def poll(self, now_s: float) -> list[Item]:
        i, end = self._due(now_s)
        if end <= i:
            return []
        gyro = None if self._gyro is None else self._gyro[i:end]
        return [ImuBatch(self._t[i:end], self._acc[i:end], gyro, self.rate_hz)]

    @property
    def start_utc(self) -> datetime | None:
        return self._start


def hand_from_name(path: str | Path) -> str | None:
    """left/right when the file's name says so (MetaWear exports: `Left Jab 10 ...`)."""
    words = Path(path).name.lower().replace("_", " ").replace("-", " ").split()
    found = {w for w in words if w in HANDS}
    return found.pop() if len(found) == 1 else None


def replay_source(athlete: str, path: str | Path, hand: str | None = None) -> Source:
    """The replay of one file: IMU CSVs by content, everything else as an HR recording."""
    from drago.ingest import imu

    path = Path(path)
    try:
        head = path.read_bytes()[:4096]
    except OSError as exc:
        raise BadInput(path, f"cannot read: {exc.strerror or exc}") from exc
    if imu.sniff(head):
        hand = hand or hand_from_name(path)
        if hand not in HANDS:
            raise BadInput(path, "say which hand wears this IMU: --replay NAME:left=FILE")
        return ReplayImu(athlete, path, hand)
    if hand is not None:
        raise BadInput(path, "a hand is given for IMU files only")
    return ReplayHr(athlete, path)
