"""Docs checked by tests: the CLI reference is generated and current, every command explained."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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


def test_activity_mapping_is_documented() -> None:
    from drago.activities import SPORT_ACTIVITY, STRAVA_TYPES, SUB_SPORT_ACTIVITY

    doc = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    for table in (SUB_SPORT_ACTIVITY, SPORT_ACTIVITY, STRAVA_TYPES):
        for word, activity in table.items():
            assert re.search(rf"^\| `{re.escape(word)}` \| [^|]+ \| {activity} \|$", doc, re.M), (
                word
            )


def test_every_command_has_a_one_line_summary() -> None:
    for name, command in commands():
        summary = (command.help or "").split("\n\n")[0]
        assert "\n" not in summary.strip(), f"{name}: make the first paragraph one line"


def test_the_python_example_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """docs/python.md's notebook example, run as written on a fresh store."""
    text = (ROOT / "docs" / "python.md").read_text(encoding="utf-8")
    [code] = re.findall(r"```python\n(.*?)```", text, re.S)
    exec(compile(code, "docs/python.md", "exec"), {"db": tmp_path / "drago.duckdb"})
    said = re.fullmatch(r"ACWR band (.+), week load (\d+) AU\n", capsys.readouterr().out)
    assert said is not None, "the example prints its band and week"
    assert said[1] in ("under-training", "sweet spot", "caution", "spike") and int(said[2]) > 0
