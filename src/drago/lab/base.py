"""What every part of the lab shares: the store, and checks of what users type."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from drago.errors import UsageError
from drago.lab.memo import Memo
from drago.store import Store, edits

T = TypeVar("T")

#: Plausible ranges of the values a user types; outside them is a typo, not physiology.
RANGES: dict[str, tuple[float, float]] = {
    "hr_max_bpm": (100, 250),
    "hr_rest_bpm": (25, 120),
    "hr_threshold_bpm": (80, 240),
    "hr_threshold2_bpm": (80, 240),
    "rpe": (0, 10),
    "minutes": (1, 24 * 60),
    "birth_year": (1900, 2100),
}


def check_range(name: str, value: float | None) -> None:
    """Raise UsageError when a typed value is outside its plausible range."""
    if value is None:
        return
    low, high = RANGES[name]
    if not low <= value <= high:
        raise UsageError(f"{name.replace('_', ' ')} {value:g} is outside {low:g}-{high:g}")


def check_tz(tz: str) -> str:
    """A valid IANA time zone name, or UsageError."""
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UsageError(f"unknown time zone {tz!r}: use an IANA name like Europe/Moscow") from exc
    return tz


class LabBase:
    """The store a lab works on; every part of the lab is a mixin over it.

    The methods below are the ones mixins call on each other; `Lab` gets them from the mixin
    that owns them.
    """

    store: Store
    memo: Memo

    def memoised(self, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        """`compute()`, kept in the lab's memo while the store is unchanged (computed afresh
        inside a transaction, whose writes the store's state does not show yet)."""
        if self.store.in_transaction:
            return compute()
        return self.memo.get_or_compute((*key, self.store.state()), compute)

    def athletes(self, *, team: str | None = None) -> pl.DataFrame:
        raise NotImplementedError

    def load_series(self, name: str, *, until: date | None = None) -> pl.DataFrame:
        raise NotImplementedError

    def session_row(self, session_id: int) -> dict[str, Any]:
        """A session's stored row (a fresh copy), or NotFound; kept while the store is
        unchanged, since one page asks for it several times."""
        return dict(
            self.memoised(
                ("session_row", session_id), lambda: edits.session_row(self.store, session_id)
            )
        )

    def session_punches(
        self,
        session_id: int,
        *,
        stance: str | None = None,
        work_s: float = 180.0,
        rest_s: float = 60.0,
    ) -> dict[str, Any]:
        raise NotImplementedError

    def session_streams(self, session_id: int) -> pl.DataFrame:
        raise NotImplementedError

    def attached_lake(self) -> Path | None:
        raise NotImplementedError

    def lake_series(
        self, name: str, *, since: date | None = None, until: date | None = None
    ) -> pl.DataFrame:
        raise NotImplementedError

    def recompute_loads(
        self, *, athlete: str | None = None, session_ids: Sequence[int] | None = None
    ) -> int:
        raise NotImplementedError
