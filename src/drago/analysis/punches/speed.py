"""Punch speed in m/s from an accelerometer and a gyroscope: integration in a world frame.

Without a gyroscope a sensor's rotation during the punch cannot be followed, gravity leaks
into the integral, and drago's speed stays a relative estimate (`measures`). With one:

1. **still moments**: around the punch's most active sample (within `ANCHOR_S` of the
   detector's peak), the latest sample before it and the first one after it
   where the hand is still (| |a| - g | < `STILL_ACC_G` g and |ω| < `STILL_GYRO_RADS` over
   `STILL_S`), searched
   up to `SEARCH_BEFORE_S` before and `SEARCH_AFTER_S` after the peak independently of the
   detector's onset and end (a window cut too short or too long does not matter); when the
   hand never rests, the stillest sample of each search range;
2. **orientation**: at the first still moment the sensor's tilt is known from gravity
   (`tilt_to_world`, heading arbitrary: speed does not depend on it); it is propagated with
   the gyroscope, each step the exact rotation of the mean rate over the step
   (Rodrigues' formula);
3. **velocity**: v = ∫(R a − g ẑ) dt in the world frame (the acceleration interpolated
   band-limited to `UPSAMPLE_HZ` first: at 25 Hz a punch has 6 samples), with a
   zero-velocity update at the second still moment (the linear drift that takes v back to
   0 there is removed: a constant accelerometer or tilt error);
4. **speed**: the peak |v| of the extension, i.e. before the velocity turns back against its
   direction at its first large maximum (the retraction is not part of the punch), refined
   between samples with a parabola through the three samples around the maximum.

Validated in tests/test_punch_speed.py on synthetic punches of known trajectory (straight,
hook, uppercut; any sensor rotation; 25-200 Hz; detection windows cut short or long; with
a retraction): error <= 5 %.

References
----------
Foxlin E. (2005) Pedestrian tracking with shoe-mounted inertial sensors. IEEE Computer
Graphics and Applications 25(6), 38-46 (strapdown integration with zero-velocity updates).
Kimm D., Thiel D. V. (2015) Hand speed measurements in boxing. Procedia Engineering 112,
502-506 (hand speed by integrating wrist IMU acceleration between rest points).
"""

from __future__ import annotations

from functools import cached_property
from typing import Final

import numpy as np

from drago.analysis.punches.detect import G_MS2, Detection, norm3

STILL_ACC_G: Final = 0.1
STILL_GYRO_RADS: Final = 0.5
SEARCH_BEFORE_S: Final = 1.0
STILL_S: Final = 0.1
#: The world-frame acceleration is interpolated to at least this rate before integrating.
UPSAMPLE_HZ: Final = 100.0
SEARCH_AFTER_S: Final = 1.5
#: The punch's most active sample is searched this far either side of the detector's peak.
ANCHOR_S: Final = 0.15


def tilt_to_world(acc_still: np.ndarray) -> np.ndarray:
    """A rotation matrix taking the sensor frame to a world frame whose z is up.

    `acc_still` is the accelerometer reading of a still sensor (gravity, pointing up in the
    specific-force convention). The heading is arbitrary.

    >>> r = tilt_to_world(np.array([0.0, 9.8, 0.0]))
    >>> np.round(r @ np.array([0.0, 9.8, 0.0]), 6).tolist()
    [0.0, 0.0, 9.8]
    """
    w, x, y, z = _tilt_quaternions(np.asarray(acc_still, dtype=np.float64)[None])[0]
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


def still_score(acc_ms2: np.ndarray, gyro_rads: np.ndarray, rate_hz: float) -> np.ndarray:
    """< 1 where the sensor is still over `STILL_S` (the largest of | |a| - g | / 0.1 g and
    |ω| / 0.5 rad/s over the window centred on each sample): a hand moving at constant
    velocity for an instant is not taken as still."""
    acc_dev = np.abs(norm3(acc_ms2) - G_MS2) / (STILL_ACC_G * G_MS2)
    inst = np.maximum(acc_dev, norm3(gyro_rads) / STILL_GYRO_RADS)
    half = max(1, round(STILL_S * rate_hz / 2))
    return sliding_max(np.pad(inst, half, mode="edge"), 2 * half + 1)


