"""One exception family: every error a user can cause is a `DragoError` with one human sentence."""

from __future__ import annotations

from pathlib import Path


class DragoError(Exception):
    """Base of every error drago raises on purpose; the CLI prints it as one line."""


class BadInput(DragoError):
    """A file or value that cannot be imported, with the reason in one line.

    `recoverable` is true when the damage leaves whole messages that `--recover` can import.
    """

    def __init__(self, path: str | Path | None, reason: str, *, recoverable: bool = False) -> None:
        self.path = None if path is None else str(path)
        self.reason = reason
        self.recoverable = recoverable
        super().__init__(f"{self.path}: {reason}" if self.path else reason)

    def __reduce__(self) -> tuple[type[BadInput], tuple[str | None, str], dict[str, bool]]:
        return (type(self), (self.path, self.reason), {"recoverable": self.recoverable})


class ReadOnly(DragoError):
    """A change asked of a store that can only be read: asking again will not help until the
    store is writable (the web answers 503 without `Retry-After`)."""


class UsageError(DragoError):
    """A command used wrongly: an unknown athlete, a value out of range (exit code 2)."""


class ImplausibleValue(BadInput, UsageError):
    """A typed value no body produces (HR max below rest, NaN, a log dated next week).

    Both a `BadInput` (the Python API's refusal of a value) and a `UsageError` (exit 2 in the
    CLI); the API answers it with 422.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(None, reason)

    def __reduce__(self) -> tuple[type[BadInput], tuple[str | None, str], dict[str, bool]]:
        return (BadInput, (None, self.reason), {"recoverable": False})  # one line survives


class NotFound(UsageError):
    """Something named that does not exist (an athlete, a session)."""


class Conflict(UsageError):
    """Something that already exists, such as an athlete of the same name."""
