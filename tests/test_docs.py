"""Docs checked by tests: the CLI reference is generated and current, every command explained."""

from __future__ import annotations

from pathlib import Path

from drago.cli.reference import commands, render

ROOT = Path(__file__).parents[1]


def test_cli_reference_is_current() -> None:
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == render(), (
        "regenerate: python -m drago.cli.reference > docs/cli.md"
    )


def test_every_command_and_option_is_explained() -> None:
    for name, command in commands():
        assert command.help and "Example:" in command.help, name
        for param in command.params:
            if param.param_type_name == "option":
                assert param.help, f"{name} {param.opts}"


def test_readme_gives_the_two_commands_and_the_licence() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme and "MIT" in readme