def sliding_max(x: np.ndarray, width: int) -> np.ndarray:
    """The maximum of every `width` consecutive samples (len(x) - width + 1 of them): the
    windows' maxima built from maxima over doubling spans (log2(width) passes over the
    array instead of `width`); the maximum is exact, so the same numbers as
    `sliding_window_view(x, width).max(axis=1)`.

    >>> sliding_max(np.array([1.0, 3.0, 2.0, 0.0, 5.0]), 3).tolist()
    [3.0, 3.0, 5.0]
    """
    x = np.asarray(x, dtype=np.float64)
    out_n = x.size - width + 1
    if out_n <= 0:
        return np.zeros(0)
    span, cur = 1, x
    while 2 * span <= width:  # cur[i] = max(x[i : i + 2 * span])
        cur = np.maximum(cur[:-span], cur[span:])
        span *= 2
    # two overlapping spans cover each window exactly
    return np.asarray(np.maximum(cur[:out_n], cur[width - span : width - span + out_n]))


def still_before(score: np.ndarray, peak: int, lo: int) -> int:
    """The latest still sample in [lo, peak], else the stillest one."""
    seg = score[lo : peak + 1]
    still = np.flatnonzero(seg < 1.0)
    return lo + int(still[-1] if still.size else seg.argmin())


def still_after(score: np.ndarray, peak: int, hi: int) -> int:
    """The first still sample in [peak, hi], else the stillest one."""
    seg = score[peak : hi + 1]
    still = np.flatnonzero(seg < 1.0)
    return peak + int(still[0] if still.size else seg.argmin())


def stills_before(score: np.ndarray, peaks: np.ndarray, reach: int) -> np.ndarray:
    """`still_before(score, p, max(0, p - reach))` for every p of `peaks`, vectorised: the
    latest still sample at or before each sample is precomputed once."""
    idx = np.arange(score.size)
    last = np.maximum.accumulate(np.where(score < 1.0, idx, -1))
    lo = np.maximum(peaks - reach, 0)
    out = last[peaks]
    none = np.flatnonzero(out < lo)  # no still sample in reach: the stillest (the first)
    out[none] = _argmin_in(score, lo[none], peaks[none], reach)
    return np.asarray(out, dtype=np.int64)


def stills_after(score: np.ndarray, peaks: np.ndarray, reach: int) -> np.ndarray:
    """`still_after(score, p, min(n - 1, p + reach))` for every p of `peaks`, vectorised."""
    n = score.size
    idx = np.where(score < 1.0, np.arange(n), n)
    first = np.minimum.accumulate(idx[::-1])[::-1]
    hi = np.minimum(peaks + reach, n - 1)
    out = first[peaks]
    none = np.flatnonzero(out > hi)
    out[none] = _argmin_in(score, peaks[none], hi[none], reach)
    return np.asarray(out, dtype=np.int64)


def _argmin_in(score: np.ndarray, lo: np.ndarray, hi: np.ndarray, reach: int) -> np.ndarray:
    """For each j, the first index of the minimum of score[lo[j] : hi[j] + 1] (at most
    `reach` + 1 samples): `lo + seg.argmin()` of `still_before` / `still_after`, at once."""
    if lo.size == 0:
        return np.zeros(0, dtype=np.int64)
    idx = lo[:, None] + np.arange(reach + 1)[None, :]
    vals = np.where(idx <= hi[:, None], score[np.minimum(idx, score.size - 1)], np.inf)
    return np.asarray(lo + vals.argmin(axis=1), dtype=np.int64)


