"""Click's own refusals (a value not among the choices, a date that does not exist, a missing
option) are bad input too: the brief's one line, exit 2 (found by the adversarial pass; the fix
belongs in cli/__init__.py, which another helper is editing)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.conftest import Cli

REFUSED = {
    "choice": ("athlete", "add", "ivan", "--sex", "x"),
    "no-such-day": (
        "log",
        "--athlete",
        "drago",
        "--date",
        "2026-02-29",
        "--minutes",
        "30",
        "--rpe",
        "5",
        "--activity",
        "run",
    ),
    "format": ("sessions", "--format", "yaml"),
}


@pytest.mark.xfail(
    strict=True,
    reason="Typer prints Click's usage errors as a Usage line, a Try line and a Rich panel "
    "(5-7 lines); DragoGroup could catch click.UsageError and print one 'error:' line",
)
@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_a_value_click_refuses_is_one_line(
    cli: Cli, athlete: Callable[..., str], kind: str
) -> None:
    athlete("drago")
    answer = cli(*REFUSED[kind], code=2)
    lines = [line for line in answer.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), answer.output
