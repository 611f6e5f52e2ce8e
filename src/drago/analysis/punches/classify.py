"""Punch classification: straight, hook or uppercut from orientation-invariant features, then
jab / cross / lead_hook / rear_hook / lead_uppercut / rear_uppercut from hand and stance.

The model is a multinomial logistic regression (standardised features, softmax), trained by
`scripts/train_punches.py` with scikit-learn and shipped as plain numbers in `model.json`,
so prediction needs only NumPy. Two variants are stored: `gyro` (all features) and `acc`
(accelerometer features only, for recordings without a gyroscope: less accurate, see
docs/punches.md). The probabilities are calibrated (`calibrate`: a softmax temperature, then a
monotone map of the best probability to the accuracy measured on subjects left out of
training), and a punch whose best class has probability below `UNSURE_BELOW` is `unknown`.

References
----------
Worsey M. T. O., Espinosa H. G., Shepherd J. B., Thiel D. V. (2020) An evaluation of wearable
inertial sensor configuration and supervised machine learning models for automatic punch
classification in boxing. IoT 1(2), 360-381.
Cizmic D. et al. (2023) Smart boxing glove "RD α": IMU combined with force sensor for highly
accurate technique and target recognition using machine learning. Applied Sciences 13, 9073.
Guo C., Pleiss G., Sun Y., Weinberger K. Q. (2017) On calibration of modern neural networks.
ICML, PMLR 70, 1321-1330 (temperature scaling, expected calibration error).
Zadrozny B., Elkan C. (2002) Transforming classifier scores into accurate multiclass
probability estimates. Proceedings of the 8th ACM SIGKDD, 694-699 (isotonic calibration).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, Final

import numpy as np

from drago.analysis.punches.features import feature_matrix
from drago.vocab import HandName as Hand
from drago.vocab import StanceName as Stance

CLASSES: Final = ("straight", "hook", "uppercut")
TYPES: Final = (
    "jab",
    "cross",
    "lead_hook",
    "rear_hook",
    "lead_uppercut",
    "rear_uppercut",
    "unknown",
)
#: A class is shown only when the calibrated probability that it is right is at least even
#: (more often right than wrong; drago convention); below, the class and type are `unknown`.
UNSURE_BELOW: Final = 0.5
_TYPE: Final = {
    ("straight", "lead"): "jab",
    ("straight", "rear"): "cross",
    ("hook", "lead"): "lead_hook",
    ("hook", "rear"): "rear_hook",
    ("uppercut", "lead"): "lead_uppercut",
    ("uppercut", "rear"): "rear_uppercut",
}


@cache
def load_model() -> dict[str, Any]:
    """The shipped model (`model.json` beside this module)."""
    text = resources.files("drago.analysis.punches").joinpath("model.json").read_text("utf-8")
    model: dict[str, Any] = json.loads(text)
    return model


def punch_proba(
    features: dict[str, np.ndarray], *, has_gyro: bool, model: dict[str, Any] | None = None
) -> np.ndarray:
    """(punches, 3) probabilities of straight, hook, uppercut (columns as in `CLASSES`)."""
    model = model or load_model()
    part = model["gyro" if has_gyro else "acc"]
    names = tuple(part["features"])
    x = feature_matrix(features, names)
    if x.shape[0] == 0:
        return np.zeros((0, len(CLASSES)))
    z = (x - np.asarray(part["mean"])) / np.asarray(part["scale"])
    logits = z @ np.asarray(part["coef"]).T + np.asarray(part["intercept"])
    logits /= float(part.get("temperature", 1.0))
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    if "calibration" in part:
        p = calibrate(p, part["calibration"])
    order = [list(part["classes"]).index(c) if c in part["classes"] else -1 for c in CLASSES]
    out = np.zeros((x.shape[0], len(CLASSES)))
    for j, i in enumerate(order):
        if i >= 0:
            out[:, j] = p[:, i]
    return out


def calibrate(p: np.ndarray, table: dict[str, list[float]]) -> np.ndarray:
    """Probabilities whose best one is replaced by the accuracy the training found at that
    confidence (`table`: a monotone map, `confidence` -> `accuracy`, fitted by isotonic
    regression on out-of-fold predictions of subjects left out; linear between its knots),
    the others scaled to keep the sum at 1. The ranking is kept: the best class stays best.

    >>> table = {"confidence": [0.4, 0.9], "accuracy": [0.5, 0.7]}
    >>> calibrate(np.array([[0.9, 0.05, 0.05]]), table).round(3).tolist()
    [[0.7, 0.15, 0.15]]
    """
    best = p.argmax(axis=1)
    rows = np.arange(p.shape[0])
    top = p[rows, best]
    q = np.interp(top, table["confidence"], table["accuracy"])
    rest = np.maximum(1.0 - top, 1e-12)
    others = p.copy()
    others[rows, best] = 0.0
    second = others.max(axis=1)
    q = np.maximum(q, second / (rest + second) + 1e-6)  # the best class stays the best
    out = others * ((1.0 - q) / rest)[:, None]
    out[rows, best] = q
    return np.asarray(out, dtype=np.float64)


def punch_classes(proba: np.ndarray, *, unsure_below: float = UNSURE_BELOW) -> list[str]:
    """`straight`, `hook`, `uppercut`, or `unknown` when the best probability is too low."""
    best = proba.argmax(axis=1) if proba.size else np.zeros(0, dtype=int)
    sure = proba.max(axis=1) >= unsure_below if proba.size else np.zeros(0, dtype=bool)
    return [CLASSES[b] if s else "unknown" for b, s in zip(best, sure, strict=True)]


def lead_or_rear(hand: Hand | None, stance: Stance) -> str | None:
    """`lead` or `rear` for a hand in a stance (orthodox: left leads; southpaw: right leads).

    >>> lead_or_rear("left", "orthodox"), lead_or_rear("left", "southpaw")
    ('lead', 'rear')
    """
    if hand is None:
        return None
    lead = "left" if stance == "orthodox" else "right"
    return "lead" if hand == lead else "rear"


def punch_type(cls: str, hand: Hand | None, stance: Stance) -> str:
    """The drago type of a class thrown by `hand` (`unknown` when the class or hand is).

    >>> punch_type("straight", "right", "orthodox"), punch_type("hook", "right", "southpaw")
    ('cross', 'lead_hook')
    """
    side = lead_or_rear(hand, stance)
    if side is None:
        return "unknown"
    return _TYPE.get((cls, side), "unknown")
