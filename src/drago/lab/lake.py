"""The store's side of the lake: export athletes to it, attach a lake's results and read them
(`lab.lake`). The lake's files (`drago.store.lake_files`) load when a method needs them: every
load series has the lake service, few commands touch a lake (issue 19)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from drago.errors import NotFound, UsageError
from drago.lab.context import Service
from drago.store import athletes as athlete_rows

if TYPE_CHECKING:
    from drago.store.lake_files import Written


class LakeService(Service):
    """The federation lake seen from one store (`lab.lake`)."""

    def export(self, to: Path, *, athletes: Sequence[str] | None = None) -> Written:
        """Write (or update) a Parquet lake at `to` with the athletes (default: all) and their
        sessions, wellness and morning measurements; only partitions that changed are written."""
        from drago.store import lake_files as lake_io

        ids = None
        if athletes:
            ids = [athlete_rows.get_athlete(self.store, name).id for name in athletes]
        tables = lake_io.export_tables(self.store, ids)
        if tables["athletes"].height == 0:
            raise UsageError("no athletes to export")
        return lake_io.write_lake(
            to, tables, synthetic=False, source=f"drago lake export from {self.store.path}"
        )

    def attach(self, path: Path) -> tuple[Path, Path | None]:
        """Let listings and the dashboard read the results of the lake (or results dir) at
        `path`; noted in `lake.json` beside the store. Returns (results, lake)."""
        from drago.store.lake_files import attach as attach_io

        return attach_io.attach(self.store.path, path)

    def detach(self) -> bool:
        from drago.store.lake_files import attach as attach_io

        return attach_io.detach(self.store.path)

    def attached(self) -> Path | None:
        """The attached lake's results directory, or None."""
        from drago.store.lake_files import attach as attach_io

        return attach_io.attached(self.store.path)

    def overview(self) -> pl.DataFrame:
        """Each lake athlete's latest day: CTL, ATL, TSB, rolling ACWR and its band, EWMA ACWR,
        7-day load, and the latest readiness verdict."""
        from drago.store import lake_files as lake_io

        return lake_io.results_overview(self._results())

    def series(
        self, name: str, *, since: date | None = None, until: date | None = None
    ) -> pl.DataFrame:
        """One lake athlete's daily rows (load series and readiness) from the attached results."""
        from drago.store import lake_files as lake_io

        frame = lake_io.read_results(self._results(), [name])
        if frame.height == 0:
            raise NotFound(f"no athlete named {name!r} in the attached lake")
        if since is not None:
            frame = frame.filter(pl.col("date") >= since)
        if until is not None:
            frame = frame.filter(pl.col("date") <= until)
        return frame.drop("athlete")

    def _results(self) -> Path:
        results = self.attached()
        if results is None:
            raise UsageError("no lake attached: drago lake attach DIR")
        return results
