"""The boxing round clock: rounds of work with rests between, a 10-second warning, the bell.

Round k (from 1) is the work period [(k-1)(work+rest), (k-1)(work+rest) + work) of session
time, as `drago.analysis.punches.rounds.round_of` counts them for files, so a replay's rounds
are the file's rounds. After the last round (`rounds`, None: no end) the clock is `done`.
The warning sounds in the last `WARNING_S` of each round (the timekeeper's 10-second clap of
amateur boxing, drago convention for every round length).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal

from drago.errors import UsageError

WARNING_S: Final = 10.0
Phase = Literal["work", "rest", "done"]


@dataclass(frozen=True)
class ClockState:
    """Where the clock stands: `round` the current (work) or last finished (rest) round,
    `phase`, seconds left in the phase, and whether the 10-second warning is on."""

    round: int
    phase: Phase
    left_s: float
    warning: bool

    @property
    def round_now(self) -> int:
        """The round being fought, 0 in a rest or after the last round (as `round_of`)."""
        return self.round if self.phase == "work" else 0

    def as_dict(self) -> dict[str, object]:
        return {
            "round": self.round,
            "phase": self.phase,
            "left_s": round(self.left_s, 1),
            "warning": self.warning,
        }


@dataclass(frozen=True)
class RoundClock:
    """Rounds of `round_s` work and `rest_s` rest; `rounds` None runs until the session ends."""

    round_s: float = 180.0
    rest_s: float = 60.0
    rounds: int | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.round_s) and self.round_s > 0):
            raise UsageError("a round must last a positive number of seconds")
        if not (math.isfinite(self.rest_s) and self.rest_s >= 0):
            raise UsageError("a rest cannot be negative")
        if self.rounds is not None and self.rounds < 1:
            raise UsageError("rounds must be at least 1")

    @property
    def cycle_s(self) -> float:
        return self.round_s + self.rest_s

    def at(self, t_s: float) -> ClockState:
        """The clock at session time `t_s`.

        >>> RoundClock(180, 60, 3).at(175.0)
        ClockState(round=1, phase='work', left_s=5.0, warning=True)
        >>> RoundClock(180, 60, 3).at(200.0).phase, RoundClock(180, 60, 3).at(800.0).phase
        ('rest', 'done')
        """
        t = max(0.0, t_s)
        k = int(t // self.cycle_s)
        if self.rounds is not None and k >= self.rounds:
            return ClockState(self.rounds, "done", 0.0, False)
        into = t - k * self.cycle_s
        if into < self.round_s:
            left = self.round_s - into
            return ClockState(k + 1, "work", left, left <= WARNING_S)
        if self.rounds is not None and k + 1 >= self.rounds:
            return ClockState(self.rounds, "done", 0.0, False)
        return ClockState(k + 1, "rest", self.cycle_s - into, False)

    def bells(self, t0_s: float, t1_s: float) -> list[tuple[float, str]]:
        """Bells rung in (t0, t1]: ("start", "end") of rounds, with their times."""
        out: list[tuple[float, str]] = []
        k = max(0, int(t0_s // self.cycle_s))
        while k * self.cycle_s <= t1_s:
            if self.rounds is not None and k >= self.rounds:
                break
            start, end = k * self.cycle_s, k * self.cycle_s + self.round_s
            if t0_s < start <= t1_s:
                out.append((start, "start"))
            if t0_s < end <= t1_s:
                out.append((end, "end"))
            k += 1
        return out

    def end_s(self) -> float | None:
        """Session time of the last bell, None for an open-ended clock."""
        if self.rounds is None:
            return None
        return (self.rounds - 1) * self.cycle_s + self.round_s
