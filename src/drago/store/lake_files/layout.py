"""The lake's layout: its tables, their columns and units, the manifest, and partition paths.

A drago lake is a directory:

```
DIR/manifest.json                      what is in the lake (format, version, tables, partitions)
DIR/athletes.parquet                   one row per athlete (name, time zone, sex, ...)
DIR/<table>/athlete=<key>/part-0.parquet  one file per athlete and table
```

`<key>` is the athlete's name percent-encoded (`urllib.parse.quote`, nothing kept safe), so any
name is a valid path; the files hold the `athlete` column with the plain name too. A results
directory (`drago lake compute --out`) has the table `daily` in few large files instead,
`daily/bucket=<NNNN>/part-0.parquet`, each holding whole athletes (`buckets`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

import polars as pl

from drago.errors import BadInput
from drago.store import outputs

MANIFEST: Final = "manifest.json"
FORMAT: Final = "drago-lake"
RESULTS_FORMAT: Final = "drago-lake-results"
VERSION: Final = 1
ATHLETES_FILE: Final = "athletes.parquet"

#: Each table's columns, types and meaning (units in the names; instants naive UTC).
TABLES: Final[dict[str, dict[str, tuple[pl.DataType, str]]]] = {
    "athletes": {
        "athlete": (pl.String(), "name, unique"),
        "team": (pl.String(), "team name, null when none"),
        "tz": (pl.String(), "IANA time zone of the athlete's training days"),
        "sex": (pl.String(), "m or f"),
        "birth_year": (pl.Int32(), "year"),
        "weight_class": (pl.String(), "weight class"),
    },
    "sessions": {
        "athlete": (pl.String(), "athlete name"),
        "session_id": (pl.Int64(), "id in the exporting store (or the generator)"),
        "start_utc": (pl.Datetime("us"), "start, UTC"),
        "duration_s": (pl.Float64(), "duration, s"),
        "activity": (pl.String(), "drago's activity vocabulary (run, bag, sparring, ...)"),
        "rpe": (pl.Float64(), "session RPE, CR-10"),
        "hr_avg_bpm": (pl.Float64(), "mean heart rate, bpm"),
        "hr_max_bpm": (pl.Float64(), "highest heart rate, bpm"),
        "trimp_banister": (pl.Float64(), "Banister TRIMP, AU"),
        "trimp_edwards": (pl.Float64(), "Edwards TRIMP, AU"),
        "trimp_lucia": (pl.Float64(), "Lucia TRIMP, AU"),
        "srpe_load": (pl.Float64(), "session-RPE load, AU"),
        "counts": (pl.Boolean(), "false for a duplicate recording of another session"),
    },
    "wellness": {
        "athlete": (pl.String(), "athlete name"),
        "date": (pl.Date(), "local date"),
        "sleep": (pl.Int32(), "Hooper item 1-7, 1 best"),
        "stress": (pl.Int32(), "Hooper item 1-7, 1 best"),
        "fatigue": (pl.Int32(), "Hooper item 1-7, 1 best"),
        "soreness": (pl.Int32(), "Hooper item 1-7, 1 best"),
        "mood": (pl.Int32(), "1-7, 1 best"),
        "rhr_bpm": (pl.Float64(), "resting heart rate, bpm"),
    },
    "rr_measurements": {
        "athlete": (pl.String(), "athlete name"),
        "id": (pl.Int64(), "measurement id"),
        "date": (pl.Date(), "local date"),
        "start_utc": (pl.Datetime("us"), "start, UTC"),
        "n_beats": (pl.Int32(), "beats"),
        "duration_s": (pl.Float64(), "duration, s"),
        "artefact_pct": (pl.Float64(), "beats corrected, %"),
        "reliable": (pl.Boolean(), "false when too many artefacts to trust"),
        "mean_hr_bpm": (pl.Float64(), "mean heart rate, bpm"),
        "rmssd_ms": (pl.Float64(), "RMSSD, ms"),
        "ln_rmssd": (pl.Float64(), "natural log of RMSSD in ms"),
        "sdnn_ms": (pl.Float64(), "SDNN, ms"),
    },
}
#: Results files: athletes in name order cut into buckets of consecutive names, at least
#: `BUCKET_ATHLETES` a bucket and at most `MAX_BUCKETS` buckets (one file each).
BUCKET_ATHLETES: Final = 16
MAX_BUCKETS: Final = 64
#: The partitioned tables and their time column (a month of it partitioned lakes written before
#: 2026-12, which are still read: readers follow the manifest, not the paths).
PARTITIONED: Final = {"sessions": "start_utc", "wellness": "date", "rr_measurements": "date"}


def schema(table: str) -> dict[str, pl.DataType]:
    return {name: dtype for name, (dtype, _) in TABLES[table].items()}


def conform(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """`frame` with exactly the table's columns and types (missing ones null). A frame of no
    columns is an empty table (selecting literals from it would make one row of nulls)."""
    columns = schema(table)
    if frame.width == 0:
        return pl.DataFrame(schema=columns)
    return frame.select(
        (pl.col(c) if c in frame.columns else pl.lit(None)).cast(t).alias(c)
        for c, t in columns.items()
    )


def athlete_key(name: str) -> str:
    """The athlete's directory key: the name percent-encoded.

    Examples
    --------
    >>> athlete_key("Ana María/2")
    'Ana%20Mar%C3%ADa%2F2'
    """
    return quote(name, safe="")


def partition_path(table: str, athlete: str, month: str | None = None) -> str:
    """Relative path of one partition's file: an athlete's, or an athlete's month."""
    if month is None:
        return f"{table}/athlete={athlete_key(athlete)}/part-0.parquet"
    return f"{table}/athlete={athlete_key(athlete)}/month={month}/part-0.parquet"


