"""`drago plot`: charts written to PNG, SVG or interactive HTML files."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from drago.cli import app, open_lab
from drago.cli.load import AsOf, Method, MethodOpt, Name, Since, Until
from drago.cli.output import stdout
from drago.errors import UsageError
from drago.plots import NothingToPlot, pmc_renderer, pmc_title, readiness_renderer
from drago.plots.camp import camp_figure_html, camp_figure_static
from drago.plots.punches import punches_figure_html, punches_figure_static

plot_app = typer.Typer(
    help="Draw charts to .png, .svg or interactive .html files.", no_args_is_help=True
)
app.add_typer(plot_app, name="plot")

Out = Annotated[
    Path,
    typer.Option("--out", "-o", help="The file to write: .png, .svg or .html (interactive)."),
]


def _check_out(out: Path) -> str:
    """The output's suffix (.png, .svg or .html), or UsageError before any work is done."""
    suffix = out.suffix.lower()
    if suffix not in (".png", ".svg", ".html"):
        raise UsageError(
            f"{out}: cannot draw {suffix or 'suffix-less'!r} files; use .png, .svg or .html"
        )
    if not out.parent.is_dir():
        raise UsageError(f"{out}: no such directory {out.parent}")
    return suffix


@contextmanager
def _whole(out: Path) -> Iterator[Path]:
    """The file to draw into: a hidden one beside `out`, renamed to `out` once drawn and
    removed if drawing fails, so a full disk leaves no empty chart (nor an old chart cut
    short); the system's refusal names `out`, not the hidden file."""
    hidden = out.with_name(f".{out.name}.partial")
    try:
        yield hidden
        hidden.replace(out)
    except BaseException as exc:
        with suppress(OSError):
            hidden.unlink(missing_ok=True)
        if isinstance(exc, OSError) and str(hidden) in (exc.filename, exc.filename2):
            raise OSError(exc.errno, exc.strerror, str(out)) from exc
        raise


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

    Static .png and .svg, or an .html page to zoom and hover that opens offline. Without
    --since it opens on the current camp, else the last 90 days.

    Example: drago plot load rocky -o rocky-load.png --since 2026-09-01
    """
    _check_out(out)
    render = pmc_renderer(out)
    lab = open_lab(ctx)
    if since is None:  # the camp, else the last 90 days (--since widens it)
        start = lab.camp.window(name, as_of=as_of.date() if as_of else None).start
        since = datetime.combine(start, datetime.min.time()) if start else None
    series = lab.load.series(
        name,
        since=since.date() if since else None,
        until=until.date() if until else None,
        as_of=as_of.date() if as_of else None,
        method=method.value,
    )
    try:
        with _whole(out) as target:
            render(series, target, title=pmc_title(name, method.value))
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

    Without --since it opens on the current camp, else the last 90 days.

    Example: drago plot readiness rocky -o rocky-readiness.png
    """
    _check_out(out)
    render = readiness_renderer(out)
    lab = open_lab(ctx)
    if since is None:  # the camp, else the last 90 days (--since widens it)
        start = lab.camp.window(name, as_of=as_of.date() if as_of else None).start
        since = datetime.combine(start, datetime.min.time()) if start else None
    days = lab.readiness.series(
        name, since=since.date() if since else None, as_of=as_of.date() if as_of else None
    )
    try:
        with _whole(out) as target:
            render(days, target, title=f"{name}: morning readiness")
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
    suffix = _check_out(out)
    lab = open_lab(ctx)
    report = lab.punches.of_session(session_id)
    trace = lab.punches.imu_trace(session_id)
    title = f"session {session_id}: {report.n_punches} punches"
    with _whole(out) as target:
        if suffix == ".html":
            punches_figure_html(trace, report.to_dict(), target, title=title)
        else:
            figure = report.to_dict()
            punches_figure_static(trace, figure, target, title=title, fmt=suffix.lstrip("."))
    stdout.print(f"drew {report.n_punches} punches to {out}", highlight=False)


@plot_app.command("camp")
def camp(
    ctx: typer.Context,
    name: Name,
    out: Out,
    fight_date: Annotated[
        datetime | None,
        typer.Option("--fight-date", formats=["%Y-%m-%d"], help="Default: the next fight."),
    ] = None,
    as_of: AsOf = None,
    weeks: Annotated[int, typer.Option("--weeks", help="Camp length in weeks.")] = 8,
    rest_days: Annotated[int, typer.Option("--rest-days", help="Rest days a week.")] = 1,
    weigh_in_kg: Annotated[
        float | None, typer.Option("--weigh-in-kg", help="Weight limit (default: the class).")
    ] = None,
) -> None:
    """Chart a camp: planned against done load, predicted form, and weight.

    Planned load is the plan as made the day before the camp began; after --as-of (default
    today) the re-planned days follow, with performance predicted to fight night, and body
    mass against its trajectory to the weigh-in when there is a limit.

    Example: drago plot camp drago -o drago-camp.png
    """
    suffix = _check_out(out)
    days = open_lab(ctx).camp.chart(
        name,
        as_of=as_of.date() if as_of else None,
        fight_date=fight_date.date() if fight_date else None,
        weeks=weeks,
        rest_days=rest_days,
        weigh_in_kg=weigh_in_kg,
    )
    first, last = days["date"][0], days["date"][-1]
    title = f"{name}: camp to {last}"
    try:
        with _whole(out) as target:
            if suffix == ".html":
                camp_figure_html(days, target, title=title)
            else:
                camp_figure_static(days, target, title=title, fmt=suffix.lstrip("."))
    except NothingToPlot as exc:
        raise UsageError(f"{name}: {exc}") from exc
    stdout.print(f"drew the camp {first} to {last} to {out}", highlight=False)
