"""The punch pipeline's fast paths give the numbers of the implementations they replaced
(issue 21, CPU budget): the sliding maximum of the still score, the greedy peak
suppression, the stillest-sample search, and the still score and step rotations computed
once per hand (`speed.HandMotion`) and shared by the return-stroke check and the speed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drago.analysis.punches.analyse import punches_analyse
from drago.analysis.punches.detect import _suppress, punch_detect
from drago.analysis.punches.returns import return_pairs
from drago.analysis.punches.speed import (
    HandMotion,
    punch_speed_ms,
    sliding_max,
    step_rotations,
    still_score,
    world_acceleration,
    world_velocities,
)
from drago.ingest.imu import read_imu

PHONE = Path(__file__).parent / "data" / "punch" / "phone"
GLOVES = Path(__file__).parent / "data" / "punch" / "metawear"
PHONE_MAP = "time=seconds_elapsed,ax=accX,ay=accY,az=accZ,gx=gyrX,gy=gyrY,gz=gyrZ"


def _suppress_reference(idx: np.ndarray, height: np.ndarray, gap: int) -> np.ndarray:
    """The previous implementation (one searchsorted pair per kept peak)."""
    order = np.argsort(-height, kind="stable")
    taken = np.zeros(idx.size, dtype=bool)
    alive = np.ones(idx.size, dtype=bool)
    for i in order:
        if not alive[i]:
            continue
        taken[i] = True
        lo = np.searchsorted(idx, idx[i] - gap, side="left")
        hi = np.searchsorted(idx, idx[i] + gap, side="right")
        alive[lo:hi] = False
    return np.asarray(idx[taken])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 5000), min_size=1, max_size=200, unique=True),
    st.lists(st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0]), min_size=200, max_size=200),
    st.integers(1, 400),
)
def test_peak_suppression_equals_the_per_peak_loop(
    peaks: list[int], heights: list[float], gap: int
) -> None:
    """Equal heights (ties) included: the stable order decides, as before."""
    idx = np.array(sorted(peaks), dtype=np.int64)
    h = np.array(heights[: idx.size])
    assert _suppress(idx, h, gap).tolist() == _suppress_reference(idx, h, gap).tolist()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=1, max_size=120),
    st.integers(1, 40),
)
def test_sliding_max_equals_the_window_view(values: list[float], width: int) -> None:
    x = np.array(values)
    expected = (
        np.lib.stride_tricks.sliding_window_view(x, width).max(axis=1)
        if width <= x.size
        else np.zeros(0)
    )
    assert sliding_max(x, width).tolist() == expected.tolist()


def _read(path: Path) -> tuple[np.ndarray, np.ndarray, float]:
    rec = read_imu(path, mapping=PHONE_MAP if path.parent == PHONE else None)
    gyro = rec.gyro_rads()
    assert gyro is not None
    return rec.acc_ms2(), gyro, rec.rate_hz


def _phone() -> tuple[np.ndarray, np.ndarray, float]:
    return _read(PHONE / "uppercut_left_fast_excerpt.csv")


#: Every test excerpt with a gyroscope: the phone in the hand (100 Hz) and gloves (25 Hz).
EXCERPTS = sorted(PHONE.glob("*.csv")) + sorted(GLOVES.glob("*/*_Accelerometer_*.csv"))


def test_still_score_equals_the_window_view_on_a_phone() -> None:
    acc, gyro, rate = _phone()
    from drago.analysis.punches.detect import G_MS2, norm3
    from drago.analysis.punches.speed import STILL_ACC_G, STILL_GYRO_RADS, STILL_S

    inst = np.maximum(
        np.abs(norm3(acc) - G_MS2) / (STILL_ACC_G * G_MS2), norm3(gyro) / STILL_GYRO_RADS
    )
    half = max(1, round(STILL_S * rate / 2))
    windows = np.lib.stride_tricks.sliding_window_view(
        np.pad(inst, half, mode="edge"), 2 * half + 1
    )
    assert np.array_equal(still_score(acc, gyro, rate), windows.max(axis=1))


@pytest.mark.parametrize("path", EXCERPTS, ids=lambda p: p.name[:24])
def test_shared_motion_gives_the_same_numbers_bit_for_bit(path: Path) -> None:
    """Return strokes and speeds with the hand's `HandMotion` equal those computed without
    it, bit for bit: at the recording's rate and decimated 4x (the phone's 25 Hz is
    interpolated per punch), the gyroscope as the reader gives it (column-major) and
    C-ordered."""
    acc, gyro, rate = _read(path)
    for step in (1, 4) if rate > 50 else (1,):
        a, g, r = acc[::step], gyro[::step], rate / step
        for gyro_in in (g, np.ascontiguousarray(g)):
            motion = HandMotion(a, gyro_in, r)
            det = punch_detect(a, gyro_in, r)
            assert det.n >= 5
            assert np.array_equal(punch_detect(a, gyro_in, r, motion=motion).peak, det.peak)
            assert np.array_equal(
                return_pairs(a, gyro_in, det, motion), return_pairs(a, gyro_in, det)
            )
            assert np.array_equal(
                punch_speed_ms(a, gyro_in, det, motion), punch_speed_ms(a, gyro_in, det)
            )


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 1500), min_size=1, max_size=8),
    st.integers(3, 300),
    st.sampled_from([25.0, 100.0]),
)
def test_world_integration_with_the_recordings_step_rotations(
    starts: list[int], span: int, rate: float
) -> None:
    """Cutting the recording's step rotations gives what the covered part's own give (its
    last row differs and is never used), up to the recording's end."""
    acc, gyro, _ = _phone()
    start = np.array(starts, dtype=np.int64) % acc.shape[0]
    steps = step_rotations(np.ascontiguousarray(gyro), rate)
    assert np.array_equal(
        world_acceleration(acc, gyro, rate, start, span, steps),
        world_acceleration(acc, gyro, rate, start, span),
    )
    length = np.minimum(span, acc.shape[0] - start).clip(1)
    assert np.array_equal(
        world_velocities(acc, gyro, rate, start, length, steps),
        world_velocities(acc, gyro, rate, start, length),
    )


def test_the_analysis_with_shared_motion_matches_the_step_by_step_calls() -> None:
    acc, gyro, rate = _phone()
    table = punches_analyse(acc, gyro, rate, hand="left")
    det = punch_detect(acc, gyro, rate)
    assert table.height == det.n
    assert np.array_equal(
        np.sort(table["speed_ms"].to_numpy()), np.sort(punch_speed_ms(acc, gyro, det))
    )


@pytest.mark.parametrize("path", EXCERPTS, ids=lambda p: p.name[:24])
def test_the_hands_step_rotations_equal_the_covered_parts_row_by_row(path: Path) -> None:
    """Readers give column-major arrays, on which NumPy may round a row's squared norm
    differently than on a row-major copy (it does on the gloves' excerpts);
    `HandMotion.steps` works on a row-major copy as `_covered` does, so every row used is
    the same number."""
    acc, gyro, rate = _read(path)
    steps = HandMotion(acc, gyro, rate).steps
    rng = np.random.default_rng(21)
    for _ in range(50):
        lo = int(rng.integers(0, gyro.shape[0] - 10))
        hi = int(rng.integers(lo + 3, gyro.shape[0] + 1))
        part = step_rotations(np.ascontiguousarray(gyro[lo:hi]), rate)
        assert np.array_equal(steps[lo : hi - 1], part[:-1])
