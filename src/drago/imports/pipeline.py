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
from pathlib import Path
from typing import assert_never

from drago.errors import BadInput, UsageError
from drago.imports import imu as imu_kind
from drago.imports import rr as rr_kind
from drago.imports import sessions as sessions_kind
from drago.imports.decoded import (
    Candidate,
    Decoded,
    Failed,
    FileOutcome,
    ImportOptions,
    ImportReport,
    Imu,
    Kind,
    Known,
    Morning,
    Sessions,
    Status,
)
from drago.ingest import SNIFF_BYTES, archive, detect_format, rr
from drago.store import Store
from drago.store.originals import sha256_hex
from drago.store.sessions import has_file, known_hashes
from drago.workers import die_with_parent

#: Names that are never recordings, whatever their content.
SKIP_SUFFIXES = frozenset(
    {".json", ".md", ".txt", ".csv", ".pdf", ".jpg", ".jpeg", ".png", ".html"}
)
#: Decoding moves to worker processes only from this many bytes of input on. The pool saves at
#: most the decode time and costs the workers' start-up (spawn, import drago, Polars and the
#: compiled FIT kernels): bench/measure_pool.py put the break-even at 30 MB on the 2-core
#: bench machine (2026-12-06, same-run ratio); twice that covers sending the recordings back
#: and the writer competing with the workers for the cores.
POOL_MIN_BYTES = 64 * 2**20
#: Files decoded ahead of the writer, per worker (bounds memory on huge imports).
AHEAD_PER_WORKER = 4


#: The kinds of file, in the order they are offered a file: the first that claims it decodes it.
KINDS: tuple[Kind, ...] = (imu_kind, rr_kind, sessions_kind)


def walk(
    paths: Iterable[str | Path], workdir: Path, budget: archive.Budget | None = None
) -> Iterator[Candidate | FileOutcome]:
    """Files named explicitly, every file under named folders and in archives, in name order.

    While walking a folder or an archive, hidden files and files that are plainly not
    recordings by name and content are yielded as skipped outcomes. Archives are listed, not
    read (nested zips are copied to `workdir`); one over the limits is a failed outcome.
    `budget`, when given, is spent by every archive of the walk (one bound for a request).
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                yield from _file(child, workdir, budget, explicit=False)
        elif path.exists():
            yield from _file(path, workdir, budget, explicit=True)
        else:
            yield FileOutcome(path, "failed", "no such file or folder")


def _file(
    path: Path, workdir: Path, budget: archive.Budget | None, *, explicit: bool
) -> Iterator[Candidate | FileOutcome]:
    if not archive.is_zip(path):
        yield _classify(archive.Entry(path, path), explicit=explicit)
        return
    for item in archive.expand(path, workdir, budget):
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
        return Failed(path, "", exc)
    except Exception as exc:  # an unforeseen archive error must not stop the other files
        reason = f"internal error while reading ({type(exc).__name__}: {exc})"
        return Failed(path, "", BadInput(path, reason))
    sha256 = sha256_hex(data)
    if sha256 in known:
        return Known(path, sha256)
    head = data[:SNIFF_BYTES]
    kind = next(k for k in KINDS if k.claims(candidate.name, head, options))
    return kind.decode(candidate, sha256, data, options)


def store_decoded(
    store: Store, athlete_id: int, decoded: Decoded, options: ImportOptions | None = None
) -> FileOutcome:
    """Write one decoded file with its kind's handler (one transaction, original kept first)."""
    options = options or ImportOptions()
    if isinstance(decoded, Failed):
        error = decoded.error
        return FileOutcome(decoded.path, "failed", error.reason, recoverable=error.recoverable)
    if isinstance(decoded, Known) or has_file(store, decoded.sha256, athlete_id):
        return FileOutcome(decoded.path, "already imported")
    if isinstance(decoded, Sessions):
        return sessions_kind.store(store, athlete_id, decoded, options)
    if isinstance(decoded, Morning):
        return rr_kind.store(store, athlete_id, decoded, options)
    if isinstance(decoded, Imu):
        return imu_kind.store(store, athlete_id, decoded, options)
    assert_never(decoded)


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
    budget = _request_budget(options)
    items = list(walk(paths, workdir, budget))
    if budget is not None:
        _check_request(budget, items)
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
    known = frozenset(known_hashes(store, athlete_id))
    if workers is None:
        pays = sum(_size(c) for c in candidates) >= POOL_MIN_BYTES
        n_workers = min(2, os.cpu_count() or 1) if pays else 1
    else:
        n_workers = workers
    if len(candidates) < 2 or n_workers <= 1:
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


def _request_budget(options: ImportOptions) -> archive.Budget | None:
    """One budget for every archive of a request with limits, else None (per archive)."""
    if options.max_files is None and options.max_bytes is None:
        return None
    return archive.Budget(
        max_bytes=options.max_bytes if options.max_bytes is not None else archive.MAX_ARCHIVE_BYTES,
        max_entries=options.max_files if options.max_files is not None else archive.MAX_ENTRIES,
        scope="upload",
    )


def _check_request(budget: archive.Budget, items: list[Candidate | FileOutcome]) -> None:
    """Raise UsageError, before anything is decoded, when the request's recordings (archives
    expanded) are more or larger than its budget allows."""
    plain = [i for i in items if isinstance(i, Candidate) and i.entry.info is None]
    files = budget.entries + len(plain)
    size = budget.bytes + sum(_size(c) for c in plain)
    if files > budget.max_entries or size > budget.max_bytes:
        raise UsageError(
            f"upload refused: {files:,} files ({size / 2**20:,.0f} MiB expanded), over the "
            f"limit of {budget.max_entries:,} files or {budget.max_bytes / 2**20:,.0f} MiB per "
            "upload; send fewer at once or import with the drago CLI"
        )


def _size(candidate: Candidate) -> int:
    """Bytes of a candidate (a zip member's uncompressed size); 0 when it cannot be read."""
    entry = candidate.entry
    if entry.info is not None:
        return int(entry.info.file_size)
    try:
        return entry.file.stat().st_size
    except OSError:
        return 0


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
                handle(Failed(candidate.path, "", BadInput(candidate.path, reason)))
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


__all__ = [
    "KINDS",
    "Candidate",
    "Decoded",
    "FileOutcome",
    "ImportOptions",
    "ImportReport",
    "Status",
    "decode",
    "import_paths",
    "store_decoded",
    "walk",
]
