"""The `drago` command: one Typer app, one module per command group.

Commands parse options, call `drago.lab.Lab`, and format the answer; errors reach the user as
one line (exit 1 when some inputs failed, 2 for bad usage), tracebacks only with --debug.
A command's module is imported when the command runs (`drago.cli.lazy`), so the first
keystroke pays only for the command typed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer._click.exceptions import ClickException, NoArgsIsHelpError
from typer._click.exceptions import UsageError as ClickUsageError
from typer.core import TyperCommand, TyperGroup

from drago.cli import lazy
from drago.errors import DragoError, UsageError

if TYPE_CHECKING:
    from drago.lab import Lab


class DragoGroup(TyperGroup):
    """Maps drago's errors onto one-line messages and exit codes for every command, and loads
    each command's module when it is asked for (`drago --help` lists them from `lazy.COMMANDS`).
    """

    listing = False  # true while help is printed: commands not loaded yet show their help line

    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        return [*lazy.COMMANDS, *(name for name in self.commands if name not in lazy.COMMANDS)]

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Any:  # type: ignore[override]
        if cmd_name not in self.commands and cmd_name in lazy.COMMANDS:
            if self.listing:
                return TyperCommand(cmd_name, help=lazy.COMMANDS[cmd_name].help)
            command = lazy.load(app, cmd_name)
            if command is not None:
                self.commands[cmd_name] = command
        return self.commands.get(cmd_name)

    def format_help(self, ctx: typer.Context, formatter: Any) -> None:  # type: ignore[override]
        self.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.listing = False

    def resolve_command(  # type: ignore[override]
        self, ctx: typer.Context, args: list[str]
    ) -> tuple[str | None, Any, list[str]]:
        try:
            return self._click_resolve_command(ctx, args)  # type: ignore[no-any-return]
        except Exception as exc:  # a mistyped command (Click's UsageError): say what was meant
            from difflib import get_close_matches

            message = getattr(exc, "message", None)
            matches = get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if matches and isinstance(message, str):
                suggestions = ", ".join(repr(m) for m in matches)
                exc.message = f"{message.rstrip('.')}. Did you mean {suggestions}?"  # type: ignore[attr-defined]
            raise

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        try:
            return super().parse_args(ctx, args)  # type: ignore[no-any-return]
        except ClickException as exc:
            raise _one_line(exc) from exc

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except ClickException as exc:
            raise _one_line(exc) from exc
        except DragoError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            from drago.cli.output import error

            error(str(exc))
            raise typer.Exit(2 if isinstance(exc, UsageError) else 1) from exc
        except Exception as exc:  # a damaged store or a full disk: one line, not a traceback
            from drago.lab import fault_message

            message = fault_message(exc)
            if message is None or (ctx.obj and ctx.obj.get("debug")):
                raise
            from drago.cli.output import error

            error(message)
            raise typer.Exit(1) from exc


def _one_line(exc: ClickException) -> ClickException | typer.Exit:
    """A usage mistake Click found (an unknown option, a value not allowed, a missing argument)
    as drago's one `error:` line naming the command, with where to read its usage, instead of
    Click's usage block and boxed message; `drago` or a group typed alone still prints its help.
    """
    if isinstance(exc, NoArgsIsHelpError):
        return exc
    from drago.cli.output import error

    message = exc.format_message().strip().replace("\n", " ").rstrip(".")
    context = exc.ctx if isinstance(exc, ClickUsageError) else None
    if context is not None:
        path = "drago" + context.command_path[len(context.find_root().command_path) :]
        message = f"{path}: {message[:1].lower()}{message[1:]} (see '{path} --help')"
    error(message)
    return typer.Exit(exc.exit_code)


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
    from drago.lab import Lab

    root = ctx.find_root()
    lab = Lab(root.obj["db"] if root.obj else None, read_only=read_only)
    ctx.call_on_close(lab.close)
    return lab


__all__ = ["DragoGroup", "app", "main", "open_lab"]


def main() -> None:
    """Run the command line. The `drago` command and `python -m drago` start in
    `drago.__main__.main`, which tunes the garbage collector before this module is imported;
    this entry point (that of installs made before 2026-12-06) goes there too."""
    from drago.__main__ import main as run

    run()
