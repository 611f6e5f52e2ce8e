"""The live session: athletes matched to sources, the round clock, streaming metrics, events.

`LiveSession.step(now_s)` polls every source for what is due, feeds each athlete's
trackers, writes the journal and publishes one event per HR reading (and one per batch of
new punches) to the hub; `run()` steps it on the wall clock (times `speed`) until every
source has ended (replays) or `stop()` is called, then finishes the punch streams and closes
the journals. Each event is a JSON object with at least `athlete`, `t_s`, `hr_bpm` and
`round` (0 in a rest), plus the clock, the HR metrics, punches and the towel.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from drago.analysis.punches.rounds import round_of
from drago.live.clock import RoundClock
from drago.live.detectors import STEP_S, HrTracker, Physiology, PunchStream
from drago.live.hub import LiveHub
from drago.live.journal import FLUSH_S, Header, Journal, Writer
from drago.live.sources import HrReading, ImuBatch, Source
from drago.live.towel import towel_state
from drago.vocab import HANDS

#: How often the session polls its sources (wall seconds).
TICK_S: Final = 0.02


@dataclass
class Athlete:
    """One athlete of the session and what is known of them."""

    name: str
    athlete_id: int
    physiology: Physiology
    stance: str = "orthodox"


@dataclass
class AthleteFeed:
    """An athlete's trackers, punch streams and journal during the session."""

    athlete: Athlete
    hr: HrTracker
    journal: Journal | None
    punches: dict[str, PunchStream] = field(default_factory=dict)
    ended: set[str] = field(default_factory=set)
    towel: dict[str, Any] | None = None
    towel_rounds: int = 0
    last_t_s: float = 0.0


