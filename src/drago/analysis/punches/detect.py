"""Punch detection in one hand's IMU stream: onset, peak and end of every punch.

The detector works on orientation-invariant magnitudes only, with every window given in
seconds, so it depends neither on how the sensor is mounted nor on the sample rate:

1. gravity is the accelerometer's 1 s moving average; the *dynamic* acceleration is
   |a - gravity| (m/s²);
2. the activity score is dynamic acceleration in g plus, when there is a gyroscope, the
   angular speed |ω| divided by `GYRO_SCALE_RADS` (rad/s per g-equivalent), smoothed over
   `SMOOTH_S` (a moving average wide enough that 25 Hz and 1 kHz recordings give similar
   peaks);
3. candidate peaks are local maxima above `min_score`; peaks within `refractory_s` of a
   higher one are the same punch (non-maximum suppression), which also merges the
   acceleration and retraction phases of one punch;
4. an adaptive floor drops peaks below `rel_floor` x the 90th percentile of the session's
   candidate peaks: footwork, guard movement, bag vibration and the other hand's punches
   felt through the body are much weaker than the hand's own punches;
5. a retraction counted as a punch (a phone or light sensor in the hand pulls back as hard
   as it punches) is dropped by `drop_retractions`: two detections less than
   `RETRACTION_S` apart whose velocities point in opposite directions, with pauses on both
   sides longer than `RETRACTION_PAUSE` x their spacing, are one punch and its way back;
6. with a gyroscope, the return strokes of a sensor held in the hand (the fist pulled back
   counted as a punch: a detection contiguous with the previous one, opposite in the world
   frame, no rest between) are dropped by `returns.drop_return_strokes`, in recordings where
   they are systematic (a glove's retraction is already inside its punch's detection);
7. with both hands, `suppress_crosstalk` drops a peak of one hand that sits within
   `CROSSTALK_S` of a peak more than `CROSSTALK_RATIO` times higher on the other hand.

Onset and end are where the score falls below `EDGE_FRACTION` of the peak's height (searched
up to `MAX_HALF_S` either side).

References
----------
Worsey M. T. O. et al. (2020) An evaluation of wearable inertial sensor configuration and
supervised machine learning models for automatic punch classification in boxing. IoT 1(2),
360-381 (peak-threshold segmentation of wrist IMU streams before classification).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np

if TYPE_CHECKING:
    from drago.analysis.punches.speed import HandMotion

G_MS2: Final = 9.80665
GRAVITY_WINDOW_S: Final = 1.0
SMOOTH_S: Final = 0.3
GYRO_SCALE_RADS: Final = 6.0
EDGE_FRACTION: Final = 0.3
MAX_HALF_S: Final = 0.5
CROSSTALK_S: Final = 0.1
MERGE_S: Final = 1.0
#: The absolute floor of the score (g-equivalents) with a gyroscope: a slow punch. A fist
#: whose speed rises to V and falls back in 0.5 s (V sin²(πt/T)) has a 0.3 s-smoothed dynamic
#: acceleration peaking at 0.445 g per m/s of V (0.89 g at 2 m/s); a turn of the forearm adds
#: to it (90° over the punch: +0.79). 1.0 passes a 2.25 m/s punch without any turn, a 2 m/s
#: one with a little (drago convention from these kinematics, not tuned on counts). The
#: recording's own relative floor (`REL_FLOOR`) does the rest.
MIN_SCORE: Final = 1.0
REFRACTORY_S: Final = 0.45
REL_FLOOR: Final = 0.5
#: Without a gyroscope the score lacks its rotation term: the floor is 0.75 g (unchanged from
#: the previous version), a punch of about 1.7 m/s in the kinematics of `MIN_SCORE`.
ACC_ONLY_FACTOR: Final = 0.75
CROSSTALK_RATIO: Final = 2.0
RETRACTION_S: Final = 1.0
RETRACTION_COS: Final = -0.5
RETRACTION_PAUSE: Final = 1.4


@dataclass(frozen=True)
class Detection:
    """Punches found in one stream: sample indices of onset, peak and end, and peak scores."""

    onset: np.ndarray
    peak: np.ndarray
    end: np.ndarray
    score: np.ndarray
    rate_hz: float

    @property
    def n(self) -> int:
        """Number of punches."""
        return int(self.peak.size)

    @property
    def t_peak_s(self) -> np.ndarray:
        """Peak times, seconds from the first sample."""
        return np.asarray(self.peak / self.rate_hz, dtype=np.float64)

    def keep(self, mask: np.ndarray) -> Detection:
        """The punches where `mask` is true."""
        return Detection(
            self.onset[mask], self.peak[mask], self.end[mask], self.score[mask], self.rate_hz
        )


def norm3(x: np.ndarray) -> np.ndarray:
    """Euclidean norm over the last axis (faster than np.linalg.norm for 3-vectors)."""
    return np.asarray(np.sqrt(np.einsum("...j,...j->...", x, x)), dtype=np.float64)


def moving_average(x: np.ndarray, width: int) -> np.ndarray:
    """Centred moving average along axis 0 over `width` samples (edges use fewer samples).

    >>> moving_average(np.array([0.0, 3.0, 6.0, 9.0]), 3).tolist()
    [1.5, 3.0, 6.0, 7.5]
    """
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[0]
    width = min(max(1, int(width)), max(n, 1))
    if width == 1 or n == 0:
        return x
    c = np.concatenate([np.zeros((1, *x.shape[1:])), np.cumsum(x, axis=0)])
    before, after = (width - 1) // 2, width // 2
    out = np.empty_like(x)
    out[before : before + n - width + 1] = (c[width:] - c[: n - width + 1]) / width
    edges = np.r_[np.arange(before), np.arange(before + n - width + 1, n)]
    hi = np.minimum(edges + after + 1, n)
    lo = np.maximum(edges - before, 0)
    out[edges] = (c[hi] - c[lo]) / (hi - lo).reshape(-1, *([1] * (x.ndim - 1)))
    return out


def gravity_ms2(acc_ms2: np.ndarray, rate_hz: float) -> np.ndarray:
    """The gravity estimate of each sample: 1 s moving average of the accelerometer."""
    return moving_average(acc_ms2, round(GRAVITY_WINDOW_S * rate_hz))


def punch_score(
    acc_ms2: np.ndarray,
    gyro_rads: np.ndarray | None,
    rate_hz: float,
    gravity: np.ndarray | None = None,
) -> np.ndarray:
    """Orientation-invariant activity score (g-equivalents), smoothed over `SMOOTH_S`.

    `gravity` is `gravity_ms2(acc_ms2, rate_hz)` when the caller has it already.
    """
    grav = gravity_ms2(acc_ms2, rate_hz) if gravity is None else gravity
    dyn = norm3(acc_ms2 - grav) / G_MS2
    if gyro_rads is not None:
        dyn = dyn + norm3(gyro_rads) / GYRO_SCALE_RADS
    return moving_average(dyn, round(SMOOTH_S * rate_hz))


def punch_detect(
    acc_ms2: np.ndarray,
    gyro_rads: np.ndarray | None,
    rate_hz: float,
    *,
    min_score: float = MIN_SCORE,
    refractory_s: float = REFRACTORY_S,
    rel_floor: float = REL_FLOOR,
    gravity: np.ndarray | None = None,
    motion: HandMotion | None = None,
) -> Detection:
    """Detect the punches of one hand (see the module docstring for the method).

    `gravity` and `motion` (`speed.HandMotion`, with a gyroscope) are the recording's when
    the caller has them already.

    Examples
    --------
    >>> rate = 100.0
    >>> acc = np.tile([0.0, 0.0, G_MS2], (1000, 1))
    >>> acc[[200, 500, 800], 0] += 400.0
    >>> punch_detect(acc, None, rate).n
    3
    """
    grav = gravity_ms2(acc_ms2, rate_hz) if gravity is None else gravity
    score = punch_score(acc_ms2, gyro_rads, rate_hz, grav)
    if gyro_rads is None:
        min_score *= ACC_ONLY_FACTOR
    det = detect_from_score(
        score, rate_hz, min_score=min_score, refractory_s=refractory_s, rel_floor=rel_floor
    )
    det = drop_retractions(acc_ms2, grav, det)
    if gyro_rads is None:
        return det
    # step 7 needs the world frame of `speed`, which imports this module: imported here
    from drago.analysis.punches.returns import drop_return_strokes

    return drop_return_strokes(acc_ms2, gyro_rads, det, motion)


def velocity_directions(
    acc_ms2: np.ndarray, gravity: np.ndarray, det: Detection, which: np.ndarray | None = None
) -> np.ndarray:
    """(punches, 3) unit direction of each punch's velocity at its peak, in the sensor frame.

    v = ∫(a − g) dt from onset to the peak, g the gravity at the onset, minus the drift line
    that takes v(end) back to 0 (the hand is still at both ends). `which` selects punches.
    """
    sel = np.arange(det.n) if which is None else which
    onset, peak, end = det.onset[sel], det.peak[sel], det.end[sel]
    cum = np.concatenate([np.zeros((1, 3)), np.cumsum(acc_ms2, axis=0)])
    g = gravity[onset]

    def v_at(i: np.ndarray) -> np.ndarray:
        return np.asarray(cum[i + 1] - cum[onset + 1] - g * (i - onset)[:, None], dtype=float)

    frac = (peak - onset) / np.maximum(end - onset, 1)
    v = v_at(peak) - frac[:, None] * v_at(end)
    return np.asarray(v / np.maximum(norm3(v)[:, None], 1e-9), dtype=np.float64)


def drop_retractions(
    acc_ms2: np.ndarray,
    gravity: np.ndarray,
    det: Detection,
    *,
    pause: float = RETRACTION_PAUSE,
) -> Detection:
    """Drop the retractions counted as punches (see the module docstring).

    A pair (i, i+1) is a punch and its way back when the peaks are less than `RETRACTION_S`
    apart, their velocity directions have a cosine below `RETRACTION_COS` (the sensor's own
    frame: invariant to how it is mounted), and the gaps before i and after i+1 are both
    longer than `pause` x their spacing (a retraction is followed by a pause; a run of
    punches is evenly spaced). The higher peak of the pair is kept.
    """
    if det.n < 2:
        return det
    t = det.t_peak_s
    gap = np.diff(t)
    d = velocity_directions(acc_ms2, gravity, det)
    cos = np.einsum("ij,ij->i", d[1:], d[:-1])
    before = np.r_[np.inf, gap[:-1]]
    after = np.r_[gap[1:], np.inf]
    pair = (gap < RETRACTION_S) & (cos < RETRACTION_COS) & (np.minimum(before, after) > pause * gap)
    keep = np.ones(det.n, dtype=bool)
    for i in np.flatnonzero(pair):
        if keep[i] and keep[i + 1]:
            keep[i + 1 if det.score[i] >= det.score[i + 1] else i] = False
    return det.keep(keep)


def detect_from_score(
    score: np.ndarray,
    rate_hz: float,
    *,
    min_score: float = MIN_SCORE,
    refractory_s: float = REFRACTORY_S,
    rel_floor: float = REL_FLOOR,
    merge_ratio: float | None = None,
) -> Detection:
    """Peaks, onsets and ends of punches in an activity score (see `punch_detect`)."""
    n = score.size
    empty = np.zeros(0, dtype=np.int64)
    if n < 3:
        return Detection(empty, empty, empty, np.zeros(0), rate_hz)
    inner = (score[1:-1] >= score[:-2]) & (score[1:-1] > score[2:]) & (score[1:-1] >= min_score)
    cand = np.flatnonzero(inner) + 1
    if cand.size == 0:
        return Detection(empty, empty, empty, np.zeros(0), rate_hz)
    cand = _suppress(cand, score[cand], max(1, round(refractory_s * rate_hz)))
    if merge_ratio is not None:
        cand = _merge(score, cand, round(MERGE_S * rate_hz), merge_ratio)
    heights = score[cand]
    floor = rel_floor * float(np.percentile(heights, 90))
    cand = cand[heights >= floor]
    onset, end = _edges(score, cand, rate_hz)
    return Detection(onset, cand, end, score[cand], rate_hz)


def _suppress(idx: np.ndarray, height: np.ndarray, gap: int) -> np.ndarray:
    """Greedy non-maximum suppression: keep the highest peak, drop others within `gap`.

    Each peak's neighbourhood (the range of peaks within `gap`) is found for all peaks at
    once; the greedy pass then only flips flags in plain Python buffers.
    """
    order = np.argsort(-height, kind="stable").tolist()
    lows = np.searchsorted(idx, idx - gap, side="left").tolist()
    highs = np.searchsorted(idx, idx + gap, side="right").tolist()
    taken = bytearray(idx.size)
    alive = bytearray(b"\x01") * idx.size
    for i in order:
        if alive[i]:
            taken[i] = 1
            lo, hi = lows[i], highs[i]
            alive[lo:hi] = bytes(hi - lo)
    return np.asarray(idx[np.frombuffer(bytes(taken), dtype=np.uint8).astype(bool)])


def _merge(score: np.ndarray, idx: np.ndarray, gap: int, ratio: float) -> np.ndarray:
    """Merge neighbouring peaks whose valley stays above `ratio` x the lower peak.

    An extension and its retraction are two humps of one punch when the hand never comes
    back to rest between them.
    """
    if idx.size < 2:
        return idx
    # valley between neighbours: minimum of the score over each gap
    mins = np.minimum.reduceat(score, idx)[:-1] if idx.size > 1 else np.zeros(0)
    lower = np.minimum(score[idx[:-1]], score[idx[1:]])
    join = ((idx[1:] - idx[:-1]) <= gap) & (mins > ratio * lower)
    keep = np.ones(idx.size, dtype=bool)
    i = 0
    while i < idx.size - 1:
        if join[i]:
            j = i
            best = i
            while j < idx.size - 1 and join[j]:
                j += 1
                if score[idx[j]] > score[idx[best]]:
                    best = j
            keep[i : j + 1] = False
            keep[best] = True
            i = j
        i += 1
    return idx[keep]


def _edges(score: np.ndarray, peaks: np.ndarray, rate_hz: float) -> tuple[np.ndarray, np.ndarray]:
    """Onset and end of each peak: where the score falls below EDGE_FRACTION of the peak."""
    half = max(1, round(MAX_HALF_S * rate_hz))
    offsets = np.arange(1, half + 1)
    n = score.size
    level = (EDGE_FRACTION * score[peaks])[:, None]
    before = np.clip(peaks[:, None] - offsets[None, :], 0, n - 1)
    after = np.clip(peaks[:, None] + offsets[None, :], 0, n - 1)
    below_b = score[before] < level
    below_a = score[after] < level
    first_b = np.where(below_b.any(axis=1), below_b.argmax(axis=1), half - 1)
    first_a = np.where(below_a.any(axis=1), below_a.argmax(axis=1), half - 1)
    onset = np.clip(peaks - offsets[first_b], 0, n - 1)
    end = np.clip(peaks + offsets[first_a], 0, n - 1)
    return onset.astype(np.int64), end.astype(np.int64)


def suppress_crosstalk(
    left: Detection, right: Detection, *, window_s: float = CROSSTALK_S
) -> tuple[Detection, Detection]:
    """Drop each hand's peaks that are the other hand's punch felt through the body.

    A peak is crosstalk when the other hand has a peak within `window_s` that is more than
    `CROSSTALK_RATIO` times higher. Both detections must share one clock (same start, rate).
    """

    def mask(mine: Detection, other: Detection) -> np.ndarray:
        if other.n == 0 or mine.n == 0:
            return np.ones(mine.n, dtype=bool)
        t_other = other.t_peak_s
        pos = np.searchsorted(t_other, mine.t_peak_s)
        keep = np.ones(mine.n, dtype=bool)
        for shift in (-1, 0):
            j = np.clip(pos + shift, 0, other.n - 1)
            close = np.abs(t_other[j] - mine.t_peak_s) <= window_s
            keep &= ~(close & (other.score[j] > CROSSTALK_RATIO * mine.score))
        return keep

    return left.keep(mask(left, right)), right.keep(mask(right, left))
