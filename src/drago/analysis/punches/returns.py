"""Return strokes of a sensor held in the hand: the fist pulled back counted as a punch.

A phone or a light band in the hand pulls back about as hard as it punches, so the detector
sees two strokes. With a gyroscope the two can be compared in one world frame (orientation
from gravity and the gyroscope, `speed.world_velocities`), whatever the wrist does between
them: two **contiguous** detections (the second starts at most `RETURN_CONTIGUOUS_S` after the
first ends: the return begins as the punch ends, however slowly the punch was thrown), with
no still moment between them (the hand never rests), whose world-frame velocities point in
opposite directions (cosine below `RETURN_COS`; each velocity taken at its detection's peak)
are a punch and its return. The punch comes first: a hand starts a punch from its guard, not
by pulling back. Where such pairs chain, `pair_up` chooses the pairing (module function).

Contiguity replaced a fixed gap (1 s between the peaks): a slow punch and its return are
more than 1 s apart (the return was then counted as a punch), while two glove punches 1.1-1.4 s
apart are not contiguous (each detection ends when the score falls under 30 % of its peak,
and the next starts later). `RETURN_CONTIGUOUS_S` is the score's smoothing width
(`detect.SMOOTH_S`): the detector's own time resolution (drago convention).

**Per mounting.** On a glove the retraction is gentle and already inside the punch's
detection; two opposite strokes then are two punches (a jab pulled back into a second jab).
So the rule is applied only to a recording where such pairs are systematic: at least
`HAND_HELD_FRACTION` of its detections are returns of the previous one. On the development
data the gloves' recordings reach at most 0.10 and the phone recordings that double count
0.29-0.76 (drago convention, between the two, set on the previous rule's 0.12 and 0.30-0.41;
docs/punches.md).

References
----------
Foxlin E. (2005) Pedestrian tracking with shoe-mounted inertial sensors. IEEE Computer
Graphics and Applications 25(6), 38-46 (strapdown integration between still moments).
"""

from __future__ import annotations

from typing import Final

import numpy as np

from drago.analysis.punches.detect import SMOOTH_S, Detection, norm3
from drago.analysis.punches.speed import (
    SEARCH_AFTER_S,
    SEARCH_BEFORE_S,
    HandMotion,
    still_score,
    stills_after,
    stills_before,
    world_velocities,
)

RETURN_CONTIGUOUS_S: Final = SMOOTH_S
RETURN_COS: Final = -0.5
HAND_HELD_FRACTION: Final = 0.2


def return_pairs(
    acc_ms2: np.ndarray, gyro_rads: np.ndarray, det: Detection, motion: HandMotion | None = None
) -> np.ndarray:
    """Indices i whose detection i + 1 is the return stroke of detection i (`motion`: the
    recording's `speed.HandMotion` when the caller has it)."""
    if det.n < 2:
        return np.zeros(0, dtype=np.int64)
    rate = det.rate_hz
    score = still_score(acc_ms2, gyro_rads, rate) if motion is None else motion.still
    still = np.concatenate(([0], np.cumsum(score < 1.0)))
    a, b = det.peak[:-1], det.peak[1:]
    contiguous = (det.onset[1:] - det.end[:-1]) <= RETURN_CONTIGUOUS_S * rate
    close = contiguous & (still[b + 1] - still[a] == 0)
    cand = np.flatnonzero(close)
    if cand.size == 0:
        return cand
    before = max(1, round(SEARCH_BEFORE_S * rate))
    after = max(1, round(SEARCH_AFTER_S * rate))
    starts = stills_before(score, a[cand], before)
    stops = stills_after(score, b[cand], after)
    length = stops - starts + 1
    steps = None if motion is None else motion.steps
    v = world_velocities(acc_ms2, gyro_rads, rate, starts, length, steps)
    rows = np.arange(cand.size)
    va = v[rows, np.clip(a[cand] - starts, 0, length - 1)]
    vb = v[rows, np.clip(b[cand] - starts, 0, length - 1)]
    cos = np.einsum("kj,kj->k", va, vb) / np.maximum(norm3(va) * norm3(vb), 1e-9)
    return np.asarray(cand[cos < RETURN_COS], dtype=np.int64)


def drop_return_strokes(
    acc_ms2: np.ndarray, gyro_rads: np.ndarray, det: Detection, motion: HandMotion | None = None
) -> Detection:
    """The detections without the return strokes of a hand-held sensor (module docstring);
    unchanged when returns are not systematic in the recording (a glove)."""
    pairs = return_pairs(acc_ms2, gyro_rads, det, motion)
    if det.n == 0 or pairs.size < HAND_HELD_FRACTION * det.n:
        return det
    keep = np.ones(det.n, dtype=bool)
    keep[pair_up(det.score, pairs) + 1] = False
    return det.keep(keep)


def pair_up(score: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """The punches (first strokes) of the pairs kept, from candidate pairs (i, i + 1) that
    may chain (i + 1 the return of i and the punch of i + 2): no stroke in two pairs, as
    many pairs as possible, and among those the pairing whose punches are the strongest
    relative to their returns (the largest sum of score[i] − score[i + 1]: pulling the arm
    back to the guard is weaker than punching). One extra stroke in a run (a second hump in
    a slow punch) then no longer shifts every later pair onto the return and the next punch
    (dynamic programming over the detections; drago convention).

    >>> pair_up(np.array([1.3, 2.0, 1.2, 2.1, 1.1]), np.array([0, 1, 2, 3])).tolist()
    [1, 3]
    """
    n = score.size
    is_pair = np.zeros(n + 1, dtype=bool)
    is_pair[pairs] = True
    h = score.tolist()
    best: list[tuple[int, float]] = [(0, 0.0)] * (n + 2)
    take = [False] * (n + 1)
    for i in range(n - 2, -1, -1):
        best[i] = best[i + 1]
        if is_pair[i]:
            count, gain = best[i + 2]
            with_pair = (count + 1, gain + h[i] - h[i + 1])
            if with_pair > best[i]:
                best[i], take[i] = with_pair, True
    out, i = [], 0
    while i < n - 1:
        if take[i]:
            out.append(i)
            i += 2
        else:
            i += 1
    return np.asarray(out, dtype=np.int64)
