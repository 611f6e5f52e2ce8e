"""`drago team add|list`: a coach's gym, a federation's squad."""

from __future__ import annotations

from typing import Annotated

import typer

from drago.cli import app, open_lab
from drago.cli.output import Fmt, OutputFormat, emit, stdout

team_app = typer.Typer(help="Add and list teams.", no_args_is_help=True)
app.add_typer(team_app, name="team")


@team_app.command("add")
def add(ctx: typer.Context, name: Annotated[str, typer.Argument(help="The team's name.")]) -> None:
    """Add a team; put athletes in it with `drago athlete add|set NAME --team TEAM`.

    Example: drago team add "Mighty Micks"
    """
    open_lab(ctx).teams.add(name)
    stdout.print(f"added team {name}", highlight=False)


@team_app.command("list")
def list_(ctx: typer.Context, fmt: Fmt = OutputFormat.table) -> None:
    """Every team with its athletes.

    Example: drago team list --format json
    """
    emit(open_lab(ctx).teams.list(), fmt)
