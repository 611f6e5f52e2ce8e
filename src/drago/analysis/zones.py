"""Heart-rate zones and the per-sample time base shared by every HR metric.

Every per-sample metric (time in zones, the TRIMPs, round averages) weighs a sample by the time
it stands for, from `sample_durations`:

- a sample carries the time to the next sample (its value holds until the next one arrives),
  capped at `max_gap_s` (5 s by default): a longer gap is a dropout and counts only the cap;
- the last sample carries the median of the session's (capped) intervals, 0 for a lone sample;
- a sample with no HR (null, NaN) or HR <= 0 (a strap's "no contact") carries no time.

So a dropout neither inflates a result (the missing minutes are not filled with the last value)
nor zeroes it (the samples around it still count).
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

from drago.vocab import ZONE_MODELS

FloatArray = npt.NDArray[np.float64]

#: Default cap on the time one sample can stand for, in seconds.
MAX_GAP_S: Final = 5.0
#: Lower edges of zones 1-5 as fractions of HR reserve (Karvonen) or HR max; zone 5 is open.
ZONE_EDGES: Final = (0.5, 0.6, 0.7, 0.8, 0.9)
#: Zone models: fraction of HR reserve (Karvonen 1957) or of HR max.


def valid_hr(hr_bpm: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """True where a sample holds a heart rate: not null/NaN and above 0 bpm.

    Examples
    --------
    >>> valid_hr([120.0, np.nan, 0.0, 95.0]).tolist()
    [True, False, False, True]
    """
    hr = np.asarray(hr_bpm, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.isfinite(hr) & (hr > 0)


def sample_durations(
    timestamp_s: npt.ArrayLike, hr_bpm: npt.ArrayLike, max_gap_s: float = MAX_GAP_S
) -> FloatArray:
    """Seconds each sample stands for (`dt`), the time base of every per-sample HR metric.

    `dt[i] = min(t[i+1] - t[i], max_gap_s)`; the last sample carries the median of the capped
    intervals (0 when there is only one sample); samples without a valid HR carry 0.
    Timestamps must be in ascending order (a negative interval counts as 0).

    Parameters
    ----------
    timestamp_s : array of float
        Sample times in seconds (any origin), ascending.
    hr_bpm : array of float
        Heart rate per sample; NaN or <= 0 marks a missing value.
    max_gap_s : float
        The most time one sample can stand for; a longer gap counts only this much.

    Examples
    --------
    A 10-minute dropout between two samples counts only the 5-s cap; the null sample counts
    nothing; the last sample carries the typical 1-s interval:

    >>> sample_durations([0, 1, 2, 602, 603], [100, 100, np.nan, 100, 100]).tolist()
    [1.0, 1.0, 0.0, 1.0, 1.0]
    >>> sample_durations([0, 1, 601, 602], [100, 100, 100, 100]).tolist()
    [1.0, 5.0, 1.0, 1.0]

    References
    ----------
    drago convention (gaps capped, dropouts count 0): docs/metrics.md, "Gaps and dropouts".
    """
    t = np.asarray(timestamp_s, dtype=np.float64)
    if t.shape != np.shape(hr_bpm):
        raise ValueError("timestamp_s and hr_bpm must have the same length")
    if max_gap_s <= 0:
        raise ValueError(f"max_gap_s must be positive, not {max_gap_s}")
    dt = np.zeros(t.shape, dtype=np.float64)
    if t.size > 1:
        step = np.clip(np.diff(t), 0.0, max_gap_s)
        dt[:-1] = step
        dt[-1] = float(np.median(step))
    dt[~valid_hr(hr_bpm)] = 0.0
    return dt


def hr_fraction(
    hr_bpm: npt.ArrayLike, *, hr_rest_bpm: float, hr_max_bpm: float, model: str = "karvonen"
) -> FloatArray:
    """HR as a fraction of HR reserve (`model="karvonen"`) or of HR max (`model="hrmax"`).

    Karvonen: `(HR - HRrest) / (HRmax - HRrest)`; hrmax: `HR / HRmax`. Not clipped; NaN where
    HR is missing.

    Examples
    --------
    >>> hr_fraction([125.0, 190.0], hr_rest_bpm=60, hr_max_bpm=190).tolist()
    [0.5, 1.0]
    >>> hr_fraction([95.0], hr_rest_bpm=60, hr_max_bpm=190, model="hrmax").tolist()
    [0.5]

    References
    ----------
    Karvonen M. J., Kentala E., Mustala O. (1957) The effects of training on heart rate: a
    longitudinal study. Annales Medicinae Experimentalis et Biologiae Fenniae 35(3), 307-315.
    """
    check_hr_bounds(hr_rest_bpm, hr_max_bpm)
    hr = np.where(valid_hr(hr_bpm), np.asarray(hr_bpm, dtype=np.float64), np.nan)
    if model == "karvonen":
        return (hr - hr_rest_bpm) / (hr_max_bpm - hr_rest_bpm)
    if model == "hrmax":
        return hr / hr_max_bpm
    raise ValueError(f"unknown zone model {model!r}; valid: {', '.join(ZONE_MODELS)}")


def check_hr_bounds(hr_rest_bpm: float, hr_max_bpm: float) -> None:
    """Raise ValueError unless 0 < HR rest < HR max."""
    if not 0 < hr_rest_bpm < hr_max_bpm:
        raise ValueError(
            f"need 0 < HR rest < HR max, got rest {hr_rest_bpm} and max {hr_max_bpm} bpm"
        )


def zone_of(fraction: npt.ArrayLike, edges: tuple[float, ...] = ZONE_EDGES) -> npt.NDArray[np.intp]:
    """Zone number per sample: 0 below the first edge (no zone), else 1..len(edges).

    Zone k covers `[edges[k-1], edges[k])`; the top zone is open (`[0.9, inf)` by default).
    NaN (no HR) is zone 0.

    Examples
    --------
    >>> zone_of([0.49, 0.5, 0.75, 0.9, 1.2, np.nan]).tolist()
    [0, 1, 3, 5, 5, 0]
    """
    x = np.asarray(fraction, dtype=np.float64)
    zone = np.searchsorted(np.asarray(edges, dtype=np.float64), x, side="right")
    return np.where(np.isnan(x), 0, zone)


def zone_seconds(
    fraction: npt.ArrayLike, dt_s: npt.ArrayLike, edges: tuple[float, ...] = ZONE_EDGES
) -> FloatArray:
    """Seconds in each zone given per-sample fractions and durations (`len(edges)` floats).

    Examples
    --------
    >>> zone_seconds([0.55, 0.55, 0.95, 0.3], [1.0, 1.0, 2.0, 1.0]).tolist()
    [2.0, 0.0, 0.0, 0.0, 2.0]
    """
    zone = zone_of(fraction, edges)
    dt = np.asarray(dt_s, dtype=np.float64)
    return np.bincount(zone, weights=dt, minlength=len(edges) + 1)[1:].astype(np.float64)


def hr_zone_seconds(
    timestamp_s: npt.ArrayLike,
    hr_bpm: npt.ArrayLike,
    *,
    hr_rest_bpm: float,
    hr_max_bpm: float,
    model: str = "karvonen",
    max_gap_s: float = MAX_GAP_S,
    edges: tuple[float, ...] = ZONE_EDGES,
) -> FloatArray:
    """Time in the 5 HR zones of one session, in seconds (an array of 5 floats).

    Zone edges sit at 50/60/70/80/90 % of HR reserve (`model="karvonen"`, Karvonen 1957) or of
    HR max (`model="hrmax"`): zone 1 = [50, 60) %, ..., zone 5 = [90 %, inf). Time below 50 %
    is in no zone. Each sample weighs the time it stands for (`sample_durations`).

    Examples
    --------
    Rest 60, max 190 bpm: 125 bpm is 50 % of reserve (zone 1), 190 bpm is 100 % (zone 5):

    >>> t = np.arange(6.0)
    >>> hr_zone_seconds(t, [125, 125, 190, 190, 190, 80], hr_rest_bpm=60, hr_max_bpm=190).tolist()
    [2.0, 0.0, 0.0, 0.0, 3.0]

    References
    ----------
    Karvonen M. J., Kentala E., Mustala O. (1957) The effects of training on heart rate: a
    longitudinal study. Annales Medicinae Experimentalis et Biologiae Fenniae 35(3), 307-315.
    """
    dt = sample_durations(timestamp_s, hr_bpm, max_gap_s)
    fraction = hr_fraction(hr_bpm, hr_rest_bpm=hr_rest_bpm, hr_max_bpm=hr_max_bpm, model=model)
    return zone_seconds(fraction, dt, edges)
