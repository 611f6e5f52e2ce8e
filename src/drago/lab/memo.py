"""Derived frames (daily series, readiness) kept while the store is unchanged.

A lab computes an athlete's five-year daily series in tens of milliseconds; a dashboard asks
for it on every page. A `Memo` keeps such answers keyed by the store's state, so they are
computed once per change of the data. One memo may be shared by every lab of a process (the
web server does): the state then has to see writes made by other labs and other processes,
which is why it includes the database file's and write-ahead log's size and modification time
(DuckDB writes one of them on every commit and neither on reads).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class Memo:
    """A bounded, thread-safe map of derived values, least recently used dropped first."""

    def __init__(self, max_entries: int = 256) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            if key not in self._items:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return self._items[key]

    def put(self, key: Hashable, value: T) -> T:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)
        return value

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value under `key`, computed (outside the lock) when missing."""
        found = self.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        return self.put(key, compute())

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
