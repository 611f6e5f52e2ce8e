"""A usage mistake Click finds (an unknown option or command, a value outside a choice, a date
that is not one, a missing argument) is drago's one `error:` line naming the command, exit 2,
as docs/cli.md promises; before, Click printed its usage, a hint and a boxed message (5-7
lines). `drago` or a group typed alone still prints its help."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Cli

MISTAKES = [
    (("athlete", "add", "x", "--sex", "q"), "drago athlete add: invalid value for '--sex'"),
    (("athlete", "add"), "drago athlete add: missing argument"),
    (("sessions", "--bogus"), "drago sessions: no such option: --bogus"),
    (("sesions",), "drago: no such command 'sesions'. Did you mean 'sessions'"),
    (("--bogus",), "drago: no such option: --bogus"),
    (("sessions", "--format", "yaml"), "drago sessions: invalid value for '--format'"),
    (
        ("log", "--athlete", "a", "--date", "2026-02-29", "--minutes", "30", "--rpe", "5"),
        "drago log: invalid value for '--date'",
    ),
]


@pytest.mark.parametrize(("args", "start"), MISTAKES)
def test_a_usage_mistake_is_one_error_line(cli: Cli, args: tuple[str, ...], start: str) -> None:
    result = cli(*args, code=2)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"error: {start}"), lines[0]
    assert lines[0].endswith("--help')"), lines[0]
    assert "Usage:" not in result.output and "╭" not in result.output


def test_a_group_typed_alone_still_shows_its_help(cli: Cli) -> None:
    result = cli("athlete", code=None)
    assert "Usage: root athlete" in result.output and "error:" not in result.output


def test_the_installed_command_prints_one_line_on_stderr(tmp_path: Path) -> None:
    env = {**os.environ, "DRAGO_HOME": str(tmp_path), "COLUMNS": "80"}
    done = subprocess.run(
        [sys.executable, "-m", "drago", "athlete", "add", "x", "--sex", "q"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "error: drago athlete add: invalid value for '--sex': 'q' is not one of 'm', 'f'"
        " (see 'drago athlete add --help')"
    ]
