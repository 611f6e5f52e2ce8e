# mypy: disable-error-code="return-value"
"""FIT's CRC-16, compiled: a plain Python CRC loop runs at 1-2 MB/s, this one at hundreds."""

from __future__ import annotations

import numpy as np
from numba import njit


def _crc_tables() -> np.ndarray:
    """CRC-16 tables for slicing-by-8, derived from the FIT SDK's 16-entry nibble table.

    Row 0 is the byte-at-a-time table equivalent to the SDK's nibble algorithm (FIT protocol,
    "CRC"); row k advances a byte's contribution by k more bytes, so eight bytes are folded
    per step instead of one. Entries are uint32: the 8 KB table stays in L1 cache and the
    loop runs 1.7x faster than with int64 entries (issue 19).
    """
    nibble = (
        0x0000,
        0xCC01,
        0xD801,
        0x1400,
        0xF001,
        0x3C00,
        0x2800,
        0xE401,
        0xA001,
        0x6C00,
        0x7800,
        0xB401,
        0x5000,
        0x9C01,
        0x8801,
        0x4400,
    )
    table = np.zeros((8, 256), dtype=np.uint32)
    for byte in range(256):
        crc = 0
        for part in (byte & 0xF, byte >> 4):
            tmp = nibble[crc & 0xF]
            crc = (crc >> 4) & 0x0FFF
            crc = crc ^ tmp ^ nibble[part]
        table[0, byte] = crc
    for k in range(1, 8):
        for byte in range(256):
            prev = int(table[k - 1, byte])
            table[k, byte] = (prev >> 8) ^ int(table[0, prev & 0xFF])
    return table


CRC_TABLES = _crc_tables()


@njit(cache=True, nogil=True)
def crc16(buf: np.ndarray, start: int, stop: int) -> int:  # pragma: no cover - compiled
    """FIT CRC-16 of buf[start:stop], eight bytes per step (slicing-by-8)."""
    t = CRC_TABLES
    crc = np.uint32(0)
    i = start
    while i + 8 <= stop:
        x = crc ^ (np.uint32(buf[i]) | (np.uint32(buf[i + 1]) << 8))
        crc = (
            t[7, x & 0xFF]
            ^ t[6, x >> 8]
            ^ t[5, buf[i + 2]]
            ^ t[4, buf[i + 3]]
            ^ t[3, buf[i + 4]]
            ^ t[2, buf[i + 5]]
            ^ t[1, buf[i + 6]]
            ^ t[0, buf[i + 7]]
        )
        i += 8
    while i < stop:
        crc = (crc >> 8) ^ t[0, (crc ^ buf[i]) & 0xFF]
        i += 1
    return np.int64(crc)
