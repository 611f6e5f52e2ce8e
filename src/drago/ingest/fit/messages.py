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
from drago.recording import Recording, SessionMeta

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


class _Kind:
    """The messages of one kind: a column-major block of the kernel's value matrix."""

    def __init__(self, values: np.ndarray, start: np.ndarray, kind: int) -> None:
        self.kind = kind
        self.v = values[:, int(start[kind]) : int(start[kind + 1])]
        self.n = self.v.shape[1]

    def raw(self, name: str) -> np.ndarray:
        """Raw values of field `name` (NaN where absent or invalid)."""
        out: np.ndarray = self.v[p.COLUMN[self.kind, name]]
        return out

    def col(self, name: str) -> np.ndarray:
        """Field `name` in profile units: raw / scale - offset."""
        scale, offset = p.SCALES.get((self.kind, name), (1.0, 0.0))
        raw = self.raw(name)
        return raw if scale == 1.0 and offset == 0.0 else raw / scale - offset

    @property
    def time(self) -> np.ndarray:
        """FIT date_time of each message (its timestamp field or compressed header), NaN if none."""
        out: np.ndarray = self.v[p.ROW_TIME]
        return out

    def message(self, i: int) -> int:
        """Row of message i in the walk's message list."""
        return int(self.v[p.ROW_MESSAGE, i])


