"""One way to print every listing: `--format table|csv|json`, and one-line errors."""

from __future__ import annotations

import json
import math
import re
import sys
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import polars as pl
import typer
from typer._click.types import DateTime

from drago.cli import tables
from drago.csv_cells import write_csv

if TYPE_CHECKING:
    from rich.console import Console


#: Width of tables written to a pipe or file, where no terminal says how wide to be.
PIPE_WIDTH = 200
#: The Rich consoles `stdout` and `stderr`, made on first use (`__getattr__` below): importing
#: Rich costs about a third of importing Polars, which a JSON listing need not pay (issue 19).
#: Markup is off: names, notes and file names are printed as typed (an athlete called "a[/]"
#: once broke every listing); a line that styles itself says `markup=True` and escapes the rest.
_CONSOLES: dict[str, Console] = {}


def __getattr__(name: str) -> Console:
    if name not in ("stdout", "stderr"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if name not in _CONSOLES:
        from rich.console import Console

        _CONSOLES[name] = Console(stderr=name == "stderr", soft_wrap=True, markup=False)
    return _CONSOLES[name]


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


Fmt = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Output as a table, csv or json.")
]

#: Text `datetime.strptime` would read with "%Y-%m-%d" and "%H:%M" only when these match.
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CLOCK = re.compile(r"[0-9]{2}:[0-9]{2}")


class Dates(DateTime):
    """Typer's `DateTime` option type that reads "2026-10-28" and "07:30" without
    `datetime.strptime`, whose first call imports `_strptime` and builds its patterns (about
    1 ms of CPU for `drago log` and `drago status`; issue 19). The datetime is the one strptime
    makes, an impossible day or time is refused alike (None: next format, then Typer's own
    error), and other text goes through strptime as before; help and messages are Typer's."""

    def _try_to_convert_date(self, value: Any, format: str) -> datetime | None:
        try:
            if format == "%Y-%m-%d" and isinstance(value, str) and _DAY.fullmatch(value):
                return datetime(int(value[:4]), int(value[5:7]), int(value[8:]))
            if format == "%H:%M" and isinstance(value, str) and _CLOCK.fullmatch(value):
                return datetime(1900, 1, 1, int(value[:2]), int(value[3:]))
        except ValueError:
            return None
        return super()._try_to_convert_date(value, format)


#: The option types of a day (YYYY-MM-DD) and of a time of day (HH:MM); the options still say
#: `formats=` for the reader.
DAY = Dates(["%Y-%m-%d"])
CLOCK = Dates(["%H:%M"])


def _finite(frame: pl.DataFrame) -> pl.DataFrame:
    """Non-finite floats (an overflowed reading, a ratio over zero) as null: JSON has no inf."""
    floats = [name for name, dtype in frame.schema.items() if dtype.is_float()]
    if not floats:
        return frame
    return frame.with_columns(
        pl.when(pl.col(name).is_finite()).then(pl.col(name)).alias(name) for name in floats
    )


def _plain(frame: pl.DataFrame, *, short: bool = False, flat: bool = False) -> pl.DataFrame:
    """Dates and times as ISO 8601 text; UTC instants end in Z (`short`: minutes, for tables);
    `flat`: lists as `;`-separated text (CSV holds no nested values)."""
    conversions = []
    for name, dtype in frame.schema.items():
        if flat and isinstance(dtype, pl.List):
            text = pl.col(name).list.eval(pl.element().round(1).cast(pl.String))
            conversions.append(text.list.join(";").alias(name))
            continue
        if isinstance(dtype, pl.Datetime):
            column = pl.col(name)
            if dtype.time_zone is not None:
                column = column.dt.convert_time_zone("UTC")
            suffix = "Z" if dtype.time_zone is not None else ""
            # A table says UTC in words (local times are given as text with their zone).
            table_suffix = " UTC" if dtype.time_zone is not None else ""
            pattern = f"%Y-%m-%d %H:%M{table_suffix}" if short else f"%Y-%m-%dT%H:%M:%S{suffix}"
            conversions.append(column.dt.strftime(pattern).alias(name))
        elif dtype == pl.Date:
            conversions.append(pl.col(name).dt.strftime("%Y-%m-%d").alias(name))
    return frame.with_columns(conversions) if conversions else frame


def emit(frame: pl.DataFrame, fmt: OutputFormat, *, table: pl.DataFrame | None = None) -> None:
    """Print a frame; `table` is an optional human-friendly version for the table format."""
    if fmt is OutputFormat.json:
        rows: list[dict[str, Any]] = _plain(_finite(frame)).to_dicts()
        sys.stdout.write(json.dumps(rows, indent=2, allow_nan=False, default=str) + "\n")
    elif fmt is OutputFormat.csv:
        sys.stdout.write(write_csv(_plain(frame, flat=True)))
    else:
        shown = _plain(table if table is not None else frame, short=True, flat=True)
        texts = [
            ["" if value is None else _cell(value) for value in row] for row in shown.iter_rows()
        ]
        width = None if sys.stdout.isatty() else PIPE_WIDTH
        if not tables.draw(shown.columns, texts, width=width):  # Rich folds what does not fit
            from rich.console import Console
            from rich.table import Table

            grid = Table(show_lines=False, header_style="bold")
            for name in shown.columns:
                grid.add_column(name, overflow="fold")
            for cells in texts:
                grid.add_row(*cells)
            Console(width=width, markup=False).print(grid)


def json_safe(value: Any) -> Any:
    """JSON-safe: dates as ISO text, non-finite floats as null, floats to 4 decimals."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, float):
        return round(value, 4) if math.isfinite(value) else None
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def emit_object(obj: dict[str, Any]) -> None:
    """Print one JSON object (a report rather than a listing)."""
    sys.stdout.write(json.dumps(json_safe(obj), indent=2, allow_nan=False) + "\n")


def human(value: object) -> str:
    """One value for a person to read: floats to at most 2 decimals (134.14, 7.5, 60),
    UTC instants marked UTC, none as empty."""
    if value is None:
        return ""
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return f"{value:.2f}".rstrip("0").rstrip(".") if abs(value) < 1e6 else f"{value:.0f}"
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    if isinstance(value, list):
        return ", ".join(human(v) for v in value)
    return str(value)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) < 1e6 else f"{value:.0f}"
    return str(value)


def error(message: str) -> None:
    """One line on stderr, the way every failure reaches a user."""
    from rich.markup import escape

    __getattr__("stderr").print(
        f"[red]error:[/red] {escape(message)}", highlight=False, markup=True
    )
