"""The `drago` command: one Typer app, one module per command group.

Commands parse options, call `drago.lab.Lab`, and format the answer; errors reach the user as
one line (exit 1 when some inputs failed, 2 for bad usage), tracebacks only with --debug.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from drago.cli.output import error
from drago.errors import DragoError, UsageError
from drago.lab import Lab, fault_message


class DragoGroup(TyperGroup):
    """Maps drago's errors onto one-line messages and exit codes for every command."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except DragoError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            error(str(exc))
            raise typer.Exit(2 if isinstance(exc, UsageError) else 1) from exc
        except Exception as exc:  # a damaged store or a full disk: one line, not a traceback
            message = fault_message(exc)
            if message is None or (ctx.obj and ctx.obj.get("debug")):
                raise
            error(message)
            raise typer.Exit(1) from exc


app = typer.Typer(
    cls=DragoGroup,
    help="drago: an open sports-science lab for boxers and their coaches.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _global(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="The DuckDB store file (default: $DRAGO_HOME/drago.duckdb, else the user "
            "data dir).",
            envvar="DRAGO_DB",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    ctx.obj = {"db": db, "debug": debug}


def open_lab(ctx: typer.Context, *, read_only: bool = False) -> Lab:
    """The lab named by the global --db option (closed when the command ends)."""
    root = ctx.find_root()
    lab = Lab(root.obj["db"] if root.obj else None, read_only=read_only)
    ctx.call_on_close(lab.close)
    return lab


from drago.cli import (  # noqa: E402  (commands register on app)
    accounts,
    athletes,
    backups,
    camp,
    compare,
    corrections,
    demo,
    fight,
    imports,
    lake,
    live,
    load,
    plots,
    punches,
    readiness,
    serve,
    sessions,
    teams,
    watch,
)

__all__ = [
    "accounts",
    "app",
    "athletes",
    "backups",
    "camp",
    "compare",
    "corrections",
    "demo",
    "fight",
    "imports",
    "lake",
    "live",
    "load",
    "main",
    "open_lab",
    "plots",
    "punches",
    "readiness",
    "serve",
    "sessions",
    "teams",
    "watch",
]


def main() -> None:
    app()
