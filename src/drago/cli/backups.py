"""`drago backup` and `drago restore`, and an athlete's export and erasure."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from drago.cli import app, open_lab
from drago.cli.athletes import athlete_app
from drago.cli.output import stdout
from drago.lab import restore as restore_backup


@app.command("backup")
def backup(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="The backup file (.tar.gz).")],
) -> None:
    """Write a consistent backup of the store and every original.

    Example: drago backup -o drago-2026-11-26.tar.gz
    """
    manifest = open_lab(ctx).privacy.backup(out)
    stdout.print(f"backed up {len(manifest['files'])} files to {out}", highlight=False)


@app.command("restore")
def restore(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(help="A backup written by drago backup.")],
) -> None:
    """Restore a backup into an empty data directory (the --db file's folder).

    Example: drago --db ~/lab/drago.duckdb restore drago-2026-11-26.tar.gz
    """
    db, manifest = restore_backup(source, ctx.find_root().obj.get("db"))
    open_lab(ctx).close()
    stdout.print(f"restored {len(manifest['files'])} files into {db.parent}", highlight=False)


class TableFormat(StrEnum):
    parquet = "parquet"
    csv = "csv"


@athlete_app.command("export")
def export(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The athlete's name.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="A new or empty folder.")],
    fmt: Annotated[
        TableFormat, typer.Option("--format", "-f", help="Tables as parquet or csv.")
    ] = TableFormat.parquet,
) -> None:
    """Write everything held on an athlete: tables, originals, manifest.json.

    Tables are Parquet, or CSV (--format csv) for a spreadsheet.

    Example: drago athlete export rocky -o rocky-export --format csv
    """
    manifest = open_lab(ctx).privacy.export(name, out, fmt=str(fmt))
    stdout.print(f"exported {len(manifest['files'])} files to {out}", highlight=False)


@athlete_app.command("delete")
def delete(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The athlete's name.")],
    yes: Annotated[bool, typer.Option("--yes", help="Really erase the athlete.")] = False,
) -> None:
    """Erase an athlete: every row, every original file, and the freed bytes of the store.

    Example: drago athlete delete ivan --yes
    """
    if not yes:
        raise typer.BadParameter("add --yes to erase the athlete and all their data")
    erased = open_lab(ctx).privacy.erase(name)
    removed = ", ".join(f"{n} {table}" for table, n in erased.rows.items() if n)
    stdout.print(
        f"erased athlete {name}: {removed or 'no rows'}; {erased.originals} original files",
        highlight=False,
    )
