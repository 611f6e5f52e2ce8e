"""Fan-out of live events to the pages that follow them (Server-Sent Events).

The hub keeps the latest event of every athlete, so a page that connects (or reloads) gets
the whole screen at once, then every event as it is published. Queues are unbounded: a
slow page makes its own queue grow, nothing is dropped (a page that stays away is removed
when its connection closes).
"""

from __future__ import annotations

import asyncio
from typing import Any


class LiveHub:
    """Events of one live session, for every subscriber of this process's event loop."""

    def __init__(
        self, *, athletes: list[dict[str, Any]] | None = None, clock: dict[str, Any] | None = None
    ) -> None:
        self.latest: dict[str, dict[str, Any]] = {}
        self.athletes = athletes or []
        self.clock = clock or {}
        self.closed = False
        self.published = 0
        self._queues: set[asyncio.Queue[dict[str, Any] | None]] = set()

    def publish(self, event: dict[str, Any]) -> None:
        self.latest[str(event["athlete"])] = event
        self.published += 1
        for queue in self._queues:
            queue.put_nowait(event)

    def subscribe(self) -> asyncio.Queue[dict[str, Any] | None]:
        """A queue pre-filled with the latest event of each athlete (None ends it)."""
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        for event in self.latest.values():
            queue.put_nowait(event)
        if self.closed:
            queue.put_nowait(None)
        else:
            self._queues.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any] | None]) -> None:
        self._queues.discard(queue)

    @property
    def subscribers(self) -> int:
        return len(self._queues)

    def close(self) -> None:
        """The session has ended: every stream ends after what it holds."""
        self.closed = True
        for queue in self._queues:
            queue.put_nowait(None)
        self._queues.clear()
