"""Writing a lake's partitions, incrementally: a partition whose rows did not change is kept."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from drago.errors import BadInput
from drago.store import outputs
from drago.store.lake_files.layout import (
    ATHLETES_FILE,
    FORMAT,
    MANIFEST,
    PARTITIONED,
    RESULTS_FORMAT,
    VERSION,
    bucket_path,
    conform,
    partition_path,
    read_manifest,
    write_manifest,
)

#: Row order within a partition (so equal rows give an equal file and hash).
SORT_KEYS: dict[str, tuple[str, ...]] = {
    "sessions": ("start_utc", "session_id"),
    "wellness": ("date",),
    "rr_measurements": ("date", "start_utc", "id"),
}


@dataclass
class Written:
    """What a write did: partitions written, left unchanged and removed, rows written, and
    seconds spent writing (results only)."""

    written: int = 0
    unchanged: int = 0
    removed: int = 0
    rows: int = 0
    seconds: float = 0.0

    def add(self, other: Written) -> None:
        self.written += other.written
        self.unchanged += other.unchanged
        self.removed += other.removed
        self.rows += other.rows


def digest(frame: pl.DataFrame) -> str:
    """A content hash of a frame's rows in order (its CSV text): equal rows, equal hash."""
    return hashlib.sha256(frame.write_csv().encode()).hexdigest()[:32]


def month_of(column: str) -> pl.Expr:
    """The `YYYY-MM` partition key of a date or timestamp column."""
    return pl.col(column).dt.strftime("%Y-%m").alias("month")


