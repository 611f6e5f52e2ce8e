"""Hostile bytes: whatever `drago.ingest.fit.read` is given, it returns or raises `BadInput`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import drago.ingest.fit as fit
from drago.errors import BadInput

DATA = Path(__file__).parent / "data" / "fit"
SAMPLES = [
    (DATA / name).read_bytes()
    for name in (
        "garmin-fenix5-run-short-hrv.fit",
        "garmin-fr70-compressed-timestamps.fit",
        "wahoo-elemnt-roam-unterminated-strings.fit",
        "garmin-edge820-bike-short-hrv.fit",
    )
]
FLIP = st.tuples(st.floats(0, 1), st.integers(0, 7))  # (where in the file, which bit)
SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _read_only_bad_input(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "sample.fit"
    path.write_bytes(data)
    for recover in (False, True):
        try:
            recording = fit.read(path, recover=recover)
        except BadInput as exc:
            assert exc.reason and "\n" not in exc.reason
        else:
            assert recording.records.height > 0


@SETTINGS
@given(data=st.binary(max_size=2048))
def test_random_bytes(tmp_path: Path, data: bytes) -> None:
    _read_only_bad_input(tmp_path, data)


@SETTINGS
@given(data=st.binary(min_size=12, max_size=512))
def test_random_bytes_behind_a_fit_header(tmp_path: Path, data: bytes) -> None:
    header = bytes([12, 0x10, 0, 0]) + len(data).to_bytes(4, "little") + b".FIT"
    _read_only_bad_input(tmp_path, header + data)


@SETTINGS
@given(sample=st.sampled_from(SAMPLES), cut=st.floats(0, 1))
def test_truncations(tmp_path: Path, sample: bytes, cut: float) -> None:
    _read_only_bad_input(tmp_path, sample[: int(len(sample) * cut)])


@SETTINGS
@given(sample=st.sampled_from(SAMPLES), flips=st.lists(FLIP, min_size=1, max_size=8))
def test_bit_flips(tmp_path: Path, sample: bytes, flips: list[tuple[float, int]]) -> None:
    data = bytearray(sample)
    for where, bit in flips:
        data[min(int(where * len(data)), len(data) - 1)] ^= 1 << bit
    _read_only_bad_input(tmp_path, bytes(data))


@SETTINGS
@given(sample=st.sampled_from(SAMPLES), flips=st.lists(FLIP, min_size=1, max_size=4))
def test_bit_flips_with_crc_disabled(
    tmp_path: Path, sample: bytes, flips: list[tuple[float, int]]
) -> None:
    """Flips behind a rewritten CRC reach the message walk instead of stopping at the CRC."""
    data = bytearray(sample)
    for where, bit in flips:
        data[min(int(where * len(data)), len(data) - 1)] ^= 1 << bit
    end = len(data) - 2
    crc = fit._crc.crc16(np.frombuffer(bytes(data[:end]), np.uint8), 0, end)
    data[end:] = int(crc).to_bytes(2, "little")
    _read_only_bad_input(tmp_path, bytes(data))
