"""`drago load`, `drago status` and `drago recompute`: the numbers a coach decides by."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Annotated

import polars as pl
import typer

from drago.cli import app, open_lab, output, tables
from drago.cli.output import DAY, Fmt, OutputFormat, emit
from drago.cli.tables import BOLD, RESET, styled
from drago.vocab import ACWR_BAND_LABEL, ACWR_BAND_RATIO, LoadMethod

#: The load methods as the CLI offers them (one vocabulary: `drago.vocab`).
Method = LoadMethod


Name = Annotated[str, typer.Argument(help="The athlete's name.")]
Since = Annotated[
    datetime | None,
    typer.Option("--since", formats=["%Y-%m-%d"], click_type=DAY, help="First day shown (local)."),
]
Until = Annotated[
    datetime | None,
    typer.Option(
        "--until", formats=["%Y-%m-%d"], click_type=DAY, help="Last day (default: --as-of)."
    ),
]
MethodOpt = Annotated[
    Method,
    typer.Option(
        "--method",
        help="auto (sensor TRIMP, else sRPE on the TRIMP scale), trimp, edwards or srpe.",
    ),
]
AsOf = Annotated[
    datetime | None,
    typer.Option(
        "--as-of",
        formats=["%Y-%m-%d"],
        click_type=DAY,
        help="The day to report on (default today).",
    ),
]
#: What each EWMA ACWR band means in plain words (Gabbett 2016; see docs/metrics.md caveats).
BAND_WORDS = {
    "under-training": "less than the athlete is used to: fitness may fade",
    "sweet spot": "in line with what the athlete is used to",
    "caution": "more than usual: watch recovery",
    "spike": "a spike well above usual: look at the load and recovery (a prompt, not injury risk)",
}
#: The title of `drago status`'s table of recent days.
TITLE = "last 14 days"


@app.command("load")
def load(
    ctx: typer.Context,
    name: Name,
    since: Since = None,
    until: Until = None,
    as_of: AsOf = None,
    method: MethodOpt = Method.auto,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Daily load, fitness (CTL), fatigue (ATL), form (TSB), ACWR, monotony and strain.

    Example: drago load drago --since 2026-10-01 --format csv
    """
    series = open_lab(ctx).load.series(
        name,
        since=since.date() if since else None,
        until=until.date() if until else None,
        as_of=as_of.date() if as_of else None,
        method=method.value,
    )
    table = series.select(
        "date",
        *(pl.col(c).round(1) for c in ("load", "ctl", "atl", "tsb") if c in series.columns),
        *(
            pl.col(c).round(2)
            for c in ("acwr_ewma", "acwr_rolling", "monotony")
            if c in series.columns
        ),
        *(c for c in ("acwr_band",) if c in series.columns),
    )
    emit(series, fmt, table=table)


@app.command("status")
def status(
    ctx: typer.Context,
    name: Name,
    as_of: AsOf = None,
    method: MethodOpt = Method.auto,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Today's fitness, fatigue, form and ACWR in plain words, and the last 14 days.

    Example: drago status rocky --as-of 2026-11-20
    """
    report = open_lab(ctx).load.status(
        name, as_of=as_of.date() if as_of else None, method=method.value
    )
    if fmt is not OutputFormat.table:
        emit(pl.DataFrame([report.today]), fmt)
        return
    day = report.today
    band = day.get("acwr_band")
    acwr = day.get(ACWR_BAND_RATIO)
    words = BAND_WORDS.get(band or "", "not enough history yet (28 days)")
    name = f"{BOLD}{report.athlete}{RESET}" if styled(sys.stdout) else report.athlete
    lines = [
        f"{name} on {report.day.isoformat()} ({method.value} load)",
        f"  fitness (CTL) {_num(day['ctl'])}   fatigue (ATL) {_num(day['atl'])}   "
        f"form (TSB) {_num(day['tsb'])}",
        f"  ACWR ({ACWR_BAND_LABEL}) {_num(acwr, 2)}: {band or 'no band'}, {words}; "
        f"EWMA {_num(day.get('acwr_ewma'), 2)}",
        f"  monotony {_num(day.get('monotony'), 2)}   strain {_num(day.get('strain'))}",
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    peak = max((v or 0.0) for v in report.recent["load"].to_list()) or 1.0
    header = ("date", "load", "", "TSB")
    rows = [
        (
            row["date"].isoformat(),
            _num(row["load"]),
            "█" * round(20 * (row["load"] or 0.0) / peak),
            _num(row["tsb"]),
        )
        for row in report.recent.iter_rows(named=True)
    ]
    if not tables.draw(header, rows, title=TITLE):  # a terminal too narrow: Rich folds it
        from rich.table import Table

        grid = Table(title=TITLE, header_style="bold")
        for column in header:
            grid.add_column(column)
        for cells in rows:
            grid.add_row(*cells)
        output.stdout.print(grid)


def _num(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


@app.command("recompute")
def recompute(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Argument(help="The athlete's name (default: every athlete).")
    ] = None,
) -> None:
    """Recompute every per-session load (zones, TRIMPs, sRPE) from the stored records.

    Example: drago recompute rocky
    """
    n = open_lab(ctx).load.recompute(athlete=name)
    output.stdout.print(f"recomputed {n} sessions", highlight=False)
