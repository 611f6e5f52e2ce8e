"""Glove and wrist IMU streams over UDP: drago's small live protocol (see docs/live.md).

Each datagram is one JSON object (UTF-8), at most 64 KiB:

    {"v": 1, "rate_hz": 100, "samples": [[t, ax, ay, az, gx, gy, gz], ...]}

- `t`: seconds on the sensor's own clock (any origin, increasing);
- `ax, ay, az`: acceleration in m/s², gravity included (a resting sensor reads ~9.81);
- `gx, gy, gz` (optional, all or none, the same in every sample): angular rate in rad/s;
- `rate_hz`: the sensor's sampling rate (20-1200 Hz), the detector's time base.

A sensor sends batches of e.g. 10 samples (10 datagrams a second at 100 Hz). Each stream
listens on its own UDP port (`--udp NAME:HAND=PORT`). The first sample of the first datagram
is placed at the session time it arrived; later samples keep the sensor's spacing.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

import numpy as np

from drago.errors import BadInput
from drago.live.sources import ImuBatch, Item, Kind, QueueSource

VERSION: Final = 1
MAX_DATAGRAM: Final = 65536
MIN_RATE_HZ: Final = 20.0
MAX_RATE_HZ: Final = 1200.0
#: Accelerations beyond this (m/s², ~100 g) are not a glove's: the datagram is refused.
MAX_ACC_MS2: Final = 1000.0


def parse_datagram(data: bytes) -> tuple[float, np.ndarray, np.ndarray, np.ndarray | None]:
    """(rate_hz, t (n,), acc (n, 3), gyro (n, 3) or None) of one datagram, or BadInput.

    >>> rate, t, acc, gyro = parse_datagram(b'{"v":1,"rate_hz":100,"samples":[[0,0,0,9.8]]}')
    >>> rate, t.tolist(), acc.tolist(), gyro
    (100.0, [0.0], [[0.0, 0.0, 9.8]], None)
    """
    if len(data) > MAX_DATAGRAM:
        raise BadInput(None, "datagram larger than 64 KiB")
    try:
        msg = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadInput(None, f"not a JSON datagram: {exc}") from exc
    if not isinstance(msg, dict) or msg.get("v") != VERSION:
        raise BadInput(None, f'expected a JSON object with "v": {VERSION}')
    rate = msg.get("rate_hz")
    if not isinstance(rate, int | float) or not MIN_RATE_HZ <= rate <= MAX_RATE_HZ:
        raise BadInput(None, "rate_hz must be a number from 20 to 1200")
    samples = msg.get("samples")
    if not isinstance(samples, list) or not samples:
        raise BadInput(None, "samples must be a non-empty list")
    widths = {len(s) if isinstance(s, list) else -1 for s in samples}
    if widths not in ({4}, {7}):
        raise BadInput(None, "each sample is [t, ax, ay, az] or [t, ax, ay, az, gx, gy, gz]")
    try:
        table = np.asarray(samples, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise BadInput(None, "samples must hold numbers only") from exc
    if not np.all(np.isfinite(table)):
        raise BadInput(None, "samples must hold finite numbers")
    if np.any(np.diff(table[:, 0]) <= 0):
        raise BadInput(None, "sample times must increase")
    if np.any(np.abs(table[:, 1:4]) > MAX_ACC_MS2):
        raise BadInput(None, "acceleration beyond 1000 m/s² (units must be m/s²)")
    gyro = table[:, 4:7] if table.shape[1] == 7 else None
    return float(rate), table[:, 0], table[:, 1:4], gyro


@dataclass
class UdpImu:
    """One hand's stream on one UDP port (see the module docstring)."""

    athlete: str
    hand: str | None
    port: int
    host: str = "127.0.0.1"
    monotonic: Callable[[], float] = time.monotonic
    kind: Kind = "imu"
    received: int = 0
    refused: int = 0
    last_error: str | None = None
    _queue: QueueSource = field(init=False)
    _offset: float | None = None
    _t0: float = 0.0
    _transport: asyncio.DatagramTransport | None = None

    def __post_init__(self) -> None:
        self._queue = QueueSource(self.athlete, "imu", self.hand, label=self.label)

    @property
    def label(self) -> str:
        return f"udp:{self.port}"

    def poll(self, now_s: float) -> list[Item]:
        return self._queue.poll(now_s)

    @property
    def done(self) -> bool:
        return self._queue.done

    @property
    def start_utc(self) -> datetime | None:
        return None

    def feed(self, data: bytes) -> None:
        """One datagram: parsed, placed on the session clock and queued (refusals counted)."""
        try:
            rate, t, acc, gyro = parse_datagram(data)
        except BadInput as exc:
            self.refused += 1
            self.last_error = exc.reason
            return
        if self._offset is None:
            self._offset = (self.monotonic() - self._t0) - float(t[0])
        self.received += 1
        self._queue.put(ImuBatch(t + self._offset, acc, gyro, rate))

    async def run(self, t0_monotonic: float) -> None:
        """Listen until `stop()`."""
        self._t0 = t0_monotonic
        loop = asyncio.get_running_loop()
        source = self

        class Protocol(asyncio.DatagramProtocol):
            def datagram_received(self, data: bytes, addr: Any) -> None:
                source.feed(data)

        transport, _ = await loop.create_datagram_endpoint(
            Protocol, local_addr=(self.host, self.port)
        )
        self._transport = transport
        try:
            while not self._queue.closed:
                await asyncio.sleep(0.2)
        finally:
            transport.close()

    def stop(self) -> None:
        self._queue.closed = True
