"""The 0x2A37 decoder against the Bluetooth SIG's field layout, for every flag combination.

The expected values are built here from the GATT characteristic definition
(org.bluetooth.characteristic.heart_rate_measurement): Flags (uint8); HR as uint8 (bit 0 = 0)
or uint16 (bit 0 = 1); Sensor Contact Status in bits 1-2 (0/1 not supported, 2 no contact,
3 contact); Energy Expended uint16 kJ when bit 3; RR-Interval uint16 1/1024 s when bit 4,
as many as fit; bits 5-7 reserved.
"""

from __future__ import annotations

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drago.errors import BadInput
from drago.live.hrm import decode_hrm


def encode(flags: int, hr: int, energy: int | None, rr_1024: list[int]) -> bytes:
    """A value laid out field by field as the specification orders them (little-endian)."""
    out = struct.pack("<B", flags)
    out += struct.pack("<H" if flags & 0x01 else "<B", hr)
    if flags & 0x08:
        out += struct.pack("<H", energy or 0)
    if flags & 0x10:
        out += b"".join(struct.pack("<H", v) for v in rr_1024)
    return out


@pytest.mark.parametrize("flags", [f | r for f in range(32) for r in (0x00, 0xE0)])
def test_every_flag_combination(flags: int) -> None:
    hr = 0x0123 if flags & 0x01 else 0xB6  # 291 needs the high byte; 182 fits a uint8
    rr = [1024, 768, 1100]
    m = decode_hrm(encode(flags, hr, 0x1234, rr))
    assert m.hr_bpm == hr
    assert m.hr_16bit == bool(flags & 0x01)
    status = (flags >> 1) & 0x03
    assert m.contact_supported == (status in (2, 3))
    assert m.contact == {0: None, 1: None, 2: False, 3: True}[status]
    assert m.energy_kj == (0x1234 if flags & 0x08 else None)
    expected_rr = tuple(v * 1000.0 / 1024.0 for v in rr) if flags & 0x10 else ()
    assert m.rr_ms == pytest.approx(expected_rr)
    if flags & 0x10:
        assert m.rr_ms[0] == 1000.0 and m.rr_ms[1] == 750.0


def test_a_polar_h10_notification() -> None:
    """A real strap's bytes (Polar H10, flags 0x10: 8-bit HR, RR present; 60 bpm, RR 1024)."""
    m = decode_hrm(bytes.fromhex("103c0004"))
    assert (m.hr_bpm, m.contact, m.energy_kj, m.rr_ms) == (60, None, None, (1000.0,))


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"", "empty"),
        (b"\x01\x50", "lacks its HR value"),  # 16-bit HR with one byte
        (b"\x08\x50\x01", "energy expended"),
        (b"\x10\x50\x00\x04\x01", "odd-length"),
    ],
)
def test_short_values_are_refused_in_one_line(payload: bytes, reason: str) -> None:
    with pytest.raises(BadInput, match=reason):
        decode_hrm(payload)


@given(
    wide=st.booleans(),
    contact=st.integers(0, 3),
    energy=st.none() | st.integers(0, 0xFFFF),
    rr=st.lists(st.integers(0, 0xFFFF), max_size=9),
    hr=st.integers(0, 0xFF),
)
def test_round_trip(wide: bool, contact: int, energy: int | None, rr: list[int], hr: int) -> None:
    flags = int(wide) | contact << 1 | (0x08 if energy is not None else 0) | (0x10 if rr else 0)
    m = decode_hrm(encode(flags, hr, energy, rr))
    assert (m.hr_bpm, m.energy_kj, len(m.rr_ms)) == (hr, energy, len(rr))
    assert [round(v * 1024 / 1000) for v in m.rr_ms] == rr
