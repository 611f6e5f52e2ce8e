# Numba kernels mix NumPy scalars and Python ints freely (Numba types them; mypy cannot):
# mypy: disable-error-code="assignment,return-value,arg-type"
"""Numba kernels: one pass that checks a FIT file's structure, one that reads wanted fields.

FIT protocol (Garmin FIT SDK, "Flexible and Interoperable Data Transfer Protocol"): a file is
one or more segments, each a 12- or 14-byte header, `data_size` bytes of records and a CRC-16.
A record is a definition message (layout of a local message type 0-15) or a data message
(normal header, or compressed timestamp header carrying a 5-bit time offset). `walk` follows
the headers once, checks every header and file CRC, and lists the data messages of the kinds
drago wants; `extract` then reads only their wanted fields into a float matrix.

The kernels are compiled once and cached on disk (`cache=True`), so a fresh process pays no
JIT compile after the first run.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from drago.ingest.fit._base import BASE_SIZE, _read, _u32, element_type
from drago.ingest.fit._crc import crc16

# Status codes of `walk` (status[0]); the decoder turns them into sentences.
OK = 0
NOT_FIT = 1  # header size not 12/14 or no ".FIT" signature
SHORT_HEADER = 2  # file ends inside a header
HEADER_CRC = 3  # 14-byte header whose CRC is non-zero and wrong
TRUNCATED = 4  # file ends inside the data (mid-message)
NO_CRC = 5  # data complete, the 2-byte file CRC missing
BAD_CRC = 6  # file CRC does not match
UNDEFINED_LOCAL = 7  # data message of a local type with no definition
BAD_BASE_TYPE = 8  # field definition with an unknown base type
_FULL = 9  # internal to `walk`: more segments, definitions or fields than the tables hold


def walk(
    buf: np.ndarray, kind_of: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Walk every segment and message of a FIT file once.

    Returns (status, segments, messages, definitions, fields):
    status = [code, byte offset of the damage, segment of the damage, wanted messages listed,
    segments walked, stored CRC, computed CRC, detail (local type or base type), latest
    timestamp of the listed messages (FIT s, -1 if none)];
    segments[s] = [start, header size, data size, wanted messages listed when it ended whole];
    messages[i] = [offset of content, definition id, kind, timestamp (FIT s, -1 if none)] for
    data messages whose global number has a kind in `kind_of`;
    definitions[d] = [global number, big endian, first field row, n fields, message size,
    offset of the timestamp field or -1];
    fields[f] = [field number, size, base type, offset in message].

    A message can be one byte, but real ones are 10-60: the message list gets one row per 16
    bytes, and in the rare file whose messages are smaller the walk is redone with the count
    it found. A one-row-per-byte bound made the allocator map fresh pages on every large
    file (32 bytes of list per byte of file), and a list that grows in the loop made the loop
    1.7x slower and its compile three times longer (issue 19).
    """
    n = buf.shape[0]
    caps = np.array(
        [n // 16 + 64, min(n // 14 + 2, 64), min(n // 6 + 2, 1024), min(n // 3 + 2, 16384)]
    )
    while True:  # at most three passes (a loop in Numba tripled the compile)
        out = _walk(buf, kind_of, caps)
        if out[0][0] == _FULL:  # the bounds: a segment takes >= 14 bytes, a definition
            caps[1:] = (n // 14 + 2, n // 6 + 2, n // 3 + 2)  # >= 6, a field >= 3
        elif out[0][3] > caps[0]:
            caps[0] = out[0][3]
        else:
            return out  # type: ignore[no-any-return]


@njit(cache=True, nogil=True)
def _walk(buf: np.ndarray, kind_of: np.ndarray, caps: np.ndarray):  # type: ignore[no-untyped-def]  # pragma: no cover
    """`walk` with room for caps = [messages, segments, definitions, fields]: status[3] is the
    count of messages even when it is larger, status[0] `_FULL` when another table is full."""
    n = buf.shape[0]
    cap = caps[0]
    status = np.zeros(9, np.int64)
    segs = np.empty((caps[1], 4), np.int64)  # every row is written before use
    msgs = np.empty((cap, 4), np.int64)
    defs = np.empty((caps[2], 6), np.int64)
    fields = np.empty((caps[3], 4), np.int64)
    n_msgs = 0
    n_defs = 0
    n_fields = 0
    n_segs = 0
    pos = 0
    code = OK
    err = 0
    detail = 0
    last_ts = np.int64(-1)
    latest = np.int64(-1)
    while pos < n and code == OK:
        err = pos
        if pos + 12 > n:
            code = NOT_FIT if buf[pos] != 12 and buf[pos] != 14 else SHORT_HEADER
            break
        hsize = np.int64(buf[pos])
        if (hsize != 12 and hsize != 14) or (
            buf[pos + 8] != 46 or buf[pos + 9] != 70 or buf[pos + 10] != 73 or buf[pos + 11] != 84
        ):
            code = NOT_FIT
            break
        if pos + hsize > n:
            code = SHORT_HEADER
            break
        dsize = _u32(buf, pos + 4, False)
        if hsize == 14:
            stored = np.int64(buf[pos + 12]) | (np.int64(buf[pos + 13]) << 8)
            if stored != 0:
                computed = crc16(buf, pos, pos + 12)
                if computed != stored:
                    code = HEADER_CRC
                    status[5] = stored
                    status[6] = computed
                    break
        if n_segs == segs.shape[0]:
            code = _FULL
            break
        segs[n_segs, 0] = pos
        segs[n_segs, 1] = hsize
        segs[n_segs, 2] = dsize
        segs[n_segs, 3] = -1
        n_segs += 1
        end = pos + hsize + dsize
        local = np.full(16, -1, np.int64)
        p = pos + hsize
        while p < end:
            err = p
            if p >= n:
                code = TRUNCATED
                break
            h = buf[p]
            if h & 0x80:  # compressed timestamp header
                lt = (h >> 5) & 0x3
                d = local[lt]
                if d < 0:
                    code = UNDEFINED_LOCAL
                    detail = lt
                    break
                stop = p + 1 + defs[d, 4]
                if stop > n:
                    code = TRUNCATED
                    break
                offset = np.int64(h & 0x1F)
                if last_ts >= 0:
                    ts = (last_ts & ~np.int64(0x1F)) + offset
                    if offset < (last_ts & 0x1F):
                        ts += 0x20
                    last_ts = ts
                else:
                    ts = -1
                k = kind_of[defs[d, 0]]
                if k >= 0:
                    if n_msgs < cap:
                        msgs[n_msgs, 0] = p + 1
                        msgs[n_msgs, 1] = d
                        msgs[n_msgs, 2] = k
                        msgs[n_msgs, 3] = ts
                    n_msgs += 1
                    latest = max(latest, ts)
                p = stop
            elif h & 0x40:  # definition message
                stop = p + 6
                if stop <= n:
                    stop += 3 * np.int64(buf[p + 5])
                if (h & 0x20) and stop < n:
                    stop += 1 + 3 * np.int64(buf[stop])
                elif h & 0x20:
                    stop += 1
                if stop > n:
                    code = TRUNCATED
                    break
                big = buf[p + 2] != 0
                hi, lo = (buf[p + 3], buf[p + 4]) if big else (buf[p + 4], buf[p + 3])
                gnum = (np.int64(hi) << 8) | np.int64(lo)
                nf = np.int64(buf[p + 5])
                if n_defs == defs.shape[0] or n_fields + nf > fields.shape[0]:
                    code = _FULL
                    break
                first = n_fields
                size = np.int64(0)
                ts_at = np.int64(-1)
                q = p + 6
                for _ in range(nf):
                    bt = buf[q + 2] & 0x1F
                    if BASE_SIZE[bt] == 0:
                        code = BAD_BASE_TYPE
                        detail = buf[q + 2]
                        break
                    fields[n_fields, 0] = buf[q]
                    fields[n_fields, 1] = buf[q + 1]
                    fields[n_fields, 2] = bt
                    fields[n_fields, 3] = size
                    if buf[q] == 253 and buf[q + 1] == 4 and ts_at < 0:
                        ts_at = size
                    size += np.int64(buf[q + 1])
                    n_fields += 1
                    q += 3
                if code != OK:
                    break
                if h & 0x20:  # developer fields: skipped by their size
                    ndev = np.int64(buf[q])
                    q += 1
                    for _ in range(ndev):
                        size += np.int64(buf[q + 1])
                        q += 3
                defs[n_defs, 0] = gnum
                defs[n_defs, 1] = 1 if big else 0
                defs[n_defs, 2] = first
                defs[n_defs, 3] = nf
                defs[n_defs, 4] = size
                defs[n_defs, 5] = ts_at
                local[h & 0xF] = n_defs
                n_defs += 1
                p = stop
            else:  # normal data message
                lt = h & 0xF
                d = local[lt]
                if d < 0:
                    code = UNDEFINED_LOCAL
                    detail = lt
                    break
                stop = p + 1 + defs[d, 4]
                if stop > n:
                    code = TRUNCATED
                    break
                ts = np.int64(-1)
                if defs[d, 5] >= 0:
                    value = _u32(buf, p + 1 + defs[d, 5], defs[d, 1] == 1)
                    if value != 0xFFFFFFFF:
                        ts = value
                        last_ts = value
                k = kind_of[defs[d, 0]]
                if k >= 0:
                    if n_msgs < cap:
                        msgs[n_msgs, 0] = p + 1
                        msgs[n_msgs, 1] = d
                        msgs[n_msgs, 2] = k
                        msgs[n_msgs, 3] = ts
                    n_msgs += 1
                    latest = max(latest, ts)
                p = stop
        if code != OK:
            break
        # Like Garmin's SDK, a last message that runs past the declared data size is read
        # whole and the CRC follows it.
        end = p
        err = end
        if end + 2 > n:
            code = NO_CRC
            break
        stored = np.int64(buf[end]) | (np.int64(buf[end + 1]) << 8)
        computed = crc16(buf, pos, end)
        if stored != computed:
            code = BAD_CRC
            status[5] = stored
            status[6] = computed
            break
        segs[n_segs - 1, 3] = n_msgs
        pos = end + 2
    status[0] = code
    status[1] = err
    status[2] = n_segs - 1 if n_segs > 0 and segs[n_segs - 1, 3] < 0 else n_segs
    status[3] = n_msgs
    status[4] = n_segs
    status[7] = detail
    status[8] = latest
    return status, segs[:n_segs].copy(), msgs[: min(n_msgs, cap)], defs[:n_defs], fields[:n_fields]


@njit(cache=True, nogil=True)
def extract(  # type: ignore[no-untyped-def]  # pragma: no cover - compiled
    buf: np.ndarray,
    msgs: np.ndarray,
    defs: np.ndarray,
    fields: np.ndarray,
    kind_of: np.ndarray,
    col_start: np.ndarray,
    col_width: np.ndarray,
    n_cols: int,
    rec_kind: int,
    skip_kind: int,
):
    """Raw values of the wanted fields of every listed message, NaN where absent or invalid.

    Returns (values, start): the messages of kind k are columns start[k]:start[k + 1] of
    values; rows are the kind's field columns (see `profile.FIELDS`), then the timestamp
    (FIT seconds), the count of record messages before the message in the file and the
    message's row in `msgs`. Messages of kind `skip_kind` (the records, which
    `_columns.records` reads from the bytes itself) get no column; -1 skips none.

    Each definition first gets a plan (column, element count, offset, base type, element size)
    of its wanted fields only, so a message costs a few reads. A field whose size is not a
    multiple of its base type's size is read as bytes (uint8), as Garmin's FIT SDK does.
    """
    n_defs = defs.shape[0]
    plan_first = np.zeros(n_defs + 1, np.int64)
    plan = np.empty((fields.shape[0] + 1, 5), np.int64)
    n_plan = 0
    for d in range(n_defs):
        plan_first[d] = n_plan
        k = kind_of[defs[d, 0]]
        if k < 0 or k == skip_kind:
            continue
        for f in range(defs[d, 2], defs[d, 2] + defs[d, 3]):
            num = fields[f, 0]
            c = col_start[k, num]
            if c < 0:
                continue
            size = fields[f, 1]
            bt, es = element_type(size, fields[f, 2])
            plan[n_plan, 0] = c
            plan[n_plan, 1] = min(size // es, col_width[k, num])
            plan[n_plan, 2] = fields[f, 3]
            plan[n_plan, 3] = bt
            plan[n_plan, 4] = es
            n_plan += 1
    plan_first[n_defs] = n_plan
    # Rows grouped by kind (file order within a kind), values column-major so that each
    # field of each kind is one contiguous run; three extra rows hold the timestamp, the
    # number of record messages before the message, and its index in `msgs`.
    n_kinds = col_start.shape[0]
    start = np.zeros(n_kinds + 1, np.int64)
    for i in range(msgs.shape[0]):
        if msgs[i, 2] != skip_kind:
            start[msgs[i, 2] + 1] += 1
    for k in range(n_kinds):
        start[k + 1] += start[k]
    row = start[:n_kinds].copy()
    out = np.full((n_cols + 3, start[n_kinds]), np.nan)
    records_seen = 0
    for i in range(msgs.shape[0]):
        base = msgs[i, 0]
        d = msgs[i, 1]
        k = msgs[i, 2]
        if k == skip_kind:
            if k == rec_kind:
                records_seen += 1
            continue
        r = row[k]
        row[k] += 1
        if msgs[i, 3] >= 0:
            out[n_cols, r] = msgs[i, 3]
        out[n_cols + 1, r] = records_seen
        out[n_cols + 2, r] = i
        if k == rec_kind:
            records_seen += 1
        big = defs[d, 1] == 1
        for j in range(plan_first[d], plan_first[d + 1]):
            c = plan[j, 0]
            p = base + plan[j, 2]
            bt = plan[j, 3]
            es = plan[j, 4]
            for e in range(plan[j, 1]):
                out[c + e, r] = _read(buf, p + e * es, bt, big)
    return out, start
