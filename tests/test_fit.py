"""FIT decoder against the sample files in tests/data/fit and the facts in its index.yml.

Every valid file is compared value by value with fitdecode 0.11 (garmin-fit-sdk for the file
fitdecode refuses); every damaged file must be refused with a one-line reason and, where the
manifest says so, recovered. Reference decodes are cached per process (one per file).
"""

from __future__ import annotations

import functools
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
import yaml

import drago.ingest.fit as fit
from drago.errors import BadInput
from drago.recording import LAP_SCHEMA, RECORD_SCHEMA, RR_SCHEMA

DATA = Path(__file__).parent / "data" / "fit"
MANIFEST = yaml.safe_load((DATA / "index.yml").read_text())
VALID = {entry["file"]: entry for entry in MANIFEST["valid"]}
BAD = {entry["file"]: entry for entry in MANIFEST["bad"]}
FIT_EPOCH_S = 631065600
COLUMNS = {  # drago column -> reference field names, first present wins
    "hr_bpm": ("heart_rate",),
    "speed_ms": ("enhanced_speed", "speed"),
    "distance_m": ("distance",),
    "altitude_m": ("enhanced_altitude", "altitude"),
    "power_w": ("power",),
    "cadence_rpm": ("cadence",),
    "lat_deg": ("position_lat",),
    "lon_deg": ("position_long",),
}


def _fit_seconds(value: Any, anchor: float = 0.0) -> float:
    """A FIT date_time as decoded by a peer in FIT seconds; a device-relative one (an int
    below 0x10000000) is moved by `anchor`, the file's local time minus its device clock."""
    if value is None:
        return float("nan")
    if isinstance(value, datetime):
        return value.timestamp() - FIT_EPOCH_S
    return float(value) + anchor


