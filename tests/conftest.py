"""Shared fixtures: a temporary data dir, the CLI runner, real data paths."""

from __future__ import annotations

import json
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
