"""Bulk import: walk paths, decode on every core, and store each file in its own transaction.

Decoding (pure: bytes to `Recording`, plus the per-session summaries) runs in worker
processes; only the parent process writes, so the store sees one writer and each file lands
whole or not at all. Archives (`.zip`, nested zips) are listed while walking and each
recording inside is a file of its own; gzip is undone when the bytes are read (`ingest.archive`).
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from drago.analysis.hrv import HrvResult
from drago.analysis.summary import session_hr_summary
from drago.errors import BadInput
from drago.imu_import import decode_imu, store_imu
from drago.ingest import SNIFF_BYTES, archive, detect_format, imu, read_bytes, rr
from drago.ingest.imu import ImuRecording
from drago.ingest.rr import RRRecording
from drago.morning import decode_rr, store_rr
from drago.recording import Recording
from drago.store import Store
from drago.store.originals import sha256_hex
from drago.store.sessions import FileInfo, has_file, insert_recording, known_hashes
from drago.workers import die_with_parent

Status = Literal["imported", "already imported", "skipped", "failed"]

#: Names that are never recordings, whatever their content.
SKIP_SUFFIXES = frozenset(
    {".json", ".md", ".txt", ".csv", ".pdf", ".jpg", ".jpeg", ".png", ".html"}
)
#: Folders are decoded in worker processes from this many files on.
POOL_THRESHOLD = 4
#: Files decoded ahead of the writer, per worker (bounds memory on huge imports).
AHEAD_PER_WORKER = 4


@dataclass(frozen=True)
class ImportOptions:
    """How to import: `recover` damaged files; RR files `as_kind` "morning" or "activity"
    (default: by length), on local date `day` (default: the first beat's)."""

    recover: bool = False
    as_kind: str | None = None
    day: date | None = None
    hand: str | None = None


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
    rr: RRRecording | None = None
    hrv: HrvResult | None = None
    imu: ImuRecording | None = None


@dataclass(frozen=True)
class Candidate:
    """A file to decode: one on disk, or a member of an archive (`entry.info` set)."""

    entry: archive.Entry
    explicit: bool

    @property
    def path(self) -> Path:
        return self.entry.display


def walk(paths: Iterable[str | Path], workdir: Path) -> Iterator[Candidate | FileOutcome]:
    """Files named explicitly, every file under named folders and in archives, in name order.

    While walking a folder or an archive, hidden files and files that are plainly not
    recordings by name and content are yielded as skipped outcomes. Archives are listed, not
    read (nested zips are copied to `workdir`); one over the limits is a failed outcome.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                yield from _file(child, workdir, explicit=False)
        elif path.exists():
            yield from _file(path, workdir, explicit=True)
        else:
            yield FileOutcome(path, "failed", "no such file or folder")


def _file(path: Path, workdir: Path, *, explicit: bool) -> Iterator[Candidate | FileOutcome]:
    if not archive.is_zip(path):
        yield _classify(archive.Entry(path, path), explicit=explicit)
        return
    for item in archive.expand(path, workdir):
        if isinstance(item, archive.Refused):
            yield FileOutcome(item.display, "failed", item.reason)
        else:
            yield _classify(item, explicit=False)


def _classify(entry: archive.Entry, *, explicit: bool) -> Candidate | FileOutcome:
    """A candidate, or a skipped outcome for what is plainly not a recording."""
    if explicit:
        return Candidate(entry, explicit=True)
    name = archive.inner_name(entry.display)
    suffix = name.suffix.lower()
    try:
        head = archive.head(entry, SNIFF_BYTES)
    except OSError as exc:
        return FileOutcome(entry.display, "skipped", f"cannot read: {exc.strerror or exc}")
    module = detect_format(name, head)
    if module is not None and not (suffix in SKIP_SUFFIXES and not module.sniff(head)):
        return Candidate(entry, explicit=False)
    if rr.sniff(head):
        return Candidate(entry, explicit=False)
    return FileOutcome(entry.display, "skipped", f"not a recording ({suffix or 'no suffix'} file)")


def decode(candidate: Candidate, options: ImportOptions, known: frozenset[str]) -> Decoded:
    """Read (gunzip), hash and decode one file (runs in a worker); never raises for bad input.

    The hash is of the decompressed recording, so a file from an archive and the same file
    from the watch are one import.
    """
    path = candidate.path
    try:
        data = archive.read(candidate.entry)
    except BadInput as exc:
        return Decoded(path, "", error=exc)
    except Exception as exc:  # an unforeseen archive error must not stop the other files
        reason = f"internal error while reading ({type(exc).__name__}: {exc})"
        return Decoded(path, "", error=BadInput(path, reason))
    sha256 = sha256_hex(data)
    if sha256 in known:
        return Decoded(path, sha256)
    name = archive.inner_name(path)
    if options.hand is not None and imu.sniff(data[:SNIFF_BYTES]):
        return decode_imu(candidate, sha256, data)
    if options.as_kind == "morning" or (
        detect_format(name, data[:SNIFF_BYTES]) is None and rr.sniff(data[:SNIFF_BYTES])
    ):
        return decode_rr(path, name, sha256, data, options.as_kind)
    try:
        recording = read_bytes(data, name, recover=options.recover)
    except BadInput as exc:
        return Decoded(path, sha256, error=exc)
    except Exception as exc:  # a decoder bug must not stop the other files
        reason = f"internal error while decoding ({type(exc).__name__}: {exc})"
        return Decoded(path, sha256, error=BadInput(path, reason))
    summary = session_hr_summary(recording.records)
    summaries = {row["session_index"]: row for row in summary.iter_rows(named=True)}
    return Decoded(path, sha256, data, recording, summaries)


def store_decoded(
    store: Store, athlete_id: int, decoded: Decoded, options: ImportOptions | None = None
) -> FileOutcome:
    """Write one decoded file in one transaction, keeping its original first."""
    if decoded.error is not None:
        return FileOutcome(
            decoded.path, "failed", decoded.error.reason, recoverable=decoded.error.recoverable
        )
    if decoded.data is None or has_file(store, decoded.sha256):
        return FileOutcome(decoded.path, "already imported")
    if decoded.imu is not None:
        try:
            session_id = store_imu(
                store,
                athlete_id,
                decoded.path,
                decoded.sha256,
                decoded.data,
                decoded.imu,
                (options or ImportOptions()).hand or "unknown",
            )
        except BadInput as exc:
            return FileOutcome(decoded.path, "failed", exc.reason)
        return FileOutcome(decoded.path, "imported", None, [session_id])
    if decoded.rr is not None and decoded.hrv is not None:
        try:
            store_rr(
                store,
                athlete_id,
                decoded.path,
                decoded.sha256,
                decoded.data,
                decoded.rr,
                decoded.hrv,
                (options or ImportOptions()).day,
            )
        except BadInput as exc:
            return FileOutcome(decoded.path, "failed", exc.reason)
        return FileOutcome(decoded.path, "imported", "morning RR measurement")
    if decoded.recording is None:
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
    options: ImportOptions | None = None,
    progress: Callable[[FileOutcome, int], None] | None = None,
    workers: int | None = None,
) -> ImportReport:
    """Import files, folders and archives for one athlete; `progress(outcome, total)` after each.

    Every recording inside an archive counts as a file of its own.
    """
    with tempfile.TemporaryDirectory(prefix="drago-import-") as workdir:
        try:
            return _import(
                store,
                athlete_id,
                paths,
                options or ImportOptions(),
                progress,
                workers,
                Path(workdir),
            )
        finally:
            archive.close_cached()


def _import(
    store: Store,
    athlete_id: int,
    paths: Sequence[str | Path],
    options: ImportOptions,
    progress: Callable[[FileOutcome, int], None] | None,
    workers: int | None,
    workdir: Path,
) -> ImportReport:
    report = ImportReport()
    items = list(walk(paths, workdir))
    total = len(items)

    def done(outcome: FileOutcome) -> None:
        report.outcomes.append(outcome)
        if progress is not None:
            progress(outcome, total)

    candidates: list[Candidate] = []
    for item in items:
        if isinstance(item, FileOutcome):
            done(item)
        else:
            candidates.append(item)
    known = frozenset(known_hashes(store))
    n_workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    if len(candidates) < POOL_THRESHOLD or n_workers <= 1:
        for candidate in candidates:
            done(store_decoded(store, athlete_id, decode(candidate, options, known), options))
        return report
    queue = deque(candidates)
    while queue:
        _decode_in_pool(
            queue,
            options,
            known,
            n_workers,
            lambda d: done(store_decoded(store, athlete_id, d, options)),
        )
    return report


def _decode_in_pool(
    queue: deque[Candidate],
    options: ImportOptions,
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
        max_workers=n_workers,
        mp_context=context,
        initializer=_init_worker,
        initargs=(known, os.getpid()),
    ) as pool:
        pending: deque[tuple[Candidate, Future[Decoded]]] = deque()
        while queue or pending:
            while queue and len(pending) < AHEAD_PER_WORKER * n_workers:
                candidate = queue.popleft()
                pending.append((candidate, pool.submit(_decode_in_worker, candidate, options)))
            candidate, future = pending.popleft()
            try:
                decoded = future.result()
            except BrokenProcessPool:
                reason = "the decoder crashed on this file"
                handle(Decoded(candidate.path, "", error=BadInput(candidate.path, reason)))
                queue.extendleft(reversed([p for p, _ in pending]))
                return
            handle(decoded)


_KNOWN: frozenset[str] = frozenset()


def _init_worker(known: frozenset[str], parent_pid: int | None = None) -> None:
    global _KNOWN
    _KNOWN = known
    if parent_pid is not None:
        die_with_parent(parent_pid)  # a killed `drago import` leaves no workers behind


def _decode_in_worker(candidate: Candidate, options: ImportOptions) -> Decoded:
    return decode(candidate, options, _KNOWN)
