"""Bulk import: walk paths, decode on every core, and store each file in its own transaction.

Decoding (pure: bytes to `Recording`, plus the per-session summaries) runs in worker
processes; only the parent process writes, so the store sees one writer and each file lands
whole or not at all.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from drago.analysis.summary import session_hr_summary
from drago.errors import BadInput
from drago.ingest import SNIFF_BYTES, detect_format, read_file
from drago.recording import Recording
from drago.store import Store
from drago.store.originals import sha256_hex
from drago.store.sessions import FileInfo, has_file, insert_recording, known_hashes

Status = Literal["imported", "already imported", "skipped", "failed"]

#: Names that are never recordings, whatever their content.
SKIP_SUFFIXES = frozenset(
    {".json", ".md", ".txt", ".csv", ".pdf", ".jpg", ".jpeg", ".png", ".html"}
)
#: Folders are decoded in worker processes from this many files on.
POOL_THRESHOLD = 4
#: Files decoded ahead of the writer, per worker (bounds memory on huge imports).
AHEAD_PER_WORKER = 4


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


@dataclass
class Decoded:
    """A worker's answer: the file's bytes hash and its recording (or why not)."""

    path: Path
    sha256: str
    data: bytes | None = None
    recording: Recording | None = None
    summaries: dict[int, dict[str, float | None]] = field(default_factory=dict)
    error: BadInput | None = None


@dataclass(frozen=True)
class Candidate:
    path: Path
    explicit: bool


def walk(paths: Iterable[str | Path]) -> Iterator[Candidate | FileOutcome]:
    """Files named explicitly, and every file under named folders, in name order.

    While walking a folder, hidden files and files that are plainly not recordings by name and
    content are yielded as skipped outcomes.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                reason = _not_a_recording(child)
                if reason:
                    yield FileOutcome(child, "skipped", reason)
                else:
                    yield Candidate(child, explicit=False)
        elif path.exists():
            yield Candidate(path, explicit=True)
        else:
            yield FileOutcome(path, "failed", "no such file or folder")


def _not_a_recording(path: Path) -> str | None:
    suffix = path.suffix.lower()
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    module = detect_format(path, head)
    if module is not None and not (suffix in SKIP_SUFFIXES and not module.sniff(head)):
        return None
    return f"not a recording ({suffix or 'no suffix'} file)"


def decode(path: Path, recover: bool, known: frozenset[str]) -> Decoded:
    """Hash and decode one file (runs in a worker); never raises for bad input."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Decoded(path, "", error=BadInput(path, f"cannot read: {exc.strerror or exc}"))
    sha256 = sha256_hex(data)
    if sha256 in known:
        return Decoded(path, sha256)
    try:
        recording = read_file(path, recover=recover)
    except BadInput as exc:
        return Decoded(path, sha256, error=exc)
    except Exception as exc:  # a decoder bug must not stop the other files
        reason = f"internal error while decoding ({type(exc).__name__}: {exc})"
        return Decoded(path, sha256, error=BadInput(path, reason))
    summary = session_hr_summary(recording.records)
    summaries = {row["session_index"]: row for row in summary.iter_rows(named=True)}
    return Decoded(path, sha256, data, recording, summaries)


def store_decoded(store: Store, athlete_id: int, decoded: Decoded) -> FileOutcome:
    """Write one decoded file in one transaction, keeping its original first."""
    if decoded.error is not None:
        return FileOutcome(
            decoded.path, "failed", decoded.error.reason, recoverable=decoded.error.recoverable
        )
    if decoded.recording is None or decoded.data is None or has_file(store, decoded.sha256):
        return FileOutcome(decoded.path, "already imported")
    recording = decoded.recording
    info = FileInfo(
        sha256=decoded.sha256,
        format=recording.format,
        ext=recording.format,
        original_name=decoded.path.name,
        size_bytes=len(decoded.data),
    )
    store.originals.keep(decoded.data, info.sha256, info.ext)
    with store.transaction():
        ids = insert_recording(store, athlete_id, info, recording, decoded.summaries)
    reason = recording.recovery_reason if recording.recovered else None
    return FileOutcome(decoded.path, "imported", reason, ids)


def import_paths(
    store: Store,
    athlete_id: int,
    paths: Sequence[str | Path],
    *,
    recover: bool = False,
    progress: Callable[[FileOutcome, int], None] | None = None,
    workers: int | None = None,
) -> ImportReport:
    """Import files and folders for one athlete; `progress(outcome, total)` after each file."""
    report = ImportReport()
    items = list(walk(paths))
    total = len(items)

    def done(outcome: FileOutcome) -> None:
        report.outcomes.append(outcome)
        if progress is not None:
            progress(outcome, total)

    candidates = []
    for item in items:
        if isinstance(item, FileOutcome):
            done(item)
        else:
            candidates.append(item.path)
    known = frozenset(known_hashes(store))
    n_workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    if len(candidates) < POOL_THRESHOLD or n_workers <= 1:
        for path in candidates:
            done(store_decoded(store, athlete_id, decode(path, recover, known)))
        return report
    queue = deque(candidates)
    while queue:
        _decode_in_pool(
            queue, recover, known, n_workers, lambda d: done(store_decoded(store, athlete_id, d))
        )
    return report


def _decode_in_pool(
    queue: deque[Path],
    recover: bool,
    known: frozenset[str],
    n_workers: int,
    handle: Callable[[Decoded], None],
) -> None:
    """Decode files from `queue` in worker processes, handing each result over in order.

    A worker that dies (which no decoder should make happen) fails only the file it was on:
    the pool is then rebuilt by the caller for the files still queued.
    """
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=n_workers, mp_context=context, initializer=_init_worker, initargs=(known,)
    ) as pool:
        pending: deque[tuple[Path, Future[Decoded]]] = deque()
        while queue or pending:
            while queue and len(pending) < AHEAD_PER_WORKER * n_workers:
                path = queue.popleft()
                pending.append((path, pool.submit(_decode_in_worker, path, recover)))
            path, future = pending.popleft()
            try:
                decoded = future.result()
            except BrokenProcessPool:
                reason = "the decoder crashed on this file"
                handle(Decoded(path, "", error=BadInput(path, reason)))
                queue.extendleft(reversed([p for p, _ in pending]))
                return
            handle(decoded)


_KNOWN: frozenset[str] = frozenset()


def _init_worker(known: frozenset[str]) -> None:
    global _KNOWN
    _KNOWN = known


def _decode_in_worker(path: Path, recover: bool) -> Decoded:
    return decode(path, recover, _KNOWN)
