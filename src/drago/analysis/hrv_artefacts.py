"""RR artefacts: detect and correct ectopic, missed and extra beats; spot premature-beat rhythms.

`hrv_artefacts` classifies every raw beat, `hrv_fix` returns the corrected NN series and
`rhythm_pattern` looks for bigeminy/trigeminy, which fools every beat-by-beat corrector.
Values that cannot be heartbeats (not finite, under `RR_MIN_MS`, over `RR_MAX_MS`) are
artefacts of their own class, always dropped, never a crash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

#: Shortest and longest RR interval that can be a heartbeat (240 and 24 bpm).
RR_MIN_MS: Final = 250.0
RR_MAX_MS: Final = 2500.0
#: Artefact methods and their sources (docs/hrv.md).
METHODS: Final = ("lipponen2019", "malik1989")
#: Lipponen & Tarvainen (2019) constants: threshold scale, window, median filter, decision line.
_ALPHA, _WINDOW, _MEDFILT, _C1, _C2 = 5.2, 91, 11, 0.13, 0.17
#: Premature beat: at least 20 % shorter than the beat before, followed by one 20 % longer.
_PREMATURE_DROP, _PAUSE_RISE = 0.8, 1.2
#: A rhythm is bigeminal/trigeminal when runs of >= `_MIN_CYCLES` regular cycles hold
#: at least `_MIN_PATTERN_SHARE` of the beats.
_MIN_CYCLES, _MIN_PATTERN_SHARE = 3, 0.10


@dataclass(frozen=True)
class Artefacts:
    """Per raw beat, which artefact class (if any) a method put it in.

    Each mask has one entry per raw RR interval. `impossible` beats are dropped; `extra` beats
    are merged with the next one, `missed` beats split, `ectopic` and `long_short` beats
    replaced by linear interpolation between their good neighbours.
    """

    method: str
    impossible: np.ndarray
    ectopic: np.ndarray
    missed: np.ndarray
    extra: np.ndarray
    long_short: np.ndarray

    @property
    def any(self) -> np.ndarray:
        """True for every raw beat in some artefact class."""
        masks = (self.impossible, self.ectopic, self.missed, self.extra, self.long_short)
        out: np.ndarray = np.logical_or.reduce(masks)
        return out

    def counts(self) -> dict[str, int]:
        """Number of beats in each class."""
        names = ("impossible", "ectopic", "missed", "extra", "long_short")
        return {name: int(np.count_nonzero(getattr(self, name))) for name in names}


def check_method(method: str) -> str:
    """`method` if it is a known artefact method, else ValueError listing the valid ones."""
    if method not in METHODS:
        raise ValueError(f"unknown artefact method {method!r}; valid: {', '.join(METHODS)}")
    return method


def impossible_beats(rr_ms: np.ndarray) -> np.ndarray:
    """True where an RR value cannot be a heartbeat: not finite, < 250 ms or > 2,500 ms."""
    rr = np.asarray(rr_ms, dtype=float)
    with np.errstate(invalid="ignore"):
        bad: np.ndarray = ~np.isfinite(rr) | (rr < RR_MIN_MS) | (rr > RR_MAX_MS)
    return bad


def hrv_artefacts(rr_ms: np.ndarray, *, method: str = "lipponen2019") -> Artefacts:
    """Classify every raw RR interval as normal or as an artefact.

    Parameters
    ----------
    rr_ms : np.ndarray
        Raw RR intervals in ms, as read from a file (zeros and NaN allowed).
    method : {"lipponen2019", "malik1989"}
        ``lipponen2019``: the time-varying-threshold method of Kubios (decision on the
        successive difference and on the deviation from an 11-beat median, both scaled by
        5.2 quartile deviations over 91 beats), classifying ectopic, missed, extra and
        long/short beats. ``malik1989``: a beat differing by more than 20 % from the one
        before is an artefact, and the beat after an artefact is accepted (as hrv-analysis
        implements it); not classified further, counted as `long_short`.

    Examples
    --------
    A premature beat 300 ms early, then its compensatory pause, in a breathing rhythm:

    >>> rr = 800 + 25 * np.sin(np.arange(60) * 2 * np.pi / 4.7)
    >>> rr[30] -= 300; rr[31] += 300
    >>> a = hrv_artefacts(rr)
    >>> np.flatnonzero(a.any).tolist(), a.counts()["ectopic"], a.counts()["long_short"]
    ([30, 31], 1, 1)

    References
    ----------
    Lipponen J. A., Tarvainen M. P. (2019) A robust algorithm for heart rate variability time
    series artefact correction using novel beat classification. J Med Eng Technol 43(3):173-181.
    doi:10.1080/03091902.2019.1640306

    Malik M., Cripps T., Farrell T., Camm A. J. (1989) Prognostic value of heart rate
    variability after myocardial infarction. A comparison of different data-processing
    methods. Med Biol Eng Comput 27(6):603-611.
    """
    check_method(method)
    rr = np.asarray(rr_ms, dtype=float)
    impossible = impossible_beats(rr)
    good = np.flatnonzero(~impossible)
    masks = [np.zeros(rr.size, dtype=bool) for _ in range(4)]
    if good.size >= 3:
        found = (_lipponen if method == "lipponen2019" else _malik)(rr[good])
        for mask, sub in zip(masks, found, strict=True):
            mask[good[sub]] = True
    ectopic, missed, extra, long_short = masks
    return Artefacts(method, impossible, ectopic, missed, extra, long_short)


def hrv_fix(rr_ms: np.ndarray, *, method: str = "lipponen2019") -> np.ndarray:
    """The corrected NN series in ms: impossible beats dropped, artefacts corrected.

    Extra beats are merged with the following interval, missed beats split into
    round(RR / local median) equal parts, ectopic and long/short beats replaced by linear
    interpolation over beat number between the nearest good beats (see `hrv_artefacts`).

    Examples
    --------
    >>> rr = 800 + 25 * np.sin(np.arange(60) * 2 * np.pi / 4.7)
    >>> rr[30] -= 300; rr[31] += 300
    >>> rr[29:33].round(1).tolist(), hrv_fix(rr)[29:33].round(1).tolist()
    ([821.9, 516.8, 1085.9, 776.7], [821.9, 806.8, 791.8, 776.7])

    References
    ----------
    Lipponen J. A., Tarvainen M. P. (2019) J Med Eng Technol 43(3):173-181.
    """
    rr = np.asarray(rr_ms, dtype=float)
    found = hrv_artefacts(rr, method=method)
    keep = ~found.impossible
    return correct(
        rr[keep],
        found.extra[keep],
        found.missed[keep],
        found.ectopic[keep] | found.long_short[keep],
    )


def correct(rr: np.ndarray, extra: np.ndarray, missed: np.ndarray, bad: np.ndarray) -> np.ndarray:
    """Apply the corrections to a series of possible beats (see `hrv_fix`)."""
    median = _rolling_quantile(rr, _MEDFILT, 0.5)
    out: list[float] = []
    i = 0
    while i < rr.size:
        if extra[i] and i + 1 < rr.size:
            out.append(float(rr[i] + rr[i + 1]))
            i += 2
            continue
        if missed[i]:
            parts = max(2, round(float(rr[i] / median[i])))
            out.extend([float(rr[i] / parts)] * parts)
        else:
            out.append(np.nan if bad[i] else float(rr[i]))
        i += 1
    nn = np.asarray(out, dtype=float)
    holes = np.isnan(nn)
    if holes.any() and not holes.all():
        index = np.arange(nn.size)
        nn[holes] = np.interp(index[holes], index[~holes], nn[~holes])
    result: np.ndarray = nn[~np.isnan(nn)]
    return result


def _rolling_quantile(x: np.ndarray, width: int, q: float) -> np.ndarray:
    """Centred rolling quantile, edges over the part of the window inside the series."""
    x = np.asarray(x, dtype=float)
    half = width // 2
    out = np.empty(x.size)
    for i in [*range(min(half, x.size)), *range(max(half, x.size - half), x.size)]:
        out[i] = np.quantile(x[max(0, i - half) : i + half + 1], q)
    for start in range(half, x.size - half, 20_000):
        stop = min(start + 20_000, x.size - half)
        windows = sliding_window_view(x[start - half : stop + half], width)
        out[start:stop] = np.quantile(windows, q, axis=1)
    return out


def _threshold(x: np.ndarray) -> np.ndarray:
    a = np.abs(x)
    spread: np.ndarray = (
        _ALPHA * (_rolling_quantile(a, _WINDOW, 0.75) - _rolling_quantile(a, _WINDOW, 0.25)) / 2
    )
    return spread


def _lipponen(rr: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n = rr.size
    drr = np.diff(rr, prepend=np.nan)
    drr[0] = rr[0] - np.median(rr[:_MEDFILT])
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.nan_to_num(drr / _threshold(drr), nan=0.0)
        med = _rolling_quantile(rr, _MEDFILT, 0.5)
        mrr = rr - med
        mrr[mrr < 0] *= 2
        th2 = _threshold(mrr)
        m = np.nan_to_num(mrr / th2, nan=0.0)
    pad = np.pad(d, 2, mode="reflect") if n > 2 else np.pad(d, 2, mode="edge")
    prev, nxt, nxt2 = pad[1 : n + 1], pad[3 : n + 3], pad[4 : n + 4]
    s12 = np.where(d > 0, np.maximum(prev, nxt), np.where(d < 0, np.minimum(prev, nxt), 0.0))
    s22 = np.where(d >= 0, np.minimum(nxt, nxt2), np.maximum(nxt, nxt2))
    ectopic, missed, extra, long_short = (np.zeros(n, dtype=bool) for _ in range(4))
    for i in np.flatnonzero(np.abs(d) > 1):
        if (d[i] > 1 and s12[i] < -_C1 * d[i] - _C2) or (d[i] < -1 and s12[i] > -_C1 * d[i] + _C2):
            ectopic[i] = True
            continue
        candidates = [i]
        if i + 2 < n and abs(d[i + 1]) < abs(d[i + 2]):
            candidates.append(i + 1)
        for j in candidates:
            is_long = d[j] > 1 and s22[j] < -1
            is_short = d[j] < -1 and s22[j] > 1
            if not (is_long or is_short or abs(m[j]) > 3):
                continue
            if is_short and j + 1 < n and abs(rr[j] + rr[j + 1] - med[j]) < th2[j]:
                extra[j] = True
            elif is_long and abs(rr[j] / 2 - med[j]) < th2[j]:
                missed[j] = True
            else:
                long_short[j] = True
    return ectopic, missed, extra & ~ectopic, long_short & ~(ectopic | missed | extra)


def _malik(rr: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    # as hrv-analysis 1.0.6 implements it: each beat against the previous one; the beat after
    # a flagged beat is accepted without a test
    flagged = np.zeros(rr.size, dtype=bool)
    for i in range(1, rr.size):
        if not flagged[i - 1] and abs(rr[i] - rr[i - 1]) > 0.2 * rr[i - 1]:
            flagged[i] = True
    none = np.zeros(rr.size, dtype=bool)
    return none, none.copy(), none.copy(), flagged


@dataclass(frozen=True)
class Rhythm:
    """Premature beats and whether they form a bigeminal or trigeminal rhythm."""

    pattern: str | None
    n_premature: int
    n_in_pattern: int
    n_beats: int

    @property
    def premature_pct(self) -> float:
        """Premature beats as a percentage of the possible beats."""
        return 100.0 * self.n_premature / self.n_beats if self.n_beats else 0.0


def rhythm_pattern(rr_ms: np.ndarray) -> Rhythm:
    """Find premature beats and bigeminal/trigeminal runs in raw RR intervals.

    A beat is premature when it is at least 20 % shorter than the one before and the next one
    is at least 20 % longer than it (the compensatory pause). Runs of at least three cycles in
    which every 2nd (bigeminy) or 3rd (trigeminy) beat is premature are counted; the rhythm is
    named when such runs hold at least 10 % of the beats.

    Examples
    --------
    >>> rhythm_pattern(np.tile([660.0, 420.0, 1000.0], 100)).pattern
    'trigeminy'
    >>> rhythm_pattern(np.full(300, 800.0)).pattern is None
    True

    References
    ----------
    Task Force of the ESC and NASPE (1996) Heart rate variability: standards of measurement,
    physiological interpretation and clinical use. Circulation 93(5):1043-1065.
    """
    rr = np.asarray(rr_ms, dtype=float)
    rr = rr[~impossible_beats(rr)]
    if rr.size < 4:
        return Rhythm(None, 0, 0, int(rr.size))
    idx = np.arange(1, rr.size - 1)
    premature = np.flatnonzero(
        (rr[idx] < _PREMATURE_DROP * rr[idx - 1]) & (rr[idx + 1] > _PAUSE_RISE * rr[idx])
    )
    in_pattern = {2: 0, 3: 0}
    gaps = np.diff(premature)
    run_start = 0
    for k in range(1, gaps.size + 1):
        if k == gaps.size or gaps[k] != gaps[run_start]:
            cycles = k - run_start
            if gaps.size and gaps[run_start] in in_pattern and cycles >= _MIN_CYCLES:
                in_pattern[int(gaps[run_start])] += cycles * int(gaps[run_start])
            run_start = k
    kind, beats = max(in_pattern.items(), key=lambda item: item[1])
    name = None
    if beats >= _MIN_PATTERN_SHARE * rr.size:
        name = "bigeminy" if kind == 2 else "trigeminy"
    return Rhythm(name, int(premature.size), beats, int(rr.size))