def _elements(value: Any) -> tuple[Any, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def _number(value: Any) -> float:
    return float("nan") if value is None or isinstance(value, str) else float(value)


@functools.cache
def reference(name: str) -> dict[str, Any]:
    """Records, sessions and RR values of a sample file as the manifest's reference decodes it."""
    path = DATA / name
    rows: list[dict[str, Any]] = []
    sessions: list[dict[str, Any]] = []
    rr: list[float] = []
    anchor = 0.0
    if VALID[name]["reference"].startswith("garmin-fit-sdk"):
        from garmin_fit_sdk import Decoder, Stream

        messages, errors = Decoder(Stream.from_file(str(path))).read()
        assert not errors
        for m in messages.get("record_mesgs", []):
            rows.append({"timestamp": m.get("timestamp"), **m})
        sessions = messages.get("session_mesgs", [])
        rr = [v for m in messages.get("hrv_mesgs", []) for v in _elements(m.get("time"))]
    else:
        import fitdecode

        with fitdecode.FitReader(str(path), check_crc=fitdecode.CrcCheck.RAISE) as reader:
            for frame in reader:
                if not isinstance(frame, fitdecode.FitDataMessage):
                    continue
                if frame.name in ("record", "session"):
                    values: dict[str, Any] = {}
                    for f in frame.fields:  # first non-null value of each name
                        if values.get(f.name) is None:
                            values[f.name] = f.value
                    (rows if frame.name == "record" else sessions).append(values)
                elif frame.name == "hrv":
                    rr.extend(_elements(frame.get_value("time", fallback=None)))
                elif frame.name == "activity":
                    local = frame.get_value("local_timestamp", fallback=None)
                    clock = frame.get_value("timestamp", fallback=None)
                    if isinstance(local, datetime) and isinstance(clock, int):
                        anchor = local.timestamp() - FIT_EPOCH_S - clock
    table: dict[str, np.ndarray] = {
        "timestamp": np.array([_fit_seconds(r.get("timestamp"), anchor) for r in rows], dtype=float)
    }
    for column, names in COLUMNS.items():
        picked = [next((r[n] for n in names if r.get(n) is not None), None) for r in rows]
        table[column] = np.array([_number(v) for v in picked], dtype=float)
    for column in ("lat_deg", "lon_deg"):
        table[column] = table[column] * 180.0 / 2**31
    return {
        "records": table,
        "sessions": [
            (str(s.get("sport")), s.get("sub_sport"), _fit_seconds(s.get("start_time"), anchor))
            for s in sessions
        ],
        "rr_ms": np.array([v * 1000.0 for v in rr if v is not None], dtype=float),
    }


@functools.cache
def decoded(name: str) -> fit.Recording:
    return fit.read(DATA / name)


def test_manifest_lists_every_file() -> None:
    on_disk = {p.name for p in DATA.glob("*.fit")}
    bad_on_disk = {p.name for p in (DATA / "bad").iterdir() if p.name != "SOURCES.md"}
    assert on_disk - VALID.keys() == set(), "valid files without a manifest entry"
    assert bad_on_disk - BAD.keys() == set(), "bad files without a manifest entry"
    assert VALID.keys() - on_disk == set() and BAD.keys() - bad_on_disk == set()
    for entry in [*VALID.values(), *BAD.values()]:
        assert entry["source"] and entry["licence"] and entry["reference"]


@pytest.mark.parametrize("name", sorted(VALID))
def test_shapes_and_manifest_facts(name: str) -> None:
    entry, rec = VALID[name], decoded(name)
    assert rec.format == "fit" and not rec.recovered
    assert rec.records.schema == pl.Schema(RECORD_SCHEMA)
    assert rec.laps.schema == pl.Schema(LAP_SCHEMA)
    assert rec.rr.schema == pl.Schema(RR_SCHEMA)
    assert rec.records.height == entry["records"]
    assert rec.records["hr_bpm"].is_not_null().sum() == entry["hr_records"]
    assert rec.records["lat_deg"].is_not_null().sum() == entry["gps_records"]
    assert rec.rr.height == entry["rr_intervals"]
    assert len(rec.sessions) == max(1, len(entry["sessions"]))
    for meta, want in zip(rec.sessions, entry["sessions"], strict=False):
        assert meta.sport == want["sport"] and meta.sub_sport == want["sub_sport"]
        assert meta.start.isoformat() == want["start"]
        assert meta.start.tzinfo is not None and meta.duration_s >= 0
    maker = entry["device"].split(" /")[0]
    assert rec.device is not None and rec.device.startswith(maker)
    assert rec.records["session_index"].max() < len(rec.sessions)  # type: ignore[operator]


@pytest.mark.parametrize("name", sorted(VALID))
def test_values_equal_reference_decoder(name: str) -> None:
    """Every timestamp and per-record value equals the reference decoder's, RR values too."""
    ref, rec = reference(name), decoded(name)
    frame = rec.records
    assert frame.height == len(ref["records"]["timestamp"])
    ts = frame["timestamp"].dt.epoch("us").to_numpy() / 1e6 - FIT_EPOCH_S
    np.testing.assert_array_equal(ts, ref["records"]["timestamp"])
    for column in COLUMNS:
        got = frame[column].to_numpy().astype(float)
        want = ref["records"][column]
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9, equal_nan=True, err_msg=column)
    np.testing.assert_allclose(rec.rr["rr_ms"].to_numpy(), ref["rr_ms"], atol=1e-9)
    got_sessions = [(s.sport, s.sub_sport, s.start.timestamp() - FIT_EPOCH_S) for s in rec.sessions]
    if ref["sessions"]:
        assert got_sessions == ref["sessions"]


def test_records_fall_in_their_session_windows() -> None:
    """A record inside exactly one session's [start, start + elapsed] belongs to that session."""
    rec = decoded("garmin-fenix2-multisport-large.fit")
    assert len(rec.sessions) > 1
    ts = rec.records["timestamp"].dt.epoch("s").to_numpy()
    got = rec.records["session_index"].to_numpy()
    windows = [(m.start.timestamp(), m.start.timestamp() + m.duration_s) for m in rec.sessions]
    inside = np.array([(ts >= a) & (ts <= b) for a, b in windows])
    only = inside.sum(axis=0) == 1
    assert only.sum() > 0.5 * len(ts)
    np.testing.assert_array_equal(got[only], inside[:, only].argmax(axis=0))
    assert set(np.unique(got)) == set(range(len(rec.sessions)))


def test_compressed_timestamps_and_speed_distance() -> None:
    rec = decoded("garmin-fr70-compressed-timestamps.fit")
    ts = rec.records["timestamp"].dt.epoch("s").to_numpy()
    assert rec.records["timestamp"].null_count() == 0 and (np.diff(ts) >= 0).all()
    assert rec.records["speed_ms"].null_count() < rec.records.height
    assert rec.records["distance_m"].drop_nulls().is_sorted()


