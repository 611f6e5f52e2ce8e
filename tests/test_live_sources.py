"""Live sources: Bluetooth straps against a fake bleak backend (several at once, a drop and
its reconnect), the UDP IMU protocol over a real socket, the round clock, the hub."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from drago.errors import BadInput
from drago.live.ble import BleHeartRate
from drago.live.clock import RoundClock
from drago.live.hrm import HR_MEASUREMENT_UUID
from drago.live.hub import LiveHub
from drago.live.imu_stream import UdpImu, parse_datagram
from drago.live.sources import HrReading, ImuBatch


class FakeStrap:
    """A strap behind a fake BleakClient: fails its first connection when `flaky`, then
    notifies; `drop()` cuts the link as a strap out of range would."""

    def __init__(self, flaky: bool = False) -> None:
        self.flaky = flaky
        self.attempts = 0
        self.callback: Callable[[Any, bytearray], None] | None = None
        self.on_disconnect: Callable[[Any], None] | None = None

    def factory(self, address: str, on_disconnect: Callable[[Any], None]) -> FakeStrap:
        self.on_disconnect = on_disconnect
        return self

    async def connect(self) -> None:
        self.attempts += 1
        if self.flaky and self.attempts == 1:
            raise TimeoutError("no strap in range")

    async def start_notify(self, char: str, callback: Callable[[Any, bytearray], None]) -> None:
        assert char == HR_MEASUREMENT_UUID
        self.callback = callback

    async def disconnect(self) -> None:
        self.callback = None

    def notify(self, payload: bytes) -> None:
        assert self.callback is not None
        self.callback(None, bytearray(payload))

    def drop(self) -> None:
        self.callback = None
        assert self.on_disconnect is not None
        self.on_disconnect(self)


def test_several_straps_with_a_drop_and_a_reconnect() -> None:
    clock = [100.0]
    straps = {"rocky": FakeStrap(flaky=True), "apollo": FakeStrap()}
    sources = {
        name: BleHeartRate(
            name,
            f"AA:{i}",
            client_factory=s.factory,
            monotonic=lambda: clock[0],
            first_backoff_s=0.0,
        )
        for i, (name, s) in enumerate(straps.items())
    }

    async def scenario() -> None:
        tasks = [asyncio.create_task(src.run(100.0)) for src in sources.values()]
        await _until(lambda: all(s.callback for s in straps.values()))
        clock[0] = 101.0
        straps["rocky"].notify(bytes([0x16, 150, 0x00, 0x04]))  # contact, RR 1000 ms
        straps["apollo"].notify(bytes([0x05, 0x9A, 0x00]))  # 16-bit HR 154, contact supported: none
        straps["rocky"].drop()
        await _until(lambda: sources["rocky"].drops == 1 and sources["rocky"].connects == 2)
        clock[0] = 103.0
        straps["rocky"].notify(bytes([0x00, 152]))
        for src in sources.values():
            src.stop()
        await asyncio.gather(*tasks)

    asyncio.run(scenario())
    rocky = sources["rocky"].poll(1e9)
    apollo = sources["apollo"].poll(1e9)
    assert rocky == [HrReading(1.0, 150.0, (1000.0,)), HrReading(3.0, 152.0, ())]
    assert apollo == [HrReading(1.0, None, ())]  # no skin contact: no HR
    assert straps["rocky"].attempts == 3  # a failed first try, the first link, the reconnect
    assert all(s.done for s in sources.values())


def test_bleak_is_optional_and_imported_lazily() -> None:
    import subprocess
    import sys

    code = "import drago.live.ble, sys; print('bleak' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


async def _until(condition: Callable[[], bool]) -> None:
    for _ in range(10_000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition never met")


def test_udp_stream_places_samples_on_the_session_clock() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    clock = [50.0]
    src = UdpImu("rocky", "left", port, monotonic=lambda: clock[0])
    batch = [[1000.0 + i / 100, 0.1 * i, 0.0, 9.81, 0.0, 0.5, 0.0] for i in range(10)]
    later = [[1000.1 + i / 100, 0.0, 0.0, 9.81, 0.0, 0.0, 0.0] for i in range(10)]

    async def scenario() -> None:
        task = asyncio.create_task(src.run(40.0))
        await asyncio.sleep(0.05)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as out:
            for samples in (batch, later):
                out.sendto(
                    json.dumps({"v": 1, "rate_hz": 100, "samples": samples}).encode(),
                    ("127.0.0.1", port),
                )
            out.sendto(b'{"v": 1, "rate_hz": 100, "samples": [[0, 1, 2]]}', ("127.0.0.1", port))
        for _ in range(200):
            if src.received + src.refused == 3:
                break
            await asyncio.sleep(0.01)
        src.stop()
        await task

    asyncio.run(scenario())
    items = src.poll(1e9)
    assert src.received == 2 and src.refused == 1 and "[t, ax, ay, az]" in (src.last_error or "")
    assert all(isinstance(i, ImuBatch) for i in items)
    t = np.concatenate([i.t_s for i in items if isinstance(i, ImuBatch)])
    assert t[0] == pytest.approx(10.0) and np.allclose(np.diff(t), 0.01)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"not json", "not a JSON"),
        (b'{"v": 2, "rate_hz": 100, "samples": [[0, 0, 0, 9.8]]}', '"v": 1'),
        (b'{"v": 1, "rate_hz": 5, "samples": [[0, 0, 0, 9.8]]}', "20 to 1200"),
        (b'{"v": 1, "rate_hz": 100, "samples": [[1, 0, 0, 9.8], [0, 0, 0, 9.8]]}', "increase"),
        (b'{"v": 1, "rate_hz": 100, "samples": [[0, 0, 0, 9800]]}', "m/s"),
    ],
)
def test_bad_datagrams_are_refused_with_a_reason(payload: bytes, reason: str) -> None:
    with pytest.raises(BadInput, match=reason):
        parse_datagram(payload)


def test_the_round_clock_rings_its_bells() -> None:
    clock = RoundClock(180.0, 60.0, 3)
    bells = [(0.0, "start"), (180.0, "end"), (240.0, "start"), (420.0, "end"), (480.0, "start")]
    assert clock.bells(-1.0, 1000.0) == [*bells, (660.0, "end")]
    assert clock.at(419.0).warning and not clock.at(409.0).warning
    assert clock.at(661.0).phase == "done" and clock.end_s() == 660.0


def test_a_reload_gets_every_athletes_latest_state_first() -> None:
    async def scenario() -> list[Any]:
        hub = LiveHub()
        for i, name in enumerate(["rocky", "apollo", "rocky"]):
            hub.publish({"athlete": name, "t_s": float(i), "hr_bpm": 150.0 + i, "round": 1})
        queue = hub.subscribe()
        hub.close()
        return [queue.get_nowait() for _ in range(queue.qsize())]

    got = asyncio.run(scenario())
    assert [(e["athlete"], e["t_s"]) for e in got[:-1]] == [("rocky", 2.0), ("apollo", 1.0)]
    assert got[-1] is None
