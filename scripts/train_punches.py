"""Train drago's punch classifier (straight / hook / uppercut) and write its model.json.

Usage: python scripts/train_punches.py PUNCH_DATA_DIR [--out src/drago/analysis/punches/model.json]
(or `make train-punches PUNCH_DATA=DIR`). PUNCH_DATA_DIR is the folder described in
docs/punches.md: `punch-buddy-fight-club/` (MetaWear gloves, per-session labels) and
`kharchenko-boxingpunchclassifier/` (phone in hand, per-sample labels), each with its
index.csv. Needs scikit-learn (a development dependency; drago itself needs only NumPy).

Labels: every punch detected in a glove session gets the session's class (jab/cross ->
straight, hooks -> hook); a phone punch gets the label of the segment its peak falls in
(detections outside every labelled segment are left out of training).
"""

from __future__ import annotations

import argparse
import csv
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from drago.analysis.punches.classify import CLASSES
from drago.analysis.punches.detect import Detection, punch_detect
from drago.analysis.punches.features import (
    ACC_FEATURES,
    FEATURES,
    FRAME_FEATURES,
    punch_features,
)
from drago.ingest.imu import ImuRecording, read_imu

PBFC = "punch-buddy-fight-club"
KHARCHENKO = "kharchenko-boxingpunchclassifier"
PHONE_MAPPING = "time=seconds_elapsed,ax=accX,ay=accY,az=accZ,gx=gyrX,gy=gyrY,gz=gyrZ"
#: Regularisation strengths tried; the one kept is chosen by leave-one-subject-out inside the
#: training data only (`choose_c`), so an evaluation fold never sees its own subject.
C_GRID = (0.02, 0.1, 0.5)
#: Candidate feature sets per variant: without and with the punch-frame features; chosen
#: like C, on the training subjects only.
FEATURE_SETS = {
    variant: (tuple(f for f in names if f not in FRAME_FEATURES), names)
    for variant, names in (("gyro", FEATURES), ("acc", ACC_FEATURES))
}
TO_CLASS = {"jab": "straight", "cross": "straight", "hook": "hook", "uppercut": "uppercut"}
MODEL = Path(__file__).parents[1] / "src" / "drago" / "analysis" / "punches" / "model.json"


@dataclass
class Session:
    """One labelled recording of one hand."""

    source: str
    subject: str
    name: str
    hand: str
    label: str  # drago class of the session (straight/hook/uppercut)
    count: int
    recording: ImuRecording
    segments: np.ndarray | None = None  # (m, 2) labelled punch segments in seconds
    segment_labels: list[str] | None = None


def load_sessions(root: Path) -> list[Session]:
    """Every labelled continuous-stream session under `root` (glove and phone sources)."""
    sessions: list[Session] = []
    pbfc = root / PBFC
    if (pbfc / "index.csv").exists():
        for row in csv.DictReader((pbfc / "index.csv").open(encoding="utf-8")):
            rec = read_imu(pbfc / row["accelerometer_file"], gyro=pbfc / row["gyroscope_file"])
            sessions.append(
                Session(
                    PBFC,
                    row["subject"],
                    row["session"],
                    row["glove"],
                    TO_CLASS[row["drago_label"]],
                    int(row["count"]),
                    rec,
                )
            )
    kh = root / KHARCHENKO
    if (kh / "index.csv").exists():
        for row in csv.DictReader((kh / "index.csv").open(encoding="utf-8")):
            path = kh / row["file"]
            rec = read_imu(path, mapping=PHONE_MAPPING)
            frame = pl.read_csv(path, columns=["seconds_elapsed", "label"])
            t = frame["seconds_elapsed"].to_numpy()
            t = t - t[0]
            lab = frame["label"].to_list()
            active = np.array([x != "NoActivity" for x in lab], dtype=np.int8)
            edges = np.diff(np.concatenate(([0], active, [0])))
            starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
            segs = np.column_stack([t[starts], t[ends]])
            labels = [lab[s] for s in starts]
            hand = row["hand_from_filename"]
            kind = next(k for k in ("jab", "hook", "uppercut") if f"_{k}_" in row["file"])
            sessions.append(
                Session(
                    KHARCHENKO,
                    "kharchenko",
                    Path(row["file"]).stem,
                    hand,
                    TO_CLASS[kind],
                    len(starts),
                    rec,
                    segs,
                    labels,
                )
            )
    return sessions


def detect(session: Session) -> tuple[Detection, dict[str, np.ndarray]]:
    """Detections and features of one session."""
    rec = session.recording
    acc, gyr = rec.acc_ms2(), rec.gyro_rads()
    det = punch_detect(acc, gyr, rec.rate_hz)
    return det, punch_features(acc, gyr, det)


