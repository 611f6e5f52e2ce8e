"""Opening the DuckDB store, applying numbered migrations, and running transactions."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from drago.errors import DragoError
from drago.store import faults, readonly
from drago.store.originals import Originals

DB_NAME = "drago.duckdb"


def default_db_path() -> Path:
    """The store's file: `$DRAGO_HOME/drago.duckdb`, else in the platform's user data dir."""
    home = os.environ.get("DRAGO_HOME")
    if home:
        return Path(home).expanduser() / DB_NAME
    import platformdirs  # only without --db or $DRAGO_HOME

    return Path(platformdirs.user_data_dir("drago")) / DB_NAME


def migrations(after: int = 0) -> list[tuple[int, str, str]]:
    """The packaged migrations as (version, name, sql), in version order; only those numbered
    above `after` are read (opening an up-to-date store reads none). The folder is listed
    directly when drago is installed as files: setting up `importlib.resources` costs every
    command 1-2 ms of CPU (issue 19); from a zip, through it."""
    folder = Path(__file__).with_name("migrations")
    entries: Iterable[Path | Traversable] = (
        folder.iterdir()
        if folder.is_dir()
        else resources.files("drago.store").joinpath("migrations").iterdir()
    )
    found = []
    for entry in entries:
        if entry.name.endswith(".sql"):
            version = int(entry.name.split("_", 1)[0])
            if version > after:
                found.append((version, entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def lock_timeout_s() -> float:
    """How long to wait for another drago process to release the store ($DRAGO_LOCK_TIMEOUT_S)."""
    return float(os.environ.get("DRAGO_LOCK_TIMEOUT_S", "30"))


def _connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file, waiting while another process holds its lock (DuckDB allows one
    writing process); past the timeout, a one-line error says who holds it."""
    deadline = time.monotonic() + lock_timeout_s()
    pause = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if not read_only and readonly.is_refusal(str(exc)):
                raise readonly.WriteRefused(path, _first_line(exc)) from exc
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                raise faults.open_error(path, exc) from exc
            time.sleep(pause)
            pause = min(pause * 2, 0.5)
        except duckdb.Error as exc:
            raise faults.open_error(path, exc) from exc


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def utc_now() -> datetime:
    """Now, as a naive UTC datetime (the store's convention)."""
    return datetime.now(UTC).replace(tzinfo=None)


