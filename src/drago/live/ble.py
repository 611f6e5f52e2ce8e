"""Bluetooth LE heart-rate straps through `bleak`: several at once, reconnected after a drop.

Each strap is a `BleHeartRate` source: `run(t0)` connects (by address), subscribes to the
Heart Rate Measurement characteristic (0x2A37) of the Heart Rate service (0x180D), and
turns every notification into an `HrReading` (`drago.live.hrm.decode_hrm`) stamped with the
session time it arrived. A dropped connection (the strap out of range, its battery) is
retried with a growing pause (1, 2, 4... up to `MAX_BACKOFF_S`) until the session ends; the
gap shows as missing samples, as in a file. A reading without skin contact carries no HR.

`bleak` is imported only when a strap is used (`pip install 'drago[live]'`); tests pass a
fake `client_factory`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Protocol

from drago.errors import BadInput, UsageError
from drago.live.hrm import HR_MEASUREMENT_UUID, decode_hrm
from drago.live.sources import HrReading, Item, Kind, QueueSource

MAX_BACKOFF_S: Final = 10.0
CONNECT_TIMEOUT_S: Final = 15.0


def _setter(event: asyncio.Event) -> Callable[[Any], None]:
    """A disconnect callback (bleak may call it from another thread) that sets `event`."""
    loop = asyncio.get_running_loop()

    def on_disconnect(_client: Any) -> None:
        loop.call_soon_threadsafe(event.set)

    return on_disconnect


class Client(Protocol):
    """The part of `bleak.BleakClient` drago uses."""

    async def connect(self) -> Any: ...

    async def start_notify(
        self, char: str, callback: Callable[[Any, bytearray], None], /
    ) -> Any: ...

    async def disconnect(self) -> Any: ...


ClientFactory = Callable[[str, Callable[[Any], None]], Client]


def bleak_client(address: str, on_disconnect: Callable[[Any], None]) -> Client:
    """A real `bleak.BleakClient` (imported here: only live Bluetooth sessions need it)."""
    try:
        from bleak import BleakClient
    except ImportError as exc:
        raise UsageError("Bluetooth straps need bleak: pip install 'drago[live]'") from exc
    client: Client = BleakClient(
        address, disconnected_callback=on_disconnect, timeout=CONNECT_TIMEOUT_S
    )
    return client


@dataclass
class BleHeartRate:
    """One strap worn by `athlete` (see the module docstring)."""

    athlete: str
    address: str
    client_factory: ClientFactory = bleak_client
    monotonic: Callable[[], float] = time.monotonic
    #: Seconds of the first pause before a reconnect (doubled per failure, capped).
    first_backoff_s: float = 1.0
    kind: Kind = "hr"
    hand: str | None = None
    connects: int = 0
    drops: int = 0
    bad: int = 0
    status: str = "idle"
    _queue: QueueSource = field(init=False)
    _t0: float = 0.0
    _stopped: bool = False

    def __post_init__(self) -> None:
        self._queue = QueueSource(self.athlete, "hr", label=self.label)

    @property
    def label(self) -> str:
        return f"ble:{self.address}"

    def poll(self, now_s: float) -> list[Item]:
        return self._queue.poll(now_s)

    @property
    def done(self) -> bool:
        return self._stopped and self._queue.done

    @property
    def start_utc(self) -> datetime | None:
        return None

    def stop(self) -> None:
        self._stopped = True
        self._queue.closed = True

    def on_notify(self, _sender: Any, data: bytearray) -> None:
        """A notification: decoded and queued at the session time it arrived."""
        try:
            m = decode_hrm(data)
        except BadInput:
            self.bad += 1
            return
        hr = None if m.contact is False or m.hr_bpm == 0 else float(m.hr_bpm)
        self._queue.put(HrReading(self.monotonic() - self._t0, hr, m.rr_ms))

    async def run(self, t0_monotonic: float) -> None:
        """Connect, listen, and reconnect after drops until `stop()`."""
        self._t0 = t0_monotonic
        backoff = self.first_backoff_s
        while not self._stopped:
            lost = asyncio.Event()
            client = self.client_factory(self.address, _setter(lost))
            try:
                self.status = "connecting"
                await client.connect()
                await client.start_notify(HR_MEASUREMENT_UUID, self.on_notify)
            except Exception:  # bleak raises BleakError, TimeoutError, OSError...
                self.status = "reconnecting"
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)
                continue
            self.connects += 1
            self.status = "connected"
            backoff = self.first_backoff_s
            while not self._stopped and not lost.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(lost.wait(), 0.05)
            if self._stopped:
                with contextlib.suppress(Exception):
                    await client.disconnect()
                break
            self.drops += 1
            self.status = "reconnecting"