def true_labels(session: Session, det: Detection) -> list[str | None]:
    """The class of each detection (None: a phone detection outside every labelled punch)."""
    if session.segments is None or session.segment_labels is None:
        return [session.label] * det.n
    out: list[str | None] = []
    for t in det.t_peak_s:
        inside = np.flatnonzero(
            (session.segments[:, 0] - 0.3 <= t) & (t <= session.segments[:, 1] + 0.3)
        )
        out.append(TO_CLASS[session.segment_labels[inside[0]]] if inside.size else None)
    return out


def fit(x: np.ndarray, y: np.ndarray, names: tuple[str, ...], c: float) -> dict[str, object]:
    """A standardised, class-balanced multinomial logistic regression, as plain numbers."""
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    mean = x.mean(axis=0)
    scale = np.where(x.std(axis=0) > 1e-9, x.std(axis=0), 1.0)
    classes = sorted(set(y.tolist()), key=CLASSES.index)
    weights = {c: len(y) / (len(classes) * max(1, int((y == c).sum()))) for c in classes}
    model = LogisticRegression(C=c, max_iter=3000, class_weight=weights)
    model.fit((x - mean) / scale, y)
    coef = model.coef_
    intercept = model.intercept_
    if len(model.classes_) == 2:  # binary: sklearn stores one row; make it softmax-shaped
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    return {
        "features": list(names),
        "classes": [str(c) for c in model.classes_],
        "mean": mean.round(6).tolist(),
        "scale": scale.round(6).tolist(),
        "coef": np.round(coef, 6).tolist(),
        "intercept": np.round(intercept, 6).tolist(),
        "C": c,
    }


def predict(part: dict[str, object], x: np.ndarray) -> np.ndarray:
    """Class names predicted by one fitted model part (as `classify.punch_proba` does)."""
    from drago.analysis.punches.classify import punch_classes, punch_proba

    names = tuple(part["features"])  # type: ignore[call-overload]
    feats = {name: x[:, i] for i, name in enumerate(names)}
    return np.array(punch_classes(punch_proba(feats, has_gyro=True, model={"gyro": part})))


def choose(
    feats: dict[str, np.ndarray], y: np.ndarray, groups: np.ndarray, variant: str
) -> tuple[tuple[str, ...], float]:
    """The feature set (of `FEATURE_SETS`) and C (of `C_GRID`) with the best mean per-subject
    accuracy, leaving each subject out in turn.

    Only the data given is used: called on a training fold, it is a nested selection.
    """
    subjects = sorted(set(groups.tolist()))
    candidates = [(names, c) for names in FEATURE_SETS[variant] for c in C_GRID]
    if len(subjects) < 3:
        return candidates[-1]
    best, best_score = candidates[-1], -1.0
    for names, c in candidates:
        x = np.column_stack([feats[f] for f in names])
        accs = []
        for subject in subjects:
            test = groups == subject
            if len(set(y[~test].tolist())) < 2:
                continue
            part = fit(x[~test], y[~test], names, c)
            accs.append(float((predict(part, x[test]) == y[test]).mean()))
        score = float(np.mean(accs)) if accs else -1.0
        if score > best_score:
            best, best_score = (names, c), score
    return best


def dataset(sessions: list[Session]) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Features (all punches), labels and subject of every labelled detection."""
    feats: dict[str, list[np.ndarray]] = {f: [] for f in FEATURES}
    labels: list[str] = []
    groups: list[str] = []
    for s in sessions:
        det, f = detect(s)
        truth = true_labels(s, det)
        keep = np.array([t is not None for t in truth], dtype=bool)
        for name in FEATURES:
            feats[name].append(f[name][keep])
        labels += [t for t in truth if t is not None]
        groups += [s.subject] * int(keep.sum())
    x = {name: np.concatenate(v) if v else np.zeros(0) for name, v in feats.items()}
    return x, np.array(labels), np.array(groups)


def train(
    feats: dict[str, np.ndarray],
    y: np.ndarray,
    groups: np.ndarray,
    variants: tuple[str, ...] = ("gyro", "acc"),
) -> dict[str, object]:
    """The model variants (with and without gyroscope) on one training set, each with its
    feature set and C chosen by leave-one-subject-out within that set (`choose`)."""
    model: dict[str, object] = {
        "about": "drago punch classifier: multinomial logistic regression on orientation-"
        "invariant features; trained by scripts/train_punches.py",
    }
    for variant in variants:
        names, c = choose(feats, y, groups, variant)
        x = np.column_stack([feats[f] for f in names])
        model[variant] = fit(x, y, names, c)
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="the punch data folder (see docs/punches.md)")
    parser.add_argument("--out", type=Path, default=MODEL, help="where to write model.json")
    args = parser.parse_args()
    sessions = load_sessions(args.data)
    feats, y, groups = dataset(sessions)
    model = train(feats, y, groups)
    model["trained_on"] = {
        "punches": int(y.size),
        "by_class": {c: int((y == c).sum()) for c in CLASSES},
        "subjects": len(set(groups.tolist())),
        "sources": [PBFC, KHARCHENKO],
    }
    args.out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {y.size} punches from {len(set(groups.tolist()))} subjects")


if __name__ == "__main__":
    main()
