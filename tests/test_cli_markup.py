"""What a user types is printed as typed: the CLI's consoles read no Rich markup, so a name,
a note or a file name with square brackets neither styles the output nor breaks it (an
athlete called "a[/]" once made every listing end in a MarkupError traceback)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Cli

NAMES = ("a[/]", "[bold]x[/bold]", "[red]")


def test_brackets_in_what_users_type_are_printed_as_typed(cli: Cli, tmp_path: Path) -> None:
    for name in NAMES:
        assert (
            cli("athlete", "add", name, "--sex", "m")
            .stdout.strip()
            .startswith(f"added athlete {name} (id")
        )
    cli(
        "log",
        "--athlete",
        "a[/]",
        "--date",
        "2026-12-01",
        "--minutes",
        "30",
        "--rpe",
        "5",
        "--activity",
        "run",
        "--notes",
        "[/] and [red]x",
    )
    listed = cli("athlete", "list").stdout
    assert all(f" {name} " in listed for name in NAMES), listed
    assert " a[/]    " in cli("sessions").stdout
    assert cli("status", "a[/]").stdout.startswith("a[/] on ")
    rr = tmp_path / "[morning].txt"
    rr.write_text("\n".join(["800", "810", "790", "805"] * 60), encoding="utf-8")
    assert cli("hrv", str(rr)).stdout.startswith("[morning].txt: ")
    missing = cli("status", "[nobody]", code=None)
    assert missing.exit_code == 2 and "no athlete [nobody]" in missing.output
