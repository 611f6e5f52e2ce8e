"""Names are printed in every listing, page and export: one with a control character (an
escape sequence that clears a coach's terminal, a newline that splits a CSV row or a log
line, a bidi override that makes one athlete's name read as another's) or of thousands of
characters is refused at entry in one line; any other Unicode name is kept as typed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from drago.errors import UsageError
from drago.lab import Lab
from drago.lab.base import BIDI_CONTROLS, MAX_NAME_CHARS
from tests.conftest import Cli

BAD = {
    "escape": "ivan\x1b[2J",
    "newline": "ivan\ndrago",
    "nul": "ivan\x00",
    "bell": "ivan\x07",
    "bidi": "ivan\u202eogard",
    "long": "x" * (MAX_NAME_CHARS + 1),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_a_bad_name_is_refused_in_one_line(
    cli: Cli, athlete: Callable[..., str], kind: str
) -> None:
    athlete("drago")
    name = BAD[kind]
    for command in (
        ("athlete", "add", name, "--sex", "m"),
        ("team", "add", name),
        ("fight", "new", "--red", "drago", "--blue", name, "--date", "2026-01-01", "--rounds", "3"),
    ):
        answer = cli(*command, code=2)
        lines = [line for line in answer.output.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), answer.output
        assert "\x1b" not in answer.output and "\n" not in lines[0]
    assert [row["name"] for row in cli.json("athlete", "list")] == ["drago"]
    assert cli.json("team", "list") == []


def test_a_login_with_a_control_character_is_refused(db: Path) -> None:
    with Lab(db) as lab:
        lab.athletes.add("drago", sex="m")
        with pytest.raises(UsageError, match="control character"):
            lab.accounts.add_user("coach\x1b", role="admin", password="a long passphrase 1")


NAME_CHARS = st.characters(
    blacklist_categories=("Cc", "Cs"), blacklist_characters="".join(BIDI_CONTROLS)
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(NAME_CHARS, min_size=1, max_size=MAX_NAME_CHARS))
def test_any_other_name_is_kept_as_typed(
    tmp_path_factory: pytest.TempPathFactory, name: str
) -> None:
    assume(name.strip())
    db = tmp_path_factory.mktemp("names") / "drago.duckdb"
    with Lab(db) as lab:
        lab.athletes.add(name, sex="m")
        assert lab.athletes.list()["name"].to_list() == [name.strip()]
