"""A synthetic federation for tests and benchmarks: SYNTHETIC data, not measurements.

Per athlete: a training calendar with 4-week cycles (three building weeks, one lighter) and a
rest day most weeks; 0-2 sessions a day from drago's activity vocabulary, each with a duration,
an intensity (fraction of heart-rate reserve) and, as on real teams, sometimes a heart-rate
strap (then TRIMPs) and sometimes only a session RPE (then sRPE load), often both. Mornings:
an ln rMSSD that wanders around the athlete's own baseline (AR(1), day-to-day SD about 0.1,
within the 3-10 % CV of ln rMSSD reported by Plews et al. 2012) and dips after hard days;
resting HR and Hooper items that worsen with recent load. Deterministic for a seed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Final

import numpy as np
import polars as pl

from drago.analysis.trimp import BANISTER_COEFFICIENTS
from drago.vocab import WELLNESS_ITEMS

#: Activities and how often each is done (of drago's vocabulary, `drago.activities`).
ACTIVITY_MIX: Final = {
    "bag": 0.2,
    "pads": 0.15,
    "sparring": 0.15,
    "run": 0.2,
    "strength": 0.15,
    "conditioning": 0.1,
    "ride": 0.05,
}
#: Typical intensity (fraction of HR reserve) of each activity.
INTENSITY: Final = {
    "bag": 0.72,
    "pads": 0.75,
    "sparring": 0.82,
    "run": 0.68,
    "strength": 0.55,
    "conditioning": 0.78,
    "ride": 0.62,
}
TIME_ZONES: Final = ("Europe/London", "Europe/Madrid", "America/New_York", "Asia/Tokyo", "UTC")
WEIGHT_CLASSES: Final = ("fly", "bantam", "feather", "light", "welter", "middle", "heavy")


def synth_federation(
    athletes: int, years: float, *, seed: int = 0, end: date = date(2026, 9, 30)
) -> dict[str, pl.DataFrame]:
    """Lake tables (`athletes`, `sessions`, `wellness`, `rr_measurements`) of a synthetic
    federation: `athletes` boxers over `years` years ending on `end`."""
    chunks = list(synth_chunks(athletes, years, seed=seed, end=end, chunk=max(1, athletes)))
    return {table: pl.concat([c[table] for c in chunks]) for table in chunks[0]}


def synth_chunks(
    athletes: int,
    years: float,
    *,
    seed: int = 0,
    end: date = date(2026, 9, 30),
    chunk: int = 500,
) -> Iterator[dict[str, pl.DataFrame]]:
    """`synth_federation` `chunk` athletes at a time (the same rows for the same seed, whatever
    the chunk), so a large federation is written without holding it all in memory."""
    if athletes < 1 or years <= 0:
        raise ValueError("need at least one athlete and a positive number of years")
    rng = np.random.default_rng(seed)
    n_days = round(365.25 * years)
    start = end - timedelta(days=n_days - 1)
    next_id = 1
    for first in range(0, athletes, chunk):
        people, sessions, wellness, mornings = [], [], [], []
        for k in range(first, min(athletes, first + chunk)):
            name = f"Synthetic {k + 1:04d}"
            sex = "f" if rng.random() < 0.3 else "m"
            tz = TIME_ZONES[int(rng.integers(len(TIME_ZONES)))]
            people.append(
                {
                    "athlete": name,
                    "team": f"Synthetic team {k % 20 + 1}",
                    "tz": tz,
                    "sex": sex,
                    "birth_year": int(rng.integers(1990, 2008)),
                    "weight_class": WEIGHT_CLASSES[int(rng.integers(len(WEIGHT_CLASSES)))],
                }
            )
            s, daily_load = _sessions(rng, name, sex, start, n_days, next_id)
            next_id += s.height
            sessions.append(s)
            w, m = _mornings(rng, name, start, n_days, daily_load, next_id)
            wellness.append(w)
            mornings.append(m)
        yield {
            "athletes": pl.DataFrame(people),
            "sessions": pl.concat(sessions),
            "wellness": pl.concat(wellness),
            "rr_measurements": pl.concat(mornings),
        }


def _sessions(
    rng: np.random.Generator, name: str, sex: str, start: date, n_days: int, first_id: int
) -> tuple[pl.DataFrame, np.ndarray]:
    day = np.arange(n_days)
    week = (day // 7) % 4
    cycle = np.where(week == 3, 0.6, 0.85 + 0.1 * week)  # 3 building weeks, 1 lighter
    p_train = np.where(day % 7 == 6, 0.15, 0.85) * cycle
    per_day = (rng.random(n_days) < p_train).astype(int) + (rng.random(n_days) < 0.25 * cycle)
    which = np.repeat(day, per_day)
    n = which.size
    acts = np.array(list(ACTIVITY_MIX))
    activity = acts[rng.choice(len(acts), n, p=np.array(list(ACTIVITY_MIX.values())))]
    duration_s = np.round(rng.uniform(30, 100, n) * 60.0)
    base = np.array([INTENSITY[a] for a in activity])
    x = np.clip(base * cycle[which] / 0.9 + rng.normal(0, 0.05, n), 0.3, 0.97)
    hr_rest, hr_max = rng.uniform(45, 65), rng.uniform(182, 205)
    hr_avg = hr_rest + x * (hr_max - hr_rest)
    a, b = BANISTER_COEFFICIENTS[sex]  # type: ignore[index]
    has_hr = rng.random(n) < 0.7
    rpe = np.clip(np.round(x * 11 - 2.5 + rng.normal(0, 0.8, n)), 1, 10)
    has_rpe = rng.random(n) < 0.8
    has_rpe |= ~has_hr
    minutes = duration_s / 60.0
    zone = np.clip(np.floor((hr_avg / hr_max - 0.5) * 10) + 1, 0, 5)
    hour = rng.uniform(6, 19, n)
    start_utc = (
        np.datetime64(start, "us")
        + which.astype("timedelta64[D]")
        + np.round(hour * 3.6e9).astype("timedelta64[us]")
    )
    frame = pl.DataFrame(
        {
            "athlete": [name] * n,
            "session_id": np.arange(first_id, first_id + n, dtype=np.int64),
            "start_utc": pl.Series(start_utc, dtype=pl.Datetime("us")),
            "duration_s": duration_s,
            "activity": activity,
            "rpe": np.where(has_rpe, rpe, np.nan),
            "hr_avg_bpm": np.where(has_hr, np.round(hr_avg), np.nan),
            "hr_max_bpm": np.where(has_hr, np.round(np.minimum(hr_avg + 15, hr_max)), np.nan),
            "trimp_banister": np.where(has_hr, minutes * x * a * np.exp(b * x), np.nan),
            "trimp_edwards": np.where(has_hr, minutes * zone, np.nan),
            "srpe_load": np.where(has_rpe, rpe * minutes, np.nan),
            "counts": np.ones(n, dtype=bool),
        }
    ).with_columns(pl.col(pl.Float64).fill_nan(None))
    load = np.bincount(which, weights=minutes * x * a * np.exp(b * x), minlength=n_days)
    return frame, load


def _mornings(
    rng: np.random.Generator, name: str, start: date, n_days: int, load: np.ndarray, first_id: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    fatigue = np.convolve(load, np.exp(-np.arange(10) / 3.0), mode="full")[:n_days]
    fatigue = fatigue / (fatigue.mean() + 1e-9)
    shocks = rng.normal(0, 0.08, n_days - 1).tolist()
    walk = [0.0]
    for shock in shocks:  # AR(1): consecutive mornings resemble each other
        walk.append(0.6 * walk[-1] + shock)
    noise = np.array(walk)
    ln = rng.uniform(3.3, 4.5) + noise - 0.08 * (fatigue - 1.0)
    rhr = rng.uniform(44, 60) + 2.0 * (fatigue - 1.0) + rng.normal(0, 1.5, n_days)
    days = np.datetime64(start, "D") + np.arange(n_days).astype("timedelta64[D]")
    dates = pl.Series(days, dtype=pl.Date)
    items = np.clip(
        np.round(2.5 + 1.2 * (fatigue - 1.0)[:, None] + rng.normal(0, 0.9, (n_days, 5))), 1, 7
    )
    answered = rng.random(n_days) < 0.8
    wellness = pl.DataFrame(
        {
            "athlete": [name] * n_days,
            "date": dates,
            **{c: items[:, i].astype(np.int32) for i, c in enumerate(WELLNESS_ITEMS)},
            "rhr_bpm": np.round(rhr, 1),
        }
    ).filter(pl.Series(answered))
    measured = rng.random(n_days) < 0.75
    reliable = rng.random(n_days) < 0.95
    mean_hr = rhr + rng.normal(2, 1, n_days)
    rr = pl.DataFrame(
        {
            "athlete": [name] * n_days,
            "id": np.arange(first_id, first_id + n_days, dtype=np.int64),
            "date": dates,
            "start_utc": pl.Series(
                days.astype("datetime64[us]") + np.timedelta64(6 * 3600 + 1800, "s"),
                dtype=pl.Datetime("us"),
            ),
            "n_beats": np.round(300 / 60 * mean_hr).astype(np.int32),
            "duration_s": np.full(n_days, 300.0),
            "artefact_pct": np.where(
                reliable, rng.uniform(0, 2, n_days), rng.uniform(6, 15, n_days)
            ),
            "reliable": reliable,
            "mean_hr_bpm": np.round(mean_hr, 1),
            "rmssd_ms": np.exp(ln),
            "ln_rmssd": ln,
            "sdnn_ms": np.exp(ln) * rng.uniform(0.9, 1.3, n_days),
        }
    ).filter(pl.Series(measured))
    return wellness, rr
