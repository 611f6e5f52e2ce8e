# Numba kernels mix NumPy scalars and Python ints freely (Numba types them; mypy cannot):
# mypy: disable-error-code="assignment,return-value,arg-type"
"""Numba kernels that read the record messages' bytes into `Recording.records` columns.

Units follow the FIT profile (Garmin FIT SDK, Profile.xlsx): value = raw / scale - offset,
positions in semicircles (degrees = semicircles * 180 / 2^31), date_time in seconds from
1989-12-31T00:00:00Z; `enhanced_speed`/`enhanced_altitude` win over `speed`/`altitude`, and the
`compressed_speed_distance` component field (12 bits of speed at 1/100 m/s, 12 bits of
accumulated distance at 1/16 m, rolling over) fills speed and distance where they are absent.
One compiled pass over the bytes replaces a value matrix and a score of NumPy calls per file.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from drago.ingest.fit._base import BASE_SIZE, INVALID, SIGN_BITS, _read_as, element_type

#: The `Recording.records` columns `records` gives, in order after session_index: the
#: timestamp (UTC microseconds, an int64 array of its own), then the rows of its float block
#: after the FIT seconds (NaN = absent).
RECORD_ROWS = (
    "timestamp",
    "hr_bpm",
    "speed_ms",
    "distance_m",
    "altitude_m",
    "cadence_rpm",
    "power_w",
    "lat_deg",
    "lon_deg",
    "temperature_c",
)
#: Order of the raw columns `records` reads (indices into the kind's value block).
RAW_FIELDS = (
    "heart_rate",
    "speed",
    "enhanced_speed",
    "distance",
    "altitude",
    "enhanced_altitude",
    "cadence",
    "power",
    "position_lat",
    "position_long",
    "temperature",
    "compressed_speed_distance",
)


@njit(cache=True, nogil=True)
def assign(ts: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:  # pragma: no cover
    """Index of the window [start, end] holding each time, else of the nearest window.

    When windows overlap (a device's session summaries may), the one that started last wins;
    a missing time (NaN) counts as the earliest start.
    """
    n = ts.shape[0]
    m = starts.shape[0]
    out = np.zeros(n, np.int32)
    if m == 1:
        return out
    first = starts[0]
    for k in range(1, m):
        first = min(first, starts[k])
    for i in range(n):
        x = ts[i]
        if np.isnan(x):
            x = first
        best = -1
        best_start = -np.inf
        for k in range(m):
            if x >= starts[k] and x <= ends[k] and (best < 0 or starts[k] > best_start):
                best = k
                best_start = starts[k]
        if best < 0:
            nearest = np.inf
            for k in range(m):
                d = max(starts[k] - x, 0.0) + max(x - ends[k], 0.0)
                if d < nearest:
                    nearest = d
                    best = k
        out[i] = best
    return out


@njit(cache=True, nogil=True)
def number_within(group: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    """0, 1, 2... within each group (indices >= 0, from `assign`), in order: the lap numbers
    within their session."""
    n = group.shape[0]
    top = 0
    for i in range(n):
        top = max(top, group[i])
    seen = np.zeros(top + 1, np.int32)
    out = np.zeros(n, np.int32)
    for i in range(n):
        out[i] = seen[group[i]]
        seen[group[i]] += 1
    return out


@njit(cache=True, nogil=True)
def records(  # type: ignore[no-untyped-def]  # pragma: no cover - compiled
    buf: np.ndarray,
    msgs: np.ndarray,
    defs: np.ndarray,
    fields: np.ndarray,
    kind_of: np.ndarray,
    rec_kind: int,
    col_start: np.ndarray,
    col_width: np.ndarray,
    cols: np.ndarray,
    scale: np.ndarray,
    offset: np.ndarray,
    time_offset_s: float,
    epoch_s: float,
    semicircle_deg: float,
):
    """The record columns straight from the bytes, in their final units (see `RECORD_ROWS`).

    Reads the record messages of the walk's list `msgs` (kind `rec_kind`) with the base-type
    rules of `_scan.extract`: each record definition first gets, for each raw column
    (`cols[j]` is the column of `RAW_FIELDS[j]`; the compressed field takes three), the offset
    and base type of the last field element that fills it (a field whose size is not a
    multiple of its base type's is bytes), so a message costs one read per column it has,
    from one call site (`_read_as` is inlined; fourteen sites took 34 s CPU to compile once).
    Every column is written in its final unit; `time_offset_s` anchors a device-relative
    clock (0 when the file has a real one). Returns (block, stamps, first_s, last_s, untimed):
    a (len(RECORD_ROWS), n) block of the FIT seconds then `RECORD_ROWS[1:]`, the UTC
    microseconds as int64 (0 where a record has no time; Polars takes them without a float
    cast, 20x cheaper), the first and last times in FIT seconds (NaN when no record has a
    time) and the count of records without a time.
    """
    n_defs = defs.shape[0]
    n_raw = 0
    for num in range(col_start.shape[1]):
        if col_start[rec_kind, num] >= 0:
            n_raw = max(n_raw, col_start[rec_kind, num] + col_width[rec_kind, num])
    rdef = np.full(n_defs, -1, np.int64)
    n_rdefs = 0
    for d in range(n_defs):
        if kind_of[defs[d, 0]] == rec_kind:
            rdef[d] = n_rdefs
            n_rdefs += 1
    src = np.full((n_rdefs, n_raw), -1, np.int64)  # byte offset in the message, -1: absent
    src_bt = np.zeros((n_rdefs, n_raw), np.int64)
    for d in range(n_defs):
        rd = rdef[d]
        if rd < 0:
            continue
        for f in range(defs[d, 2], defs[d, 2] + defs[d, 3]):
            num = fields[f, 0]
            c = col_start[rec_kind, num]
            if c < 0:
                continue
            size = fields[f, 1]
            bt, es = element_type(size, fields[f, 2])
            for e in range(min(size // es, col_width[rec_kind, num])):
                src[rd, c + e] = fields[f, 3] + e * es
                src_bt[rd, c + e] = bt
    hr, spd, espd, dist, alt, ealt, cad, pwr, lat, lon, temp, comp = (
        cols[0],
        cols[1],
        cols[2],
        cols[3],
        cols[4],
        cols[5],
        cols[6],
        cols[7],
        cols[8],
        cols[9],
        cols[10],
        cols[11],
    )
    # The raw columns each definition has, as rows of (column, offset, then the base type's
    # size, invalid value and sign bits) side by side: a message's reads then walk one small
    # row (lookups in four tables cost 15 % more).
    present = np.zeros((n_rdefs, n_raw, 5), np.int64)
    n_present = np.zeros(n_rdefs, np.int64)
    for rd in range(n_rdefs):
        for k in range(n_raw):
            if src[rd, k] >= 0:
                row = present[rd, n_present[rd]]
                row[0] = k
                row[1] = src[rd, k]
                row[2] = BASE_SIZE[src_bt[rd, k]]
                row[3] = INVALID[src_bt[rd, k]]
                row[4] = SIGN_BITS[src_bt[rd, k]]
                n_present[rd] += 1
    has_comp = False
    for rd in range(n_rdefs):
        has_comp = has_comp or src[rd, comp] >= 0
    n = 0
    for i in range(msgs.shape[0]):
        if msgs[i, 2] == rec_kind:
            n += 1
    out = np.empty((len(RECORD_ROWS), n))
    stamps = np.zeros(n, np.int64)
    untimed = 0
    # Fresh pages cost more than the arithmetic here: the compressed field's three bytes
    # get rows only in the files that have it.
    comp_raw = np.full((3, n if has_comp else 0), np.nan)
    any_compressed = False
    raw = np.empty(n_raw)
    first_s = np.inf
    last_s = -np.inf
    last_rd = -1
    r = 0
    for i in range(msgs.shape[0]):
        if msgs[i, 2] != rec_kind:
            continue
        d = msgs[i, 1]
        rd = rdef[d]
        m = msgs[i, 0]
        big = defs[d, 1] == 1
        t = np.nan
        if msgs[i, 3] >= 0:
            t = float(msgs[i, 3]) + time_offset_s
        out[0, r] = t
        if np.isnan(t):
            untimed += 1
        else:
            stamps[r] = np.int64((t + epoch_s) * 1e6)
        if t < first_s:
            first_s = t
        if t > last_s:
            last_s = t
        if rd != last_rd:  # the columns a definition lacks stay NaN while it repeats
            raw[:] = np.nan
            last_rd = rd
        for j in range(n_present[rd]):  # one read site: Numba inlines `_read_as` once
            raw[present[rd, j, 0]] = _read_as(
                buf,
                m + present[rd, j, 1],
                present[rd, j, 2],
                present[rd, j, 3],
                present[rd, j, 4],
                big,
            )
        out[1, r] = raw[hr]
        s = raw[espd] / scale[2] - offset[2]
        if np.isnan(s):
            s = raw[spd] / scale[1] - offset[1]
        out[2, r] = s
        out[3, r] = raw[dist] / scale[3] - offset[3]
        a = raw[ealt] / scale[5] - offset[5]
        if np.isnan(a):
            a = raw[alt] / scale[4] - offset[4]
        out[4, r] = a
        out[5, r] = raw[cad]
        out[6, r] = raw[pwr]
        out[7, r] = raw[lat] * semicircle_deg
        out[8, r] = raw[lon] * semicircle_deg
        out[9, r] = raw[temp]
        if has_comp and not np.isnan(raw[comp]):
            any_compressed = True
            comp_raw[0, r] = raw[comp]
            comp_raw[1, r] = raw[comp + 1]
            comp_raw[2, r] = raw[comp + 2]
        r += 1
    if any_compressed:
        # Distance accumulates the 12-bit counter's steps over the valid messages, in order.
        total = 0.0
        last = -1
        for i in range(n):
            b0, b1, b2 = comp_raw[0, i], comp_raw[1, i], comp_raw[2, i]
            if np.isnan(b0) or (b0 == 255 and b1 == 255 and b2 == 255):
                continue
            x0, x1, x2 = np.int64(b0), np.int64(b1), np.int64(b2)
            d12 = (x1 >> 4) | (x2 << 4)
            total = float(d12) if last < 0 else total + float((d12 - last) % 4096)
            last = d12
            if np.isnan(out[2, i]):
                out[2, i] = (x0 | ((x1 & 0x0F) << 8)) / 100.0
            if np.isnan(out[3, i]):
                out[3, i] = total / 16.0
    if first_s > last_s:  # no record has a time
        first_s = last_s = np.nan
    return out, stamps, first_s, last_s, untimed
