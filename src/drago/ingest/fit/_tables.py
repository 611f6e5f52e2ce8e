# Numba kernels mix NumPy scalars and Python ints freely (Numba types them; mypy cannot):
# mypy: disable-error-code="assignment,return-value,arg-type"
"""One Numba pass for the small tables of a FIT file: sessions of records, laps and RR.

Each NumPy or Polars call costs microseconds of Python, and a small file's laps and RR
intervals took a dozen of them (issue 19): this kernel assigns records and laps to
sessions, numbers laps within their session and lays out the RR intervals, and returns all
the integer columns in one buffer and all the float columns in another, so that Polars
converts each buffer once. Units as in `messages` (FIT profile: value = raw / scale -
offset; hrv.time in 1/1000 s, so raw values are milliseconds).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from drago.ingest.fit._columns import assign, number_within


@njit(cache=True, nogil=True)
def tables(  # type: ignore[no-untyped-def]  # pragma: no cover - compiled
    rec_ts: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    lap: np.ndarray,
    lap_rows: np.ndarray,
    lap_scale: np.ndarray,
    lap_offset: np.ndarray,
    hrv: np.ndarray,
    hrv_slots: int,
    row_time: int,
    row_records_before: int,
    epoch_s: float,
):
    """Integer and float columns of the records' sessions, the laps and the RR intervals.

    `lap` and `hrv` are the kernel's value blocks of those kinds; `lap_rows` the rows of the
    lap's start_time, total_elapsed_time, total_distance, avg_heart_rate and max_heart_rate,
    `lap_scale` and `lap_offset` their scales and offsets. Returns (ints, floats, n_rr):
    ints = record sessions (n_rec), lap sessions, lap numbers (n_lap each), RR sessions;
    floats = lap start (UTC microseconds), duration_s, distance_m, hr_avg_bpm, hr_max_bpm
    (n_lap each), then the RR intervals in ms. A lap without start_time starts at its
    timestamp minus its elapsed time; an hrv message belongs to the session of the last
    record before it in the file.
    """
    n_rec = rec_ts.shape[0]
    n_lap = lap.shape[1]
    n_hrv = hrv.shape[1]
    rec_session = assign(rec_ts, starts, ends)
    lap_start = np.empty(n_lap)
    lap_elapsed = np.empty(n_lap)
    for i in range(n_lap):
        lap_elapsed[i] = lap[lap_rows[1], i] / lap_scale[1] - lap_offset[1]
        s = lap[lap_rows[0], i] / lap_scale[0] - lap_offset[0]
        if np.isnan(s):
            s = lap[row_time, i] - lap_elapsed[i]
        lap_start[i] = s
    lap_session = assign(lap_start, starts, ends)
    lap_index = number_within(lap_session)
    n_rr = 0
    for i in range(n_hrv):
        for j in range(hrv_slots):
            if not np.isnan(hrv[j, i]):
                n_rr += 1
    ints = np.empty(n_rec + 2 * n_lap + n_rr, np.int32)
    floats = np.empty(5 * n_lap + n_rr)
    ints[:n_rec] = rec_session
    ints[n_rec : n_rec + n_lap] = lap_session
    ints[n_rec + n_lap : n_rec + 2 * n_lap] = lap_index
    for i in range(n_lap):
        floats[i] = (lap_start[i] + epoch_s) * 1e6
        floats[n_lap + i] = lap_elapsed[i]
        floats[2 * n_lap + i] = lap[lap_rows[2], i] / lap_scale[2] - lap_offset[2]
        floats[3 * n_lap + i] = lap[lap_rows[3], i] / lap_scale[3] - lap_offset[3]
        floats[4 * n_lap + i] = lap[lap_rows[4], i] / lap_scale[4] - lap_offset[4]
    k = 0
    for i in range(n_hrv):
        before = np.int64(hrv[row_records_before, i]) - 1
        session = rec_session[min(max(before, 0), n_rec - 1)]
        for j in range(hrv_slots):
            if not np.isnan(hrv[j, i]):
                ints[n_rec + 2 * n_lap + k] = session
                floats[5 * n_lap + k] = hrv[j, i]
                k += 1
    return ints, floats, n_rr
