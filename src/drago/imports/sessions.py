"""Recordings of sessions at import (FIT, TCX, GPX): decoded with HR summaries, stored whole."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from drago.analysis.plausibility import impossible_start
from drago.analysis.summary import session_hr_summary
from drago.errors import BadInput
from drago.imports.decoded import Candidate, Decoded, Failed, FileOutcome, ImportOptions, Sessions
from drago.ingest import read_bytes
from drago.store import Store
from drago.store.file_info import FileInfo
from drago.store.sessions import insert_recording


def claims(name: Path, head: bytes, options: ImportOptions) -> bool:
    """Every file no other kind claims is read as a recording of sessions (or refused)."""
    return True


def decode(candidate: Candidate, sha256: str, data: bytes, options: ImportOptions) -> Decoded:
    """Decode a recording and summarise its sessions (runs in a worker); never raises."""
    path = candidate.path
    try:
        recording = read_bytes(data, candidate.name, recover=options.recover)
    except BadInput as exc:
        return Failed(path, sha256, exc)
    except Exception as exc:  # a decoder bug must not stop the other files
        reason = f"internal error while decoding ({type(exc).__name__}: {exc})"
        return Failed(path, sha256, BadInput(path, reason))
    problem = impossible_start((s.start for s in recording.sessions), datetime.now(UTC))
    if problem is not None:
        return Failed(path, sha256, BadInput(path, problem))
    summary = session_hr_summary(recording.records)
    summaries = {row["session_index"]: row for row in summary.iter_rows(named=True)}
    return Sessions(path, sha256, data, recording, summaries)


def store(db: Store, athlete_id: int, decoded: Sessions, options: ImportOptions) -> FileOutcome:
    """Keep the original, then write every session of the recording in one transaction."""
    recording = decoded.recording
    info = FileInfo(
        sha256=decoded.sha256,
        format=recording.format,
        ext=recording.format,
        original_name=decoded.path.name,
        size_bytes=len(decoded.data),
    )
    db.originals.keep(decoded.data, info.sha256, info.ext)
    with db.transaction():
        ids = insert_recording(db, athlete_id, info, recording, decoded.summaries)
    reason = recording.recovery_reason if recording.recovered else None
    return FileOutcome(decoded.path, "imported", reason, ids)