class HandMotion:
    """What the return-stroke check (`returns`) and the speed both need of one hand's
    recording, computed once on first use: the still score (`still_score`) and the rotation
    of every step (`step_rotations`)."""

    def __init__(self, acc_ms2: np.ndarray, gyro_rads: np.ndarray, rate_hz: float) -> None:
        self.acc_ms2, self.gyro_rads, self.rate_hz = acc_ms2, gyro_rads, rate_hz

    @cached_property
    def still(self) -> np.ndarray:
        """`still_score` of the recording."""
        return still_score(self.acc_ms2, self.gyro_rads, self.rate_hz)

    @cached_property
    def steps(self) -> np.ndarray:
        """`step_rotations` of the recording (of a C-ordered copy, as `_covered` computes
        them: the same numbers row by row)."""
        gyro = np.ascontiguousarray(self.gyro_rads, dtype=np.float64)
        return step_rotations(gyro, self.rate_hz)


def world_acceleration(
    acc_ms2: np.ndarray,
    gyro_rads: np.ndarray,
    rate_hz: float,
    start: np.ndarray,
    span: int,
    steps: np.ndarray | None = None,
) -> np.ndarray:
    """(punches, span, 3) acceleration in a world frame (gravity removed) from each `start`.

    The sensor is taken as still at `start` (its tilt from gravity, heading arbitrary); its
    orientation (a unit quaternion) follows the gyroscope, each step the exact rotation of
    the mean rate over the step (`step_rotations`). The stepping is compiled
    (`_world.world_steps`). `steps`: the recording's `step_rotations` when the caller has
    them (`HandMotion.steps`).
    """
    from drago.analysis.punches._world import world_steps

    acc, dq, start = _covered(acc_ms2, gyro_rads, rate_hz, start, span, steps)
    out = np.zeros((start.size, span, 3))
    q0 = _tilt_quaternions(acc[np.minimum(start, acc.shape[0] - 1)])
    world_steps(acc, dq, q0, start, span, G_MS2, out)
    return out


