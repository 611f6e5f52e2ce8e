"""Punch speed in m/s (gyroscope + accelerometer, world frame, zero-velocity updates) on
synthetic punches of known trajectory: any sensor rotation, 25-200 Hz, detection windows
off by 60 ms, a retraction after the punch. Error <= 5 % (issue 21). And the return strokes
of a hand-held sensor, told apart in the same world frame."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drago.analysis.punches.detect import (
    G_MS2,
    Detection,
    detect_from_score,
    punch_detect,
    punch_score,
)
from drago.analysis.punches.measures import punch_measures
from drago.analysis.punches.returns import drop_return_strokes, pair_up, return_pairs
from drago.analysis.punches.speed import (
    punch_speed_ms,
    still_after,
    still_before,
    stills_after,
    stills_before,
    tilt_to_world,
)

STILL_S = 0.6
EXTEND_S = 0.25
RETRACT_S = 0.35


def _rot(axis: np.ndarray, angle: float) -> np.ndarray:
    axis = axis / np.linalg.norm(axis)
    kx = np.array([[0.0, -axis[2], axis[1]], [axis[2], 0.0, -axis[0]], [-axis[1], axis[0], 0.0]])
    out: np.ndarray = np.eye(3) + np.sin(angle) * kx + (1 - np.cos(angle)) * (kx @ kx)
    return out


def synthetic_punch(
    kind: str, speed_ms: float, rate_hz: float, mount: np.ndarray, *, retract: bool = True
) -> tuple[np.ndarray, np.ndarray, int]:
    """Accelerometer (m/s², gravity included) and gyroscope (rad/s) of one punch, and the
    sample of its peak acceleration.

    The hand's speed along the path rises and falls as V sin²(π t / T) (T = `EXTEND_S`);
    a straight punch goes forward (x) and pronates 90° about it, a hook's path turns 90° in
    the horizontal plane while the fist turns with it about the vertical, an uppercut's path
    turns from forward to up while the fist turns about the side axis (y). The retraction
    goes straight back at 0.6 V over `RETRACT_S`. `mount` is the sensor's orientation on
    the fist (sensor -> fist).
    """
    dt = 1.0 / rate_hz
    total = 2 * STILL_S + EXTEND_S + (RETRACT_S if retract else 0.0)
    t = np.arange(0.0, total, dt)
    n = t.size
    acc_world = np.zeros((n, 3))
    axis = {"straight": np.array([1.0, 0, 0]), "hook": np.array([0, 0, 1.0])}.get(
        kind, np.array([0, 1.0, 0])
    )
    turn = np.pi / 2 if kind != "uppercut" else -np.pi / 2  # fist rotation about `axis`
    angle = np.zeros(n)
    rate = np.zeros(n)
    end_dir = np.zeros(3)
    for i, ti in enumerate(t):
        u = (ti - STILL_S) / EXTEND_S
        if 0.0 <= u <= 1.0:
            s = speed_ms * np.sin(np.pi * u) ** 2
            ds = speed_ms * np.pi / EXTEND_S * np.sin(2 * np.pi * u)
            if kind == "straight":
                theta, dtheta = 0.0, 0.0
            else:  # the path turns by 90° with a smoothstep
                theta = np.pi / 2 * (3 * u**2 - 2 * u**3)
                dtheta = np.pi / 2 * (6 * u - 6 * u**2) / EXTEND_S
            if kind == "uppercut":
                d = np.array([np.cos(theta), 0.0, np.sin(theta)])
                dp = np.array([-np.sin(theta), 0.0, np.cos(theta)])
            else:
                d = np.array([np.cos(theta), np.sin(theta), 0.0])
                dp = np.array([-np.sin(theta), np.cos(theta), 0.0])
            acc_world[i] = ds * d + s * dtheta * dp
            angle[i] = turn * (3 * u**2 - 2 * u**3)
            rate[i] = turn * (6 * u - 6 * u**2) / EXTEND_S
            end_dir = d
        elif u > 1.0:
            angle[i] = turn
            r = (ti - STILL_S - EXTEND_S) / RETRACT_S
            if retract and 0.0 <= r <= 1.0:
                acc_world[i] = -0.6 * speed_ms * np.pi / RETRACT_S * np.sin(2 * np.pi * r) * end_dir
    acc = np.empty((n, 3))
    gyro = np.empty((n, 3))
    for i in range(n):
        fist = _rot(axis, angle[i])  # fist -> world
        sensor = fist @ mount  # sensor -> world
        acc[i] = sensor.T @ (acc_world[i] + np.array([0.0, 0.0, G_MS2]))
        gyro[i] = sensor.T @ (axis * rate[i])
    peak = int(np.argmax(np.linalg.norm(acc_world, axis=1)))
    return acc, gyro, peak


def _mount(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    q = rng.normal(size=4)
    w, x, y, z = q / np.linalg.norm(q)
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


def _det(peak: int, rate: float, shift_s: float = 0.0) -> Detection:
    p = peak + round(shift_s * rate)
    w = round(0.2 * rate)
    return Detection(np.array([p - w]), np.array([p]), np.array([p + w]), np.ones(1), rate)


@settings(max_examples=40, deadline=None)
@given(
    kind=st.sampled_from(["straight", "hook", "uppercut"]),
    rate=st.sampled_from([25.0, 50.0, 100.0, 200.0]),
    seed=st.integers(0, 10_000),
    shift_s=st.sampled_from([-0.06, 0.0, 0.06]),
    retract=st.booleans(),
    speed=st.floats(3.0, 10.0),
)
def test_speed_of_a_known_punch_within_5_percent(
    kind: str, rate: float, seed: int, shift_s: float, retract: bool, speed: float
) -> None:
    acc, gyro, peak = synthetic_punch(kind, speed, rate, _mount(seed), retract=retract)
    got = punch_speed_ms(acc, gyro, _det(peak, rate, shift_s))
    assert abs(got[0] - speed) <= 0.05 * speed, (got[0], speed)


@pytest.mark.parametrize("rate", [25.0, 100.0])
def test_measures_give_m_s_with_a_gyroscope_and_detection_finds_the_punch(rate: float) -> None:
    acc, gyro, _ = synthetic_punch("hook", 6.0, rate, _mount(3))
    det = punch_detect(acc, gyro, rate)
    assert det.n == 1
    with_gyro = punch_measures(acc, det, gyro_rads=gyro)["speed_ms"][0]
    assert abs(with_gyro - 6.0) <= 0.3
    # without the gyroscope the sensor's rotation leaks gravity in: a relative estimate only
    relative = punch_measures(acc, det)["speed_ms"][0]
    assert abs(relative - 6.0) > abs(with_gyro - 6.0)


def test_tilt_to_world_points_any_gravity_up() -> None:
    for seed in range(20):
        g = _mount(seed) @ np.array([0.0, 0.0, G_MS2])
        assert np.allclose(tilt_to_world(g) @ g, [0.0, 0.0, G_MS2], atol=1e-9)
    assert np.allclose(tilt_to_world(np.array([0.0, 0.0, -1.0])) @ [0, 0, -1.0], [0, 0, 1.0])


def _out_and_back(rate_hz: float, n_punches: int, mount: np.ndarray) -> tuple[np.ndarray, ...]:
    """A phone held in the hand: each punch goes out along x and comes straight back as hard
    (V = 5 m/s, 0.5 s each way, no rest between), the fist turning 90° about the vertical
    on the way out and back on the way in; 1.5 s of rest between punches."""
    dt = 1.0 / rate_hz
    stroke, rest = 0.5, 1.5
    t = np.arange(0.0, rest + n_punches * (2 * stroke + rest), dt)
    acc = np.empty((t.size, 3))
    gyro = np.empty((t.size, 3))
    z = np.array([0.0, 0.0, 1.0])
    for i, ti in enumerate(t):
        local = (ti - rest) % (2 * stroke + rest)
        a_world, angle, rate = np.zeros(3), 0.0, 0.0
        if ti >= rest and local < 2 * stroke:
            u = (local % stroke) / stroke
            sign = 1.0 if local < stroke else -1.0
            a_world = sign * 5.0 * np.pi / stroke * np.sin(2 * np.pi * u) * np.array([1.0, 0, 0])
            smooth = 3 * u**2 - 2 * u**3
            angle = np.pi / 2 * (smooth if sign > 0 else 1 - smooth)
            rate = sign * np.pi / 2 * (6 * u - 6 * u**2) / stroke
        sensor = _rot(z, angle) @ mount
        acc[i] = sensor.T @ (a_world + np.array([0.0, 0.0, G_MS2]))
        gyro[i] = sensor.T @ (z * rate)
    return acc, gyro


@pytest.mark.parametrize("rate", [50.0, 100.0])
def test_return_strokes_of_a_hand_held_sensor_are_not_punches(rate: float) -> None:
    acc, gyro = _out_and_back(rate, 6, _mount(7))
    raw = detect_from_score(punch_score(acc, gyro, rate), rate)
    assert raw.n == 12  # out and back both look like punches
    pairs = return_pairs(acc, gyro, raw)
    assert pairs.tolist() == list(range(0, 12, 2))  # each back stroke follows its punch
    assert punch_detect(acc, gyro, rate).n == 6
    # a glove: single strokes (the retraction inside the punch) are never merged
    single, single_gyro, _ = synthetic_punch("hook", 6.0, rate, _mount(8))
    twice = np.concatenate([single, single])
    det = punch_detect(twice, np.concatenate([single_gyro, single_gyro]), rate)
    assert drop_return_strokes(twice, np.concatenate([single_gyro, single_gyro]), det).n == det.n


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0.0, 3.0), min_size=1, max_size=80),
    st.lists(st.integers(0, 79), min_size=1, max_size=10),
    st.integers(1, 30),
)
def test_vectorised_still_search_equals_the_per_punch_search(
    score: list[float], peaks: list[int], reach: int
) -> None:
    """The vectorised still search (every punch at once) gives the per-punch answer, also
    when no sample in reach is still (then the stillest one)."""
    arr = np.array(score)
    at = np.array([p % arr.size for p in peaks], dtype=np.int64)
    n = arr.size
    assert stills_before(arr, at, reach).tolist() == [
        still_before(arr, int(p), max(0, int(p) - reach)) for p in at
    ]
    assert stills_after(arr, at, reach).tolist() == [
        still_after(arr, int(p), min(n - 1, int(p) + reach)) for p in at
    ]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.floats(0.5, 3.0), min_size=2, max_size=10),
    st.lists(st.booleans(), min_size=10, max_size=10),
)
def test_return_pairing_takes_the_most_pairs_then_the_strongest_punches(
    heights: list[float], candidate: list[bool]
) -> None:
    """`pair_up` against every pairing of a short run: no stroke in two pairs, the most
    pairs, then the largest sum of (punch - return) heights."""
    h = np.array(heights)
    pairs = np.array([i for i in range(h.size - 1) if candidate[i]], dtype=np.int64)
    got = pair_up(h, pairs).tolist()
    assert all(i in pairs.tolist() for i in got)
    assert all(b - a >= 2 for a, b in itertools.pairwise(got))

    def value(sel: tuple[int, ...]) -> tuple[int, float]:
        return len(sel), float(sum(h[i] - h[i + 1] for i in sel))

    valid = [
        sel
        for k in range(pairs.size + 1)
        for sel in itertools.combinations(pairs.tolist(), k)
        if all(b - a >= 2 for a, b in itertools.pairwise(sel))
    ]
    best = max(value(sel) for sel in valid)
    assert value(tuple(got))[0] == best[0]
    assert value(tuple(got))[1] == pytest.approx(best[1])