def write_whole(frame: pl.DataFrame, path: Path, **options: Any) -> None:
    """Write `frame` as Parquet at `path` whole or not at all: as `NAME.tmp`, renamed when
    complete. A full disk leaves the old file, never a truncated one that the next export
    would take for unchanged (its rows' hash is the manifest's)."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        frame.write_parquet(tmp, **options)
        tmp.replace(path)
    except BaseException:
        outputs.discard(tmp)
        raise


def write_partitions(
    root: Path,
    table: str,
    frame: pl.DataFrame,
    entries: dict[str, dict[str, Any]],
    *,
    month_column: str | None,
    athletes: set[str],
    sort: tuple[str, ...],
) -> Written:
    """Write `frame` (already conformed) by athlete (and by month of `month_column` when
    given) under `root/table`, updating `entries` (the manifest's partitions of that table).
    Partitions of `athletes` that are no longer in `frame` are removed; other athletes'
    partitions are left alone."""
    done = Written()
    seen: set[str] = set()
    month = month_of(month_column) if month_column else pl.lit(None, pl.String).alias("month")
    keyed = frame.with_columns(month).sort("athlete", "month", *sort)
    for (athlete, month_key), part in keyed.group_by(["athlete", "month"], maintain_order=True):
        rows = part.drop("month")
        path = partition_path(table, str(athlete), None if month_key is None else str(month_key))
        seen.add(path)
        sha = digest(rows)
        if entries.get(path, {}).get("sha256") == sha and (root / path).is_file():
            done.unchanged += 1
            continue
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        write_whole(rows, root / path, statistics=True)
        entries[path] = {"athlete": athlete, "rows": rows.height, "sha256": sha}
        if month_key is not None:
            entries[path]["month"] = month_key
        done.written += 1
        done.rows += rows.height
    for path in [p for p, e in entries.items() if e["athlete"] in athletes and p not in seen]:
        (root / path).unlink(missing_ok=True)
        for parent in ((root / path).parent, (root / path).parent.parent):
            if parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
        del entries[path]
        done.removed += 1
    return done


def write_lake(
    root: Path,
    tables: dict[str, pl.DataFrame],
    *,
    synthetic: bool,
    source: str,
    extra: dict[str, Any] | None = None,
) -> Written:
    """Write (or update) a lake at `root` from frames of `athletes` and the partitioned tables,
    one file per athlete and table.

    The athletes in `tables["athletes"]` are replaced whole (their partitions not in the new
    frames are removed); other athletes already in the lake stay as they are.
    """
    root.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(root) if (root / "manifest.json").exists() else {}
    if manifest and manifest.get("synthetic") != synthetic:
        kind = "synthetic" if manifest.get("synthetic") else "exported"
        raise BadInput(root, f"holds a {kind} lake; write the other kind to another directory")
    athletes = conform(tables["athletes"], "athletes")
    names = set(athletes["athlete"].to_list())
    done = Written()
    old = pl.read_parquet(root / ATHLETES_FILE) if (root / ATHLETES_FILE).is_file() else None
    if old is not None:
        athletes = pl.concat([old.filter(~pl.col("athlete").is_in(list(names))), athletes])
    athletes = athletes.sort("athlete")
    write_whole(athletes, root / ATHLETES_FILE)
    listing = manifest.setdefault("tables", {})
    for table in PARTITIONED:
        entries = listing.setdefault(table, {}).setdefault("partitions", {})
        frame = conform(tables.get(table, pl.DataFrame()), table)
        sort = SORT_KEYS[table]
        done.add(
            write_partitions(
                root, table, frame, entries, month_column=None, athletes=names, sort=sort
            )
        )
        listing[table]["rows"] = sum(e["rows"] for e in entries.values())
    manifest |= {
        "format": FORMAT,
        "version": VERSION,
        "synthetic": synthetic,
        "source": source,
        "updated_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "athletes": athletes.height,
        **(extra or {}),
    }
    write_manifest(root, manifest)
    return done


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes (first 32 hex digits, as `digest`)."""
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()[:32]


def write_results(
    out: Path, parts: Iterable[tuple[list[str], pl.DataFrame]], info: dict[str, Any]
) -> Written:
    """Write a compute's `daily` rows, bucket by bucket as `parts` yields them (the bucket's
    athletes, their rows), one file a bucket under `out/daily`, with a results manifest (each
    file's athletes, rows and SHA-256). Results are whole: files of an earlier compute that
    this one did not write are removed; a file whose bytes did not change is kept."""
    began = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    exists = (out / MANIFEST).exists()
    manifest = read_manifest(out, kind=RESULTS_FORMAT) if exists else {}
    old = manifest.setdefault("tables", {}).get("daily", {}).get("partitions", {})
    entries: dict[str, dict[str, Any]] = {}
    done = Written()
    athletes = 0
    computing = 0.0
    for index, (names, (frame, took)) in enumerate(_timed(parts)):
        computing += took
        rows = frame.sort("athlete", "date")
        path = bucket_path("daily", index)
        final = out / path
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_name(final.name + ".tmp")
        rows.write_parquet(tmp, statistics=True, row_group_size=1 << 16)
        sha = file_digest(tmp)
        if old.get(path, {}).get("sha256") == sha and final.is_file():
            tmp.unlink()
            done.unchanged += 1
        else:
            tmp.replace(final)
            done.written += 1
            done.rows += rows.height
        present = rows["athlete"].unique().sort().to_list()
        athletes += len(present)
        entries[path] = {"athletes": list(names), "rows": rows.height, "sha256": sha}
    for path in [p for p in old if p not in entries]:
        (out / path).unlink(missing_ok=True)
        for parent in ((out / path).parent, (out / path).parent.parent):
            if parent.is_dir() and parent != out and not any(parent.iterdir()):
                parent.rmdir()
        done.removed += 1
    manifest["tables"]["daily"] = {
        "rows": sum(e["rows"] for e in entries.values()),
        "layout": "buckets of whole athletes",
        "partitions": entries,
    }
    manifest |= {
        "format": RESULTS_FORMAT,
        "version": VERSION,
        "updated_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "athletes": athletes,
        **info,
    }
    write_manifest(out, manifest)
    done.seconds = time.perf_counter() - began - computing
    return done


def _timed(
    parts: Iterable[tuple[list[str], pl.DataFrame]],
) -> Iterator[tuple[list[str], tuple[pl.DataFrame, float]]]:
    """`parts` with the seconds each took to produce (computing, not writing)."""
    source = iter(parts)
    while True:
        began = time.perf_counter()
        try:
            names, frame = next(source)
        except StopIteration:
            return
        yield names, (frame, time.perf_counter() - began)