def _covered(
    acc_ms2: np.ndarray,
    gyro_rads: np.ndarray,
    rate_hz: float,
    start: np.ndarray,
    span: int,
    steps: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The part of the recording the punches' windows cover (one sample more, so the last
    step rotation used is the recording's) as contiguous arrays: the acceleration, the step
    rotations (cut from `steps` when given: the same rows, as only the covered part's last
    row differs and it is never used), and the starts within it."""
    start = np.asarray(start, dtype=np.int64)
    lo = int(start.min()) if start.size else 0
    hi = min(acc_ms2.shape[0], int(start.max()) + span + 1) if start.size else 0
    acc = np.ascontiguousarray(acc_ms2[lo:hi], dtype=np.float64)
    if steps is None:
        dq = step_rotations(np.ascontiguousarray(gyro_rads[lo:hi], dtype=np.float64), rate_hz)
    else:
        dq = np.ascontiguousarray(steps[lo:hi])
    return acc, dq, np.ascontiguousarray(start - lo)


def world_velocities(
    acc_ms2: np.ndarray,
    gyro_rads: np.ndarray,
    rate_hz: float,
    start: np.ndarray,
    length: np.ndarray,
    steps: np.ndarray | None = None,
) -> np.ndarray:
    """`zupt_velocities(world_acceleration(...), length, rate_hz)` in one compiled pass
    (`_world.world_velocities`): (k, max length, 3), zeros beyond each punch's length.
    `steps`: the recording's `step_rotations` when the caller has them."""
    from drago.analysis.punches._world import world_velocities as fused

    span = int(length.max())
    acc, dq, start = _covered(acc_ms2, gyro_rads, rate_hz, start, span, steps)
    length = np.ascontiguousarray(length, dtype=np.int64)
    out = np.zeros((start.size, span, 3))
    q0 = _tilt_quaternions(acc[np.minimum(start, acc.shape[0] - 1)])
    fused(acc, dq, q0, start, length, rate_hz, G_MS2, out)
    return out


def step_rotations(gyro_rads: np.ndarray, rate_hz: float) -> np.ndarray:
    """(n, 4) unit quaternions of the rotation from each sample to the next: the exact
    rotation of the mean rate over the step (the last row: the last rate held)."""
    nxt = np.concatenate([gyro_rads[1:], gyro_rads[-1:]])
    half = 0.25 * (nxt + gyro_rads) / rate_hz  # half the rotation vector of each step
    angle = np.sqrt(np.einsum("ij,ij->i", half, half))
    sinc = np.where(angle > 1e-12, np.sin(angle) / np.where(angle > 1e-12, angle, 1.0), 1.0)
    return np.ascontiguousarray(
        np.column_stack([np.cos(angle), sinc[:, None] * half]), dtype=np.float64
    )


def _tilt_quaternions(acc_still: np.ndarray) -> np.ndarray:
    """(k, 4) quaternions of `tilt_to_world` for (k, 3) still readings."""
    up = acc_still / np.maximum(np.linalg.norm(acc_still, axis=1, keepdims=True), 1e-9)
    axis = np.stack([up[:, 1], -up[:, 0], np.zeros(up.shape[0])], axis=1)  # up x z
    s = np.linalg.norm(axis, axis=1)
    angle = np.arctan2(s, up[:, 2])
    unit = np.where(s[:, None] > 1e-12, axis / np.where(s > 1e-12, s, 1.0)[:, None], [1.0, 0, 0])
    return np.concatenate([np.cos(angle / 2)[:, None], np.sin(angle / 2)[:, None] * unit], axis=1)


def zupt_velocity(acc_world: np.ndarray, rate_hz: float) -> np.ndarray:
    """Velocity from still to still: the integral of (n, 3) world accelerations, on a grid of
    at least `UPSAMPLE_HZ` (band-limited interpolation first), minus the linear drift that
    takes it back to 0 at the last sample (zero-velocity update)."""
    up = max(1, int(np.ceil(UPSAMPLE_HZ / rate_hz)))
    fine = upsample(acc_world, up)
    v = np.zeros_like(fine)
    v[1:] = np.cumsum(0.5 * (fine[1:] + fine[:-1]) / (rate_hz * up), axis=0)
    frac = np.arange(v.shape[0]) / max(v.shape[0] - 1, 1)
    return np.asarray(v - frac[:, None] * v[-1], dtype=np.float64)


def zupt_velocities(acc_world: np.ndarray, length: np.ndarray, rate_hz: float) -> np.ndarray:
    """Velocities of (k, span, 3) world accelerations, each valid up to its `length` (0
    beyond): trapezoid from 0, minus the drift line that takes it back to 0 at its end."""
    k, span = acc_world.shape[:2]
    inside = (np.arange(span)[None, :] < length[:, None])[..., None]
    a = acc_world * inside
    v = np.zeros_like(a)
    v[:, 1:] = np.cumsum(0.5 * (a[:, 1:] + a[:, :-1]) / rate_hz, axis=1)
    v *= inside
    v_end = v[np.arange(k), length - 1]
    frac = np.arange(span)[None, :] / np.maximum(length - 1, 1)[:, None]
    return np.asarray((v - frac[..., None] * v_end[:, None, :]) * inside, dtype=np.float64)


def upsample(x: np.ndarray, factor: int) -> np.ndarray:
    """Band-limited (FFT) interpolation of (n, 3) samples, `factor` times denser.

    The segment runs from still to still, so its ends are near zero and the periodic
    extension of the FFT adds no jump. A punch's acceleration lies well below the Nyquist
    frequency even at 25 Hz, so this recovers the values between the samples that a
    trapezoid over the raw samples would cut (about 9 % of a half sine sampled 6 times).

    >>> t = np.arange(8) / 8
    >>> x = np.sin(2 * np.pi * t)[:, None]
    >>> fine = upsample(x, 4)[:, 0]
    >>> bool(np.allclose(fine, np.sin(2 * np.pi * np.arange(32) / 32)))
    True
    """
    n = x.shape[0]
    if factor == 1 or n < 4:
        return x
    spec = np.fft.rfft(x, axis=0)
    if n % 2 == 0:  # split the Nyquist bin between its two images
        spec[-1] /= 2
    padded = np.zeros((n * factor // 2 + 1, x.shape[1]), dtype=complex)
    padded[: spec.shape[0]] = spec
    if n % 2 == 0:
        padded[spec.shape[0] - 1] = spec[-1]
    return np.asarray(np.fft.irfft(padded, n * factor, axis=0) * factor, dtype=np.float64)


def _peak_speeds(v: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Peak |v| of each punch's extension, (k, span, 3) velocities valid up to `length`:
    up to where the velocity turns back against its direction at the first speed maximum
    above half the largest (a retraction, even a faster one, comes after the punch), refined
    between samples with a parabola through the three samples around the maximum."""
    k, span = v.shape[:2]
    cols = np.arange(span)[None, :]
    inside = cols < length[:, None]
    speed = np.where(inside, norm3(v), 0.0)
    top = speed.max(axis=1)
    local = np.zeros((k, span), dtype=bool)
    local[:, 1:-1] = (speed[:, 1:-1] >= speed[:, :-2]) & (speed[:, 1:-1] >= speed[:, 2:])
    local &= inside & (speed >= 0.5 * top[:, None])
    first = np.where(local.any(axis=1), local.argmax(axis=1), speed.argmax(axis=1))
    rows = np.arange(k)
    along = np.einsum("ksj,kj->ks", v, v[rows, first])
    back = (cols > first[:, None]) & inside & (along <= 0.0)
    stop = np.where(back.any(axis=1), back.argmax(axis=1), length)
    ext = np.where(cols < stop[:, None], speed, -1.0)
    i = ext.argmax(axis=1)
    best = speed[rows, i]
    ok = (i > 0) & (i < stop - 1)
    a = speed[rows, np.maximum(i - 1, 0)]
    c = speed[rows, np.minimum(i + 1, span - 1)]
    den = a - 2 * best + c
    ok &= den < 0
    refined = best - 0.125 * (a - c) ** 2 / np.where(ok, den, -1.0)
    return np.asarray(np.where(ok, refined, best) * (top > 0), dtype=np.float64)


def punch_speed_ms(
    acc_ms2: np.ndarray, gyro_rads: np.ndarray, det: Detection, motion: HandMotion | None = None
) -> np.ndarray:
    """Peak hand speed (m/s) of each detected punch, world-frame integration with ZUPT.

    See the module docstring; `det.peak` is where each punch is searched from. `motion`:
    the recording's `HandMotion` when the caller has it (the same numbers, computed once).
    """
    rate = det.rate_hz
    if det.n == 0:
        return np.zeros(0)
    score = still_score(acc_ms2, gyro_rads, rate) if motion is None else motion.still
    steps = None if motion is None else motion.steps
    before = max(1, round(SEARCH_BEFORE_S * rate))
    after = max(1, round(SEARCH_AFTER_S * rate))
    half = max(1, round(ANCHOR_S * rate))
    # the most active sample within `half` of each detected peak (the first one on ties)
    padded = np.pad(score, half, constant_values=-np.inf)
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)[det.peak]
    peak = det.peak - half + windows.argmax(axis=1)
    starts = stills_before(score, peak, before)
    stops = stills_after(score, peak, after)
    span = int((stops - starts).max()) + 1
    length = stops - starts + 1
    up = max(1, int(np.ceil(UPSAMPLE_HZ / rate)))
    if up == 1:  # all punches at once
        v = world_velocities(acc_ms2, gyro_rads, rate, starts, length, steps)
        out = _peak_speeds(v, length)
    else:  # low rates: each punch interpolated on its own still-to-still segment
        acc_world = world_acceleration(acc_ms2, gyro_rads, rate, starts, span, steps)
        out = np.zeros(det.n)
        for j in range(det.n):
            vj = zupt_velocity(acc_world[j, : length[j]], rate)
            out[j] = _peak_speeds(vj[None], np.array([vj.shape[0]]))[0]
    return np.where(length >= 3, out, 0.0)
