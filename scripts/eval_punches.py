"""Evaluate drago's punch detection and classification on a labelled punch data folder.

Usage: python scripts/eval_punches.py PUNCH_DATA_DIR (or `make eval-punches PUNCH_DATA=DIR`).
Prints Markdown tables (the ones in docs/punches.md):

- count error per session, (detected - labelled) / labelled, summarised per source and subject;
- type accuracy and confusion, leave-one-subject-out (LOSO): for each subject, the classifier
  is retrained without that subject (scripts/train_punches.py's `train`, which also chooses
  the feature set and C by LOSO over the remaining subjects: nested) and scored on them;
- uppercuts: the phone subject's sessions left out one at a time (the subject is seen);
- the same with the shipped model.json (in-sample for the dev subjects: an optimistic bound);
- rate independence: the phone recordings decimated 100 -> 25 Hz.

Needs scikit-learn for the LOSO retraining.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from train_punches import (
    Session,
    dataset,
    detect,
    fit,
    load_sessions,
    predict,
    train,
    true_labels,
)

from drago.analysis.punches.classify import CLASSES, punch_classes, punch_proba
from drago.analysis.punches.detect import (
    detect_from_score,
    drop_retractions,
    gravity_ms2,
    punch_detect,
    punch_score,
)
from drago.analysis.punches.features import FEATURES


def count_table(
    sessions: list[Session], *, acc_only: bool = False
) -> list[tuple[str, str, int, int, int, float]]:
    """(source, subject, sessions, labelled, detected, error %) per session."""
    rows = []
    for s in sessions:
        if acc_only:
            rec = s.recording
            n = punch_detect(rec.acc_ms2(), None, rec.rate_hz).n
        else:
            n = detect(s)[0].n
        rows.append((s.source, s.subject, 1, s.count, n, 100.0 * (n - s.count) / s.count))
    return rows


def summarise_counts(rows: list[tuple[str, str, int, int, int, float]]) -> None:
    print(
        "| source | subject | sessions | labelled | detected | median abs error % | mean error % |"
    )
    print("|---|---|---|---|---|---|---|")
    groups: dict[tuple[str, str], list[tuple[int, int, float]]] = defaultdict(list)
    for source, subject, _, n, d, e in rows:
        groups[(source, subject)].append((n, d, e))
        groups[(source, "all")].append((n, d, e))
    for (source, subject), vals in sorted(groups.items()):
        errs = np.array([v[2] for v in vals])
        print(
            f"| {source} | {subject} | {len(vals)} | {sum(v[0] for v in vals)} | "
            f"{sum(v[1] for v in vals)} | {np.median(np.abs(errs)):.1f} | {errs.mean():+.1f} |"
        )
    allerr = np.array([r[5] for r in rows])
    print(
        f"\nAll sessions: median |count error| {np.median(np.abs(allerr)):.1f} %, "
        f"{(np.abs(allerr) < 5).mean() * 100:.0f} % of sessions within 5 %.\n"
    )


def loso_detection(sessions: list[Session]) -> None:
    """Detection parameters chosen without each subject, scored on that subject."""
    grid = [(r, f, p) for r in (0.45, 0.5, 0.6) for f in (0.4, 0.5) for p in (1.2, 1.4, 1.6)]
    errors: dict[tuple[float, float, float], dict[str, list[float]]] = {}
    for s in sessions:
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
    for subject in sorted({s.subject for s in sessions}):
        best = min(grid, key=lambda g: cost(errors[g], subject))
        err = np.median(np.abs(errors[best][subject]))
        print(f"| {subject} | {best[0]}, {best[1]}, {best[2]} | {err:.1f} |")


def confusion(y: np.ndarray, pred: list[str]) -> str:
    labels = [*CLASSES, "unknown"]
    lines = ["| true \\ predicted | " + " | ".join(labels) + " |", "|---|" + "---|" * len(labels)]
    for t in CLASSES:
        if not (y == t).any():
            continue
        cells = [
            str(sum(1 for yy, p in zip(y, pred, strict=True) if yy == t and p == c)) for c in labels
        ]
        lines.append(f"| {t} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def loso(sessions: list[Session], *, has_gyro: bool) -> None:
    feats, y, groups = dataset(sessions)
    print(f"\n### LOSO type accuracy ({'acc + gyro' if has_gyro else 'accelerometer only'})\n")
    print(
        "| held-out subject | punches | accuracy (unknown = wrong) | accuracy of sure | unknown % "
        "| C, features (chosen on the others) |"
    )
    print("|---|---|---|---|---|---|")
    variant = "gyro" if has_gyro else "acc"
    all_pred: list[str] = []
    all_true: list[str] = []
    per_subject: list[float] = []
    glove = groups != "kharchenko"
    for subject in sorted(set(groups.tolist())):
        test = groups == subject
        train_feats = {k: v[~test] for k, v in feats.items()}
        model = train(train_feats, y[~test], groups[~test], (variant,))
        part = model[variant]
        chosen = f"{part['C']}, {len(part['features'])} features"  # type: ignore[index]
        test_feats = {k: v[test] for k, v in feats.items()}
        pred = punch_classes(punch_proba(test_feats, has_gyro=has_gyro, model=model))
        truth = y[test]
        ok = np.array([p == t for p, t in zip(pred, truth, strict=True)])
        sure = np.array([p != "unknown" for p in pred])
        acc_sure = ok[sure].mean() * 100 if sure.any() else float("nan")
        print(
            f"| {subject} | {test.sum()} | {ok.mean() * 100:.1f} | {acc_sure:.1f} | "
            f"{(~sure).mean() * 100:.1f} | {chosen} |"
        )
        per_subject.append(float(ok.mean() * 100))
        all_pred += pred
        all_true += truth.tolist()
    ok_list = [p == t for p, t in zip(all_pred, all_true, strict=True)]
    ok_all = np.mean(ok_list) * 100
    # predictions are gathered subject by subject in sorted order: reorder the group labels
    glove = np.concatenate([glove[groups == s] for s in sorted(set(groups.tolist()))])
    print(
        f"\nPooled LOSO accuracy: {ok_all:.1f} % over {len(all_true)} punches "
        f"; mean over subjects {np.mean(per_subject):.1f} %; "
        f"glove source (PBFC) pooled {np.mean(np.array(ok_list)[glove]) * 100:.1f} %.\n"
    )
    print(confusion(np.array(all_true), all_pred))


def uppercut_seen_subject(sessions: list[Session]) -> None:
    """Phone sessions (the only continuous uppercuts), each left out in turn; the model is
    trained on everything else (the glove subjects and the phone's other sessions, C = 0.1).
    The subject is seen in training: this says whether uppercuts are separable at all."""
    rows: list[tuple[int, str, list[float]]] = []
    for i, s in enumerate(sessions):
        det, f = detect(s)
        for j, label in enumerate(true_labels(s, det)):
            if label is not None:
                rows.append((i, label, [float(f[n][j]) for n in FEATURES]))
    x = np.array([r[2] for r in rows])
    y = np.array([r[1] for r in rows])
    sid = np.array([r[0] for r in rows])
    phone = np.isin(sid, [i for i, s in enumerate(sessions) if s.segments is not None])
    pred = np.empty(y.size, dtype=object)
    for i in sorted(set(sid[phone].tolist())):
        test = sid == i
        pred[test] = predict(fit(x[~test], y[~test], FEATURES, 0.1), x[test])
    ok = np.mean(pred[phone] == y[phone]) * 100
    print("\n### Phone subject, leave-one-session-out (subject seen in training)\n")
    print(f"Accuracy {ok:.1f} % over {int(phone.sum())} punches.\n")
    print(confusion(y[phone], [str(p) for p in pred[phone]]))


def shipped(sessions: list[Session]) -> None:
    feats, y, _ = dataset(sessions)
    pred = punch_classes(punch_proba(feats, has_gyro=True))
    ok = np.mean([p == t for p, t in zip(pred, y, strict=True)]) * 100
    print(f"\nShipped model.json on the same data (in-sample, optimistic): {ok:.1f} %.\n")


def rate_independence(sessions: list[Session]) -> None:
    print("\n### Rate independence (phone recordings decimated 100 -> 25 Hz)\n")
    print("| recording | labelled | detected at 100 Hz | detected at 25 Hz |")
    print("|---|---|---|---|")
    for s in sessions:
        if s.recording.rate_hz < 50:
            continue
        acc, gyr = s.recording.acc_ms2(), s.recording.gyro_rads()
        full = punch_detect(acc, gyr, s.recording.rate_hz).n
        dec = punch_detect(acc[::4], None if gyr is None else gyr[::4], s.recording.rate_hz / 4).n
        print(f"| {s.name} | {s.count} | {full} | {dec} |")


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: eval_punches.py PUNCH_DATA_DIR")
    sessions = load_sessions(Path(sys.argv[1]))
    if not sessions:
        sys.exit(f"no labelled sessions under {sys.argv[1]}")
    print("## Count error per source and subject\n")
    summarise_counts(count_table(sessions))
    print("### Accelerometer only (gyroscope ignored)\n")
    summarise_counts(count_table(sessions, acc_only=True))
    loso_detection(sessions)
    print("## Type classification (straight / hook / uppercut; jab vs cross from the hand)")
    loso(sessions, has_gyro=True)
    loso(sessions, has_gyro=False)
    uppercut_seen_subject(sessions)
    shipped(sessions)
    rate_independence(sessions)


if __name__ == "__main__":
    main()
