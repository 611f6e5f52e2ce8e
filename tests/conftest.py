"""Shared fixtures: a temporary data dir, the CLI runner, real data paths, and stores built
once per test session and copied into each test that needs one (`stores`)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from drago.cli import app

DATA = Path(__file__).parent / "data"


@pytest.fixture
def drago_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data dir: $DRAGO_HOME points at it, so nothing touches the user's store."""
    home = tmp_path / "home"
    monkeypatch.setenv("DRAGO_HOME", str(home))
    monkeypatch.delenv("DRAGO_DB", raising=False)
    return home


@pytest.fixture
def db(drago_home: Path) -> Path:
    return drago_home / "drago.duckdb"


class Cli:
    """Runs `drago --db DB ...` in-process and returns the result."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, code: int | None = 0) -> Any:
        result = self.runner.invoke(app, ["--db", str(self.db), *args])
        if code is not None:
            assert result.exit_code == code, (result.exit_code, result.output, result.exception)
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--format", "json").stdout)


@pytest.fixture
def cli(db: Path) -> Cli:
    return Cli(db)


@pytest.fixture
def athlete(cli: Cli) -> Callable[..., str]:
    def add(name: str = "drago", *extra: str) -> str:
        cli("athlete", "add", name, "--sex", "m", *extra)
        return name

    return add


@pytest.fixture
def data() -> Iterator[Path]:
    yield DATA


def copy_store(source: Path, db: Path) -> Path:
    """Copy a closed store (the DuckDB file and its originals) to `db`; return `db`."""
    db.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, db)
    originals = source.parent / "originals"
    if originals.is_dir():
        shutil.copytree(originals, db.parent / "originals", dirs_exist_ok=True)
    return db


class Stores:
    """Stores built once per test session (per xdist worker) and copied for each test.

    `copy(name, build, db)` runs `build(path)` the first time `name` is asked for, with `path`
    a fresh store path of its own, and copies the result to `db` every time. Many tests need
    the same store made through dozens of CLI calls; building it once saves those calls.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.built: dict[str, Path] = {}

    def copy(self, name: str, build: Callable[[Path], object], db: Path) -> Path:
        if name not in self.built:
            source = self.root / name / "drago.duckdb"
            source.parent.mkdir(parents=True)
            build(source)
            self.built[name] = source
        return copy_store(self.built[name], db)


@pytest.fixture(scope="session")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Stores:
    return Stores(tmp_path_factory.mktemp("stores"))
