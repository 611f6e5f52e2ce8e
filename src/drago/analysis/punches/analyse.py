"""One call from IMU arrays to the punch table: detect, classify, measure.

`punches_analyse` handles one hand; `punches_analyse_pair` handles both hands on one clock
and removes each hand's detections that are the other hand's punch felt through the body.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import polars as pl

from drago.analysis.punches.classify import (
    CLASSES,
    punch_classes,
    punch_proba,
    punch_type,
)
from drago.analysis.punches.detect import (
    Detection,
    gravity_ms2,
    punch_detect,
    suppress_crosstalk,
)
from drago.analysis.punches.features import punch_features
from drago.analysis.punches.measures import punch_measures
from drago.analysis.punches.speed import HandMotion
from drago.vocab import HandName as Hand
from drago.vocab import StanceName as Stance

#: Columns of the punch table, in order.
COLUMNS: Final = (
    "t_s",
    "onset_s",
    "end_s",
    "hand",
    "class",
    "type",
    "confidence",
    "peak_acc_ms2",
    "peak_acc_g",
    "speed_ms",
    "power_au",
)


def _table(
    acc_ms2: np.ndarray,
    gyro_rads: np.ndarray | None,
    det: Detection,
    hand: Hand | None,
    stance: Stance,
    offset_s: float,
    gravity: np.ndarray | None = None,
    motion: HandMotion | None = None,
) -> pl.DataFrame:
    gravity = gravity_ms2(acc_ms2, det.rate_hz) if gravity is None else gravity
    feats = punch_features(acc_ms2, gyro_rads, det, gravity)
    proba = punch_proba(feats, has_gyro=gyro_rads is not None)
    classes = punch_classes(proba)
    measures = punch_measures(acc_ms2, det, gravity, gyro_rads=gyro_rads, motion=motion)
    rate = det.rate_hz
    return pl.DataFrame(
        {
            "t_s": measures["peak_at"] / rate + offset_s,
            "onset_s": det.onset / rate + offset_s,
            "end_s": det.end / rate + offset_s,
            "hand": [hand] * det.n,
            "class": classes,
            "type": [punch_type(c, hand, stance) for c in classes],
            "confidence": proba.max(axis=1) if det.n else np.zeros(0),
            **{name: measures[name] for name in ("peak_acc_ms2", "peak_acc_g")},
            "speed_ms": measures["speed_ms"],
            "power_au": measures["power_au"],
        },
        schema_overrides={"hand": pl.String, "class": pl.String, "type": pl.String},
    ).select(COLUMNS)


def punches_analyse(
    acc_ms2: np.ndarray,
    gyro_rads: np.ndarray | None,
    rate_hz: float,
    *,
    hand: Hand | None = None,
    stance: Stance = "orthodox",
) -> pl.DataFrame:
    """Every punch of one hand: times (s), hand, class, type, confidence and measures.

    `class` is straight/hook/uppercut/unknown; `type` adds lead/rear from `hand` and `stance`
    (`unknown` when the hand is not given). See `COLUMNS`.

    References
    ----------
    Worsey M. T. O., Espinosa H. G., Shepherd J. B., Thiel D. V. (2020) An evaluation of
    wearable inertial sensor configuration and supervised machine learning models for
    automatic punch classification in boxing. IoT 1(2), 360-381; Kimm D., Thiel D. V. (2015)
    Hand speed measurements in boxing. Procedia Engineering 112, 502-506.
    """
    gravity = gravity_ms2(acc_ms2, rate_hz)
    motion = _motion(acc_ms2, gyro_rads, rate_hz)
    det = punch_detect(acc_ms2, gyro_rads, rate_hz, gravity=gravity, motion=motion)
    return _table(acc_ms2, gyro_rads, det, hand, stance, 0.0, gravity, motion).sort("t_s")


def _motion(acc_ms2: np.ndarray, gyro_rads: np.ndarray | None, rate_hz: float) -> HandMotion | None:
    """The hand's still score and step rotations, shared by detection and speed (gyro only)."""
    return None if gyro_rads is None else HandMotion(acc_ms2, gyro_rads, rate_hz)


def punches_analyse_pair(
    left: tuple[np.ndarray, np.ndarray | None, float],
    right: tuple[np.ndarray, np.ndarray | None, float],
    *,
    right_offset_s: float = 0.0,
    stance: Stance = "orthodox",
) -> pl.DataFrame:
    """Both hands' punches, each as (acc, gyro, rate), the right starting `right_offset_s`
    after the left; a peak within 0.1 s of a much higher peak of the other hand is dropped."""
    grav_l = gravity_ms2(left[0], left[2])
    grav_r = gravity_ms2(right[0], right[2])
    mot_l, mot_r = _motion(*left), _motion(*right)
    det_l = punch_detect(*left, gravity=grav_l, motion=mot_l)
    det_r = punch_detect(*right, gravity=grav_r, motion=mot_r)
    shift = round(right_offset_s * det_l.rate_hz)
    # express the right hand's peaks on the left hand's clock for the comparison
    moved = Detection(
        det_r.onset,
        np.round(det_r.peak * det_l.rate_hz / det_r.rate_hz).astype(np.int64) + shift,
        det_r.end,
        det_r.score,
        det_l.rate_hz,
    )
    keep_l, keep_r = suppress_crosstalk(det_l, moved)
    mask_r = np.isin(moved.peak, keep_r.peak)
    frames = [
        _table(left[0], left[1], keep_l, "left", stance, 0.0, grav_l, mot_l),
        _table(
            right[0], right[1], det_r.keep(mask_r), "right", stance, right_offset_s, grav_r, mot_r
        ),
    ]
    return pl.concat(frames).sort("t_s")


__all__ = ["CLASSES", "COLUMNS", "punches_analyse", "punches_analyse_pair"]


def punches_of_detection(
    acc_ms2: np.ndarray,
    gyro_rads: np.ndarray | None,
    det: Detection,
    *,
    hand: Hand | None,
    stance: Stance = "orthodox",
    offset_s: float = 0.0,
    gravity: np.ndarray | None = None,
) -> pl.DataFrame:
    """The punch table (`COLUMNS`) of detections already made, e.g. by a streaming detector
    over a window of the stream that starts `offset_s` into it."""
    return _table(acc_ms2, gyro_rads, det, hand, stance, offset_s, gravity)
