"""An athlete's data, whole: exported to take away, or erased without a trace."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from drago.errors import DragoError
from drago.store import accounts as account_rows
from drago.store import audit as audit_rows
from drago.store import camp as camp_rows
from drago.store import outputs
from drago.store.db import Store

#: Per-athlete tables and the query that selects that athlete's rows (`?` = athlete id).
ATHLETE_TABLES: dict[str, str] = {
    "athlete_values": "SELECT * FROM athlete_values WHERE athlete_id = ? ORDER BY name, valid_from",
    "sessions": "SELECT * FROM sessions WHERE athlete_id = ? ORDER BY start_utc, id",
    "files": "SELECT * FROM files WHERE athlete_id = ? ORDER BY imported_utc",
    "records": "SELECT r.* FROM records r JOIN sessions s ON s.id = r.session_id "
    "WHERE s.athlete_id = ? ORDER BY r.session_id, r.ts_utc",
    "laps": "SELECT l.* FROM laps l JOIN sessions s ON s.id = l.session_id "
    "WHERE s.athlete_id = ? ORDER BY l.session_id, l.lap_index",
    "rr_intervals": "SELECT r.* FROM rr_intervals r JOIN sessions s ON s.id = r.session_id "
    "WHERE s.athlete_id = ? ORDER BY r.session_id, r.beat_index",
    "imu_samples": "SELECT i.* FROM imu_samples i JOIN sessions s ON s.id = i.session_id "
    "WHERE s.athlete_id = ? ORDER BY i.session_id, i.sensor, i.ts_utc",
    "rr_measurements": "SELECT * FROM rr_measurements WHERE athlete_id = ? ORDER BY date, id",
    "measurement_rr": "SELECT b.* FROM measurement_rr b JOIN rr_measurements m "
    "ON m.id = b.measurement_id WHERE m.athlete_id = ? ORDER BY b.measurement_id, b.beat_index",
    "wellness": "SELECT * FROM wellness WHERE athlete_id = ? ORDER BY date",
    "performance_tests": "SELECT * FROM performance_tests WHERE athlete_id = ? ORDER BY date",
    "body_mass": "SELECT * FROM body_mass WHERE athlete_id = ? ORDER BY date",
    "suspensions": "SELECT * FROM suspensions WHERE athlete_id = ? ORDER BY first_day",
    "fights": "SELECT * FROM fights WHERE ? IN (red_athlete_id, blue_athlete_id) ORDER BY date",
}
#: Tables whose rows hang off a session, deleted before the sessions themselves.
STREAM_TABLES = ("records", "laps", "rr_intervals", "imu_samples")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


#: Formats an athlete's tables are exported in.
EXPORT_FORMATS = ("parquet", "csv")


def write_table(frame: pl.DataFrame, target: Path, fmt: str) -> None:
    """One table as Parquet, or as CSV (RFC 4180; lists as `;`-separated text, instants in
    UTC ISO 8601, as every drago listing writes them)."""
    if fmt == "parquet":
        frame.write_parquet(target)
        return
    flat = frame.with_columns(
        pl.col(name).list.eval(pl.element().cast(pl.String)).list.join(";")
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.List)
    )
    flat.write_csv(target)


def export_athlete(
    store: Store,
    athlete_id: int,
    out: Path,
    extra: dict[str, Any] | None = None,
    *,
    fmt: str = "parquet",
) -> dict[str, Any]:
    """Write every table's rows of one athlete as Parquet (or CSV: `fmt`), their originals,
    and a manifest.

    `extra` maps more table file names to frames (e.g. the daily series) written alongside.
    Returns the manifest (also written as `manifest.json`, with a SHA-256 per file). Written
    whole or not at all: in a hidden folder beside `out`, renamed to `out` (new or empty)
    when complete (`outputs`).
    """
    partial = outputs.hidden(out)
    outputs.discard_folder(partial)  # left by a process killed while exporting
    try:
        partial.mkdir(parents=True)
        manifest = _export(store, athlete_id, partial, extra, fmt)
        if out.is_dir():
            out.rmdir()  # new or empty (the caller checked): the export takes its place
        partial.rename(out)
    except BaseException as exc:
        outputs.discard_folder(partial)
        if isinstance(exc, OSError) and (typed := outputs.as_typed(exc, out, partial)):
            raise typed from exc
        raise
    return manifest


def _export(
    store: Store, athlete_id: int, out: Path, extra: dict[str, Any] | None, fmt: str
) -> dict[str, Any]:
    written: list[Path] = []
    counts: dict[str, int] = {}
    for table, query in ATHLETE_TABLES.items():
        frame = store.frame(query, [athlete_id])
        counts[table] = frame.height
        target = out / f"{table}.{fmt}"
        write_table(frame, target, fmt)
        written.append(target)
    for name, frame in (extra or {}).items():
        target = out / f"{name}.{fmt}"
        write_table(frame, target, fmt)
        counts[name] = frame.height
        written.append(target)
    profile = store.frame("SELECT * FROM athletes WHERE id = ?", [athlete_id]).to_dicts()[0]
    (out / "athlete.json").write_text(json.dumps(profile, indent=2, default=str) + "\n")
    written.append(out / "athlete.json")
    originals = out / "originals"
    originals.mkdir(exist_ok=True)
    for sha, ext in store.run("SELECT sha256, ext FROM files WHERE athlete_id = ?", [athlete_id]):
        source = store.originals.path_for(sha, ext)
        target = originals / source.name
        shutil.copyfile(source, target)
        written.append(target)
    manifest = {
        "athlete": profile["name"],
        "exported_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "schema_version": store.schema_version,
        "rows": counts,
        "files": [
            {
                "path": path.relative_to(out).as_posix(),
                "bytes": path.stat().st_size,
                "sha256": sha256_file(path),
            }
            for path in written
        ],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def delete_athlete_rows(store: Store, athlete_id: int) -> tuple[dict[str, int], list[Path]]:
    """Delete every row of one athlete (in the caller's transaction).

    Returns the rows removed per table and the originals to remove once committed (those no
    other athlete's file row shares).
    """
    removed: dict[str, int] = {}
    only_theirs = (
        "SELECT sha256, ext FROM files WHERE athlete_id = ? AND sha256 NOT IN "
        "(SELECT sha256 FROM files WHERE athlete_id <> ?)"
    )
    originals = [
        store.originals.path_for(sha, ext)
        for sha, ext in store.run(only_theirs, [athlete_id, athlete_id])
    ]
    for table in STREAM_TABLES:
        of_athlete = "session_id IN (SELECT id FROM sessions WHERE athlete_id = ?)"
        row = store.one(f"SELECT count(*) FROM {table} WHERE {of_athlete}", [athlete_id])
        store.run(f"DELETE FROM {table} WHERE {of_athlete}", [athlete_id])
        removed[table] = int(row[0]) if row else 0
    of_measurements = "measurement_id IN (SELECT id FROM rr_measurements WHERE athlete_id = ?)"
    row = store.one(f"SELECT count(*) FROM measurement_rr WHERE {of_measurements}", [athlete_id])
    store.run(f"DELETE FROM measurement_rr WHERE {of_measurements}", [athlete_id])
    removed["measurement_rr"] = int(row[0]) if row else 0
    removed |= camp_rows.delete_athlete_rows(store, athlete_id)
    name_row = store.one("SELECT name FROM athletes WHERE id = ?", [athlete_id])
    if name_row is not None:
        removed["audit (names erased)"] = audit_rows.forget_athlete(
            store, athlete_id, str(name_row[0])
        )
    removed["users"] = account_rows.remove_athlete_accounts(store, athlete_id)
    for table, column in (
        ("rr_measurements", "athlete_id"),
        ("wellness", "athlete_id"),
        ("sessions", "athlete_id"),
        ("files", "athlete_id"),
        ("athlete_values", "athlete_id"),
        ("athletes", "id"),
    ):
        row = store.one(f"SELECT count(*) FROM {table} WHERE {column} = ?", [athlete_id])
        store.run(f"DELETE FROM {table} WHERE {column} = ?", [athlete_id])
        removed[table] = int(row[0]) if row else 0
    return removed, originals


def remove_files(paths: list[Path]) -> int:
    """Remove files (originals of deleted data); returns how many were there."""
    count = 0
    for path in paths:
        if path.exists():
            os.remove(path)
            count += 1
    return count


#: Room beyond the store's size an erasure asks for (DuckDB's checkpoint, the new file's own
#: headers and metadata, blocks compressed less well): a tenth more and 1 MiB, drago convention.
COMPACT_MARGIN_BYTES = 1024 * 1024


def check_room_to_compact(store: Store, what: str) -> None:
    """Refuse an erasure, before anything is erased, when the store's disk lacks the room to
    rewrite the store (`Store.compact` copies it whole): erased rows whose bytes stay in the
    file, and a rerun that no longer finds what to erase, would break the promise of erasure."""
    used = sum(
        path.stat().st_size for path in (store.path, Path(f"{store.path}.wal")) if path.exists()
    )
    needed = used + used // 10 + COMPACT_MARGIN_BYTES
    free = shutil.disk_usage(store.path.parent).free
    if free < needed:
        raise DragoError(
            f"{store.path}: erasing {what} rewrites the store, which needs about "
            f"{needed / 1e6:.0f} MB free on its disk ({free / 1e6:.0f} MB are): nothing was "
            "erased; free some space and run the command again"
        )
