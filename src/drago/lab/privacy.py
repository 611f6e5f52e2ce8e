"""Taking data away and erasing it, backups and restores (`lab.privacy`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drago.errors import UsageError
from drago.lab.context import LabContext, Service
from drago.lab.load import LoadService
from drago.store import athletes as athlete_rows
from drago.store import backup as store_backup
from drago.store import default_db_path
from drago.store.privacy import (
    EXPORT_FORMATS,
    check_room_to_compact,
    delete_athlete_rows,
    export_athlete,
    remove_files,
)


@dataclass(frozen=True)
class Erased:
    """What erasing an athlete removed."""

    rows: dict[str, int]
    originals: int


class PrivacyService(Service):
    """An athlete's data taken away or erased; backups (`lab.privacy`)."""

    def __init__(self, ctx: LabContext, load: LoadService) -> None:
        super().__init__(ctx)
        self._load = load

    def export(self, name: str, out: Path, *, fmt: str = "parquet") -> dict[str, Any]:
        """Write everything held on an athlete to `out`: tables as Parquet or CSV (`fmt`),
        originals, manifest."""
        row = athlete_rows.get_athlete(self.store, name)
        if fmt not in EXPORT_FORMATS:
            raise UsageError(f"--format must be one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}")
        if out.exists() and any(out.iterdir()):
            raise UsageError(f"{out} is not empty: export into a new or empty folder")
        daily = self._load.series(row.name)
        return export_athlete(self.store, row.id, out, extra={"daily_load": daily}, fmt=fmt)

    def erase(self, name: str) -> Erased:
        """Erase an athlete: every row, every original, and the freed bytes of the store."""
        row = athlete_rows.get_athlete(self.store, name)
        self.store.check_writable()
        check_room_to_compact(self.store, f"athlete {row.name}")
        with self.store.transaction():
            rows, originals = delete_athlete_rows(self.store, row.id)
        removed = remove_files(originals)
        self.store.compact()
        return Erased(rows, removed)

    def backup(self, target: Path) -> dict[str, Any]:
        """A consistent archive (.tar.gz) of the store and its originals."""
        return store_backup.backup(self.store, target)


def restore(source: Path, db_path: Path | None = None) -> tuple[Path, dict[str, Any]]:
    """Restore a backup into an empty data directory (before any lab is opened on it).

    Returns the restored store's path (default: the user's) and the backup's manifest.
    """
    db = db_path or default_db_path()
    return db, store_backup.restore(source, db)
