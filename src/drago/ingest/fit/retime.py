"""Shift every date_time in a FIT file, for demo data set in another week than it was recorded.

A FIT date_time is a uint32 of seconds since 1989-12-31T00:00:00Z (FIT protocol, "date_time");
values below 0x10000000 are device-relative and left alone. The shifted fields are every
message's `timestamp` (field 253) and the few profile fields of type date_time that drago
reads; each segment's file CRC is rewritten. Compressed-timestamp headers carry offsets from
the last full timestamp, so when a file has them the shift is rounded to whole 32 s.
"""

from __future__ import annotations

import struct
from datetime import datetime

import numpy as np

from drago.errors import BadInput
from drago.ingest.fit import _crc
from drago.ingest.fit._decoder import decode
from drago.ingest.fit.profile import MIN_DATE_TIME

#: (global message, field) pairs of type date_time besides `timestamp` (253).
DATE_TIME_FIELDS = frozenset({(0, 4), (18, 2), (19, 2), (34, 5)})


def _date_time_slots(data: bytes) -> tuple[list[tuple[int, bool]], bool, list[tuple[int, int]]]:
    """(offset, big endian) of every date_time value, whether compressed headers occur, and
    the (start, end) of each segment's CRC-covered bytes."""
    slots: list[tuple[int, bool]] = []
    segments: list[tuple[int, int]] = []
    compressed = False
    seg = 0
    while seg < len(data):
        pos = seg + data[seg]
        end = pos + int.from_bytes(data[seg + 4 : seg + 8], "little")
        layouts: dict[int, tuple[bool, int, list[tuple[int, int]]]] = {}
        while pos < end:
            header = data[pos]
            if header & 0x40 and not header & 0x80:  # definition
                big = data[pos + 2] != 0
                gnum = struct.unpack(">H" if big else "<H", data[pos + 3 : pos + 5])[0]
                n, q, size, wanted = data[pos + 5], pos + 6, 0, []
                for _ in range(n):
                    num, fsize = data[q], data[q + 1]
                    if fsize == 4 and (num == 253 or (gnum, num) in DATE_TIME_FIELDS):
                        wanted.append((size, fsize))
                    size, q = size + fsize, q + 3
                if header & 0x20:
                    for i in range(data[q]):
                        size += data[q + 2 + 3 * i]
                    q += 1 + 3 * data[q]
                layouts[header & 0xF] = (big, size, wanted)
                pos = q
                continue
            compressed = compressed or bool(header & 0x80)
            big, size, wanted = layouts[(header >> 5) & 3 if header & 0x80 else header & 0xF]
            slots += [(pos + 1 + offset, big) for offset, _ in wanted]
            pos += 1 + size
        segments.append((seg, pos))
        seg = pos + 2
    return slots, compressed, segments


def retime(data: bytes, start: datetime) -> bytes:
    """The FIT file `data` with all its date_times shifted so its first record is at `start`.

    Raises `BadInput` when `data` is not a whole FIT activity.
    """
    first = decode(data).records["timestamp"].min()
    if not isinstance(first, datetime):  # pragma: no cover - decode guarantees timed records
        raise BadInput(None, "no timed samples")
    shift = round((start - first).total_seconds())
    slots, compressed, segments = _date_time_slots(data)
    if compressed:
        shift = 32 * round(shift / 32)
    out = bytearray(data)
    for offset, big in slots:
        fmt = ">I" if big else "<I"
        value = struct.unpack_from(fmt, out, offset)[0]
        if MIN_DATE_TIME <= value != 0xFFFFFFFF:
            struct.pack_into(fmt, out, offset, (value + shift) % 2**32)
    buf = np.frombuffer(bytes(out), dtype=np.uint8)
    for seg_start, seg_end in segments:
        struct.pack_into("<H", out, seg_end, _crc.crc16(buf, seg_start, seg_end))
    return bytes(out)
