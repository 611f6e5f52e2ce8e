"""What every lab service shares: the store, the memo of derived frames, and the caller.

A `Lab` opens one `LabContext` and builds its services over it (`drago.lab.Lab`). The caller
is who the answers are for: `visible` is the set of athlete ids they may see (None: all, an
admin or the local lab) and `role` their account's role (team mode, `drago.lab.scoped`).
Listings filter by it where they fetch their rows, so an answer never holds what the caller
may not see, whichever service gathered it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import NamedTuple, TypeVar

from drago.errors import DragoError
from drago.lab.memo import Memo
from drago.store import Store

T = TypeVar("T")


class Forbidden(DragoError):
    """Something a caller may see but not change (HTTP 403)."""


class LabContext(NamedTuple):
    """The store a lab works on, its memo, and the caller (see the module docstring); a named
    tuple, not a frozen dataclass: as immutable, and creating the class costs every command a
    fifth of the dataclass's 1 ms of CPU (issue 19)."""

    store: Store
    memo: Memo
    visible: frozenset[int] | None = None
    role: str | None = None

    def memoised(self, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        """`compute()`, kept in the memo while the store is unchanged (computed afresh inside
        a transaction, whose writes the store's state does not show yet)."""
        if self.store.in_transaction:
            return compute()
        return self.memo.get_or_compute((*key, self.store.state()), compute)

    def may_see(self, athlete_id: int | None) -> bool:
        """True when the caller may see athlete `athlete_id` (None, no athlete: False)."""
        return athlete_id is not None and (self.visible is None or athlete_id in self.visible)


class Service:
    """One family of lab operations over a `LabContext`; a service that uses another gets it
    in its constructor (`drago.lab.Lab` builds them in order, so there are no cycles)."""

    def __init__(self, ctx: LabContext) -> None:
        self.ctx = ctx

    @property
    def store(self) -> Store:
        return self.ctx.store

    @property
    def memo(self) -> Memo:
        return self.ctx.memo
