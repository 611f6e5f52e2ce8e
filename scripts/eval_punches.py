"""Evaluate drago's punch detection and classification on labelled punch data folders.

Usage: python scripts/eval_punches.py DIR [DIR ...] (or `make eval-punches PUNCH_DATA="DIR ..."`).
Prints Markdown tables (the ones in docs/punches.md):

- count error per session, (detected - labelled) / labelled, per source and subject, with
  and without the gyroscope (sources with labelled counts only);
- type accuracy leave-one-subject-out (LOSO) and leave-one-device-out (LODO), with the
  gyroscope and accelerometer only: for each held-out group the classifier is retrained
  without it (scripts/train_punches.py's recipe, C and temperature chosen inside the
  training fold: nested) and scored on its recorded (not augmented) punches;
- calibration of those held-out confidences (calibrated inside each training fold: the
  confidences are the shipped model's, temperature and isotonic map included):
  reliability table and expected calibration error (ECE), pooled and per held-out group,
  and accuracy above the `unknown` threshold;
- rate independence: the phone recordings decimated 100 -> 25 Hz.

Needs scikit-learn for the retraining.
"""

from __future__ import annotations

import itertools
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from punch_data import Session, load_sessions
from train_punches import FEATURE_SETS, Data, proba, train_variant

from drago.analysis.punches.classify import CLASSES, UNSURE_BELOW, punch_classes
from drago.analysis.punches.detect import (
    detect_from_score,
    drop_retractions,
    gravity_ms2,
    punch_detect,
    punch_score,
)

BINS = np.linspace(0.0, 1.0, 11)


def count_table(sessions: list[Session], *, acc_only: bool = False) -> None:
    """Count error per source and subject, sessions with a labelled count."""
    groups: dict[tuple[str, str], list[tuple[int, int, float]]] = defaultdict(list)
    for s in sessions:
        if s.count is None:
            continue
        rec = s.recording
        n = punch_detect(rec.acc_ms2(), None if acc_only else rec.gyro_rads(), rec.rate_hz).n
        row = (s.count, n, 100.0 * (n - s.count) / s.count)
        groups[(s.source, s.subject)].append(row)
        groups[(s.source, "all")].append(row)
    print(
        "| source | subject | sessions | labelled | detected | median abs error % | mean error % |"
    )
    print("|---|---|---|---|---|---|---|")
    for (source, subject), vals in sorted(groups.items()):
        errs = np.array([v[2] for v in vals])
        print(
            f"| {source} | {subject} | {len(vals)} | {sum(v[0] for v in vals)} | "
            f"{sum(v[1] for v in vals)} | {np.median(np.abs(errs)):.1f} | {errs.mean():+.1f} |"
        )


def loso_detection(sessions: list[Session]) -> None:
    """Detection parameters chosen without each subject, scored on that subject."""
    grid = [(r, f, p) for r in (0.45, 0.5, 0.6) for f in (0.4, 0.5) for p in (1.2, 1.4, 1.6)]
    errors: dict[tuple[float, float, float], dict[str, list[float]]] = {}
    for s in sessions:
        if s.count is None:
            continue
        rec = s.recording
        acc, gyr = rec.acc_ms2(), rec.gyro_rads()
        grav = gravity_ms2(acc, rec.rate_hz)
        score = punch_score(acc, gyr, rec.rate_hz, grav)
        for r, f, p in grid:
            det = detect_from_score(score, rec.rate_hz, refractory_s=r, rel_floor=f)
            n = drop_retractions(acc, grav, det, pause=p).n
            errors.setdefault((r, f, p), {}).setdefault(s.subject, []).append(
                100.0 * (n - s.count) / s.count
            )

    def cost(per: dict[str, list[float]], skip: str) -> float:
        return float(np.mean([np.median(np.abs(v)) for k, v in per.items() if k != skip]))

    print("\n### LOSO detection parameters (refractory s, relative floor, retraction pause)\n")
    print("| held-out subject | chosen on the others | median abs count error % |")
    print("|---|---|---|")
    for subject in sorted({s.subject for s in sessions if s.count is not None}):
        best = min(grid, key=lambda g: cost(errors[g], subject))
        err = np.median(np.abs(errors[best][subject]))
        print(f"| {subject} | {best[0]}, {best[1]}, {best[2]} | {err:.1f} |")