def _hide_sessions(data: bytes) -> bytes:
    """The file with its session definitions renamed to an unknown message, CRC rewritten."""
    out = bytearray(data)
    pos = out[0]
    end = pos + int.from_bytes(out[4:8], "little")
    sizes: dict[int, int] = {}
    while pos < end:
        header = out[pos]
        if header & 0x80:
            pos += 1 + sizes[(header >> 5) & 3]
        elif header & 0x40:
            n = out[pos + 5]
            size = sum(out[pos + 7 + 3 * i] for i in range(n))
            stop = pos + 6 + 3 * n
            if header & 0x20:
                size += sum(out[stop + 2 + 3 * i] for i in range(out[stop]))
                stop += 1 + 3 * out[stop]
            if out[pos + 2] == 0 and out[pos + 3 : pos + 5] == b"\x12\x00":
                out[pos + 3 : pos + 5] = b"\xf0\xff"
            sizes[header & 0xF] = size
            pos = stop
        else:
            pos += 1 + sizes[header & 0xF]
    crc = fit._crc.crc16(np.frombuffer(bytes(out[:end]), np.uint8), 0, end)
    out[end : end + 2] = int(crc).to_bytes(2, "little")
    return bytes(out)


def test_no_session_messages_gives_one_session() -> None:
    """Without session messages, one session spans the records, its sport from msg 12."""
    whole = decoded("garmin-fenix5-run-short-hrv.fit")
    rec = fit.decode(_hide_sessions((DATA / "garmin-fenix5-run-short-hrv.fit").read_bytes()))
    assert len(rec.sessions) == 1 and rec.sessions[0].activity == "run"
    assert rec.sessions[0].start == whole.records["timestamp"].min()
    assert rec.records.height == whole.records.height and rec.rr.height == whole.rr.height


def test_sniff() -> None:
    assert fit.sniff((DATA / "garmin-fenix2-run.fit").read_bytes()[:64])
    assert not fit.sniff(b"<?xml version='1.0'?><gpx>")
    assert not fit.sniff(b"")
    assert fit.FORMAT == "fit" and fit.SUFFIXES == (".fit",)


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_files_refused_with_one_line(name: str) -> None:
    with pytest.raises(BadInput) as caught:
        fit.read(DATA / "bad" / name)
    reason = caught.value.reason
    assert reason and "\n" not in reason and len(reason) < 200
    recoverable = BAD[name]["recovered_records"] is not None
    assert caught.value.recoverable == recoverable
    if recoverable:
        assert "rerun with --recover" in reason


@pytest.mark.parametrize("name", sorted(BAD))
def test_recover_imports_the_whole_part(name: str) -> None:
    want = BAD[name]["recovered_records"]
    if want is None:
        with pytest.raises(BadInput):
            fit.read(DATA / "bad" / name, recover=True)
        return
    rec = fit.read(DATA / "bad" / name, recover=True)
    assert rec.recovered and rec.recovery_reason
    assert rec.records.height == want


def test_truncated_sigma_reason_is_exact() -> None:
    with pytest.raises(BadInput) as caught:
        fit.read(DATA / "bad" / "bad-sigma-truncated-no-crc.fit")
    assert caught.value.reason == (
        "file ends without its CRC after 14,391 whole records: rerun with --recover to import them"
    )


def test_chained_second_crc_keeps_the_first_part() -> None:
    whole = fit.read(DATA / "bad" / "bad-file-crc.fit", recover=True)
    chained = fit.read(DATA / "bad" / "bad-chained-second-file-crc.fit", recover=True)
    assert chained.records.height == whole.records.height == 14
    assert "segment 2" in (chained.recovery_reason or "")


def test_unreadable_path_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="cannot read"):
        fit.read(tmp_path / "missing.fit")


def test_empty_file_is_refused(tmp_path: Path) -> None:
    """A 0-byte file (an interrupted copy) is refused in one line, with or without recovery."""
    empty = tmp_path / "empty.fit"
    empty.write_bytes(b"")
    for recover in (False, True):
        with pytest.raises(BadInput) as caught:
            fit.read(empty, recover=recover)
        assert caught.value.reason and "\n" not in caught.value.reason
        assert not caught.value.recoverable
