"""Streaming versions of the file path's science, fed one reading (or IMU batch) at a time.

- `HrTracker`: HR, % of HR max, zone (the athlete's zone model, `analysis.zones`), Banister
  TRIMP so far (`analysis.trimp`: each sample weighs the time to the next, capped at 5 s,
  the last one the median step, so the final value equals the file's), rMSSD of the last
  minute of RR (`analysis.hrv.hrv_analyse`, Malik 1989 correction), and the 1-min HR
  recovery of each rest (`analysis.round_hr.rounds_from_template`, Cole 1999).
- `PunchStream`: the file's punch detector (`analysis.punches.detect.punch_detect`) run over
  a sliding window of one hand's stream every `STEP_S`; a punch is final once its peak is
  `GUARD_S` inside the window, and the detector's adaptive floor (`REL_FLOOR` x the 90th
  percentile of candidate peaks) uses every candidate seen so far, where the file uses the
  whole recording's (the only difference: a live count cannot see the future).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final, cast

import numpy as np
import polars as pl

from drago.analysis.hrv import hrv_analyse
from drago.analysis.punches.analyse import COLUMNS, punches_of_detection
from drago.analysis.punches.detect import (
    ACC_ONLY_FACTOR,
    MIN_SCORE,
    REL_FLOOR,
    detect_from_score,
    drop_retractions,
    gravity_ms2,
    punch_score,
)
from drago.analysis.round_hr import rounds_from_template
from drago.analysis.trimp import trimp_banister
from drago.analysis.zones import MAX_GAP_S, hr_fraction, valid_hr, zone_of
from drago.live.clock import RoundClock
from drago.live.sources import HrReading, ImuBatch
from drago.vocab import HandName as Hand
from drago.vocab import StanceName as Stance

#: Window of the live rMSSD (s) and how often it is recomputed (s of session time).
RMSSD_WINDOW_S: Final = 60.0
RMSSD_EVERY_S: Final = 5.0
#: Artefact correction of the live rMSSD: Malik's 20 % rule (Malik et al. 1989), 20x cheaper
#: per window than Lipponen & Tarvainen (2019), whose rolling quantiles cost ~0.2 s per minute
#: of beats: too much for a squad every few seconds.
RMSSD_CORRECTION: Final = "malik1989"
#: Sliding window of the streaming punch detector, its step and its guard band (s).
WINDOW_S: Final = 12.0
STEP_S: Final = 1.0
GUARD_S: Final = 2.0


@dataclass(frozen=True)
class Physiology:
    """What the HR metrics need of an athlete (their current values, or estimates)."""

    hr_rest_bpm: float
    hr_max_bpm: float
    sex: str = "m"
    zone_model: str = "karvonen"


@dataclass
class HrTracker:
    """One athlete's HR metrics, updated per reading (see the module docstring)."""

    physiology: Physiology
    clock: RoundClock
    start: datetime
    t: list[float] = field(default_factory=list)
    hr: list[float] = field(default_factory=list)
    rr: deque[tuple[float, float]] = field(default_factory=deque)
    rr_all: list[float] = field(default_factory=list)
    trimp_done: float = 0.0
    steps: list[float] = field(default_factory=list)
    rmssd_ms: float | None = None
    _rmssd_at: float = -math.inf
    rests: dict[int, dict[str, float | None]] = field(default_factory=dict)
    _checked: set[tuple[int, int]] = field(default_factory=set)
    _round: int = 1

    def push(self, reading: HrReading) -> None:
        hr = math.nan if reading.hr_bpm is None else float(reading.hr_bpm)
        if self.t:
            step = min(max(reading.t_s - self.t[-1], 0.0), MAX_GAP_S)
            self.steps.append(step)
            self.trimp_done += self._trimp(self.hr[-1], step)
        self.t.append(reading.t_s)
        self.hr.append(hr)
        for value in reading.rr_ms:
            self.rr.append((reading.t_s, value))
            self.rr_all.append(value)
        while self.rr and self.rr[0][0] <= reading.t_s - RMSSD_WINDOW_S:
            self.rr.popleft()
        if reading.t_s - self._rmssd_at >= RMSSD_EVERY_S and len(self.rr) >= 2:
            self._rmssd_at = reading.t_s
            result = hrv_analyse(np.array([v for _, v in self.rr]), correction=RMSSD_CORRECTION)
            self.rmssd_ms = result.rmssd_ms
        self._recovery(reading.t_s)

    def _trimp(self, hr_bpm: float, dt_s: float) -> float:
        p = self.physiology
        return trimp_banister(
            np.array([hr_bpm]),
            np.array([dt_s]),
            hr_rest_bpm=p.hr_rest_bpm,
            hr_max_bpm=p.hr_max_bpm,
            sex=cast(Any, p.sex),
        )

    def trimp(self, *, final: bool = False) -> float:
        """Banister TRIMP so far; `final` gives the last sample the median step (as files)."""
        if not self.t:
            return 0.0
        last = (
            float(np.median(self.steps))
            if final and self.steps
            else (self.steps[-1] if self.steps else 0.0)
        )
        return self.trimp_done + self._trimp(self.hr[-1], last)

    def _recovery(self, t_s: float) -> None:
        """At each bell and each whole minute of the rest after it: HR at the bell and its
        recovery, from `rounds_from_template` over the samples so far."""
        clock = self.clock
        minutes = int((clock.rest_s + 1.0) // 60.0)  # the minutes `rounds_from_template` counts
        while clock.rounds is None or self._round <= clock.rounds:
            end = (self._round - 1) * clock.cycle_s + clock.round_s
            due = [m for m in range(minutes + 1) if (self._round, m) not in self._checked]
            if not due or t_s < end:
                break
            ready = [m for m in due if t_s >= end + 60.0 * m]
            if ready:
                self._checked.update((self._round, m) for m in ready)
                self._measure(self._round)
            if len(ready) < len(due):
                break
            self._round += 1

    def _measure(self, k: int) -> None:
        n = len(self.t)
        records = pl.DataFrame(
            {
                "session_index": [0] * n,
                "timestamp": [self.start + timedelta(seconds=s) for s in self.t],
                "hr_bpm": self.hr,
            },
            schema={
                "session_index": pl.Int32,
                "timestamp": pl.Datetime("us", "UTC"),
                "hr_bpm": pl.Float64,
            },
        )
        rows = rounds_from_template(
            records.with_columns(pl.col("hr_bpm").fill_nan(None)),
            self.clock.round_s,
            self.clock.rest_s,
            self.start,
            rounds=k,
        )
        row = rows.filter(pl.col("round") == k)
        if row.height:
            self.rests[k] = {
                "hr_end_bpm": row["hr_end_bpm"][0],
                "hrr_60s_bpm": row["hrr_60s_bpm"][0],
            }

    def state(self) -> dict[str, Any]:
        """HR, % of max, zone, TRIMP so far, rMSSD (1 min), recovery of the current rest."""
        p = self.physiology
        hr = self.hr[-1] if self.hr else math.nan
        ok = bool(valid_hr([hr])[0])
        fraction = hr_fraction(
            [hr], hr_rest_bpm=p.hr_rest_bpm, hr_max_bpm=p.hr_max_bpm, model=p.zone_model
        )
        rest = None
        now = self.clock.at(self.t[-1]) if self.t else None
        if now is not None and now.phase == "rest" and now.round in self.rests:
            end = self.rests[now.round]["hr_end_bpm"]
            rest = {
                "round": now.round,
                "hr_end_bpm": end,
                "hrr_now_bpm": None if end is None or not ok else round(end - hr, 1),
                "hrr_60s_bpm": self.rests[now.round]["hrr_60s_bpm"],
            }
        return {
            "hr_bpm": round(hr, 1) if ok else None,
            "pct_max": round(100.0 * hr / p.hr_max_bpm, 1) if ok else None,
            "zone": int(zone_of(fraction)[0]),
            "trimp": round(self.trimp(), 2),
            "rmssd_ms": None if self.rmssd_ms is None else round(self.rmssd_ms, 1),
            "recovery": rest,
            "hrr_60s_bpm": {str(k): v["hrr_60s_bpm"] for k, v in self.rests.items()},
        }


class PunchStream:
    """One hand's punches, detected as its samples arrive (see the module docstring).

    Each step finds the candidate peaks of the window (`detect_from_score` without its
    floor), applies the floor of every candidate seen so far, drops retractions
    (`drop_retractions`, then `drop_return_strokes` with a gyroscope) and keeps the punches
    whose peak is final. `punches` applies the floor as it stands now, so an early weak peak
    that the session's later punches show to be footwork leaves the count, as in the file.
    """

    def __init__(self, hand: str | None, stance: str, rate_hz: float, phase_s: float = 0.0) -> None:
        """`phase_s` (0 to STEP_S) shifts this stream's steps, so a squad's streams do not all
        run their windows in the same instant."""
        self.hand = cast(Hand | None, hand)
        self.phase_s = phase_s
        self.stance = cast(Stance, stance)
        self.rate_hz = rate_hz
        self._t = np.zeros(0)
        self._acc = np.zeros((0, 3))
        self._gyro: np.ndarray | None = None
        self._next_run = math.inf
        self._final_until = -math.inf
        self._heights: list[float] = []
        self._rows: list[dict[str, Any]] = []
        self._scores: list[float] = []

    @property
    def floor(self) -> float:
        """The adaptive floor over every candidate so far (0 before any)."""
        return REL_FLOOR * float(np.percentile(self._heights, 90)) if self._heights else 0.0

    @property
    def punches(self) -> list[dict[str, Any]]:
        """Every final punch above the floor as it stands now, in time order."""
        floor = self.floor
        return [r for r, s in zip(self._rows, self._scores, strict=True) if s >= floor]

    def push(self, batch: ImuBatch) -> bool:
        """Add samples; True when punches became final."""
        if not math.isfinite(self._next_run):
            self._next_run = float(batch.t_s[0]) + WINDOW_S + self.phase_s
        self._t = np.concatenate([self._t, batch.t_s])
        self._acc = np.concatenate([self._acc, batch.acc_ms2])
        if batch.gyro_rads is not None:
            prev = self._gyro if self._gyro is not None else np.zeros((0, 3))
            self._gyro = np.concatenate([prev, batch.gyro_rads])
        found = False
        while self._t.size and self._t[-1] >= self._next_run:
            found |= self._run(self._next_run, GUARD_S)
            self._next_run += STEP_S
        return found

    def finish(self) -> bool:
        """The stream has ended: the punches of its tail."""
        if not self._t.size:
            return False
        return self._run(float(self._t[-1]) + 1.0 / self.rate_hz, 0.0)

    def _run(self, until: float, guard: float) -> bool:
        lo = int(np.searchsorted(self._t, until - WINDOW_S, side="left"))
        hi = int(np.searchsorted(self._t, until, side="left"))
        t, acc = self._t[lo:hi], self._acc[lo:hi]
        gyro = None if self._gyro is None else self._gyro[lo:hi]
        zone_lo = max(self._final_until, t[0] if lo == 0 else t[0] + GUARD_S) if t.size else 0.0
        self._final_until = until - guard
        keep_from = int(np.searchsorted(self._t, until - WINDOW_S - STEP_S, side="left"))
        if keep_from > 0:  # samples no later window needs
            self._t, self._acc = self._t[keep_from:], self._acc[keep_from:]
            if self._gyro is not None:
                self._gyro = self._gyro[keep_from:]
        if t.size < 3:
            return False
        grav = gravity_ms2(acc, self.rate_hz)
        score = punch_score(acc, gyro, self.rate_hz, grav)
        min_score = MIN_SCORE * (ACC_ONLY_FACTOR if gyro is None else 1.0)
        det = detect_from_score(score, self.rate_hz, min_score=min_score, rel_floor=0.0)
        peak_t = t[det.peak] if det.n else np.zeros(0)
        new = (peak_t >= zone_lo) & (peak_t < until - guard)
        self._heights += det.score[new].tolist()
        if not self._heights:
            return False
        det = drop_retractions(acc, grav, det.keep(det.score >= self.floor))
        if gyro is not None:  # the file detector's last step (return strokes, world frame)
            from drago.analysis.punches.returns import drop_return_strokes

            det = drop_return_strokes(acc, gyro, det)
        peak_t = t[det.peak] if det.n else np.zeros(0)
        final = (peak_t >= zone_lo) & (peak_t < until - guard)
        if not final.any():
            return False
        kept = det.keep(final)
        table = punches_of_detection(
            acc, gyro, kept, hand=self.hand, stance=self.stance, offset_s=float(t[0]), gravity=grav
        )
        self._rows += table.select(COLUMNS).to_dicts()
        self._scores += kept.score.tolist()
        return True
