"""RR files: every format on a real or documented sample (tests/data/rr/index.yml), bad files."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from drago.errors import BadInput
from drago.ingest import fit
from drago.ingest.rr import MORNING_MAX_S, RRRecording, read_rr, sniff

DATA = Path(__file__).parent / "data"
RR = DATA / "rr"
MANIFEST: list[dict[str, Any]] = yaml.safe_load((RR / "index.yml").read_text())["files"]
NOT_RR = ("_Features.csv", ".npy", ".md", ".yml")


def test_every_file_has_an_entry() -> None:
    listed = {entry["file"] for entry in MANIFEST}
    on_disk = {
        str(path.relative_to(RR))
        for path in RR.rglob("*")
        if path.is_file() and not path.name.endswith(NOT_RR)
    }
    assert on_disk == listed


def test_every_format_has_a_sample() -> None:
    formats = {entry["format"] for entry in MANIFEST}
    assert formats == {"hrv_logger", "polar_hrm", "elite_hrv", "text", "csv", "fit"}
    assert {entry["unit"] for entry in MANIFEST} == {"s", "ms"}


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_reads_the_manifest(entry: dict[str, Any]) -> None:
    path = RR / entry["file"]
    rec = read_rr(path)
    assert rec.format == entry["format"]
    assert rec.unit_detected == entry["unit"] and rec.unit_reason
    assert rec.n_beats == entry["beats"] == rec.rr_ms.size
    assert rec.rr_ms.dtype == np.float64
    assert rec.path == path
    if entry["start"]:
        expected = datetime.fromisoformat(entry["start"])
        assert rec.start is not None and rec.start.utcoffset() == timedelta(0)
        assert abs(rec.start - expected) < timedelta(milliseconds=1)
    else:
        assert rec.start is None or entry["format"] == "fit"
    local = entry["start_local"]
    assert rec.start_local == (None if local is None else datetime.fromisoformat(local))
    # content sniffing claims every RR text format; FIT stays with the FIT importer
    head = path.read_bytes()[:4096]
    assert sniff(head) is (entry["format"] != "fit")
    assert fit.sniff(head) is (entry["format"] == "fit")


def test_units_are_converted_to_ms() -> None:
    secs = read_rr(RR / "physionet" / "nsr2db_nsr001_rr_secs_first600.txt")
    assert secs.rr_ms[1:4].tolist() == [695.3125, 710.9375, 710.9375]
    assert "median" in secs.unit_reason and secs.unit_detected == "s"
    generic = read_rr(RR / "generic" / "rr_s_with_time.csv")
    text = read_rr(RR / "short_resting" / "hrv_rest_rri.txt")
    assert np.allclose(generic.rr_ms, text.rr_ms[:360])
    assert "rr_s" in generic.unit_reason


def test_hrv_logger_rr_agrees_with_since_start() -> None:
    path = RR / "hrvlogger_h10_daily" / "ot_m60_RRIntervals.csv"
    rows = np.loadtxt(path, delimiter=",", skiprows=2)
    rec = read_rr(path)
    assert rec.rr_ms.tolist() == rows[:, 1].tolist()
    assert np.array_equal(np.diff(rows[:, 2]), rows[1:, 1])
    assert rec.start == datetime.fromtimestamp(rows[0, 0] / 1000, UTC)


def test_fit_rr_is_the_fit_importers() -> None:
    path = RR / "fit" / "garmin-fenix-5-walk.fit"
    rec = read_rr(path)
    assert np.array_equal(rec.rr_ms, fit.read(path).rr_ms)
    assert rec.rr_ms[:3].tolist() == [824.0, 834.0, 859.0]
    assert rec.device and "fenix" in rec.device


def test_morning_rule_and_local_date() -> None:
    morning = read_rr(RR / "hrvlogger_h10_daily" / "ot_m60_RRIntervals.csv")
    assert morning.duration_s <= MORNING_MAX_S and morning.is_morning
    assert morning.local_date(timezone(timedelta(hours=-6))) == date(2023, 2, 7)
    assert morning.local_date(UTC) == date(2023, 2, 8)
    long = read_rr(RR / "polar_hrm" / "exercise_rri.hrm")
    assert not long.is_morning and long.local_date(UTC) == date(2008, 2, 8)
    assert read_rr(RR / "short_resting" / "hrv_rest_rri.txt").local_date(UTC) is None


def test_zeros_are_kept_raw() -> None:
    rec = read_rr(RR / "short_resting" / "hrv_real_rri_with_zeros.txt")
    assert rec.rr_ms[-1] == 0.0 and np.isfinite(rec.duration_s)


def test_sniff_leaves_other_files_alone() -> None:
    others = [p for p in DATA.rglob("*") if p.suffix.lower() in {".fit", ".tcx", ".gpx"}]
    assert others
    assert not [p for p in others if sniff(p.read_bytes()[:4096])]
    for head in (
        b"time,hr_bpm,power_w\n0,120,250\n1,121,251\n",
        (RR / "hrvlogger_h10_daily" / "ot_m60_Features.csv").read_bytes(),
        b"date,srpe,duration_min\n2026-01-01,7,60\n",
        b"1\n2\n3\n4\n",
        b"",
    ):
        assert not sniff(head[:4096]), head[:40]


BAD = {
    "empty.txt": (b"", "empty file"),
    "blank.txt": (b"\n\n  \n", "blank"),
    "words.txt": (b"812\n790\nabc\n", "line 3"),
    "rr.csv": (b"time,rr_ms\n2026-01-01T00:00:00Z,800\n2026-01-01T00:00:01Z,x\n", "line 3"),
    "cells.csv": (b"a,rr_ms\n1,800\n2\n", "cells"),
    "header.csv": (b"rr_ms\n", "no RR intervals"),
    "power.csv": (b"time,power_w\n0,250\n", "no rr_ms"),
    "zeros.txt": (b"0\n0\n0\n", "seconds from milliseconds"),
    "naive.csv": (b"time,rr_ms\n2026-01-01T05:00:00,800\n", "time zone"),
    "hr.hrm": (b"[Params]\nVersion=106\nInterval=1\n[HRData]\n60\n", "not RR"),
    "nodata.hrm": (b"[Params]\nVersion=106\nInterval=238\n", "[HRData]"),
    "blob.bin": (b"\x00\x01\x02binary", "binary"),
    "inf.txt": (b"800\ninf\n", "line 2"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_files_raise_one_line(tmp_path: Path, name: str) -> None:
    data, words = BAD[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(BadInput) as info:
        read_rr(path)
    assert words in info.value.reason and "\n" not in str(info.value)


def test_missing_file_and_fit_without_rr(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="cannot read"):
        read_rr(tmp_path / "nope.txt")
    no_rr = next(p for p in (DATA / "fit").glob("*.fit") if fit.read(p).rr_ms is None)
    with pytest.raises(BadInput, match="no hrv messages"):
        read_rr(no_rr)


def _check(path: Path) -> None:
    try:
        rec = read_rr(path)
    except BadInput as exc:
        assert "\n" not in exc.reason
        return
    assert isinstance(rec, RRRecording) and rec.rr_ms.size > 0
    assert np.isfinite(rec.rr_ms).all() and np.isfinite(rec.duration_s)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_fuzz_bytes_raise_only_bad_input(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "x.txt"
    path.write_bytes(data)
    sniff(data)
    _check(path)


line = st.one_of(
    st.integers(-5000, 5000).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(
        [
            "",
            "rr",
            "rr_ms",
            "rr_s",
            "time,rr_ms",
            "a,b",
            "[HRData]",
            "[Params]",
            "Interval=238",
            "timestamp, rr, since_start",
            "1,2,3",
            "1;800",
            "é",
        ]
    ),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(line, max_size=12), st.sampled_from(["\n", "\r\n"]))
def test_fuzz_lines_raise_only_bad_input(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str], end: str
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "x.csv"
    text = end.join(lines).encode()
    path.write_bytes(text)
    sniff(text)
    _check(path)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 4000), st.binary(min_size=1, max_size=8))
def test_fuzz_damaged_real_files(
    tmp_path_factory: pytest.TempPathFactory, cut: int, junk: bytes
) -> None:
    for source in ("polar_hrm/noisy_rri.hrm", "hrvlogger_h10_daily/ot_m60_RRIntervals.csv"):
        data = (RR / source).read_bytes()
        path = tmp_path_factory.mktemp("fuzz") / Path(source).name
        path.write_bytes(data[:cut] + junk + data[cut + len(junk) : cut + 2000])
        _check(path)
