"""`drago plot`: charts written to PNG, SVG or interactive HTML files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from drago.cli import app, open_lab
from drago.cli.load import AsOf, Method, MethodOpt, Name, Since, Until
from drago.cli.output import stdout
from drago.errors import UsageError
from drago.plots import NothingToPlot, pmc_renderer, pmc_title, readiness_renderer
from drago.plots.punches import punches_figure_html, punches_figure_static

plot_app = typer.Typer(
    help="Draw charts to .png, .svg or interactive .html files.", no_args_is_help=True
)
app.add_typer(plot_app, name="plot")

Out = Annotated[
    Path,
    typer.Option("--out", "-o", help="The file to write: .png, .svg or .html (interactive)."),
]


@plot_app.command("load")
def load(
    ctx: typer.Context,
    name: Name,
    out: Out,
    since: Since = None,
    until: Until = None,
    as_of: AsOf = None,
    method: MethodOpt = Method.auto,
) -> None:
    """Chart daily load, fitness (CTL), fatigue (ATL) and form (TSB) of athlete NAME.

    Static .png and .svg, or an .html page to zoom and hover that opens offline.

    Example: drago plot load rocky -o rocky-load.png --since 2026-09-01
    """
    try:
        render = pmc_renderer(out)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    if not out.parent.is_dir():
        raise UsageError(f"{out}: no such directory {out.parent}")
    series = open_lab(ctx).load_series(
        name,
        since=since.date() if since else None,
        until=until.date() if until else None,
        as_of=as_of.date() if as_of else None,
        method=method.value,
    )
    try:
        render(series, out, title=pmc_title(name, method.value))
    except NothingToPlot as exc:
        raise UsageError(f"{name}: {exc}") from exc
    days = series["date"].sort()
    stdout.print(f"drew {len(days)} days ({days[0]} to {days[-1]}) to {out}", highlight=False)


@plot_app.command("readiness")
def readiness(
    ctx: typer.Context,
    name: Name,
    out: Out,
    since: Since = None,
    as_of: AsOf = None,
) -> None:
    """Chart morning ln rMSSD with its 7-day mean and normal range, and the wellness scores.

    Example: drago plot readiness rocky -o rocky-readiness.png
    """
    try:
        render = readiness_renderer(out)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    if not out.parent.is_dir():
        raise UsageError(f"{out}: no such directory {out.parent}")
    days = open_lab(ctx).readiness(
        name, since=since.date() if since else None, as_of=as_of.date() if as_of else None
    )
    try:
        render(days, out, title=f"{name}: morning readiness")
    except NothingToPlot as exc:
        raise UsageError(f"{name}: {exc}") from exc
    stdout.print(f"drew {days.height} days to {out}", highlight=False)


@plot_app.command("punches")
def punches(
    ctx: typer.Context,
    session_id: Annotated[int, typer.Argument(help="A session with IMU streams.")],
    out: Out,
) -> None:
    """Chart a session's acceleration with its detected punches, and punches per round.

    Example: drago plot punches 42 -o sparring-punches.png
    """
    suffix = out.suffix.lower()
    if suffix not in (".png", ".svg", ".html"):
        raise UsageError(
            f"{out}: cannot draw {suffix or 'suffix-less'!r} files; use .png, .svg or .html"
        )
    if not out.parent.is_dir():
        raise UsageError(f"{out}: no such directory {out.parent}")
    lab = open_lab(ctx)
    report = lab.session_punches(session_id)
    trace = lab.session_imu_trace(session_id)
    title = f"session {session_id}: {report['n_punches']} punches"
    if suffix == ".html":
        punches_figure_html(trace, report, out, title=title)
    else:
        punches_figure_static(trace, report, out, title=title, fmt=suffix.lstrip("."))
    stdout.print(f"drew {report['n_punches']} punches to {out}", highlight=False)
