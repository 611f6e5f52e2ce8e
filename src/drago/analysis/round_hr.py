"""Rounds of interval sessions (sparring, pads, bag): HR per round and HR recovery in the rests.

Rounds come from the file's laps (`rounds_from_laps`) or from a work/rest template
(`rounds_from_template`, 3-min rounds with 1-min rests by default). For each round:

- `hr_avg_bpm`: time-weighted mean HR over the work period (samples weighted by
  `drago.analysis.zones.sample_durations`, so dropouts count as in every other HR metric);
  `hr_max_bpm`: the highest valid sample in it;
- `hr_end_bpm`: HR at the end of work, the mean of valid samples in the `hr_window_s`
  seconds (5 s) before the bell, which damps a single noisy beat;
- `hrr_bpm`: HR recovery at each whole minute of the rest that follows, `hr_end_bpm` minus HR
  at `end + 60 k` s (the mean of the 5 s before that instant); `hrr_60s_bpm` is its first value, the
  1-min heart-rate recovery of Cole et al. (1999) measured after each round. A minute counts
  when the rest lasts it (within 1 s) and HR was recorded then; otherwise the value is null.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final

import numpy as np
import polars as pl

from drago.analysis.zones import MAX_GAP_S, FloatArray, sample_durations, valid_hr

#: Columns of the per-round frames.
ROUND_SCHEMA: Final[dict[str, pl.DataType]] = {
    "session_index": pl.Int32(),
    "round": pl.Int32(),
    "start": pl.Datetime("us", "UTC"),
    "end": pl.Datetime("us", "UTC"),
    "work_s": pl.Float64(),
    "rest_s": pl.Float64(),
    "hr_avg_bpm": pl.Float64(),
    "hr_max_bpm": pl.Float64(),
    "hr_end_bpm": pl.Float64(),
    "hrr_60s_bpm": pl.Float64(),
    "hrr_bpm": pl.List(pl.Float64()),
}
#: Trailing window of a point HR reading (end of work, each rest minute), in seconds.
HR_WINDOW_S: Final = 5.0
#: Lap layouts `rounds_from_laps` understands.
LAP_LAYOUTS: Final = ("auto", "alternate", "none")
_SLACK_S: Final = 1.0


class _Session:
    """One session's samples, with prefix sums for O(1) window means."""

    def __init__(self, t: FloatArray, hr: FloatArray, max_gap_s: float) -> None:
        self.t, self.hr = t, hr
        ok = valid_hr(hr)
        self.ok = ok
        dt = sample_durations(t, hr, max_gap_s)
        self.w = np.r_[0.0, np.cumsum(dt)]
        self.hw = np.r_[0.0, np.cumsum(np.where(ok, hr, 0.0) * dt)]
        self.n = np.r_[0, np.cumsum(ok)]
        self.s = np.r_[0.0, np.cumsum(np.where(ok, hr, 0.0))]

    def _span(self, lo: float, hi: float) -> tuple[int, int]:
        """Sample index range of times in [lo, hi)."""
        return int(np.searchsorted(self.t, lo)), int(np.searchsorted(self.t, hi))

    def average(self, lo: float, hi: float) -> tuple[float | None, float | None]:
        """Time-weighted mean and max of valid HR over [lo, hi)."""
        i, j = self._span(lo, hi)
        if self.n[j] == self.n[i]:
            return None, None
        peak = float(np.max(self.hr[i:j][self.ok[i:j]]))
        weight = self.w[j] - self.w[i]
        if weight > 0:
            return float((self.hw[j] - self.hw[i]) / weight), peak
        return float((self.s[j] - self.s[i]) / (self.n[j] - self.n[i])), peak

    def at(self, time: float, window_s: float) -> float | None:
        """Mean of valid HR samples in [time − window_s, time): the seconds just before `time`."""
        i, j = self._span(time - window_s, time)
        count = self.n[j] - self.n[i]
        return float((self.s[j] - self.s[i]) / count) if count else None