class LiveSession:
    """See the module docstring."""

    def __init__(
        self,
        athletes: list[Athlete],
        sources: list[Source],
        clock: RoundClock,
        hub: LiveHub,
        *,
        start_utc: dict[str, datetime],
        journal_dir: Path | None = None,
        speed: float = 1.0,
        activity: str = "sparring",
    ) -> None:
        if not (math.isfinite(speed) and speed > 0):
            raise ValueError("speed must be positive")
        self.clock, self.hub, self.sources, self.speed = clock, hub, sources, speed
        self.feeds: dict[str, AthleteFeed] = {}
        self.writer = Writer() if journal_dir is not None else None
        stamp = time.strftime("%Y%m%dT%H%M%S")
        for a in athletes:
            start = start_utc[a.name]
            journal = None
            if journal_dir is not None:
                header = Header(
                    a.name,
                    a.athlete_id,
                    start,
                    clock.round_s,
                    clock.rest_s,
                    clock.rounds,
                    activity,
                    [s.label for s in sources if s.athlete == a.name],
                )
                path = journal_dir / f"{stamp}-{a.athlete_id}.jsonl"
                journal = Journal(path, header, self.writer)
            self.feeds[a.name] = AthleteFeed(a, HrTracker(a.physiology, clock, start), journal)
        self._stop = False
        self.t0_wall = 0.0
        self.now_s = 0.0
        #: What went through: HR readings, IMU samples, events published.
        self.counts = {"hr": 0, "imu": 0, "events": 0}
        self._streams = 0

    def stop(self) -> None:
        self._stop = True

    @property
    def finished(self) -> bool:
        end = self.clock.end_s()
        return (
            self._stop
            or all(s.done for s in self.sources)
            or (end is not None and self.now_s >= end)
        )

    def step(self, now_s: float, wall: float) -> int:
        """Poll and process everything due at session time `now_s`; events published."""
        self.now_s = now_s
        return sum(self.step_source(source, now_s, wall) for source in self.sources)

    def step_source(self, source: Source, now_s: float, wall: float) -> int:
        """Poll one source and process what is due; how many events were published."""
        published = 0
        feed = self.feeds[source.athlete]
        new_punches = False
        for item in source.poll(now_s):
            if isinstance(item, HrReading):
                feed.hr.push(item)
                self.counts["hr"] += 1
                if feed.journal is not None:
                    feed.journal.hr(item)
                self._publish(feed, item.t_s, wall, item.t_s, "hr")
                published += 1
            elif isinstance(item, ImuBatch):
                self.counts["imu"] += int(item.t_s.size)
                new_punches |= self._imu(feed, source.hand or "unknown", item)
        hand = source.hand or "unknown"
        if source.kind == "imu" and source.done and hand not in feed.ended:
            new_punches |= self._finish_hand(feed, hand)
        if new_punches:
            t_s = max(feed.last_t_s, now_s if not feed.hr.t else 0.0)
            self._publish(feed, t_s, wall, now_s, "punches")
            published += 1
        return published

    def _imu(self, feed: AthleteFeed, hand: str, batch: ImuBatch) -> bool:
        if feed.journal is not None:
            feed.journal.imu(hand, batch)
        stream = feed.punches.get(hand)
        if stream is None:
            self._streams += 1
            phase = (self._streams * 0.37) % 1.0 * STEP_S  # spread the squad's windows
            stream = PunchStream(
                hand if hand in HANDS else None,
                feed.athlete.stance,
                batch.rate_hz,
                phase,
            )
            feed.punches[hand] = stream
        return stream.push(batch)

    def _finish_hand(self, feed: AthleteFeed, hand: str) -> bool:
        feed.ended.add(hand)
        stream = feed.punches.get(hand)
        return stream.finish() if stream is not None else False

    @staticmethod
    def all_punches(feed: AthleteFeed) -> list[dict[str, Any]]:
        """The athlete's punches so far, both hands, in time order."""
        rows = [p for stream in feed.punches.values() for p in stream.punches]
        return sorted(rows, key=lambda p: float(p["t_s"]))

    def _publish(
        self, feed: AthleteFeed, t_s: float, wall: float, due_s: float, trigger: str
    ) -> None:
        now = self.clock.at(t_s)
        finished = now.round - (1 if now.phase == "work" else 0)
        punches = self.all_punches(feed)
        if finished > feed.towel_rounds and punches:
            feed.towel_rounds = finished
            feed.towel = towel_state(punches, feed.hr.t, feed.hr.hr, self.clock, finished)
        feed.last_t_s = t_s
        event: dict[str, Any] = {
            "athlete": feed.athlete.name,
            "athlete_id": feed.athlete.athlete_id,
            "t_s": round(t_s, 3),
            "round": now.round_now,
            "clock": now.as_dict(),
            **feed.hr.state(),
            "punches": self._punches(feed, punches, now.round),
            "towel": feed.towel,
            "trigger": trigger,
            "due_unix": self.t0_wall + due_s / self.speed,
            "sent_unix": wall,
        }
        self.counts["events"] += 1
        self.hub.publish(event)

    def _punches(
        self, feed: AthleteFeed, punches: list[dict[str, Any]], round_no: int
    ) -> dict[str, Any]:
        """This round's punches by hand and type, rate (per min of work) and mean power."""
        if not punches:
            return {
                "round": round_no,
                "n": 0,
                "by_hand": {},
                "by_type": {},
                "per_min": None,
                "power_au": None,
                "by_round": {},
            }
        import numpy as np

        t = np.array([p["t_s"] for p in punches])
        rounds = round_of(t, work_s=self.clock.round_s, rest_s=self.clock.rest_s)
        mine = [p for p, r in zip(punches, rounds.tolist(), strict=True) if r == round_no]
        by_round = Counter(int(r) for r in rounds.tolist() if r > 0)
        into = feed.last_t_s - (round_no - 1) * self.clock.cycle_s
        minutes = min(max(into, 1e-9), self.clock.round_s) / 60.0
        powers = [p["power_au"] for p in mine]
        return {
            "round": round_no,
            "n": len(mine),
            "by_hand": dict(Counter(str(p["hand"]) for p in mine)),
            "by_type": dict(Counter(str(p["type"]) for p in mine)),
            "per_min": round(len(mine) / minutes, 1) if round_no > 0 else None,
            "power_au": round(float(np.mean(powers)), 3) if powers else None,
            "by_round": {str(k): v for k, v in sorted(by_round.items())},
        }

    def flush(self) -> None:
        for feed in self.feeds.values():
            if feed.journal is not None:
                feed.journal.flush()

    def close(self) -> None:
        """Finish the punch streams and close the journals."""
        for feed in self.feeds.values():
            for hand in [h for h in feed.punches if h not in feed.ended]:
                self._finish_hand(feed, hand)
            if feed.journal is not None:
                feed.journal.close()
        if self.writer is not None:
            self.writer.close()
            self.writer = None
            for feed in self.feeds.values():
                if feed.journal is not None:
                    feed.journal.close_file()

    async def run(self) -> None:
        """Step on the wall clock until every source has ended or `stop()`."""
        self.t0_wall = time.time()
        start = time.monotonic()
        live = [s for s in self.sources if hasattr(s, "run")]
        tasks = [asyncio.create_task(s.run(start)) for s in live]  # type: ignore[attr-defined]
        last_flush = start
        try:
            hr_first = sorted(self.sources, key=lambda s: s.kind != "hr")
            while True:
                mono = time.monotonic()
                self.now_s = now_s = (mono - start) * self.speed
                for source in hr_first:  # HR first; the loop sends events between sources
                    if self.step_source(source, now_s, time.time()) or source.kind == "imu":
                        await asyncio.sleep(0)
                if mono - last_flush >= FLUSH_S:
                    self.flush()
                    last_flush = mono
                if self.finished:
                    break
                await asyncio.sleep(TICK_S)
        finally:
            for source in live:
                source.stop()  # type: ignore[attr-defined]
            await asyncio.gather(*tasks, return_exceptions=True)
            self.close()
            self.hub.close()
