"""RR files at import: a morning measurement (the default up to 10 minutes) or an activity.

A morning measurement is stored for the athlete's local date of its first beat (or the date
given), with its raw beats and its HRV (artefact-corrected, quality-gated: see docs/hrv.md).
A longer RR recording, or one imported `--as activity`, becomes a session holding an RR
stream.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from drago.analysis.hrv import HrvResult, hrv_analyse
from drago.errors import BadInput
from drago.imports.decoded import (
    Candidate,
    Decoded,
    Failed,
    FileOutcome,
    ImportOptions,
    Morning,
    Sessions,
)
from drago.ingest import detect_format, rr
from drago.ingest.rr import RRRecording, parse_rr
from drago.recording import RECORD_SCHEMA, RR_SCHEMA, Recording, SessionMeta, empty_frame
from drago.store import Store
from drago.store.athletes import athlete_tz
from drago.store.readiness import insert_file_row, insert_measurement

#: Suffixes an RR original keeps (anything else is kept as `.rr`).
RR_EXTS = frozenset({"hrm", "csv", "txt", "rr", "fit"})


def claims(name: Path, head: bytes, options: ImportOptions) -> bool:
    """RR when asked for a morning measurement, or when no session format reads it but RR does."""
    return options.as_kind == "morning" or (detect_format(name, head) is None and rr.sniff(head))


def decode(candidate: Candidate, sha256: str, data: bytes, options: ImportOptions) -> Decoded:
    """Decode an RR file (runs in a worker); never raises for bad input."""
    path = candidate.path
    name = candidate.name
    try:
        beats = parse_rr(data, name)
        kind = options.as_kind or ("morning" if beats.is_morning else "activity")
        if kind == "morning":
            return Morning(path, sha256, data, beats, hrv_analyse(beats.rr_ms))
        return Sessions(path, sha256, data, _as_session(beats, name))
    except BadInput as exc:
        return Failed(path, sha256, BadInput(path, exc.reason))


def store(db: Store, athlete_id: int, decoded: Morning, options: ImportOptions) -> FileOutcome:
    """Store a morning measurement: its outcome (failed when the file gives no date)."""
    try:
        store_rr(
            db,
            athlete_id,
            decoded.path,
            decoded.sha256,
            decoded.data,
            decoded.rr,
            decoded.hrv,
            options.day,
        )
    except BadInput as exc:
        return FileOutcome(decoded.path, "failed", exc.reason)
    return FileOutcome(decoded.path, "imported", "morning RR measurement")


def _as_session(rr: RRRecording, name: Path) -> Recording:
    start = rr.start or (rr.start_local.replace(tzinfo=UTC) if rr.start_local else None)
    if start is None:
        raise BadInput(name, "an RR activity needs a start time and this file gives none")
    frame = pl.DataFrame({"session_index": [0] * rr.n_beats, "rr_ms": rr.rr_ms}, schema=RR_SCHEMA)
    meta = SessionMeta(0, start, rr.duration_s, "other", sport="rr", device=rr.device)
    return Recording("rr", [meta], empty_frame(RECORD_SCHEMA), rr=frame, device=rr.device)


def store_rr(
    store: Store,
    athlete_id: int,
    path: Path,
    sha256: str,
    data: bytes,
    rr: RRRecording,
    hrv: HrvResult,
    day: object,
) -> int:
    """Keep the original and store one morning measurement, in one transaction."""
    tz = ZoneInfo(athlete_tz(store, athlete_id))
    when = day if day is not None else rr.local_date(tz)
    if when is None:
        raise BadInput(path, "the file gives no date: rerun with --date YYYY-MM-DD")
    start = rr.start or (
        datetime.combine(rr.start_local.date(), rr.start_local.time(), tzinfo=tz)
        if rr.start_local
        else None
    )
    suffix = path.suffix.lower().lstrip(".")
    ext = suffix if suffix in RR_EXTS else "rr"
    fields = {
        "athlete_id": athlete_id,
        "date": when,
        "start_utc": start.astimezone(UTC).replace(tzinfo=None) if start else None,
        "source_sha256": sha256,
        "format": rr.format,
        "unit_detected": rr.unit_detected,
        "n_beats": hrv.n_beats,
        "duration_s": hrv.duration_s,
        "artefact_pct": hrv.artefact_pct,
        "reliable": hrv.reliable,
        "reason": hrv.reason,
        "correction": hrv.correction,
        "mean_rr_ms": hrv.mean_rr_ms,
        "mean_hr_bpm": hrv.mean_hr_bpm,
        "rmssd_ms": hrv.rmssd_ms,
        "ln_rmssd": hrv.ln_rmssd,
        "sdnn_ms": hrv.sdnn_ms,
        "pnn50_pct": hrv.pnn50_pct,
    }
    store.originals.keep(data, sha256, ext)
    with store.transaction():
        insert_file_row(store, sha256, "rr", ext, path.name, len(data), athlete_id)
        return insert_measurement(store, fields, rr.rr_ms)


__all__ = ["claims", "decode", "store", "store_rr"]
