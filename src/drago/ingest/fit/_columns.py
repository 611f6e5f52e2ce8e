# Numba kernels mix NumPy scalars and Python ints freely (Numba types them; mypy cannot):
# mypy: disable-error-code="assignment,return-value,arg-type"
"""Numba kernels that turn the raw record values into `Recording.records` columns in one pass.

Units follow the FIT profile (Garmin FIT SDK, Profile.xlsx): value = raw / scale - offset,
positions in semicircles (degrees = semicircles * 180 / 2^31), date_time in seconds from
1989-12-31T00:00:00Z; `enhanced_speed`/`enhanced_altitude` win over `speed`/`altitude`, and the
`compressed_speed_distance` component field (12 bits of speed at 1/100 m/s, 12 bits of
accumulated distance at 1/16 m, rolling over) fills speed and distance where they are absent.
One compiled pass replaces a score of NumPy calls per file, most of a small file's time.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Rows of the block `records` returns, in `Recording.records` order after session_index.
RECORD_ROWS = (
    "timestamp",  # UTC microseconds (float; NaN = no time)
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
def records(  # type: ignore[no-untyped-def]  # pragma: no cover - compiled
    v: np.ndarray,
    time_row: int,
    cols: np.ndarray,
    scale: np.ndarray,
    offset: np.ndarray,
    epoch_s: float,
    semicircle_deg: float,
):
    """The record columns (`RECORD_ROWS`) from the record block `v` of the kernel's values.

    `cols[j]` is the row of `RAW_FIELDS[j]` in `v` (the compressed field takes three rows),
    `scale[j]`/`offset[j]` its profile scale and offset.
    """
    n = v.shape[1]
    out = np.empty((len(RECORD_ROWS), n))
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
    any_compressed = False
    for i in range(n):
        out[0, i] = (v[time_row, i] + epoch_s) * 1e6
        out[1, i] = v[hr, i]
        s = v[espd, i] / scale[2] - offset[2]
        if np.isnan(s):
            s = v[spd, i] / scale[1] - offset[1]
        out[2, i] = s
        out[3, i] = v[dist, i] / scale[3] - offset[3]
        a = v[ealt, i] / scale[5] - offset[5]
        if np.isnan(a):
            a = v[alt, i] / scale[4] - offset[4]
        out[4, i] = a
        out[5, i] = v[cad, i]
        out[6, i] = v[pwr, i]
        out[7, i] = v[lat, i] * semicircle_deg
        out[8, i] = v[lon, i] * semicircle_deg
        out[9, i] = v[temp, i]
        if not np.isnan(v[comp, i]):
            any_compressed = True
    if any_compressed:
        # Distance accumulates the 12-bit counter's steps over the valid messages, in order.
        total = 0.0
        last = -1
        for i in range(n):
            b0, b1, b2 = v[comp, i], v[comp + 1, i], v[comp + 2, i]
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
    return out
