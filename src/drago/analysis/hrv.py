"""Time-domain HRV of one RR recording, with artefact correction and a quality gate.

`hrv_analyse` is the one entry point: raw RR in, `HrvResult` out. Definitions, thresholds and
their sources are in docs/hrv.md; artefact methods live in `drago.analysis.hrv_artefacts`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Final

import numpy as np

from drago.analysis.hrv_artefacts import (
    METHODS,
    correct,
    hrv_artefacts,
    hrv_fix,
    rhythm_pattern,
)

__all__ = [
    "CORRECTIONS",
    "MAX_ARTEFACT_PCT",
    "MIN_DURATION_S",
    "HrvResult",
    "hrv_analyse",
    "hrv_fix",
    "hrv_time",
]

#: `correction=` values: "auto" is lipponen2019; "none" keeps the beats as they are.
CORRECTIONS: Final = ("auto", "none", *METHODS)
#: Quality gate: more artefacts than this (% of raw beats) makes a measurement unreliable.
MAX_ARTEFACT_PCT: Final = 5.0
#: Quality gate: less NN time than this is too short for rMSSD (Munoz et al. 2015).
MIN_DURATION_S: Final = 60.0


@dataclass(frozen=True)
class HrvResult:
    """Time-domain HRV of one recording (or window), with its quality verdict.

    `n_beats` and `artefact_pct` count raw beats; the metrics are computed on the `n_nn`
    corrected beats (uncorrected when `correction` is "none"). A metric that cannot be
    computed is None. `reliable` is False when the gate fails and `reason` says why in one
    line; unreliable measurements must not enter baselines.
    """

    n_beats: int
    n_nn: int
    n_artefacts: int
    artefact_pct: float | None
    artefacts: dict[str, int]
    premature_pct: float | None
    rhythm: str | None
    reliable: bool
    reason: str
    correction: str
    detector: str
    window_s: tuple[float, float] | None
    duration_s: float
    mean_rr_ms: float | None
    mean_hr_bpm: float | None
    rmssd_ms: float | None
    ln_rmssd: float | None
    sdnn_ms: float | None
    pnn50_pct: float | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: None instead of NaN, the window as a list."""
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, float) and not math.isfinite(value):
                out[key] = None
        if self.window_s is not None:
            out["window_s"] = list(self.window_s)
        return out


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def hrv_time(nn_ms: np.ndarray) -> dict[str, float | None]:
    """Time-domain metrics of an NN series in ms (no correction, no gate).

    mean RR; mean HR = 60000 / mean RR; rMSSD = sqrt(mean(ΔRR²)); ln rMSSD (natural log);
    SDNN = sample SD (N-1); pNN50 = 100 * #(|ΔRR| > 50 ms) / (N-1). Each is None when it
    cannot be computed (fewer than 1 or 2 beats, rMSSD of 0 for the log).

    Examples
    --------
    >>> m = hrv_time(np.array([1000.0, 1060.0, 1000.0, 1040.0]))
    >>> m["mean_hr_bpm"], round(m["rmssd_ms"], 2), m["pnn50_pct"], round(m["sdnn_ms"], 2)
    (58.53658536585366, 54.16, 66.66666666666667, 30.0)

    References
    ----------
    Task Force of the ESC and NASPE (1996) Heart rate variability: standards of measurement,
    physiological interpretation and clinical use. Circulation 93(5):1043-1065.
    """
    nn = np.asarray(nn_ms, dtype=float)
    out: dict[str, float | None] = dict.fromkeys(
        ("mean_rr_ms", "mean_hr_bpm", "rmssd_ms", "ln_rmssd", "sdnn_ms", "pnn50_pct")
    )
    if nn.size >= 1:
        mean = float(nn.mean())
        out["mean_rr_ms"] = _finite(mean)
        out["mean_hr_bpm"] = _finite(60000.0 / mean) if mean > 0 else None
    if nn.size >= 2:
        diff = np.diff(nn)
        rmssd = float(np.sqrt(np.mean(diff**2)))
        out["rmssd_ms"] = _finite(rmssd)
        out["ln_rmssd"] = _finite(math.log(rmssd)) if rmssd > 0 else None
        out["sdnn_ms"] = _finite(float(nn.std(ddof=1)))
        out["pnn50_pct"] = 100.0 * float(np.count_nonzero(np.abs(diff) > 50.0)) / diff.size
    return out


def _window(rr: np.ndarray, window_s: tuple[float, float] | None) -> np.ndarray:
    if window_s is None:
        return rr
    start, end = (float(v) for v in window_s)
    if not (math.isfinite(start) and math.isfinite(end)) or start < 0 or end <= start:
        raise ValueError(f"window must be START_S:END_S with 0 <= START < END, not {window_s}")
    # a beat belongs to the window when it ends inside it; impossible values take no time
    step = np.where(np.isfinite(rr) & (rr > 0) & (rr <= 2500.0), rr, 0.0)
    ends = np.cumsum(step) / 1000.0
    selected: np.ndarray = rr[(ends > start) & (ends <= end)]
    return selected


