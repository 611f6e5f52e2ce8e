"""The one-way flow (ingest -> store -> analysis -> lab -> surfaces), enforced on the source.

Every module of every package is read; imports are resolved whatever their form (`import x`,
`import x as y`, `from x import y`, `from drago import store`, relative imports,
`importlib.import_module("x")`), and SQL is recognised by its text, not by who runs it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src" / "drago"
#: SQL statements as text: SELECT ... FROM, INSERT INTO, DELETE FROM, UPDATE t SET, DDL.
SQL = re.compile(
    r"\bSELECT\b[\s\S]*?\bFROM\b|\bINSERT\s+(?:OR\s+\w+\s+)?INTO\b|\bDELETE\s+FROM\b"
    r"|\bUPDATE\s+\w+\s+SET\b|\b(?:CREATE|DROP|ALTER)\s+(?:TABLE|VIEW|INDEX)\b",
    re.IGNORECASE,
)
#: The methods of `drago.store.Store` that run SQL.
STORE_QUERIES = frozenset({"frame", "one", "run", "execute", "executemany", "sql"})


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, source: str | None = None) -> set[str]:
    """Every module `path` imports, by absolute dotted name, whatever the import's form.

    `from a import b` counts as importing `a` and `a.b` (b may be a module)."""
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
        elif (
            isinstance(node, ast.Call)
            and _call_name(node) in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
    return names


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _text(node: ast.AST) -> str | None:
    """The text of a string literal, an f-string (holes as `?`) or a sum of them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "?" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left), _text(node.right)
        return None if left is None and right is None else (left or "?") + (right or "?")
    return None


def sql_sites(path: Path, source: str | None = None) -> list[str]:
    """Lines of `path` holding SQL text, or handing a string to a Store query method."""
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    sites = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in STORE_QUERIES and node.args and _text(node.args[0]) is not None:
                sites.append(f"{path.name}:{node.lineno} .{node.func.attr}(<string>)")
        elif isinstance(node, ast.JoinedStr | ast.Constant) and id(node) not in docs:
            text = _text(node)
            if text is not None and SQL.search(text):
                sites.append(f"{path.name}:{node.lineno} {text.strip()[:40]!r}")
    return sites


def modules(package: str) -> list[Path]:
    return sorted((SRC / package).rglob("*.py"))


def packages() -> list[str]:
    """Every package and top-level module of drago (so a new one is covered the day it lands)."""
    return sorted(
        p.name if p.is_dir() else p.stem
        for p in SRC.iterdir()
        if (p.is_dir() and (p / "__init__.py").exists()) or p.suffix == ".py"
    )


#: The layers, and which of them each may import (the base modules, `errors`, `vocab`,
#: `recording` and `activities`, are open to all; duckdb is the store's alone, below).
LAYERS = ("ingest", "store", "analysis", "imports", "lab", "lake", "plots", "cli", "web")
MAY_IMPORT = {
    "ingest": (),
    "store": (),
    "analysis": (),
    "plots": (),
    "imports": ("ingest", "store", "analysis"),
    "lake": ("store", "analysis"),
    "lab": ("ingest", "store", "analysis", "imports", "lake"),
    "web": ("lab", "plots"),
    "cli": ("lab", "imports", "lake", "plots", "web"),
}


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_layers_import_only_downstream(package: str) -> None:
    allowed = (package, *MAY_IMPORT[package])
    forbidden = [f"drago.{layer}" for layer in LAYERS if layer not in allowed]
    offenders = {
        f"{path.relative_to(SRC)} imports {name}"
        for path in modules(package)
        for name in imported_modules(path)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    }
    assert not offenders


def test_every_layer_has_its_rule() -> None:
    assert set(MAY_IMPORT) == set(LAYERS) and set(LAYERS) <= set(packages())


def test_only_the_store_talks_to_duckdb() -> None:
    users = {
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if any(name.split(".")[0] == "duckdb" for name in imported_modules(path))
    }
    assert users and all(user.startswith("store/") for user in users)


@pytest.mark.parametrize("package", [p for p in packages() if p != "store"])
def test_sql_lives_only_in_the_store(package: str) -> None:
    paths = modules(package) if (SRC / package).is_dir() else [SRC / f"{package}.py"]
    assert paths
    assert [site for path in paths for site in sql_sites(path)] == []


def test_the_store_has_sql_so_the_check_can_see_it() -> None:
    assert sql_sites(SRC / "store" / "imu.py")


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("import duckdb", "duckdb"),
        ("import duckdb as db", "duckdb"),
        ("from duckdb import connect", "duckdb"),
        ("from drago import store", "drago.store"),
        ("from drago.store.imu import has_imu", "drago.store.imu"),
        ("from ..store import imu", "drago.store"),
        ("from .. import store", "drago.store"),
        ("import importlib\nimportlib.import_module('duckdb')", "duckdb"),
    ],
)
def test_every_import_form_is_seen(source: str, found: str) -> None:
    assert found in imported_modules(SRC / "lab" / "x.py", source)


@pytest.mark.parametrize(
    "source",
    [
        "q = 'SELECT a FROM t'",
        "q = f'SELECT {c} FROM t WHERE id = ?'",
        "q = 'INSERT OR REPLACE INTO t VALUES (1)'",
        "q = 'delete from t'",
        "q = 'UPDATE athletes SET tz = ?'",
        "store.one('SELECT 1')",
        "self.store.frame('anything at all', [1])",
        "store.run('SELECT ' + column + ' FROM t')",
    ],
)
def test_sql_text_is_seen(source: str) -> None:
    assert sql_sites(SRC / "lab" / "x.py", source)


def test_words_are_not_sql() -> None:
    source = '"""Select a file from the list."""\nx = "pick the best from those selected"'
    assert sql_sites(SRC / "lab" / "x.py", source) == []


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


def test_the_formatter_is_never_switched_off() -> None:
    escapes = {
        f"{path.relative_to(SRC)}:{n}"
        for path in SRC.rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"#\s*fmt:\s*(skip|off)", line)
    }
    assert not escapes
