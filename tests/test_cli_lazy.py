"""The declared command table of `drago.cli.lazy` matches the real commands (issue 19).

`drago --help` lists commands from the table without importing them, and `drago X` imports only
the modules the table names for X: a command missing from the table, a stale help line or a
module left out (a subcommand registered from another module) fails here.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import typer
from typer.main import get_command_name
from typer.testing import CliRunner

import drago.cli
from drago.cli import app, lazy

CLI = Path(drago.cli.__file__).parent
NOT_COMMANDS = {"__init__", "lazy", "output", "reference"}


def _load_all() -> None:
    for module in pkgutil.iter_modules([str(CLI)]):
        importlib.import_module(f"drago.cli.{module.name}")


def _registered() -> dict[str, str]:
    """Every top-level command with the first paragraph of its help, from the Typer app."""
    _load_all()
    names = {}
    for info in app.registered_commands:
        assert info.callback is not None
        name = info.name or get_command_name(info.callback.__name__)
        names[name] = info.help or inspect.getdoc(info.callback) or ""
    for group in app.registered_groups:
        assert group.name is not None and group.typer_instance is not None
        names[group.name] = group.help or group.typer_instance.info.help or ""
    return {
        name: " ".join(inspect.cleandoc(str(text)).split("\n\n")[0].split())
        for name, text in names.items()
    }


def _modules_by_ast() -> dict[str, set[str]]:
    """Which cli modules register each top-level command, read from the sources.

    `@app.command("x")` and `app.add_typer(v, name="x")` define x in their module; a
    `@v.command(...)` in another module that imports v adds that module to x.
    """
    defined: dict[tuple[str, str], str] = {}  # (module, typer variable) -> group name
    owners: dict[str, set[str]] = {}
    imported: dict[str, dict[str, str]] = {}  # module -> {variable: module it comes from}
    decorated: dict[str, set[str]] = {}  # module -> typer variables it decorates
    for path in sorted(CLI.glob("*.py")):
        module = path.stem
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported[module] = {}
        decorated[module] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("drago.cli."):
                for alias in node.names:
                    imported[module][alias.asname or alias.name] = node.module.split(".")[-1]
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            target = node.func.value
            if not isinstance(target, ast.Name):
                continue
            if target.id == "app" and node.func.attr == "command" and node.args:
                name = ast.literal_eval(node.args[0])
                owners.setdefault(name, set()).add(module)
            elif target.id == "app" and node.func.attr == "add_typer":
                name = next(ast.literal_eval(k.value) for k in node.keywords if k.arg == "name")
                assert isinstance(node.args[0], ast.Name)
                defined[(module, node.args[0].id)] = name
                owners.setdefault(name, set()).add(module)
            elif node.func.attr == "command" and target.id != "app":
                decorated[module].add(target.id)
    for module, variables in decorated.items():
        for variable in variables:
            source = imported[module].get(variable, module)
            if (source, variable) in defined:
                owners[defined[(source, variable)]].add(module)
    return owners


def test_table_lists_every_command_with_its_help_line() -> None:
    registered = _registered()
    assert set(lazy.COMMANDS) == set(registered)
    for name, entry in lazy.COMMANDS.items():
        assert entry.help == registered[name], name


def test_table_names_every_module_that_registers_a_command() -> None:
    owners = _modules_by_ast()
    assert set(owners) == set(lazy.COMMANDS)
    for name, entry in lazy.COMMANDS.items():
        assert set(entry.modules) == owners[name], name
    assert set(lazy.COMMANDS["athlete"].modules) == {"athletes", "backups"}  # the parser read it


def test_help_lists_the_table_and_loaded_commands_match_it() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in lazy.COMMANDS:
        assert name in result.stdout
    assert "Add, change, list and show athletes." in result.stdout
    group = typer.main.get_command(app)
    ctx = typer.Context(group)
    assert group.list_commands(ctx)[: len(lazy.COMMANDS)] == list(lazy.COMMANDS)  # type: ignore[attr-defined]
    athlete = group.get_command(ctx, "athlete")  # type: ignore[attr-defined]
    assert {"add", "export", "delete"} <= set(athlete.commands)


def test_a_mistyped_command_is_one_clear_line() -> None:
    result = CliRunner().invoke(app, ["sesions"])
    assert result.exit_code == 2
    assert result.output.startswith("error: drago: no such command 'sesions'. Did you mean")
    assert "'sessions'" in result.output and len(result.output.splitlines()) == 1
    assert NOT_COMMANDS.isdisjoint(lazy.COMMANDS)