def hrv_analyse(
    rr_ms: np.ndarray,
    *,
    correction: str = "auto",
    window_s: tuple[float, float] | None = None,
) -> HrvResult:
    """Artefact detection, correction, quality gate and time-domain HRV of raw RR intervals.

    Parameters
    ----------
    rr_ms : np.ndarray
        Raw RR intervals in ms (zeros, NaN and impossible values allowed: they are artefacts).
    correction : {"auto", "none", "lipponen2019", "malik1989"}
        "auto" is "lipponen2019". Artefacts are always detected (by lipponen2019 unless
        malik1989 is named) for `artefact_pct` and the gate; "none" computes the metrics on the
        possible beats as they are. Impossible beats are dropped in every case.
    window_s : (float, float), optional
        Analyse only the beats ending within (START_S, END_S] seconds of the recording start.

    Returns
    -------
    HrvResult
        Metrics (None when not computable), artefact counts and the gate's verdict: unreliable
        when artefacts exceed `MAX_ARTEFACT_PCT` (5 %), when premature beats form a bigeminal or
        trigeminal rhythm, or when the NN series is shorter than `MIN_DURATION_S` (60 s).

    Examples
    --------
    >>> rr = 1000.0 + 40.0 * np.sin(np.arange(300) * 2 * np.pi / 5)
    >>> r = hrv_analyse(rr)
    >>> r.reliable, r.artefact_pct, round(r.rmssd_ms, 1), r.mean_hr_bpm
    (True, 0.0, 33.2, 60.0)
    >>> hrv_analyse(np.zeros(10)).reason
    'no possible beat: all 10 RR values are artefacts'

    References
    ----------
    Lipponen J. A., Tarvainen M. P. (2019) J Med Eng Technol 43(3):173-181.

    Munoz M. L. et al. (2015) Validity of (ultra-)short recordings for heart rate variability
    measurements. PLoS ONE 10(9):e0138921.

    Task Force of the ESC and NASPE (1996) Circulation 93(5):1043-1065.
    """
    if correction not in CORRECTIONS:
        raise ValueError(f"unknown correction {correction!r}; valid: {', '.join(CORRECTIONS)}")
    rr = _window(np.asarray(rr_ms, dtype=float).ravel(), window_s)
    detector = "malik1989" if correction == "malik1989" else "lipponen2019"
    method = "none" if correction == "none" else detector
    found = hrv_artefacts(rr, method=detector)
    keep = ~found.impossible
    if method == "none":
        nn = rr[keep]
    else:
        bad = found.ectopic[keep] | found.long_short[keep]
        nn = correct(rr[keep], found.extra[keep], found.missed[keep], bad)
    rhythm = rhythm_pattern(rr)
    n_beats = int(rr.size)
    n_artefacts = int(np.count_nonzero(found.any))
    pct = 100.0 * n_artefacts / n_beats if n_beats else None
    duration = float(nn.sum() / 1000.0)
    reliable, reason = _gate(
        n_beats, n_artefacts, pct, rhythm.pattern, rhythm.premature_pct, duration, method
    )
    return HrvResult(
        n_beats=n_beats,
        n_nn=int(nn.size),
        n_artefacts=n_artefacts,
        artefact_pct=pct,
        artefacts=found.counts(),
        premature_pct=rhythm.premature_pct if rhythm.n_beats else None,
        rhythm=rhythm.pattern,
        reliable=reliable,
        reason=reason,
        correction=method,
        detector=detector,
        window_s=None if window_s is None else (float(window_s[0]), float(window_s[1])),
        duration_s=duration,
        **hrv_time(nn),
    )


def _gate(
    n_beats: int,
    n_artefacts: int,
    pct: float | None,
    rhythm: str | None,
    premature_pct: float,
    duration_s: float,
    method: str,
) -> tuple[bool, str]:
    """The quality gate: (reliable, one-line reason)."""
    if n_beats == 0:
        return False, "no beats"
    if pct is None or n_artefacts == n_beats:
        return False, f"no possible beat: all {n_beats} RR values are artefacts"
    if rhythm is not None:
        return False, (
            f"{rhythm} pattern: {premature_pct:.0f}% premature beats; correction is not "
            "trustworthy, measurement excluded"
        )
    if pct > MAX_ARTEFACT_PCT:
        return False, f"{pct:.1f}% artefacts (over {MAX_ARTEFACT_PCT:g}%), measurement excluded"
    if duration_s < MIN_DURATION_S:
        return False, f"too short: {duration_s:.0f} s of beats (needs {MIN_DURATION_S:g} s)"
    done = "left uncorrected" if method == "none" else f"corrected ({method})"
    return True, f"ok: {n_artefacts} artefacts ({pct:.1f}%) {done}"
