"""`drago lake synth|export|compute|attach|detach|overview`: a federation's Parquet lake."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import polars as pl
import typer

from drago.cli import app, open_lab
from drago.cli.load import Method
from drago.cli.output import Fmt, OutputFormat, emit, stdout

if TYPE_CHECKING:  # the lake (Arrow, engines) loads when a lake command runs
    from drago import lake

lake_app = typer.Typer(
    help="A federation's Parquet lake: export, synthesise, compute on local/Dask/Spark, attach.",
    no_args_is_help=True,
)
app.add_typer(lake_app, name="lake")


class Engine(StrEnum):
    local = "local"
    dask = "dask"
    spark = "spark"


Dir = Annotated[Path, typer.Argument(help="The lake's directory.", file_okay=False)]
To = Annotated[Path, typer.Option("--to", help="The lake's directory (created if missing).")]


def _written(what: str, done: lake.Written, where: Path) -> None:
    stdout.print(
        f"{what} {where}: {done.written} partitions written ({done.rows} rows), "
        f"{done.unchanged} unchanged, {done.removed} removed",
        highlight=False,
    )


@lake_app.command("synth")
def synth(
    to: To,
    athletes: Annotated[int, typer.Option("--athletes", min=1, help="How many boxers.")] = 50,
    years: Annotated[float, typer.Option("--years", min=0.1, help="Years of data.")] = 1.0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same lake).")] = 0,
) -> None:
    """Write a SYNTHETIC federation (generated, not measured) for tests and benchmarks.

    Example: drago lake synth --to /tmp/fed --athletes 50 --years 1 --seed 1
    """
    from drago import lake

    done = lake.synth(to, athletes=athletes, years=years, seed=seed)
    _written("synthetic lake", done, to)


@lake_app.command("export")
def export(
    ctx: typer.Context,
    to: To,
    athlete: Annotated[
        list[str] | None, typer.Option("--athlete", help="Only this athlete (repeatable).")
    ] = None,
) -> None:
    """Export the store's athletes to a Parquet lake, one file per athlete and table.

    Sessions with their loads, wellness and morning HRV; exporting again writes only the
    partitions that changed.

    Example: drago lake export --to /data/lake --athlete drago
    """
    done = open_lab(ctx, read_only=True).lake.export(to, athletes=athlete)
    _written("lake", done, to)


@lake_app.command("compute")
def compute(
    root: Dir,
    engine: Annotated[Engine, typer.Option("--engine", help="local, dask or spark.")] = (
        Engine.local
    ),
    out: Annotated[
        Path | None, typer.Option("--out", help="Results directory (default DIR/results).")
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help="End every series on this day (default: each athlete's last data).",
        ),
    ] = None,
    method: Annotated[
        Method, typer.Option("--method", help="Load method: auto, trimp, edwards or srpe.")
    ] = Method.auto,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Dask scheduler address (default: a LocalCluster)."),
    ] = None,
    master: Annotated[
        str | None, typer.Option("--master", help="Spark master URL (default: local mode).")
    ] = None,
) -> None:
    """Every lake athlete's daily load series and readiness, on one process, Dask or Spark.

    Load, CTL/ATL/TSB, ACWR, monotony, strain and the readiness verdict, written as Parquet
    under OUT/daily in at most 64 files of whole athletes; all engines run the same
    function, vectorised over a bucket of athletes.

    Example: drago lake compute /tmp/fed --engine dask --out /tmp/fed-dask
    """
    from drago import lake

    done = lake.compute(
        root,
        engine=engine.value,
        out=out,
        as_of=as_of.date() if as_of else None,
        method=method.value,
        scheduler=scheduler,
        master=master,
    )
    stdout.print(
        f"{done.engine}: {done.athletes} athletes, {done.rows} daily rows in "
        f"{done.seconds:.1f} s ({done.rows / max(done.seconds, 1e-9):,.0f} rows/s; engine "
        f"start-up {done.startup_s:.1f} s)",
        highlight=False,
    )
    _written("results", done.written, done.out)


@lake_app.command("attach")
def attach(ctx: typer.Context, root: Dir) -> None:
    """Let listings and the dashboard read a lake's results (DIR or DIR/results).

    Then `drago lake overview`, `drago load NAME` for a lake athlete and the dashboard's
    /federation page read them; the path is noted in lake.json beside the store.

    Example: drago lake attach /tmp/fed
    """
    results, _ = open_lab(ctx).lake.attach(root)
    stdout.print(f"attached lake results {results}", highlight=False)


@lake_app.command("detach")
def detach(ctx: typer.Context) -> None:
    """Forget the attached lake.

    Example: drago lake detach
    """
    gone = open_lab(ctx).lake.detach()
    stdout.print("detached the lake" if gone else "no lake was attached", highlight=False)


@lake_app.command("overview")
def overview(ctx: typer.Context, fmt: Fmt = OutputFormat.table) -> None:
    """Every athlete of the attached lake on their latest day.

    Fitness (CTL), fatigue (ATL), form (TSB), rolling ACWR and its band, EWMA ACWR, the last 7
    days' load and the latest readiness verdict.

    Example: drago lake overview --format csv
    """
    frame = open_lab(ctx).lake.overview()
    table = frame.with_columns(
        pl.col("ctl", "atl", "tsb", "load_7d").round(1),
        pl.col("acwr_rolling", "acwr_ewma").round(2),
    )
    emit(frame, fmt, table=table)
