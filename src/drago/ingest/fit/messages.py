"""From raw field values of the wanted FIT messages to a `Recording`: vectorised NumPy, Polars.

Units follow the FIT profile (Garmin FIT SDK, Profile.xlsx): value = raw / scale - offset,
positions are semicircles (degrees = semicircles * 180 / 2^31), date_time counts seconds from
1989-12-31T00:00:00Z. `enhanced_speed`/`enhanced_altitude` win over `speed`/`altitude`; the
`compressed_speed_distance` component field (record field 8: 12 bits of speed at 1/100 m/s,
12 bits of accumulated distance at 1/16 m) fills speed and distance where they are absent.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

from drago.activities import activity_for
from drago.errors import BadInput
from drago.ingest.fit import _columns as _kernels
from drago.ingest.fit import _names, _tables
from drago.ingest.fit import profile as p
from drago.recording import LAP_SCHEMA, RR_SCHEMA, Recording, SessionMeta, empty_frame

SEMICIRCLE_DEG = 180.0 / 2**31
#: Where `_columns.records` finds its raw fields, and their scales and offsets.
RAW_COLUMNS = np.array([p.COLUMN[p.RECORD, name] for name in _kernels.RAW_FIELDS], np.int64)
RAW_SCALE = np.array([p.SCALES.get((p.RECORD, f), (1.0, 0.0))[0] for f in _kernels.RAW_FIELDS])
RAW_OFFSET = np.array([p.SCALES.get((p.RECORD, f), (1.0, 0.0))[1] for f in _kernels.RAW_FIELDS])

RECORD_NAMES = _kernels.RECORD_ROWS
#: The lap fields `_tables.tables` reads, with their scales and offsets, and the lap columns.
LAP_FIELDS = (
    "start_time",
    "total_elapsed_time",
    "total_distance",
    "avg_heart_rate",
    "max_heart_rate",
)
LAP_ROWS = np.array([p.COLUMN[p.LAP, name] for name in LAP_FIELDS], np.int64)
LAP_SCALE = np.array([p.SCALES.get((p.LAP, f), (1.0, 0.0))[0] for f in LAP_FIELDS])
LAP_OFFSET = np.array([p.SCALES.get((p.LAP, f), (1.0, 0.0))[1] for f in LAP_FIELDS])
LAP_NAMES = ("start", "duration_s", "distance_m", "hr_avg_bpm", "hr_max_bpm")


#: Rows of the value matrix read for each session: start_time, total_elapsed_time, the
#: message's time, sport, sub_sport, total_timer_time, total_distance.
_SESSION_ROWS = np.array(
    [
        *(p.COLUMN[p.SESSION, name] for name in ("start_time", "total_elapsed_time")),
        p.ROW_TIME,
        *(
            p.COLUMN[p.SESSION, name]
            for name in ("sport", "sub_sport", "total_timer_time", "total_distance")
        ),
    ],
    np.int64,
)
_SESSION_SCALE = {
    name: p.SCALES.get((p.SESSION, name), (1.0, 0.0))
    for name in ("total_elapsed_time", "total_timer_time", "total_distance")
}
_EPOCH_S = float(p.FIT_EPOCH_S)
_TIME = pl.Datetime("us", "UTC")
_EMPTY_LAPS = empty_frame(LAP_SCHEMA)
_EMPTY_RR = empty_frame(RR_SCHEMA)


def _unit(value: float, scale: tuple[float, float]) -> float:
    """A raw value in profile units (raw / scale - offset), as `_Kind.col` did in NumPy."""
    return value if scale == (1.0, 0.0) else value / scale[0] - scale[1]


def _string(
    data: bytes, offset: int, d: int, defs: np.ndarray, fields: np.ndarray, num: int
) -> str:
    """A string field of one message ('' when absent), cut at its NUL (FIT strings may lack one)."""
    first, count = int(defs[d, 2]), int(defs[d, 3])
    for number, size, base_type, at in fields[first : first + count].tolist():
        if number == num and base_type == 7:
            start = offset + at
            raw = data[start : start + size].split(b"\0", 1)[0]
            return raw.decode("utf-8", "replace").strip()
    return ""


def _name(table: dict[int, str], value: float) -> str | None:
    if value != value:  # NaN: absent
        return None
    return table.get(int(value), str(int(value)))


def _device(
    data: bytes,
    msgs: np.ndarray,
    values: np.ndarray,
    bounds: list[int],
    defs: np.ndarray,
    fields: np.ndarray,
) -> str | None:
    """'maker product' from file_id (product name string, else the profile's product name)."""
    fid = bounds[p.FILE_ID]
    if fid == bounds[p.FILE_ID + 1]:
        return None
    maker_raw = float(values[p.COLUMN[p.FILE_ID, "manufacturer"], fid])
    product_raw = float(values[p.COLUMN[p.FILE_ID, "product"], fid])
    offset, d = msgs[int(values[p.ROW_MESSAGE, fid])].tolist()[:2]
    product = _string(data, offset, d, defs, fields, p.FILE_ID_PRODUCT_NAME)
    if not product:
        dev = values[:, bounds[p.DEVICE_INFO] : bounds[p.DEVICE_INFO + 1]]
        for i in np.flatnonzero(dev[p.COLUMN[p.DEVICE_INFO, "device_index"]] == 0)[:1]:
            offset, d = msgs[int(dev[p.ROW_MESSAGE, i])].tolist()[:2]
            product = _string(data, offset, d, defs, fields, p.DEVICE_INFO_PRODUCT_NAME)
    maker = _name(_names.MANUFACTURER, maker_raw)
    if not product and product_raw == product_raw:
        code = -1 if maker_raw != maker_raw else int(maker_raw)
        if code in p.GARMIN_PRODUCT_MAKERS:
            product = _names.GARMIN_PRODUCT.get(int(product_raw), str(int(product_raw)))
        elif code == p.FAVERO_MAKER:
            product = _names.FAVERO_PRODUCT.get(int(product_raw), str(int(product_raw)))
        else:
            product = str(int(product_raw))
    words = [w for w in (maker, product) if w]
    return " ".join(words) or None


def _sessions(
    values: np.ndarray, bounds: list[int], first_s: float, last_s: float, device: str | None
) -> tuple[list[SessionMeta], np.ndarray, np.ndarray]:
    """Sessions and their [start, end] windows in FIT seconds.

    From the FIT session messages, else one session over the records' span (`first_s` to
    `last_s`) with the sport of the `sport` message (msg 12) if any. A session has few
    messages: plain Python floats here cost less than a dozen NumPy calls (issue 19).
    """
    metas: list[tuple[float, float, float, str | None, str | None, float, float]] = []
    if bounds[p.SESSION] < bounds[p.SESSION + 1]:
        rows = values[_SESSION_ROWS, bounds[p.SESSION] : bounds[p.SESSION + 1]]
        for start_raw, elapsed_raw, at, sport, sub, timer_raw, dist_raw in rows.T.tolist():
            elapsed = _unit(elapsed_raw, _SESSION_SCALE["total_elapsed_time"])
            known = 0.0 if elapsed != elapsed else elapsed
            begin = start_raw if start_raw == start_raw else at - known
            if begin != begin:
                begin = first_s
            metas.append(
                (
                    begin,
                    begin + known,
                    elapsed,
                    _name(_names.SPORT, sport),
                    _name(_names.SUB_SPORT, sub),
                    _unit(timer_raw, _SESSION_SCALE["total_timer_time"]),
                    _unit(dist_raw, _SESSION_SCALE["total_distance"]),
                )
            )
    else:
        sport = sub = None
        if bounds[p.SPORT] < bounds[p.SPORT + 1]:
            sport = _name(_names.SPORT, float(values[p.COLUMN[p.SPORT, "sport"], bounds[p.SPORT]]))
            sub = _name(
                _names.SUB_SPORT, float(values[p.COLUMN[p.SPORT, "sub_sport"], bounds[p.SPORT]])
            )
        metas.append((first_s, last_s, last_s - first_s, sport, sub, np.nan, np.nan))
    sessions = [
        SessionMeta(
            index=i,
            start=datetime.fromtimestamp(begin + p.FIT_EPOCH_S, tz=UTC),
            duration_s=0.0 if elapsed != elapsed else elapsed,
            activity=activity_for(sport, sub),
            sport=sport,
            sub_sport=sub,
            timer_s=None if timer != timer else timer,
            distance_m=None if dist != dist else dist,
            device=device,
        )
        for i, (begin, _end, elapsed, sport, sub, timer, dist) in enumerate(metas)
    ]
    starts = np.array([m[0] for m in metas])
    ends = np.array([m[1] for m in metas])
    return sessions, starts, ends


def _clock_offset(values: np.ndarray, bounds: list[int], latest: int) -> float:
    """Seconds that move a device-relative clock onto the activity's local time (0: none).

    date_time values below 0x10000000 count seconds since the device was switched on (FIT
    protocol, "date_time"). When every time in the file is such (`latest`, the latest time of
    any message, -1 when none has one), and the `activity` message pairs one with its
    `local_timestamp`, the difference anchors them all; the session and lap times in
    `values` are moved in place (the records by `_columns.records`). The UTC offset of that
    local time is unknown, so the result is local time read as UTC.
    """
    if bounds[p.ACTIVITY] == bounds[p.ACTIVITY + 1]:
        return 0.0
    if latest < 0 or latest >= p.MIN_DATE_TIME:
        return 0.0
    activity = values[:, bounds[p.ACTIVITY] : bounds[p.ACTIVITY + 1]]
    local, at = activity[p.COLUMN[p.ACTIVITY, "local_timestamp"]], activity[p.ROW_TIME]
    paired = np.isfinite(local) & np.isfinite(at) & (local >= p.MIN_DATE_TIME)
    if not paired.any():
        return 0.0
    offset = float(local[paired][0] - at[paired][0])
    values[p.ROW_TIME] += offset
    for kind in (p.SESSION, p.LAP):
        block = values[p.COLUMN[kind, "start_time"], bounds[kind] : bounds[kind + 1]]
        block[block < p.MIN_DATE_TIME] += offset
    return offset


def _frames(
    block: np.ndarray,
    stamps: np.ndarray,
    untimed: int,
    ints: np.ndarray,
    floats: np.ndarray,
    n_lap: int,
    n_rr: int,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The records, laps and RR frames from the kernels' buffers, one Polars conversion each.

    `block` holds the record rows (FIT seconds, then floats; NaN = absent) and `stamps` their
    UTC microseconds (`untimed` of them missing), `ints` and `floats` the buffers of
    `_tables.tables`. Each buffer is converted once (null where NaN), its columns are slices
    of it, and each frame is joined from them by `hstack`: the generic `pl.DataFrame`
    constructor costs tens of microseconds a frame, most of a small file's decode (issue 19).
    """
    n_rec = block.shape[1]
    if untimed:  # nulls where a record has no time
        micros = (block[0] + _EPOCH_S) * 1e6
        time = pl.Series(RECORD_NAMES[0], micros, nan_to_null=True).cast(pl.Int64).cast(_TIME)
    else:
        time = pl.Series(RECORD_NAMES[0], stamps).cast(_TIME)
    whole = pl.Series("", block[1:].reshape(-1), nan_to_null=True)
    index = pl.Series("session_index", ints, dtype=pl.Int32)
    records = (
        index.slice(0, n_rec)
        .to_frame()
        .hstack(
            [
                time,
                *(
                    whole.slice((i - 1) * n_rec, n_rec).alias(name)
                    for i, name in enumerate(RECORD_NAMES)
                    if i
                ),
            ]
        )
    )
    if n_lap == 0 and n_rr == 0:
        return records, _EMPTY_LAPS.clear(), _EMPTY_RR.clear()
    values = pl.Series(LAP_NAMES[0], floats, nan_to_null=True)
    laps = _EMPTY_LAPS.clear()
    if n_lap:
        laps = (
            index.slice(n_rec, n_lap)
            .to_frame()
            .hstack(
                [
                    index.slice(n_rec + n_lap, n_lap).alias("lap_index"),
                    values.slice(0, n_lap).cast(pl.Int64).cast(_TIME),
                    *(
                        values.slice(i * n_lap, n_lap).alias(name)
                        for i, name in enumerate(LAP_NAMES)
                        if i
                    ),
                ]
            )
        )
    rr = _EMPTY_RR.clear()
    if n_rr:
        rr = (
            index.slice(n_rec + 2 * n_lap, n_rr)
            .to_frame()
            .hstack([values.slice(5 * n_lap, n_rr).alias("rr_ms")])
        )
    return records, laps, rr


def build(
    data: bytes,
    buf: np.ndarray,
    msgs: np.ndarray,
    values: np.ndarray,
    start: np.ndarray,
    defs: np.ndarray,
    fields: np.ndarray,
    *,
    latest: int,
    path: str | Path | None,
) -> Recording:
    """Assemble sessions, records, laps and RR intervals from the walk's message list and the
    kernel's value matrix of the other kinds (the records are read from `buf` here); `latest`
    is the latest time of any listed message (-1: none has one)."""
    bounds = start.tolist()
    offset = _clock_offset(values, bounds, latest)
    # Records: every column in its final unit in one compiled pass over the bytes.
    block, stamps, first_s, last_s, untimed = _kernels.records(
        buf,
        msgs,
        defs,
        fields,
        p.KIND_OF_MESG,
        p.RECORD,
        p.COL_START,
        p.COL_WIDTH,
        RAW_COLUMNS,
        RAW_SCALE,
        RAW_OFFSET,
        offset,
        _EPOCH_S,
        SEMICIRCLE_DEG,
    )
    if block.shape[1] == 0 or first_s != first_s:
        raise BadInput(path, "no timed samples (no record messages with a timestamp)")
    device = _device(data, msgs, values, bounds, defs, fields)
    sessions, starts, ends = _sessions(values, bounds, first_s, last_s, device)
    # Sessions of the records, laps numbered within their session, RR intervals: one
    # compiled pass, its integer and float buffers each converted to Polars once.
    lap = values[:, bounds[p.LAP] : bounds[p.LAP + 1]]
    ints, floats, n_rr = _tables.tables(
        block[0],
        starts,
        ends,
        lap,
        LAP_ROWS,
        LAP_SCALE,
        LAP_OFFSET,
        values[:, bounds[p.HRV] : bounds[p.HRV + 1]],
        p.HRV_SLOTS,
        p.ROW_TIME,
        p.ROW_RECORDS_BEFORE,
        _EPOCH_S,
    )
    records, laps, rr = _frames(block, stamps, int(untimed), ints, floats, lap.shape[1], int(n_rr))
    return Recording(
        format="fit",
        sessions=sessions,
        records=records,
        laps=laps,
        rr=rr,
        path=None if path is None else Path(path),
        device=device,
    )
