"""The store's side of the lake: export athletes to it, attach a lake's results and read them
(`lab.lake`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import polars as pl

from drago.errors import NotFound, UsageError
from drago.lab.context import Service
from drago.store import athletes as athlete_rows
from drago.store import lake_files as lake_io
from drago.store.lake_files import attach as attach_io


class LakeService(Service):
    """The federation lake seen from one store (`lab.lake`)."""

    def export(self, to: Path, *, athletes: Sequence[str] | None = None) -> lake_io.Written:
        """Write (or update) a Parquet lake at `to` with the athletes (default: all) and their
        sessions, wellness and morning measurements; only partitions that changed are written."""
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
        return attach_io.attach(self.store.path, path)

    def detach(self) -> bool:
        return attach_io.detach(self.store.path)

    def attached(self) -> Path | None:
        """The attached lake's results directory, or None."""
        return attach_io.attached(self.store.path)

    def overview(self) -> pl.DataFrame:
        """Each lake athlete's latest day: CTL, ATL, TSB, rolling ACWR and its band, EWMA ACWR,
        7-day load, and the latest readiness verdict."""
        return lake_io.results_overview(self._results())

    def series(
        self, name: str, *, since: date | None = None, until: date | None = None
    ) -> pl.DataFrame:
        """One lake athlete's daily rows (load series and readiness) from the attached results."""
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
