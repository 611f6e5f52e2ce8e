"""What the import pipeline passes between stages: options, candidates, decode results, outcomes.

A decode result is one of a few tagged kinds (`Failed`, `Known`, `Sessions`, `Morning`, `Imu`),
each carrying exactly what its store handler needs; `pipeline.store_decoded` hands each kind to
its own handler. Nothing here reads files or touches the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal, Protocol

from drago.analysis.hrv import HrvResult
from drago.errors import BadInput
from drago.ingest import archive
from drago.ingest.imu import ImuRecording
from drago.ingest.rr import RRRecording
from drago.recording import Recording

Status = Literal["imported", "already imported", "skipped", "failed"]


@dataclass(frozen=True)
class ImportOptions:
    """How to import: `recover` damaged files; RR files `as_kind` "morning" or "activity"
    (default: by length), on local date `day` (default: the first beat's); at most
    `max_files` recordings and `max_bytes` of them, archives expanded, in the whole request
    (None: only the limits per archive), else nothing is imported."""

    recover: bool = False
    as_kind: str | None = None
    day: date | None = None
    hand: str | None = None
    max_files: int | None = None
    max_bytes: int | None = None


@dataclass
class FileOutcome:
    """What happened to one file."""

    path: Path
    status: Status
    reason: str | None = None
    session_ids: list[int] = field(default_factory=list)
    recoverable: bool = False


@dataclass
class ImportReport:
    """Every file's outcome, in the order they finished."""

    outcomes: list[FileOutcome] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def n_sessions(self) -> int:
        return sum(len(outcome.session_ids) for outcome in self.outcomes)

    @property
    def failed(self) -> bool:
        return self.count("failed") > 0


@dataclass(frozen=True)
class Candidate:
    """A file to decode: one on disk, or a member of an archive (`entry.info` set)."""

    entry: archive.Entry
    explicit: bool

    @property
    def path(self) -> Path:
        return self.entry.display

    @property
    def name(self) -> Path:
        """The name its format is told by: without a `.gz` suffix."""
        return archive.inner_name(self.entry.display)


@dataclass(frozen=True)
class Failed:
    """A file that could not be read or decoded (`sha256` empty when not even read)."""

    path: Path
    sha256: str
    error: BadInput


@dataclass(frozen=True)
class Known:
    """A file whose bytes the store already holds."""

    path: Path
    sha256: str


@dataclass(frozen=True)
class Sessions:
    """A recording of one or more sessions (FIT, TCX, GPX, or an RR activity)."""

    path: Path
    sha256: str
    data: bytes
    recording: Recording
    summaries: dict[int, dict[str, float | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class Morning:
    """A morning RR measurement and its HRV."""

    path: Path
    sha256: str
    data: bytes
    rr: RRRecording
    hrv: HrvResult


@dataclass(frozen=True)
class Imu:
    """A glove or wrist IMU recording."""

    path: Path
    sha256: str
    data: bytes
    imu: ImuRecording


#: A worker's answer for one file: exactly one of these kinds.
Decoded = Failed | Known | Sessions | Morning | Imu


def failed(path: Path, sha256: str, reason: str) -> Failed:
    """A `Failed` result with a one-line reason."""
    return Failed(path, sha256, BadInput(path, reason))


class Kind(Protocol):
    """The shape of one kind of import (a module: `imports.sessions`, `imports.rr`...)."""

    def claims(self, name: Path, head: bytes, options: ImportOptions) -> bool:
        """True when this kind takes the file named `name` that starts with `head`."""

    def decode(
        self, candidate: Candidate, sha256: str, data: bytes, options: ImportOptions
    ) -> Decoded:
        """Decode the file (in a worker); never raises for bad input."""
