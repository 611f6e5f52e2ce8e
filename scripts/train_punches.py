"""Train drago's punch classifier (straight / hook / uppercut) and write its model.json.

Usage: python scripts/train_punches.py DIR [DIR ...] [--out src/drago/analysis/punches/model.json]
(or `make train-punches PUNCH_DATA="DIR [DIR ...]"`). Each DIR holds any of the sources
described in scripts/punch_data.py (PBFC gloves, the Kharchenko phone, the PunchingBand
wristband, the Tyson phones, the PunchRecognition arm IMU).
Needs scikit-learn (a development dependency; drago itself needs only NumPy).

Recipe (fixed before any evaluation; docs/punches.md):

- features: `features.FEATURES` minus the amplitude features (glove mass, sensor range and
  sample rate change amplitudes, not shapes); the `acc` variant also without the gyroscope
  features;
- data: every detected punch of every session plus `N_COPIES` augmented copies of each
  session (`punch_data.augment`: rotation, mirror, 25-200 Hz, amplitude, noise);
- weights: per class, (n / (classes x n_class)) ** power, power 1 (balanced) or 0.5 chosen
  with C;
- sources: `punch_data.TRAIN_SOURCES` only (the Tyson phones and the PunchRecognition arm
  IMU are evaluated, not trained on: see docs/punches.md);
- C and the class-weight power: chosen by leaving groups of training subjects out
  (`choose`), scoring
  the mean per-subject accuracy; the softmax temperature is then fitted on those
  out-of-fold probabilities (minimum log-loss), so the confidence is calibrated on
  subjects the model did not see.

Labels: every punch detected in a glove or Tyson session gets the session's class; a
Kharchenko punch gets the label of the segment its peak falls in (detections outside every
labelled segment are left out).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from punch_data import MANIFEST, TRAIN_SOURCES, Session, augment, load_sessions

from drago.analysis.punches.classify import CLASSES
from drago.analysis.punches.detect import Detection, punch_detect
from drago.analysis.punches.features import (
    AMPLITUDE_FEATURES,
    FEATURES,
    GYRO_FEATURES,
    punch_features,
)

C_GRID = (0.1, 1.0)
#: Class-weight powers tried by the nested selection (1: balanced classes; 0.5: halfway).
WEIGHT_POWERS = (1.0, 0.5)
N_COPIES = 1
#: Inner folds of the nested choice: the training subjects dealt round-robin into this many
#: groups (every subject, one at a time, costs too many fits on a small machine).
INNER_FOLDS = 4
SEED = 21
FEATURE_SETS = {
    "gyro": tuple(f for f in FEATURES if f not in AMPLITUDE_FEATURES),
    "acc": tuple(f for f in FEATURES if f not in AMPLITUDE_FEATURES | GYRO_FEATURES),
}
TEMPERATURES = np.exp(np.linspace(np.log(0.3), np.log(5.0), 41))
MODEL = Path(__file__).parents[1] / "src" / "drago" / "analysis" / "punches" / "model.json"


def true_labels(session: Session, det: Detection) -> list[str | None]:
    """The class of each detection (None: a phone detection outside every labelled punch)."""
    if session.segments is None or session.segment_labels is None:
        return [session.label] * det.n
    from punch_data import TO_CLASS

    out: list[str | None] = []
    for t in det.t_peak_s:
        inside = np.flatnonzero(
            (session.segments[:, 0] - 0.3 <= t) & (t <= session.segments[:, 1] + 0.3)
        )
        out.append(TO_CLASS[session.segment_labels[inside[0]]] if inside.size else None)
    return out


def detect(
    session: Session, *, has_gyro: bool = True, copy: int = 0
) -> tuple[Detection, dict[str, np.ndarray]]:
    """Detections and features of one session (copy 0: as recorded; k > 0: augmented)."""
    rec = session.recording
    acc, gyr, rate = rec.acc_ms2(), rec.gyro_rads(), rec.rate_hz
    if copy:
        seed = [SEED, copy, *map(ord, session.name[:40])]
        acc, gyr, rate = augment(acc, gyr, rate, np.random.default_rng(seed))
    gyr = gyr if has_gyro else None
    det = punch_detect(acc, gyr, rate)
    return det, punch_features(acc, gyr, det)


class Data:
    """Features, labels, subject, device and copy number of every labelled detection."""

    def __init__(self, sessions: list[Session], *, has_gyro: bool, copies: int = N_COPIES):
        feats: dict[str, list[np.ndarray]] = {f: [] for f in FEATURES}
        labels: list[str] = []
        subjects: list[str] = []
        devices: list[str] = []
        copy_no: list[int] = []
        sources: list[str] = []
        for s in sessions:
            if has_gyro and not s.recording.has_gyro:
                continue  # an accelerometer-only source serves the `acc` variant only
            for copy in range(copies + 1):
                det, f = detect(s, has_gyro=has_gyro, copy=copy)
                truth = true_labels(s, det)
                keep = np.array([t is not None for t in truth], dtype=bool)
                for name in FEATURES:
                    feats[name].append(f[name][keep])
                labels += [t for t in truth if t is not None]
                k = int(keep.sum())
                subjects += [s.subject] * k
                devices += [s.device] * k
                copy_no += [copy] * k
                sources += [s.source] * k
        self.feats = {n: np.concatenate(v) if v else np.zeros(0) for n, v in feats.items()}
        self.y = np.array(labels)
        self.subject = np.array(subjects)
        self.device = np.array(devices)
        self.copy = np.array(copy_no)
        self.trainable = np.isin(np.array(sources), list(TRAIN_SOURCES))

    def x(self, names: tuple[str, ...], mask: np.ndarray | None = None) -> np.ndarray:
        cols = np.column_stack([self.feats[n] for n in names])
        return cols if mask is None else cols[mask]


def weights(y: np.ndarray, subject: np.ndarray, power: float = 1.0) -> np.ndarray:
    """Class weights (n / (classes x n_class)) ** `power`: 1 balances the classes (each
    class present the same total weight), 0.5 only halfway (in log terms) so that a rare
    class seen on two subjects (uppercuts) does not outweigh the thousands of straights
    and hooks; the power is chosen by the nested selection (`choose`).

    (Weighting every subject the same was tried: subjects of 20 punches then weigh as much
    as one of 3,000, and the mean LOSO accuracy with the gyroscope fell from 74.6 to 62.8 %.)
    """
    w = np.zeros(y.size)
    classes = np.unique(y)
    for c in classes:
        w[y == c] = (y.size / (classes.size * (y == c).sum())) ** power
    return w


def fit(
    x: np.ndarray, y: np.ndarray, names: tuple[str, ...], c: float, w: np.ndarray | None = None
) -> dict[str, Any]:
    """A standardised multinomial logistic regression, as plain numbers."""
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    mean = x.mean(axis=0)
    std = x.std(axis=0)
    scale = np.where(std > 1e-9, std, 1.0)
    model = LogisticRegression(C=c, max_iter=3000)
    model.fit((x - mean) / scale, y, sample_weight=w)
    coef, intercept = model.coef_, model.intercept_
    if len(model.classes_) == 2:  # binary: sklearn stores one row; make it softmax-shaped
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    return {
        "features": list(names),
        "classes": [str(k) for k in model.classes_],
        "mean": mean.round(6).tolist(),
        "scale": scale.round(6).tolist(),
        "coef": np.round(coef, 6).tolist(),
        "intercept": np.round(intercept, 6).tolist(),
        "C": c,
        "temperature": 1.0,
    }


def proba(part: dict[str, Any], x: np.ndarray, temperature: float | None = None) -> np.ndarray:
    """(n, 3) probabilities in `CLASSES` order (as `classify.punch_proba` computes them)."""
    from drago.analysis.punches.classify import punch_proba

    if temperature is not None:
        part = {**part, "temperature": temperature}
    feats = {name: x[:, i] for i, name in enumerate(part["features"])}
    return punch_proba(feats, has_gyro=True, model={"gyro": part})


def choose(data: Data, mask: np.ndarray, variant: str) -> tuple[float, float, float, np.ndarray]:
    """C (of `C_GRID`) and class-weight power (of `WEIGHT_POWERS`) with the best mean
    per-subject accuracy, leaving groups of training
    subjects out in turn (`INNER_FOLDS`; their augmented copies too; scored on their
    recorded punches), the
    temperature fitted on those out-of-fold probabilities, and the probabilities.

    Only the data under `mask` is used: called on a training fold, it is a nested selection.
    """
    names = FEATURE_SETS[variant]
    x = data.x(names)
    subjects = sorted(set(data.subject[mask].tolist()))
    fold_of = {s: i % INNER_FOLDS for i, s in enumerate(subjects)}
    fold = np.array([fold_of.get(s, -1) for s in data.subject.tolist()])
    best: tuple[float, float, np.ndarray] = (C_GRID[1], 1.0, np.zeros((0, 3)))
    best_score = -1.0
    test_rows = mask & (data.copy == 0)
    for c, power in itertools.product(C_GRID, WEIGHT_POWERS):
        p = np.full((data.y.size, 3), np.nan)
        accs = []
        for f in range(min(INNER_FOLDS, len(subjects))):
            train = mask & (fold != f)
            test = test_rows & (fold == f)
            if len(set(data.y[train].tolist())) < 2 or not test.any():
                continue
            w = weights(data.y[train], data.subject[train], power)
            part = fit(x[train], data.y[train], names, c, w)
            p[test] = proba(part, x[test])
            pred = np.array(CLASSES)[p[test].argmax(axis=1)]
            accs += [
                float(
                    (pred[data.subject[test] == s] == data.y[test][data.subject[test] == s]).mean()
                )
                for s in sorted(set(data.subject[test].tolist()))
            ]
        score = float(np.mean(accs)) if accs else -1.0
        if score > best_score:
            best, best_score = (c, power, p[test_rows]), score
    c, power, p = best
    return c, power, fit_temperature(p, data.y[test_rows]), p


def fit_temperature(p: np.ndarray, y: np.ndarray) -> float:
    """The softmax temperature with the lowest log-loss on held-out probabilities `p`."""
    ok = ~np.isnan(p).any(axis=1)
    if ok.sum() < 10:
        return 1.0
    logp = np.log(np.clip(p[ok], 1e-12, 1.0))
    idx = np.array([CLASSES.index(c) for c in y[ok]])
    losses = []
    for t in TEMPERATURES:
        z = logp / t
        z -= z.max(axis=1, keepdims=True)
        lse = np.log(np.exp(z).sum(axis=1))
        losses.append(float(np.mean(lse - z[np.arange(idx.size), idx])))
    return float(TEMPERATURES[int(np.argmin(losses))])


def fit_calibration(
    p: np.ndarray, y: np.ndarray, subject: np.ndarray, temperature: float
) -> dict[str, list[float]] | None:
    """The monotone map from the best (temperature-scaled) probability to the accuracy of
    held-out predictions `p` (isotonic regression, every subject the same total weight so
    that the one subject of 3,000 punches does not set the confidence of every new sensor;
    drago convention), as knots for `classify.calibrate`."""
    from sklearn.isotonic import IsotonicRegression  # type: ignore[import-untyped]

    ok = ~np.isnan(p).any(axis=1)
    if ok.sum() < 10:
        return None
    logp = np.log(np.clip(p[ok], 1e-12, 1.0)) / temperature
    logp -= logp.max(axis=1, keepdims=True)
    q = np.exp(logp)
    q /= q.sum(axis=1, keepdims=True)
    conf = q.max(axis=1)
    right = (np.array(CLASSES)[q.argmax(axis=1)] == y[ok]).astype(float)
    subj = subject[ok]
    w = np.zeros(conf.size)
    for s in set(subj.tolist()):
        w[subj == s] = 1.0 / (subj == s).sum()
    # no class is ever shown as certain: 0.99 at most (drago convention)
    iso = IsotonicRegression(y_min=0.0, y_max=0.99, increasing=True, out_of_bounds="clip")
    fitted = iso.fit(conf, right, sample_weight=w).predict(conf)
    # one knot per constant block of the isotonic fit, at the block's mean confidence, so that
    # the map is piecewise linear between them rather than a staircase (neighbouring punches
    # do not jump from one block's accuracy to the next)
    levels = np.unique(fitted)
    xs = np.array([np.average(conf[fitted == v], weights=w[fitted == v]) for v in levels])
    return {"confidence": np.round(xs, 4).tolist(), "accuracy": np.round(levels, 4).tolist()}


def train_variant(data: Data, mask: np.ndarray, variant: str) -> dict[str, Any]:
    """One model variant trained on the rows under `mask` (C, temperature and the
    confidence calibration nested: chosen and fitted on subjects left out of `mask`)."""
    c, power, temperature, p = choose(data, mask, variant)
    names = FEATURE_SETS[variant]
    w = weights(data.y[mask], data.subject[mask], power)
    part = fit(data.x(names, mask), data.y[mask], names, c, w)
    part["temperature"] = round(temperature, 4)
    part["class_weight_power"] = power
    rows = mask & (data.copy == 0)
    table = fit_calibration(p, data.y[rows], data.subject[rows], temperature)
    if table is not None:
        part["calibration"] = table
    return part


def main() -> None:
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    # one BLAS thread: the many small fits are much slower with threads fighting for 2 CPUs
    threadpool_limits(1)
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("data", type=Path, nargs="+", help="punch data folders")
    parser.add_argument("--out", type=Path, default=MODEL, help="where to write model.json")
    args = parser.parse_args()
    sessions = load_sessions(args.data)
    model: dict[str, Any] = {
        "about": "drago punch classifier: multinomial logistic regression on orientation-"
        "invariant features, temperature-calibrated; trained by scripts/train_punches.py",
    }
    for variant in ("gyro", "acc"):
        data = Data(sessions, has_gyro=variant == "gyro")
        model[variant] = train_variant(data, data.trainable, variant)
        recorded = (data.copy == 0) & data.trainable
        model[variant]["trained_on"] = {
            "punches": int(recorded.sum()),
            "augmented_copies": N_COPIES,
            "by_class": {c: int((data.y[recorded] == c).sum()) for c in CLASSES},
            "subjects": sorted(set(data.subject[data.trainable].tolist())),
        }
    sources = sorted({s.source for s in sessions if s.source in TRAIN_SOURCES})
    model["sources"] = {s: MANIFEST[s] for s in sources}
    args.out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} from {len(sessions)} sessions of {', '.join(sources)}")


if __name__ == "__main__":
    main()
