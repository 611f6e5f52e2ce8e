"""Session training load: Banister, Edwards and Lucia TRIMP from HR samples (session-RPE load:
`drago.analysis.srpe`).

Per-sample metrics take `hr_bpm` and `dt_s` (the seconds each sample stands for, from
`drago.analysis.zones.sample_durations`), so gaps and dropouts are handled once, the same way
for every metric. A sample without a valid HR contributes nothing.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt
import polars as pl

from drago.analysis.zones import (
    MAX_GAP_S,
    ZONE_EDGES,
    FloatArray,
    check_hr_bounds,
    hr_fraction,
    sample_durations,
    valid_hr,
    zone_seconds,
)
from drago.vocab import SexName as Sex

#: Banister's weighting y = a * exp(b * x) per sex (Banister 1991; Morton et al. 1990).
BANISTER_COEFFICIENTS: Final[dict[str, tuple[float, float]]] = {
    "m": (0.64, 1.92),
    "f": (0.86, 1.67),
}

#: Columns of `session_loads`.
SESSION_LOAD_SCHEMA: Final[dict[str, pl.DataType]] = {
    "session_index": pl.Int32(),
    "hr_time_s": pl.Float64(),
    "zone_s": pl.List(pl.Float64()),
    "trimp_banister": pl.Float64(),
    "trimp_edwards": pl.Float64(),
    "trimp_lucia": pl.Float64(),
}


def _samples(hr_bpm: npt.ArrayLike, dt_s: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    hr = np.asarray(hr_bpm, dtype=np.float64)
    dt = np.asarray(dt_s, dtype=np.float64)
    if hr.shape != dt.shape:
        raise ValueError("hr_bpm and dt_s must have the same length")
    if np.any(dt < 0):
        raise ValueError("dt_s must not be negative")
    return hr, np.where(valid_hr(hr), dt, 0.0)


def trimp_banister(
    hr_bpm: npt.ArrayLike,
    dt_s: npt.ArrayLike,
    *,
    hr_rest_bpm: float,
    hr_max_bpm: float,
    sex: Sex,
) -> float:
    """Banister TRIMP of one session, in arbitrary units (AU).

    Sum over samples of `dt_min * x * a * exp(b * x)`, with x the HR-reserve fraction
    `(HR - HRrest) / (HRmax - HRrest)` clipped to [0, 1] and (a, b) = (0.64, 1.92) for men
    (Banister 1991), (0.86, 1.67) for women (Morton, Fitz-Clarke & Banister 1990). Summing per
    sample (instead of applying the formula to the session's average HR, as GoldenCheetah does)
    keeps the exponential weighting of hard intervals that an average would flatten.

    Examples
    --------
    One minute at 150 bpm, rest 60, max 190 (x = 0.692):

    >>> hr, dt = np.full(60, 150.0), np.ones(60)
    >>> round(trimp_banister(hr, dt, hr_rest_bpm=60, hr_max_bpm=190, sex="m"), 3)
    1.674
    >>> round(trimp_banister(hr, dt, hr_rest_bpm=60, hr_max_bpm=190, sex="f"), 3)
    1.892

    References
    ----------
    Banister E. W. (1991) Modeling elite athletic performance. In: MacDougall J. D., Wenger
    H. A., Green H. J. (eds) Physiological Testing of the High-Performance Athlete, 2nd ed.
    Human Kinetics, 403-424.

    Morton R. H., Fitz-Clarke J. R., Banister E. W. (1990) Modeling human performance in
    running. Journal of Applied Physiology 69(3), 1171-1177.
    """
    if sex not in BANISTER_COEFFICIENTS:
        raise ValueError(f"unknown sex {sex!r}; valid: m, f")
    a, b = BANISTER_COEFFICIENTS[sex]
    hr, dt = _samples(hr_bpm, dt_s)
    x = hr_fraction(hr, hr_rest_bpm=hr_rest_bpm, hr_max_bpm=hr_max_bpm)
    x = np.clip(np.nan_to_num(x, nan=0.0), 0.0, 1.0)
    return float(np.sum(dt / 60.0 * x * a * np.exp(b * x)))


def trimp_edwards(hr_bpm: npt.ArrayLike, dt_s: npt.ArrayLike, *, hr_max_bpm: float) -> float:
    """Edwards' summated-heart-rate-zone TRIMP of one session, in AU.

    Minutes in the zones 50-60, 60-70, 70-80, 80-90 and 90-100 % of HR max, weighted 1 to 5
    and summed. Time above HR max counts in zone 5; time below 50 % counts nothing.

    Examples
    --------
    Ten minutes at 55 % and ten at 95 % of a 200-bpm max: 10 * 1 + 10 * 5.

    >>> hr = np.r_[np.full(600, 110.0), np.full(600, 190.0)]
    >>> trimp_edwards(hr, np.ones(1200), hr_max_bpm=200)
    60.0

    References
    ----------
    Edwards S. (1993) The Heart Rate Monitor Book. Polar Electro Oy / Fleet Feet Press,
    Sacramento.
    """
    if hr_max_bpm <= 0:
        raise ValueError(f"hr_max_bpm must be positive, not {hr_max_bpm}")
    hr, dt = _samples(hr_bpm, dt_s)
    seconds = zone_seconds(np.where(valid_hr(hr), hr / hr_max_bpm, np.nan), dt, ZONE_EDGES)
    return float(np.dot(seconds / 60.0, np.arange(1.0, len(ZONE_EDGES) + 1)))


def trimp_lucia(
    hr_bpm: npt.ArrayLike, dt_s: npt.ArrayLike, *, hr_vt1_bpm: float, hr_vt2_bpm: float
) -> float:
    """Lucia's TRIMP of one session, in AU: minutes below, between and above the thresholds.

    Minutes with HR < VT1 weigh 1, VT1 <= HR < VT2 weigh 2, HR >= VT2 weigh 3 (the HRs at the
    first and second ventilatory thresholds, from a graded test).

    Examples
    --------
    Thirty minutes under VT1, ten between, five above: 30 + 20 + 15.

    >>> hr = np.r_[np.full(1800, 130.0), np.full(600, 160.0), np.full(300, 180.0)]
    >>> trimp_lucia(hr, np.ones(2700), hr_vt1_bpm=150, hr_vt2_bpm=175)
    65.0

    References
    ----------
    Lucia A., Hoyos J., Santalla A., Earnest C., Chicharro J. L. (2003) Tour de France versus
    Vuelta a Espana: which is harder? Medicine & Science in Sports & Exercise 35(5), 872-878.
    """
    if not 0 < hr_vt1_bpm < hr_vt2_bpm:
        raise ValueError(f"need 0 < VT1 < VT2, got {hr_vt1_bpm} and {hr_vt2_bpm} bpm")
    hr, dt = _samples(hr_bpm, dt_s)
    zone = np.searchsorted(np.array([hr_vt1_bpm, hr_vt2_bpm]), np.nan_to_num(hr), side="right")
    return float(np.sum(dt / 60.0 * (zone + 1)))


def session_loads(
    records: pl.DataFrame,
    *,
    sex: Sex,
    hr_rest_bpm: float,
    hr_max_bpm: float,
    hr_vt1_bpm: float | None = None,
    hr_vt2_bpm: float | None = None,
    zone_model: str = "karvonen",
    max_gap_s: float = MAX_GAP_S,
) -> pl.DataFrame:
    """HR load of each session in a records frame: time in zones and the three TRIMPs.

    One row per `session_index` with `hr_time_s` (seconds carrying a valid HR), `zone_s`
    (seconds in zones 1-5, see `hr_zone_seconds`), `trimp_banister`, `trimp_edwards` and
    `trimp_lucia` (null unless both thresholds are given). A session without any valid HR gets
    nulls, never 0. Samples are ordered by time within each session first.

    Examples
    --------
    >>> from datetime import datetime, timedelta, UTC
    >>> t0 = datetime(2026, 1, 1, tzinfo=UTC)
    >>> frame = pl.DataFrame({"session_index": [0] * 60 + [1] * 3,
    ...     "timestamp": [t0 + timedelta(seconds=i) for i in range(63)],
    ...     "hr_bpm": [150.0] * 60 + [None] * 3})
    >>> out = session_loads(frame, sex="m", hr_rest_bpm=60, hr_max_bpm=190)
    >>> out["trimp_banister"].round(3).to_list(), out["zone_s"].to_list()
    ([1.674, None], [[0.0, 60.0, 0.0, 0.0, 0.0], None])
    """
    check_hr_bounds(hr_rest_bpm, hr_max_bpm)
    if sex not in BANISTER_COEFFICIENTS:
        raise ValueError(f"unknown sex {sex!r}; valid: m, f")
    hr_fraction([], hr_rest_bpm=hr_rest_bpm, hr_max_bpm=hr_max_bpm, model=zone_model)
    frame = records.select("session_index", "timestamp", "hr_bpm").sort(
        "session_index", "timestamp"
    )
    session = frame["session_index"].to_numpy()
    t = frame["timestamp"].dt.epoch("us").to_numpy().astype(np.float64) / 1e6
    hr = frame["hr_bpm"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    ids, starts = np.unique(session, return_index=True)
    bounds = np.r_[starts, session.size]
    rows: list[dict[str, object]] = []
    for k, index in enumerate(ids):
        hr_k = hr[bounds[k] : bounds[k + 1]]
        dt = sample_durations(t[bounds[k] : bounds[k + 1]], hr_k, max_gap_s)
        if not valid_hr(hr_k).any():
            rows.append({"session_index": int(index)})
            continue
        fraction = hr_fraction(
            hr_k, hr_rest_bpm=hr_rest_bpm, hr_max_bpm=hr_max_bpm, model=zone_model
        )
        lucia = (
            trimp_lucia(hr_k, dt, hr_vt1_bpm=hr_vt1_bpm, hr_vt2_bpm=hr_vt2_bpm)
            if hr_vt1_bpm is not None and hr_vt2_bpm is not None
            else None
        )
        rows.append(
            {
                "session_index": int(index),
                "hr_time_s": float(dt.sum()),
                "zone_s": zone_seconds(fraction, dt).tolist(),
                "trimp_banister": trimp_banister(
                    hr_k, dt, hr_rest_bpm=hr_rest_bpm, hr_max_bpm=hr_max_bpm, sex=sex
                ),
                "trimp_edwards": trimp_edwards(hr_k, dt, hr_max_bpm=hr_max_bpm),
                "trimp_lucia": lucia,
            }
        )
    return pl.DataFrame(rows, schema=SESSION_LOAD_SCHEMA)