def held_out(data: Data, variant: str, by: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities of every recorded punch from a model trained without its group (and
    only on `TRAIN_SOURCES`: the other sources are tested, never trained on)."""
    p = np.zeros((data.y.size, 3))
    done = np.zeros(data.y.size, dtype=bool)
    names = FEATURE_SETS[variant]
    for g in sorted(set(by.tolist())):
        train = (by != g) & data.trainable
        test = (by == g) & (data.copy == 0)
        part = train_variant(data, train, variant)
        p[test] = proba(part, data.x(names, test))
        done |= test
    return p[done], done


def accuracy_table(data: Data, p: np.ndarray, rows: np.ndarray, by: np.ndarray, title: str) -> None:
    y = data.y[rows]
    groups = by[rows]
    pred = np.array(punch_classes(p))
    best = np.array(CLASSES)[p.argmax(axis=1)]
    print(f"\n#### {title}\n")
    print(
        "| held out | punches | accuracy % (best class) | accuracy % (unknown = wrong) "
        "| unknown % | accuracy of the sure % | ECE % |"
    )
    print("|---|---|---|---|---|---|---|")
    per: list[tuple[float, str]] = []
    eces: list[float] = []
    for g in sorted(set(groups.tolist())):
        m = groups == g
        sure = pred[m] != "unknown"
        acc_best = float((best[m] == y[m]).mean() * 100)
        acc_sure = (pred[m][sure] == y[m][sure]).mean() * 100 if sure.any() else float("nan")
        print(
            f"| {g} | {m.sum()} | {acc_best:.1f} | {(pred[m] == y[m]).mean() * 100:.1f} | "
            f"{(~sure).mean() * 100:.1f} | {acc_sure:.1f} | {ece_pct(p[m], y[m]):.1f} |"
        )
        per.append((acc_best, g))
        eces.append(ece_pct(p[m], y[m]))
    worst = min(per)
    print(
        f"\nPooled {float((best == y).mean() * 100):.1f} % over {y.size} punches; mean over "
        f"{len(per)} groups {np.mean([a for a, _ in per]):.1f} %; "
        f"worst {worst[1]} {worst[0]:.1f} %; ECE mean over the groups {np.mean(eces):.1f} %.\n"
    )
    print("| true \\ predicted | " + " | ".join(CLASSES) + " |")
    print("|---|" + "---|" * len(CLASSES))
    for t in CLASSES:
        if (y == t).any():
            cells = [str(int(((y == t) & (best == c)).sum())) for c in CLASSES]
            print(f"| {t} | " + " | ".join(cells) + " |")


def ece_pct(p: np.ndarray, y: np.ndarray) -> float:
    """Expected calibration error (%) of the best-class confidences, 10 equal bins:
    sum over bins of (share of punches x |mean confidence - accuracy|)."""
    conf = p.max(axis=1)
    ok = np.array(CLASSES)[p.argmax(axis=1)] == y
    ece = 0.0
    for lo, hi in itertools.pairwise(BINS):
        m = (conf >= lo) & ((conf < hi) | (hi == 1.0))
        if m.any():
            ece += m.mean() * abs(conf[m].mean() - ok[m].mean())
    return 100.0 * ece


def calibration(data: Data, p: np.ndarray, rows: np.ndarray, title: str) -> None:
    """Reliability table and expected calibration error of the held-out confidences."""
    y = data.y[rows]
    conf = p.max(axis=1)
    ok = np.array(CLASSES)[p.argmax(axis=1)] == y
    print(f"\n#### Calibration, {title}\n")
    print("| confidence bin | punches | mean confidence | accuracy % |")
    print("|---|---|---|---|")
    ece = 0.0
    for lo, hi in itertools.pairwise(BINS):
        m = (conf >= lo) & ((conf < hi) | (hi == 1.0))
        if not m.any():
            continue
        gap = abs(conf[m].mean() - ok[m].mean())
        ece += m.mean() * gap
        print(
            f"| {lo:.1f}-{hi:.1f} | {m.sum()} | {conf[m].mean():.2f} | {ok[m].mean() * 100:.1f} |"
        )
    sure = conf >= UNSURE_BELOW
    print(
        f"\nECE {ece * 100:.1f} % (10 bins). Confidence >= {UNSURE_BELOW}: "
        f"{sure.mean() * 100:.1f} % "
        f"of punches, accuracy {ok[sure].mean() * 100:.1f} %; below: "
        f"{ok[~sure].mean() * 100 if (~sure).any() else float('nan'):.1f} %.\n"
    )


def classification(sessions: list[Session]) -> None:
    for variant, title in (("gyro", "acc + gyro"), ("acc", "accelerometer only")):
        data = Data(sessions, has_gyro=variant == "gyro")
        print(f"\n### {title}: {int((data.copy == 0).sum())} recorded punches\n")
        p, rows = held_out(data, variant, data.subject)
        accuracy_table(data, p, rows, data.subject, f"Leave one subject out, {title}")
        calibration(data, p, rows, f"leave one subject out, {title}")
        p, rows = held_out(data, variant, data.device)
        accuracy_table(data, p, rows, data.device, f"Leave one device out, {title}")
        calibration(data, p, rows, f"leave one device out, {title}")


def rate_independence(sessions: list[Session]) -> None:
    print("\n### Rate independence (recordings of 100 Hz decimated to 25 Hz)\n")
    print("| recording | labelled | detected at 100 Hz | detected at 25 Hz |")
    print("|---|---|---|---|")
    for s in sessions:
        if s.recording.rate_hz < 90 or s.count is None:
            continue
        acc, gyr = s.recording.acc_ms2(), s.recording.gyro_rads()
        full = punch_detect(acc, gyr, s.recording.rate_hz).n
        dec = punch_detect(acc[::4], None if gyr is None else gyr[::4], s.recording.rate_hz / 4).n
        print(f"| {s.name} | {s.count} | {full} | {dec} |")


def main() -> None:
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    # one BLAS thread: the many small fits are much slower with threads fighting for 2 CPUs
    threadpool_limits(1)
    if len(sys.argv) < 2:
        sys.exit("usage: eval_punches.py PUNCH_DATA_DIR [DIR ...]")
    sessions = load_sessions([Path(a) for a in sys.argv[1:]])
    if not sessions:
        sys.exit(f"no labelled sessions under {' '.join(sys.argv[1:])}")
    print("## Count error per source and subject\n")
    count_table(sessions)
    print("\n### Accelerometer only (gyroscope ignored)\n")
    count_table(sessions, acc_only=True)
    loso_detection(sessions)
    print("\n## Type classification (straight / hook / uppercut; jab vs cross from the hand)")
    classification(sessions)
    rate_independence(sessions)


if __name__ == "__main__":
    main()
