"""Writing a lake's partitions, incrementally: a partition whose rows did not change is kept."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from drago.errors import BadInput
from drago.store.lake_files.layout import (
    ATHLETES_FILE,
    FORMAT,
    PARTITIONED,
    RESULTS_FORMAT,
    VERSION,
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
    """What a write did: partitions written, left unchanged and removed, and rows written."""

    written: int = 0
    unchanged: int = 0
    removed: int = 0
    rows: int = 0

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


def write_partitions(
    root: Path,
    table: str,
    frame: pl.DataFrame,
    entries: dict[str, dict[str, Any]],
    *,
    month_column: str,
    athletes: set[str],
    sort: tuple[str, ...],
) -> Written:
    """Write `frame` (already conformed) by athlete and month under `root/table`, updating
    `entries` (the manifest's partitions of that table). Partitions of `athletes` that are no
    longer in `frame` are removed; other athletes' partitions are left alone."""
    done = Written()
    seen: set[str] = set()
    keyed = frame.with_columns(month_of(month_column)).sort("athlete", "month", *sort)
    for (athlete, month), part in keyed.group_by(["athlete", "month"], maintain_order=True):
        rows = part.drop("month")
        path = partition_path(table, str(athlete), str(month))
        seen.add(path)
        sha = digest(rows)
        if entries.get(path, {}).get("sha256") == sha and (root / path).is_file():
            done.unchanged += 1
            continue
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        rows.write_parquet(root / path, statistics=True)
        entries[path] = {"athlete": athlete, "month": month, "rows": rows.height, "sha256": sha}
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
    """Write (or update) a lake at `root` from frames of `athletes` and the partitioned tables.

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
    athletes.write_parquet(root / ATHLETES_FILE)
    listing = manifest.setdefault("tables", {})
    for table, column in PARTITIONED.items():
        entries = listing.setdefault(table, {}).setdefault("partitions", {})
        frame = conform(tables.get(table, pl.DataFrame()), table)
        sort = SORT_KEYS[table]
        done.add(
            write_partitions(
                root, table, frame, entries, month_column=column, athletes=names, sort=sort
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


def write_results(out: Path, daily: pl.DataFrame, info: dict[str, Any]) -> Written:
    """Write a compute's `daily` rows under `out/daily` by athlete and month, with a results
    manifest. Results are whole: partitions of athletes no longer in `daily` are removed."""
    out.mkdir(parents=True, exist_ok=True)
    exists = (out / "manifest.json").exists()
    manifest = read_manifest(out, kind=RESULTS_FORMAT) if exists else {}
    entries = manifest.setdefault("tables", {}).setdefault("daily", {}).setdefault("partitions", {})
    names = {e["athlete"] for e in entries.values()} | set(daily["athlete"].unique().to_list())
    done = write_partitions(
        out, "daily", daily, entries, month_column="date", athletes=names, sort=("date",)
    )
    manifest["tables"]["daily"]["rows"] = daily.height
    manifest |= {
        "format": RESULTS_FORMAT,
        "version": VERSION,
        "updated_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "athletes": len(set(daily["athlete"].to_list())),
        **info,
    }
    write_manifest(out, manifest)
    return done
