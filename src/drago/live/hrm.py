"""The Bluetooth Heart Rate Measurement characteristic (0x2A37), decoded completely.

Layout (Bluetooth SIG, GATT characteristic `org.bluetooth.characteristic.heart_rate_measurement`,
Heart Rate Service 1.0), little-endian, fields in this order:

| field | type | present when |
|---|---|---|
| Flags | uint8 | always |
| Heart Rate Measurement Value | uint8 (bpm) | flags bit 0 = 0 |
| Heart Rate Measurement Value | uint16 (bpm) | flags bit 0 = 1 |
| Energy Expended | uint16 (kJ, accumulated) | flags bit 3 = 1 |
| RR-Interval | uint16 each, 1/1024 s, as many as fit | flags bit 4 = 1 |

Flags bits 1-2 are the Sensor Contact Status: 0 or 1 = the feature is not supported, 2 =
supported but no contact detected, 3 = supported and contact detected. Bits 5-7 are reserved
for future use and ignored.

References
----------
Bluetooth SIG (2011) Heart Rate Service 1.0 (HRS_SPEC), section 3.1.1, and the GATT
characteristic definition org.bluetooth.characteristic.heart_rate_measurement (uuid 2A37).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from drago.errors import BadInput

HR_SERVICE_UUID: Final = "0000180d-0000-1000-8000-00805f9b34fb"
HR_MEASUREMENT_UUID: Final = "00002a37-0000-1000-8000-00805f9b34fb"
#: RR intervals are sent in units of 1/1024 s.
RR_UNIT_S: Final = 1.0 / 1024.0


@dataclass(frozen=True)
class HeartRateMeasurement:
    """One notification: HR (bpm), contact (None when the strap does not report it),
    accumulated energy (kJ, None when absent) and the RR intervals it carries (ms)."""

    hr_bpm: int
    contact_supported: bool
    contact: bool | None
    energy_kj: int | None
    rr_ms: tuple[float, ...]
    hr_16bit: bool


def decode_hrm(payload: bytes | bytearray) -> HeartRateMeasurement:
    """Decode one 0x2A37 value (see the module docstring for the layout).

    Examples
    --------
    Flags 0x16 (8-bit HR, contact supported and detected, RR present), 72 bpm, one RR of
    1024/1024 s:

    >>> m = decode_hrm(bytes([0x16, 72, 0x00, 0x04]))
    >>> m.hr_bpm, m.contact, m.rr_ms
    (72, True, (1000.0,))

    Raises
    ------
    BadInput
        When the value is shorter than its flags say, or an RR field has an odd length.
    """
    data = bytes(payload)
    if not data:
        raise BadInput(None, "empty heart-rate measurement")
    flags = data[0]
    wide = bool(flags & 0x01)
    status = (flags >> 1) & 0x03
    supported = status >= 2
    pos = 1
    size = 2 if wide else 1
    if len(data) < pos + size:
        raise BadInput(None, f"heart-rate measurement of {len(data)} bytes lacks its HR value")
    hr = int.from_bytes(data[pos : pos + size], "little")
    pos += size
    energy = None
    if flags & 0x08:
        if len(data) < pos + 2:
            raise BadInput(None, "heart-rate measurement lacks its energy expended field")
        energy = int.from_bytes(data[pos : pos + 2], "little")
        pos += 2
    rr: tuple[float, ...] = ()
    if flags & 0x10:
        rest = data[pos:]
        if len(rest) % 2:
            raise BadInput(None, "heart-rate measurement has an odd-length RR-interval field")
        rr = tuple(
            int.from_bytes(rest[i : i + 2], "little") * RR_UNIT_S * 1000.0
            for i in range(0, len(rest), 2)
        )
    return HeartRateMeasurement(
        hr_bpm=hr,
        contact_supported=supported,
        contact=(status == 3) if supported else None,
        energy_kj=energy,
        rr_ms=rr,
        hr_16bit=wide,
    )