class ArrowStream:
    """A Polars frame as DuckDB scans it: through the Arrow PyCapsule interface, without
    PyArrow (DuckDB converts a frame it is given directly through PyArrow, whose import costs
    a command more than half the time of importing Polars and DuckDB; issue 19)."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        return self.frame.__arrow_c_stream__(requested_schema)


class Store:
    """A drago store: one DuckDB file and its `originals/` folder.

    Opening applies any migration not yet applied, each in its own transaction. A store the
    operating system will not let drago write is opened read-only (`store.readonly`): reading
    works, writing raises `ReadOnlyStore` before anything is written.
    """

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path).expanduser() if path is not None else default_db_path()
        #: Why this store cannot be written (asked read-only, or the system refused), or None.
        self.refused: str | None = readonly.ASKED if read_only else None
        new = False
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            new = not self.path.exists()
            self.refused = readonly.refused_write(self.path)
        try:
            self.con = self._open()
        except BaseException:
            if new:
                faults.discard_unborn(self.path)
            raise
        self.originals = Originals(self.path.parent / "originals", self.check_writable)
        #: Counts committed writes, so caches of derived values know when they are stale.
        self.generation = 0
        self.in_transaction = False
        try:
            if self.refused is None:
                self._migrate()
            else:
                self._check_schema()
        except BaseException:
            self.con.close()  # a process keeps no read-only handle that blocks a later write
            raise

    def _open(self) -> duckdb.DuckDBPyConnection:
        if self.refused is None:
            try:
                return _connect(self.path, read_only=False)
            except readonly.WriteRefused as exc:
                self.refused = exc.reason
        if not self.path.exists() and self.refused != readonly.ASKED:
            raise DragoError(f"{self.path}: cannot create the store: {self.refused}")
        return _connect(self.path, read_only=True)

    def check_writable(self) -> None:
        """Raise `ReadOnlyStore` (one line naming the store) unless this store can be written."""
        if self.refused is not None:
            raise readonly.ReadOnlyStore(self.path, self.refused)

    def close(self) -> None:
        self.con.close()

    def state(self) -> tuple[Any, ...]:
        """What changes whenever any lab or process commits to this store: this store's own
        commit count, and the size and modification time of the database file and its
        write-ahead log (DuckDB writes one of them on every commit, neither on reads)."""
        files: list[Any] = [str(self.path), self.generation]
        for path in (self.path, Path(f"{self.path}.wal")):
            try:
                stat = path.stat()
                files += [stat.st_mtime_ns, stat.st_size]
            except FileNotFoundError:
                files += [None, None]
        return tuple(files)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        row = self.one("SELECT max(version) FROM schema_migrations")
        return int(row[0]) if row and row[0] is not None else 0

    def _check_schema(self) -> None:
        """A store opened read-only must need no migration: its tables would not be drago's."""
        try:
            current = self.schema_version
        except duckdb.CatalogException:
            current = 0
        pending = migrations(after=current)
        if pending:
            raise readonly.needs_migration(self.path, self.refused or "", pending[-1][0])

    def _migrate(self) -> None:
        try:
            current = self.schema_version
        except duckdb.CatalogException:  # a new store
            self.run(
                "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                "name VARCHAR NOT NULL, applied_utc TIMESTAMP NOT NULL)"
            )
            current = 0
        for version, name, sql in migrations(after=current):
            with self.transaction():
                self.con.execute(sql).fetchall()
                self.run(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, name, utc_now()]
                )

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All of it or none of it: commit on success, roll back on any exception. Inside
        another transaction, a block joins it (DuckDB has no nested transactions): its writes
        commit or roll back with the enclosing block's, so a caller can make one file or one
        logged session a single transaction with the loads computed for it."""
        self.check_writable()
        if self.in_transaction:
            yield self.con
            return
        self.con.begin()
        self.in_transaction = True
        try:
            yield self.con
        except BaseException:
            self.con.rollback()
            raise
        finally:
            self.in_transaction = False
        self.con.commit()
        self.generation += 1

    def frame(self, sql: str, params: list[Any] | None = None) -> pl.DataFrame:
        """A query's answer as a Polars frame (through Arrow, no copy of the columns).

        Polars reads DuckDB's Arrow stream directly (the Arrow PyCapsule interface), where
        `.pl()` goes through PyArrow: importing PyArrow costs a command more than half the time
        of importing Polars and DuckDB (issue 19). Same frames for every type drago stores
        (Polars cannot read Arrow's month-day-nano intervals this way; no table holds one).
        """
        return pl.DataFrame(self.con.sql(sql, params=params or None))

    def compact(self) -> None:
        """Rewrite the store into a fresh file, so deleted rows leave no bytes behind.

        DuckDB reuses the blocks of deleted rows but does not wipe them; copying the live
        database into a new file and swapping it in does (used when an athlete is erased).
        """
        row = self.one("SELECT current_database()")
        assert row is not None
        fresh = self.path.with_name(f".{self.path.name}.compact")
        fresh.unlink(missing_ok=True)
        self.run("CHECKPOINT")
        self.run(f"ATTACH '{fresh}' AS drago_compact")
        copied = False
        try:
            self.run(f'COPY FROM DATABASE "{row[0]}" TO drago_compact')
            copied = True
        finally:
            if not copied:
                fresh.unlink(missing_ok=True)  # a full disk: no half copy beside the store
            self.run("DETACH drago_compact")
        self.con.close()
        os.replace(fresh, self.path)
        Path(f"{self.path}.wal").unlink(missing_ok=True)
        self.con = _connect(self.path, read_only=False)

    def run(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """Execute a statement and fetch all of its rows (leaving no result open)."""
        try:
            return self.con.execute(sql, params or []).fetchall()
        except duckdb.InvalidInputException as exc:
            if self.refused is not None and "read-only" in str(exc):
                raise readonly.ReadOnlyStore(self.path, self.refused) from exc
            raise

    def one(self, sql: str, params: list[Any] | None = None) -> tuple[Any, ...] | None:
        """The first row of a query, or None."""
        rows = self.run(sql, params)
        return rows[0] if rows else None
