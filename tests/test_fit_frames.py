"""Every FIT decode outcome equals the one recorded before the decoder was made faster.

`tests/fit_frames.json` holds, for every sample file (valid and damaged, with and without
`recover`), a SHA-256 of each frame's values and null masks, the sessions, the device and the
recovery reason or refusal, as the decoder of commit 125cd85 gave them (issue 19, item 4:
speed without any change of output). The fitdecode / garmin-fit-sdk comparison in
tests/test_fit.py checks the values against peers; this checks that nothing moved by one bit.
Regenerate only for a deliberate change of output: `.venv/bin/python tests/test_fit_frames.py`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import drago.ingest.fit as fit
from drago.errors import BadInput
from drago.ingest.fit import _base, _scan, profile

DATA = Path(__file__).parent / "data" / "fit"
RECORDED = Path(__file__).parent / "fit_frames.json"
FILES = sorted([*DATA.glob("*.fit"), *(DATA / "bad").glob("*.fit")])


def frame_digest(frame: pl.DataFrame) -> str:
    """SHA-256 of a frame's schema, then each column's null mask and values (nulls as 0)."""
    digest = hashlib.sha256(str(frame.schema).encode())
    for series in frame.get_columns():
        if isinstance(series.dtype, pl.Datetime):
            series = series.dt.epoch("us")
        digest.update(series.is_null().to_numpy().tobytes())
        digest.update(series.fill_null(0).to_numpy().tobytes())
    return digest.hexdigest()


def outcome(data: bytes, recover: bool) -> list[Any]:
    """What decoding gives: the refusal, or digests of everything in the `Recording`."""
    try:
        rec = fit.decode(data, path="sample.fit", recover=recover)
    except BadInput as exc:
        return ["refused", exc.reason, exc.recoverable]
    return [
        "decoded",
        frame_digest(rec.records),
        frame_digest(rec.laps),
        frame_digest(rec.rr),
        [repr(meta) for meta in rec.sessions],
        rec.device,
        rec.recovered,
        rec.recovery_reason,
    ]


def outcomes(path: Path) -> list[list[Any]]:
    data = path.read_bytes()
    return [outcome(data, recover=False), outcome(data, recover=True)]


def _key(path: Path) -> str:
    return path.relative_to(DATA).as_posix()


@pytest.mark.parametrize("path", FILES, ids=_key)
def test_outcome_equals_the_recorded_one(path: Path) -> None:
    recorded = json.loads(RECORDED.read_text())
    assert _key(path) in recorded, "a sample file without a recorded outcome"
    assert outcomes(path) == recorded[_key(path)]


def test_every_recorded_file_exists() -> None:
    recorded = json.loads(RECORDED.read_text())
    assert set(recorded) == {_key(path) for path in FILES}


#: FIT base types (FIT protocol, "Base Types"): size in bytes, signed, invalid value; None
#: for the byte type (invalid only when every byte is, decided by the caller). Strings,
#: floats and 64-bit integers are never read by the kernels (NaN).
BASE_TYPES = {
    0: (1, False, 0xFF),
    1: (1, True, 0x7F),
    2: (1, False, 0xFF),
    3: (2, True, 0x7FFF),
    4: (2, False, 0xFFFF),
    5: (4, True, 0x7FFFFFFF),
    6: (4, False, 0xFFFFFFFF),
    10: (1, False, 0),
    11: (2, False, 0),
    12: (4, False, 0),
    13: (1, False, None),
}


def reference_read(raw: bytes, bt: int, big: bool) -> float:
    """One element as the FIT protocol defines it, in plain Python."""
    if bt not in BASE_TYPES:
        return float("nan")
    size, signed, invalid = BASE_TYPES[bt]
    unsigned = int.from_bytes(raw[:size], "big" if big else "little")
    if unsigned == invalid:
        return float("nan")
    return float(int.from_bytes(raw[:size], "big" if big else "little", signed=signed))


SPECIAL = st.sampled_from([b"\xff" * 4, b"\x7f\xff\xff\xff", b"\xff\xff\xff\x7f", b"\0" * 4])


@settings(deadline=None)  # the first call loads the compiled kernel
@given(raw=st.binary(min_size=4, max_size=4) | SPECIAL, bt=st.integers(0, 16), big=st.booleans())
def test_read_follows_the_base_type_table(raw: bytes, bt: int, big: bool) -> None:
    """The kernels' table-driven element read equals the protocol's definition."""
    want = reference_read(raw, bt, big)
    buf = np.frombuffer(raw, np.uint8)
    for got in (_base._read.py_func(buf, 0, bt, big), _base._read(buf, 0, bt, big)):
        assert got == want or (np.isnan(got) and np.isnan(want))


def test_read_compiled_on_a_grid_of_values() -> None:
    """Every byte value and a grid of 16- and 32-bit values, each base type, both orders."""
    grid = [*range(256), *range(0, 1 << 32, 65537 * 251), 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF]
    for big in (False, True):
        for bt in range(17):
            for value in grid:
                raw = value.to_bytes(4, "big" if big else "little")
                if bt in BASE_TYPES and BASE_TYPES[bt][0] < 4:  # the value in the first bytes
                    size = BASE_TYPES[bt][0]
                    raw = (value & ((1 << 8 * size) - 1)).to_bytes(size, "big" if big else "little")
                    raw += b"\xa5" * (4 - size)
                got = _base._read(np.frombuffer(raw, np.uint8), 0, bt, big)
                want = reference_read(raw, bt, big)
                assert got == want or (np.isnan(got) and np.isnan(want)), (bt, big, value)


def _untime(data: bytes, every: int) -> tuple[bytes, list[int]]:
    """The file with the timestamp of every `every`-th record set to FIT's invalid value (CRC
    rewritten), and the rows of those records."""
    out = bytearray(data)
    buf = np.frombuffer(data, np.uint8)
    _status, _segs, msgs, defs, _fields = _scan.walk(buf, profile.KIND_OF_MESG)
    rows = []
    records = [i for i in range(len(msgs)) if msgs[i, 2] == profile.RECORD]
    for row, i in enumerate(records):
        at = int(defs[msgs[i, 1], 5])
        if row % every == 1 and at >= 0:
            start = int(msgs[i, 0]) + at
            out[start : start + 4] = b"\xff" * 4
            rows.append(row)
    end = out[0] + int.from_bytes(out[4:8], "little")
    crc = fit._crc.crc16(np.frombuffer(bytes(out[:end]), np.uint8), 0, end)
    out[end : end + 2] = int(crc).to_bytes(2, "little")
    return bytes(out), rows


def test_records_without_a_time_get_a_null_timestamp() -> None:
    """A record whose timestamp is the invalid value keeps its values and a null time (the
    decoder's path for files where some records have no time; no sample file has one)."""
    data = (DATA / "garmin-fenix5-run-short-hrv.fit").read_bytes()
    whole = fit.decode(data).records
    damaged, rows = _untime(data, 3)
    got = fit.decode(damaged).records
    assert rows and got.schema == whole.schema and got.height == whole.height
    nulls = got["timestamp"].is_null().to_numpy()
    assert np.flatnonzero(nulls).tolist() == rows
    kept = pl.Series(~nulls)
    assert got.filter(kept).equals(whole.filter(kept))
    assert got.drop("timestamp").equals(whole.drop("timestamp"))


def test_walk_of_tiny_messages_lists_them_all() -> None:
    """Messages of under 16 bytes on average overflow the walk's first list; the walk is
    redone with the count and lists every message (fr70: 7.5 bytes a message)."""
    buf = np.frombuffer((DATA / "garmin-fr70-compressed-timestamps.fit").read_bytes(), np.uint8)
    status, _segs, msgs, _defs, _fields = _scan.walk(buf, profile.KIND_OF_MESG)
    assert status[0] == _scan.OK and status[3] == len(msgs) > buf.shape[0] // 16 + 64
    assert (np.diff(msgs[:, 0]) > 0).all() and (msgs[:, 0] < buf.shape[0]).all()


def test_walk_of_many_segments_and_definitions_lists_them_all() -> None:
    """A chained file of more segments (64) and definitions (1,024) than the walk's first
    tables hold is walked again with the protocol's bounds and lists everything."""
    one = (DATA / "wahoo-elemnt-roam-unterminated-strings.fit").read_bytes()
    single = _scan.walk(np.frombuffer(one, np.uint8), profile.KIND_OF_MESG)
    status, segs, msgs, defs, fields = _scan.walk(
        np.frombuffer(one * 70, np.uint8), profile.KIND_OF_MESG
    )
    assert status[0] == _scan.OK and len(segs) == 70 and len(defs) > 1024
    assert (len(msgs), len(defs), len(fields)) == tuple(70 * len(t) for t in single[2:])
    assert (segs[:, 0] == np.arange(70) * len(one)).all()


if __name__ == "__main__":
    RECORDED.write_text(json.dumps({_key(p): outcomes(p) for p in FILES}, indent=1) + "\n")
