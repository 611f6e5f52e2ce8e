"""Which lake a store has attached: `lake.json` beside the store's DuckDB file.

A small documented file rather than a table, so attaching needs no schema migration:
`{"results": "/abs/path/to/results", "lake": "/abs/path/to/lake or null", "attached_utc": ...}`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from drago.errors import BadInput
from drago.store import outputs
from drago.store.lake_files.layout import FORMAT, MANIFEST, RESULTS_FORMAT, read_manifest

ATTACH_FILE: Final = "lake.json"


def results_dir(path: Path) -> tuple[Path, Path | None]:
    """(results, lake) of a directory that is a compute output, or a lake with `results/`."""
    path = path.expanduser().resolve()
    if not (path / MANIFEST).is_file():
        raise BadInput(path, f"not a drago lake or lake results: no {MANIFEST}")
    kind = json.loads((path / MANIFEST).read_text(encoding="utf-8")).get("format")
    if kind == RESULTS_FORMAT:
        manifest = read_manifest(path, kind=RESULTS_FORMAT)
        lake = manifest.get("lake")
        return path, Path(lake) if lake else None
    read_manifest(path, kind=FORMAT)
    if not (path / "results" / MANIFEST).is_file():
        raise BadInput(path, "lake has no results yet: run drago lake compute on it first")
    read_manifest(path / "results", kind=RESULTS_FORMAT)
    return path / "results", path


def attach(store_path: Path, path: Path) -> tuple[Path, Path | None]:
    """Record `path`'s results as the store's attached lake; returns (results, lake)."""
    results, lake = results_dir(path)
    note = {
        "results": str(results),
        "lake": None if lake is None else str(lake),
        "attached_utc": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    store_path.parent.mkdir(parents=True, exist_ok=True)
    final = store_path.parent / ATTACH_FILE
    tmp = outputs.hidden(final)
    try:  # whole or not at all: a note cut short would fail every look-up of the lake
        tmp.write_text(json.dumps(note, indent=1), encoding="utf-8")
        tmp.replace(final)
    except BaseException as exc:
        outputs.discard(tmp)
        if isinstance(exc, OSError) and (typed := outputs.as_typed(exc, final, tmp)):
            raise typed from exc
        raise
    return results, lake


def detach(store_path: Path) -> bool:
    """Forget the attached lake; False when none was attached."""
    file = store_path.parent / ATTACH_FILE
    if not file.is_file():
        return False
    file.unlink()
    return True


def attached(store_path: Path) -> Path | None:
    """The attached results directory, or None."""
    file = store_path.parent / ATTACH_FILE
    if not file.is_file():
        return None
    try:
        return Path(json.loads(file.read_text(encoding="utf-8"))["results"])
    except (OSError, ValueError, KeyError) as exc:
        raise BadInput(file, f"unreadable attached-lake note: {exc}") from exc