def _measure(
    session: _Session,
    index: int,
    work: Sequence[tuple[float, float, float | None]],
    window_s: float,
) -> list[dict[str, object]]:
    """Rows for rounds given as (start_s, end_s, rest_s or None) in epoch seconds."""
    rows: list[dict[str, object]] = []
    for k, (lo, hi, rest_s) in enumerate(work, start=1):
        avg, peak = session.average(lo, hi)
        end_hr = session.at(hi, window_s)
        minutes = int((rest_s + _SLACK_S) // 60) if rest_s is not None else 0
        hrr: list[float | None] = []
        for m in range(1, minutes + 1):
            later = session.at(hi + 60.0 * m, window_s)
            hrr.append(end_hr - later if end_hr is not None and later is not None else None)
        rows.append(
            {
                "session_index": index,
                "round": k,
                "start": datetime.fromtimestamp(lo, tz=UTC),
                "end": datetime.fromtimestamp(hi, tz=UTC),
                "work_s": hi - lo,
                "rest_s": rest_s,
                "hr_avg_bpm": avg,
                "hr_max_bpm": peak,
                "hr_end_bpm": end_hr,
                "hrr_60s_bpm": hrr[0] if hrr else None,
                "hrr_bpm": hrr,
            }
        )
    return rows


def _sessions(records: pl.DataFrame, max_gap_s: float) -> dict[int, _Session]:
    frame = records.select("session_index", "timestamp", "hr_bpm").sort(
        "session_index", "timestamp"
    )
    index = frame["session_index"].to_numpy()
    t = frame["timestamp"].dt.epoch("us").to_numpy().astype(np.float64) / 1e6
    hr = frame["hr_bpm"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    ids, starts = np.unique(index, return_index=True)
    bounds = np.r_[starts, index.size]
    return {
        int(i): _Session(t[bounds[k] : bounds[k + 1]], hr[bounds[k] : bounds[k + 1]], max_gap_s)
        for k, i in enumerate(ids)
    }


def rounds_from_template(
    records: pl.DataFrame,
    work_s: float = 180.0,
    rest_s: float = 60.0,
    start: datetime | None = None,
    *,
    rounds: int | None = None,
    hr_window_s: float = HR_WINDOW_S,
    max_gap_s: float = MAX_GAP_S,
) -> pl.DataFrame:
    """Rounds of a fixed work/rest template laid over each session's records.

    Round k (from 1) works over `[t0 + (k−1)(work_s + rest_s), ... + work_s)` and rests
    `rest_s` after it, where t0 is `start` (default: the session's first record). Every round
    whose work period ends by the end of the records is returned (or the first `rounds`).
    See the module docstring for the columns.

    Examples
    --------
    A 3-min round at 170 bpm, then a minute where HR falls 1 bpm a second (170 ... 111):

    >>> from datetime import timedelta
    >>> t0 = datetime(2026, 5, 1, 18, tzinfo=UTC)
    >>> hr = [170.0] * 180 + [170.0 - s for s in range(60)]
    >>> recs = pl.DataFrame({"session_index": [0] * 240,
    ...     "timestamp": [t0 + timedelta(seconds=i) for i in range(240)], "hr_bpm": hr})
    >>> out = rounds_from_template(recs)
    >>> out.select("round", "hr_avg_bpm", "hr_max_bpm", "hr_end_bpm", "hrr_60s_bpm").rows()
    [(1, 170.0, 170.0, 170.0, 57.0)]

    HR 60 s into the rest is the mean of the last 5 s (115 ... 111 bpm): 113, so HRR = 57.

    References
    ----------
    Cole C. R., Blackstone E. H., Pashkow F. J., Snader C. E., Lauer M. S. (1999) Heart-rate
    recovery immediately after exercise as a predictor of mortality. New England Journal of
    Medicine 341(18), 1351-1357.
    """
    if work_s <= 0 or rest_s < 0:
        raise ValueError(f"need work_s > 0 and rest_s >= 0, got {work_s} and {rest_s}")
    rows: list[dict[str, object]] = []
    for index, session in _sessions(records, max_gap_s).items():
        t0 = start.timestamp() if start is not None else float(session.t[0])
        period = work_s + rest_s
        step = float(np.median(np.diff(session.t))) if session.t.size > 1 else 0.0
        span = session.t[-1] + step - t0
        count = int((span - work_s + _SLACK_S) // period) + 1 if span + _SLACK_S >= work_s else 0
        if rounds is not None:
            count = min(count, rounds)
        work = [(t0 + k * period, t0 + k * period + work_s, rest_s) for k in range(count)]
        rows += _measure(session, index, work, hr_window_s)
    return pl.DataFrame(rows, schema=ROUND_SCHEMA)


def _lap_roles(durations: FloatArray, is_rest: FloatArray | None, layout: str) -> FloatArray:
    """1.0 for a rest lap, 0.0 for a work lap."""
    if layout == "none":
        return np.zeros(durations.size)
    if layout == "auto" and is_rest is not None:
        return is_rest
    alternate = (np.arange(durations.size) % 2).astype(np.float64)
    if layout == "alternate":
        return alternate
    work, rest = durations[::2], durations[1::2]
    if rest.size and work.size >= 2 and rest.max() < work.min():
        return alternate
    return np.zeros(durations.size)


def rounds_from_laps(
    laps: pl.DataFrame,
    records: pl.DataFrame,
    *,
    layout: str = "auto",
    hr_window_s: float = HR_WINDOW_S,
    max_gap_s: float = MAX_GAP_S,
) -> pl.DataFrame:
    """Rounds from the laps in a file (`LAP_SCHEMA`: `session_index`, `lap_index`, `start`,
    `duration_s`), measured on its records.

    Which laps are rounds (`layout`):

    - `"alternate"`: laps alternate work, rest, work, rest... from the first lap;
    - `"none"`: every lap is a round; the rest after it is the pause before the next lap
      starts (null when laps are back to back);
    - `"auto"` (default): a boolean `is_rest` column decides when the frame has one (a FIT
      lap's `intensity` = rest); else `"alternate"` when every odd lap is shorter than every
      even one and there are at least two work laps; else `"none"`.

    Examples
    --------
    >>> from datetime import timedelta
    >>> t0 = datetime(2026, 5, 1, 18, tzinfo=UTC)
    >>> recs = pl.DataFrame({"session_index": [0] * 480,
    ...     "timestamp": [t0 + timedelta(seconds=i) for i in range(480)],
    ...     "hr_bpm": ([170.0] * 180 + [130.0] * 60) * 2})
    >>> laps = pl.DataFrame({"session_index": [0] * 4, "lap_index": [0, 1, 2, 3],
    ...     "start": [t0 + timedelta(seconds=s) for s in (0, 180, 240, 420)],
    ...     "duration_s": [180.0, 60.0, 180.0, 60.0]})
    >>> rounds_from_laps(laps, recs).select("round", "rest_s", "hrr_60s_bpm").rows()
    [(1, 60.0, 40.0), (2, 60.0, 40.0)]
    """
    if layout not in LAP_LAYOUTS:
        raise ValueError(f"unknown lap layout {layout!r}; valid: {', '.join(LAP_LAYOUTS)}")
    sessions = _sessions(records, max_gap_s)
    rows: list[dict[str, object]] = []
    ordered = laps.sort("session_index", "lap_index")
    for (index,), group in ordered.group_by("session_index", maintain_order=True):
        session = sessions.get(int(index))
        if session is None:
            continue
        lo = group["start"].dt.epoch("us").to_numpy().astype(np.float64) / 1e6
        duration = group["duration_s"].cast(pl.Float64).fill_null(0.0).to_numpy()
        flag = (
            group["is_rest"].fill_null(False).cast(pl.Float64).to_numpy()
            if "is_rest" in group.columns
            else None
        )
        rest = _lap_roles(duration, flag, layout) > 0
        work: list[tuple[float, float, float | None]] = []
        for k in np.flatnonzero(~rest):
            hi = lo[k] + duration[k]
            after: float | None = None
            if k + 1 < lo.size:
                gap = lo[k + 1] - hi
                after = duration[k + 1] + max(gap, 0.0) if rest[k + 1] else gap
                after = after if after > _SLACK_S else None
            work.append((lo[k], hi, after))
        rows += _measure(session, int(index), work, hr_window_s)
    return pl.DataFrame(rows, schema=ROUND_SCHEMA)
