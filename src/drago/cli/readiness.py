"""`drago hrv`, `drago wellness` and `drago readiness`: ready to train hard today, and why."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from drago.cli import app, open_lab
from drago.cli.output import Fmt, OutputFormat, emit, emit_object, stdout
from drago.errors import UsageError


class Correction(StrEnum):
    auto = "auto"
    none = "none"
    lipponen2019 = "lipponen2019"
    malik1989 = "malik1989"


def _window(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    try:
        start, end = (float(part) for part in text.split(":"))
    except ValueError as exc:
        raise UsageError(f"--window takes START_S:END_S, e.g. 60:300, not {text!r}") from exc
    return start, end


@app.command("hrv")
def hrv(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="An RR file (FIT, Polar HRM, CSV or text).")],
    correction: Annotated[
        Correction,
        typer.Option(
            "--correction", help="auto (Lipponen & Tarvainen 2019), none, or a named method."
        ),
    ] = Correction.auto,
    window: Annotated[
        str | None,
        typer.Option("--window", help="Only START_S:END_S of the recording, e.g. 0:300."),
    ] = None,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """HRV of one RR recording, its artefacts, and whether it can be trusted.

    Exits 0 even when the recording cannot be trusted: the reason says why.

    Example: drago hrv morning.csv --window 60:300 --format json
    """
    analysis = open_lab(ctx).readiness.analyse_rr_file(
        path, correction=correction.value, window_s=_window(window)
    )
    result = analysis.to_dict()
    if fmt is OutputFormat.json:
        import json

        stdout.out(json.dumps(result, indent=2, default=str), highlight=False)
        return
    if fmt is OutputFormat.csv:
        emit(
            pl.DataFrame([{k: v for k, v in result.items() if not isinstance(v, dict | list)}]), fmt
        )
        return
    flag = "reliable" if result["reliable"] else "[red]NOT reliable[/red]"
    from rich.markup import escape

    stdout.print(f"{escape(path.name)}: {flag}: {escape(str(result['reason']))}", markup=True)
    for key in (
        "n_beats",
        "artefact_pct",
        "mean_rr_ms",
        "mean_hr_bpm",
        "rmssd_ms",
        "ln_rmssd",
        "sdnn_ms",
        "pnn50_pct",
        "correction",
        "unit_detected",
    ):
        value = result.get(key)
        shown = f"{value:.2f}" if isinstance(value, float) else value
        stdout.print(f"{key:>14}: {'' if shown is None else shown}", highlight=False)


@app.command("wellness")
def wellness(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The athlete's name.")],
    sleep: Annotated[int, typer.Option("--sleep", help="Sleep quality, 1 (best) to 7.")],
    stress: Annotated[int, typer.Option("--stress", help="Stress, 1 (none) to 7.")],
    fatigue: Annotated[int, typer.Option("--fatigue", help="Fatigue, 1 (none) to 7.")],
    soreness: Annotated[int, typer.Option("--soreness", help="Muscle soreness, 1 to 7.")],
    mood: Annotated[int | None, typer.Option("--mood", help="Mood, 1 (best) to 7.")] = None,
    rhr_bpm: Annotated[
        float | None, typer.Option("--rhr-bpm", help="Resting HR measured this morning.")
    ] = None,
    day: Annotated[
        datetime | None,
        typer.Option("--date", formats=["%Y-%m-%d"], help="Local date (default today)."),
    ] = None,
) -> None:
    """Log the morning wellness check (Hooper & Mackinnon items, 1-7, 1 best) in 20 seconds.

    Example: drago wellness rocky --sleep 2 --stress 3 --fatigue 4 --soreness 3 --rhr-bpm 52
    """
    given = {"sleep": sleep, "stress": stress, "fatigue": fatigue, "soreness": soreness}
    when = open_lab(ctx).readiness.log_wellness(
        name, day=day.date() if day else None, rhr_bpm=rhr_bpm, mood=mood, **given
    )
    stdout.print(f"logged wellness of {name} for {when.isoformat()}", highlight=False)


@app.command("readiness")
def readiness(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The athlete's name.")],
    since: Annotated[
        datetime | None, typer.Option("--since", formats=["%Y-%m-%d"], help="First day shown.")
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Last day (default: today)."),
    ] = None,
    now: Annotated[
        bool,
        typer.Option(
            "--now",
            help="The day's morning verdict and, apart, the same rules with its training counted.",
        ),
    ] = False,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Each morning's readiness verdict (green/amber/red) and the signal that drove it.

    ln rMSSD against its normal range, resting HR, wellness and ACWR (the day before's), day
    by day: the morning verdict is fixed by the morning's inputs. --now shows one day (today,
    or --as-of): its morning verdict and, labelled apart, the verdict with the day's training.

    Example: drago readiness drago --since 2026-11-01
    """
    if now:
        _now(ctx, name, as_of.date() if as_of else None, fmt)
        return
    frame = open_lab(ctx).readiness.series(
        name, since=since.date() if since else None, as_of=as_of.date() if as_of else None
    )
    table = frame.select(
        "date",
        *(pl.col(c).round(2) for c in ("ln_rmssd", "ln_rmssd_7d", "normal_low", "normal_high")),
        "rhr_bpm",
        "hooper",
        "verdict",
        "reason",
    )
    emit(frame, fmt, table=table)


def _now(ctx: typer.Context, name: str, as_of: date | None, fmt: OutputFormat) -> None:
    view = open_lab(ctx).gym.readiness_now(name, as_of=as_of)
    out = view.to_dict()
    if fmt is OutputFormat.json:
        emit_object(out)
        return
    if fmt is OutputFormat.csv:
        flat = {"athlete": view.athlete, "date": view.date}
        flat |= {f"morning_{k}": v for k, v in out["morning"].items()}
        flat |= {f"now_{k}": v for k, v in out["now"].items() if k != "sessions"}
        emit(pl.DataFrame([flat]), fmt)
        return
    say = stdout.print
    say(f"{view.athlete} on {view.date.isoformat()}", highlight=False, markup=False)
    say(f"  morning: {view.morning_reason}", highlight=False, markup=False)
    say(f"  {view.label}:", highlight=False, markup=False)
    for s in view.sessions:
        rpe = "" if s.rpe is None else f" at RPE {s.rpe:g}"
        line = f"    {s.time} {s.activity} {s.minutes:g} min{rpe}"
        say(line, highlight=False, markup=False)
    if view.load_today is not None:
        acwr = "-" if view.acwr_rolling is None else f"{view.acwr_rolling:.2f}"
        say(
            f"    load today {view.load_today:.0f}; ACWR (rolling 7:28) {acwr} "
            f"{view.acwr_band or 'no band yet'}",
            highlight=False,
            markup=False,
        )
    say(f"    {view.now_reason}", highlight=False, markup=False)
