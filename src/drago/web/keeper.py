"""Taking turns at DuckDB's single writer: the server keeps the store warm while busy, and lets
go of it when idle and, under constant load, regularly for long enough that `drago import` in
another process gets its turn.

Every request still opens its own `Lab` and closes it (`app.lab_dependency`). Within one
process DuckDB shares one database instance between the connections to a file, so while the
keeper holds an extra "anchor" lab, a request's open costs ~2 ms and finds the cache warm,
instead of ~20-40 ms and a cold cache. The anchor is closed:

- after `linger_s` without a request (default 1 s), so the file is free whenever the dashboard
  is idle;
- after `hold_s` of continuous holding (default 5 s); then for `yield_s` (default 0.6 s, longer
  than the store's longest retry pause, 0.5 s) new requests wait before opening the store, so
  a `drago import` polling for the lock is certain to get it. A waiting CLI thus starts within
  about `hold_s + yield_s` even while the dashboard is hammered; requests arriving while the
  CLI holds the store wait for it (up to `$DRAGO_LOCK_TIMEOUT_S`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from drago.lab import Lab


def _env_s(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


class StoreKeeper:
    """Holds an anchor lab on `path` while requests come; see the module docstring."""

    def __init__(
        self,
        path: Path | None,
        opener: Callable[[Path | None], Lab],
        *,
        linger_s: float | None = None,
        hold_s: float | None = None,
        yield_s: float | None = None,
    ) -> None:
        self.path = path
        self.opener = opener
        self.linger_s = _env_s("DRAGO_WEB_LINGER_S", 1.0) if linger_s is None else linger_s
        self.hold_s = _env_s("DRAGO_WEB_HOLD_S", 5.0) if hold_s is None else hold_s
        self.yield_s = _env_s("DRAGO_WEB_YIELD_S", 0.6) if yield_s is None else yield_s
        self._lock = threading.Lock()
        self._anchor: Lab | None = None
        self._anchored_at = 0.0
        self._last_used = 0.0
        self._resume_at = 0.0
        self._stop = threading.Event()
        self._reaper: threading.Thread | None = None

    def before_request(self) -> None:
        """Wait out a yield window, then make sure the anchor is open (blocking while another
        process holds the store, like any open)."""
        with self._lock:
            now = time.monotonic()
            if self._anchor is not None and now - self._anchored_at > self.hold_s:
                self._release()
                self._resume_at = now + self.yield_s
            wait = self._resume_at - now
        if wait > 0:
            time.sleep(wait)
        with self._lock:
            if self.linger_s > 0 and self._anchor is None:
                self._anchor = self.opener(self.path)
                self._anchored_at = time.monotonic()
            self._last_used = time.monotonic()

    def after_request(self) -> None:
        with self._lock:
            self._last_used = time.monotonic()

    def _release(self) -> None:
        if self._anchor is not None:
            self._anchor.close()
            self._anchor = None

    def _reap(self) -> None:
        while not self._stop.wait(min(0.1, self.linger_s / 4 or 0.1)):
            with self._lock:
                if time.monotonic() - self._last_used > self.linger_s:
                    self._release()

    def start(self) -> None:
        """Start the thread that lets go of the store when idle."""
        if self._reaper is None:
            self._reaper = threading.Thread(target=self._reap, name="drago-store-keeper")
            self._reaper.daemon = True
            self._reaper.start()

    def stop(self) -> None:
        """Let go of the store for good (server shutdown)."""
        self._stop.set()
        if self._reaper is not None:
            self._reaper.join(5)
            self._reaper = None
        with self._lock:
            self._release()