def buckets(athletes: list[str]) -> list[list[str]]:
    """The athletes (sorted by name) in result buckets: as many as needed for at least
    `BUCKET_ATHLETES` a bucket, at most `MAX_BUCKETS`, sizes as even as can be.

    Examples
    --------
    >>> plan = buckets([f"a{k:04d}" for k in range(1000)])
    >>> len(plan), [len(b) for b in plan][:3], [len(b) for b in plan][-1], plan[0][0]
    (62, [17, 17, 17], 16, 'a0000')
    >>> buckets(["b", "a"])
    [['a', 'b']]
    """
    names = sorted(set(athletes))
    if not names:
        return []
    count = max(1, min(MAX_BUCKETS, len(names) // BUCKET_ATHLETES))
    size, extra = divmod(len(names), count)
    out, at = [], 0
    for k in range(count):
        step = size + (k < extra)
        out.append(names[at : at + step])
        at += step
    return out


def bucket_path(table: str, index: int) -> str:
    """Relative path of one results bucket's file."""
    return f"{table}/bucket={index:04d}/part-0.parquet"


def read_manifest(root: Path, *, kind: str = FORMAT) -> dict[str, Any]:
    """The manifest of a lake (or results) directory; BadInput naming the problem otherwise."""
    if not root.is_dir():
        raise BadInput(root, "no such directory")
    path = root / MANIFEST
    if not path.is_file():
        raise BadInput(root, f"not a drago lake: no {MANIFEST}")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BadInput(path, f"unreadable manifest: {exc}") from exc
    if manifest.get("format") != kind:
        raise BadInput(path, f"format is {manifest.get('format')!r}, expected {kind!r}")
    if manifest.get("version") != VERSION:
        raise BadInput(
            path, f"lake version {manifest.get('version')!r}; this drago reads {VERSION}"
        )
    return manifest


def write_manifest(root: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest last and atomically: a reader sees the old lake or the new one."""
    tmp = root / (MANIFEST + ".tmp")
    try:
        text = json.dumps(manifest, indent=1, sort_keys=True, default=str)
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(root / MANIFEST)
    except BaseException:
        outputs.discard(tmp)  # a full disk: the old manifest stays, no stray .tmp
        raise


def files(
    root: Path, manifest: dict[str, Any], table: str, athletes: set[str] | None = None
) -> list[Path]:
    """The files of a table in the manifest, of some athletes or all."""
    parts = manifest.get("tables", {}).get(table, {}).get("partitions", {})
    return [
        root / path
        for path, entry in sorted(parts.items())
        if athletes is None or not athletes.isdisjoint(holds(entry))
    ]


def holds(entry: dict[str, Any]) -> list[str]:
    """The athletes a manifest entry's file holds: one (a partition), or a bucket's."""
    return list(entry["athletes"]) if "athletes" in entry else [str(entry["athlete"])]


def files_by_athlete(root: Path, manifest: dict[str, Any], table: str) -> dict[str, list[Path]]:
    """The files of a table in the manifest, grouped by the athlete each partition holds."""
    out: dict[str, list[Path]] = {}
    for path, entry in sorted(
        manifest.get("tables", {}).get(table, {}).get("partitions", {}).items()
    ):
        out.setdefault(str(entry["athlete"]), []).append(root / path)
    return out


def schema_reference() -> str:
    """The tables as Markdown (docs/lake.md holds this text; a test keeps them equal)."""
    names = {"Datetime": "timestamp[us] (UTC, naive)"}
    out = []
    for table, columns in TABLES.items():
        out += [f"### `{table}`", "", "| column | type | meaning |", "|---|---|---|"]
        for column, (dtype, meaning) in columns.items():
            kind = names.get(type(dtype).__name__, str(dtype).lower())
            out.append(f"| `{column}` | {kind} | {meaning} |")
        out.append("")
    return "\n".join(out)