def _first(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """`a` where it is a number, else `b`."""
    return np.where(np.isnan(a), b, a)


def _zero(a: np.ndarray) -> np.ndarray:
    """`a` with NaN as 0 (`np.nan_to_num` for finite data, without its per-call set-up)."""
    return np.where(np.isnan(a), 0.0, a)


def _columns(
    block: np.ndarray, names: tuple[str, ...], n: int | None = None, *, extra: int = 0
) -> tuple[list[pl.Series], pl.Series]:
    """Rows of `n` values (a time row in UTC microseconds, then floats; NaN = absent) as Series
    named `names`, and the `extra` values after them.

    `block` is a (rows, n) array, or flat with `n` given. All rows go through one null-aware
    conversion over one buffer and are sliced from it: each conversion costs tens of
    microseconds of Python, a large part of the time of decoding a small file (issue 19).
    """
    if n is None:
        n = block.shape[1]
    whole = pl.Series("", np.ascontiguousarray(block).reshape(-1), nan_to_null=True)
    time = whole.slice(0, n).cast(pl.Int64).cast(pl.Datetime("us", "UTC")).alias(names[0])
    rows = [time, *(whole.slice(i * n, n).alias(name) for i, name in enumerate(names) if i)]
    return rows, whole.slice(len(names) * n, extra)


def _string(
    data: bytes, offset: int, d: int, defs: np.ndarray, fields: np.ndarray, num: int
) -> str:
    """A string field of one message ('' when absent), cut at its NUL (FIT strings may lack one)."""
    first, count = int(defs[d, 2]), int(defs[d, 3])
    for f in range(first, first + count):
        if fields[f, 0] == num and fields[f, 2] == 7:
            start = offset + int(fields[f, 3])
            raw = data[start : start + int(fields[f, 1])].split(b"\0", 1)[0]
            return raw.decode("utf-8", "replace").strip()
    return ""


def _name(table: dict[int, str], value: float) -> str | None:
    if np.isnan(value):
        return None
    return table.get(int(value), str(int(value)))


def _device(
    data: bytes, msgs: np.ndarray, fid: _Kind, dev: _Kind, defs: np.ndarray, fields: np.ndarray
) -> str | None:
    """'maker product' from file_id (product name string, else the profile's product name)."""
    if fid.n == 0:
        return None
    maker_raw = fid.raw("manufacturer")[0]
    product_raw = fid.raw("product")[0]
    row = msgs[fid.message(0)]
    product = _string(data, int(row[0]), int(row[1]), defs, fields, p.FILE_ID_PRODUCT_NAME)
    if not product:
        for i in np.flatnonzero(dev.raw("device_index") == 0)[:1]:
            row = msgs[dev.message(int(i))]
            product = _string(
                data, int(row[0]), int(row[1]), defs, fields, p.DEVICE_INFO_PRODUCT_NAME
            )
    maker = _name(_names.MANUFACTURER, maker_raw)
    if not product and not np.isnan(product_raw):
        code = -1 if np.isnan(maker_raw) else int(maker_raw)
        if code in p.GARMIN_PRODUCT_MAKERS:
            product = _names.GARMIN_PRODUCT.get(int(product_raw), str(int(product_raw)))
        elif code == p.FAVERO_MAKER:
            product = _names.FAVERO_PRODUCT.get(int(product_raw), str(int(product_raw)))
        else:
            product = str(int(product_raw))
    words = [w for w in (maker, product) if w]
    return " ".join(words) or None


def _sessions(
    ses: _Kind, sport: _Kind, rec_ts: np.ndarray, device: str | None
) -> tuple[list[SessionMeta], np.ndarray, np.ndarray]:
    """Sessions and their [start, end] windows in FIT seconds.

    From the FIT session messages, else one session over the records' span with the sport
    of the `sport` message (msg 12) if any.
    """
    if ses.n:
        elapsed = ses.col("total_elapsed_time")
        starts = _first(ses.col("start_time"), ses.time - _zero(elapsed))
        if np.isnan(starts).any():
            starts = _first(starts, np.full(ses.n, np.nanmin(rec_ts)))
        ends = starts + _zero(elapsed)
        sports = [_name(_names.SPORT, v) for v in ses.raw("sport")]
        subs = [_name(_names.SUB_SPORT, v) for v in ses.raw("sub_sport")]
        timers = ses.col("total_timer_time")
        dists = ses.col("total_distance")
    else:
        starts, ends = np.array([np.nanmin(rec_ts)]), np.array([np.nanmax(rec_ts)])
        elapsed = ends - starts
        sports = [_name(_names.SPORT, sport.raw("sport")[0]) if sport.n else None]
        subs = [_name(_names.SUB_SPORT, sport.raw("sub_sport")[0]) if sport.n else None]
        timers = dists = np.array([np.nan])
    sessions = [
        SessionMeta(
            index=i,
            start=datetime.fromtimestamp(float(starts[i]) + p.FIT_EPOCH_S, tz=UTC),
            duration_s=0.0 if np.isnan(elapsed[i]) else float(elapsed[i]),
            activity=activity_for(sports[i], subs[i]),
            sport=sports[i],
            sub_sport=subs[i],
            timer_s=None if np.isnan(timers[i]) else float(timers[i]),
            distance_m=None if np.isnan(dists[i]) else float(dists[i]),
            device=device,
        )
        for i in range(len(starts))
    ]
    return sessions, starts, ends


def _clock_offset(msgs: np.ndarray, values: np.ndarray, start: np.ndarray) -> float:
    """Seconds that move a device-relative clock onto the activity's local time (0: none).

    date_time values below 0x10000000 count seconds since the device was switched on (FIT
    protocol, "date_time"). When every time in the file is such, and the `activity` message
    pairs one with its `local_timestamp`, the difference anchors them all; the session and
    lap times in `values` are moved in place (the records by `_columns.records`). The UTC
    offset of that local time is unknown, so the result is local time read as UTC.
    """
    activity = _Kind(values, start, p.ACTIVITY)
    if activity.n == 0:
        return 0.0
    latest = int(msgs[:, 3].max())  # -1: no message has a time
    if latest < 0 or latest >= p.MIN_DATE_TIME:
        return 0.0
    local, at = activity.raw("local_timestamp"), activity.time
    paired = np.isfinite(local) & np.isfinite(at) & (local >= p.MIN_DATE_TIME)
    if not paired.any():
        return 0.0
    offset = float(local[paired][0] - at[paired][0])
    values[p.ROW_TIME] += offset
    for kind in (p.SESSION, p.LAP):
        block = values[p.COLUMN[kind, "start_time"], int(start[kind]) : int(start[kind + 1])]
        block[block < p.MIN_DATE_TIME] += offset
    return offset


def build(
    data: bytes,
    buf: np.ndarray,
    msgs: np.ndarray,
    values: np.ndarray,
    start: np.ndarray,
    defs: np.ndarray,
    fields: np.ndarray,
    *,
    path: str | Path | None,
) -> Recording:
    """Assemble sessions, records, laps and RR intervals from the walk's message list and the
    kernel's value matrix of the other kinds (the records are read from `buf` here)."""
    offset = _clock_offset(msgs, values, start)
    # Records: every column in its final unit in one compiled pass over the bytes.
    block = _kernels.records(
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
        float(p.FIT_EPOCH_S),
        SEMICIRCLE_DEG,
    )
    rec_ts = block[0]
    n_rec = rec_ts.shape[0]
    if n_rec == 0 or np.isnan(rec_ts).all():
        raise BadInput(path, "no timed samples (no record messages with a timestamp)")
    device = _device(
        data,
        msgs,
        _Kind(values, start, p.FILE_ID),
        _Kind(values, start, p.DEVICE_INFO),
        defs,
        fields,
    )
    sessions, starts, ends = _sessions(
        _Kind(values, start, p.SESSION), _Kind(values, start, p.SPORT), rec_ts, device
    )

    # Sessions of the records, laps numbered within their session, RR intervals: one
    # compiled pass, its integer and float columns each converted to Polars once.
    lap, hrv = _Kind(values, start, p.LAP), _Kind(values, start, p.HRV)
    ints, floats, n_rr = _tables.tables(
        rec_ts,
        starts,
        ends,
        lap.v,
        LAP_ROWS,
        LAP_SCALE,
        LAP_OFFSET,
        hrv.v,
        p.HRV_SLOTS,
        p.ROW_TIME,
        p.ROW_RECORDS_BEFORE,
        float(p.FIT_EPOCH_S),
    )
    whole = pl.Series("", ints, dtype=pl.Int32)
    n_lap = lap.n
    records = pl.DataFrame(
        [whole.slice(0, n_rec).alias("session_index"), *_columns(block[1:], RECORD_NAMES)[0]]
    )
    lap_columns, rr_ms = _columns(floats, LAP_NAMES, n_lap, extra=int(n_rr))
    laps = pl.DataFrame(
        [
            whole.slice(n_rec, n_lap).alias("session_index"),
            whole.slice(n_rec + n_lap, n_lap).alias("lap_index"),
            *lap_columns,
        ]
    )
    rr = pl.DataFrame(
        [whole.slice(n_rec + 2 * n_lap, int(n_rr)).alias("session_index"), rr_ms.alias("rr_ms")]
    )
    return Recording(
        format="fit",
        sessions=sessions,
        records=records,
        laps=laps,
        rr=rr,
        path=None if path is None else Path(path),
        device=device,
    )
