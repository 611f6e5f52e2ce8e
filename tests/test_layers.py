"""The one-way flow (ingest -> store -> analysis -> surfaces), enforced on the source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src" / "drago"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def modules(package: str) -> list[Path]:
    return sorted((SRC / package).rglob("*.py"))


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("cli", ("duckdb", "drago.analysis", "drago.store")),
        ("analysis", ("duckdb", "drago.store", "drago.ingest", "drago.cli", "drago.lab")),
        ("ingest", ("duckdb", "drago.store", "drago.cli", "drago.lab")),
        ("web", ("duckdb", "drago.store", "drago.analysis", "drago.ingest")),
    ],
)
def test_layers_import_only_downstream(package: str, forbidden: tuple[str, ...]) -> None:
    offenders = {
        f"{path.relative_to(SRC)} imports {name}"
        for path in modules(package)
        for name in imported_modules(path)
        if name.startswith(forbidden)
    }
    assert not offenders


def test_only_the_store_talks_to_duckdb() -> None:
    users = {
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if any(name.startswith("duckdb") for name in imported_modules(path))
    }
    assert users and all(user.startswith("store/") for user in users)


def test_modules_stay_small() -> None:
    big = {
        str(path.relative_to(SRC)): n
        for path in SRC.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert not big


def test_every_reader_has_the_importer_shape() -> None:
    from drago.ingest import READERS

    formats = [module.FORMAT for module in READERS]
    assert formats == ["fit", "tcx", "gpx", "rr", "imu"]
    for module in READERS:
        assert isinstance(module.SUFFIXES, tuple) and module.SUFFIXES
        assert all(s.startswith(".") and s == s.lower() for s in module.SUFFIXES)
        assert callable(module.read) and callable(module.sniff)
        assert module.sniff(b"") is False, module.FORMAT
