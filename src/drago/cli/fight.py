"""`drago fight`: fight night, CompuBox-style counts, scorecards and the towel."""

from __future__ import annotations

import dataclasses
import sys
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import polars as pl
import typer
from rich.console import Console
from rich.table import Table

from drago.cli import app, open_lab
from drago.cli.output import PIPE_WIDTH, Fmt, OutputFormat, emit, emit_object, stdout
from drago.errors import UsageError

fight_app = typer.Typer(
    help="Fight night: punch stats, scorecards, the towel.", no_args_is_help=True
)
app.add_typer(fight_app, name="fight")

FightId = Annotated[int, typer.Argument(help="The fight's id (from drago fight new).")]


WeighInRules = Annotated[
    str | None,
    typer.Option("--weigh-in", help="The bout's weigh-in rules: pro, amateur or ibf."),
]
HoursToBout = Annotated[
    float | None,
    typer.Option("--hours-to-bout", help="The promotion's hours from weigh-in to bout."),
]


class Corner(StrEnum):
    red = "red"
    blue = "blue"


def _print(text: str) -> None:
    stdout.print(text, highlight=False, markup=False)


@fight_app.command("new")
def fight_new(
    ctx: typer.Context,
    red: Annotated[str, typer.Option("--red", help="Red corner: an athlete or any name.")],
    blue: Annotated[str, typer.Option("--blue", help="Blue corner: an athlete or any name.")],
    day: Annotated[datetime, typer.Option("--date", formats=["%Y-%m-%d"], help="Fight date.")],
    rounds: Annotated[int, typer.Option("--rounds", help="Scheduled rounds (1-15).")],
    weight_class: Annotated[
        str | None, typer.Option("--weight-class", help="e.g. welterweight.")
    ] = None,
    weigh_in: WeighInRules = None,
    hours_to_bout: HoursToBout = None,
) -> None:
    """Create a fight and print its id; a corner not in the store is kept as a name.

    Example: drago fight new --red rocky --blue "Apollo Creed" --date 2026-12-19 --rounds 12
    --weigh-in pro
    """
    fid = open_lab(ctx).fights.new(
        red=red,
        blue=blue,
        day=day.date(),
        rounds=rounds,
        weight_class=weight_class,
        weigh_in=weigh_in,
        hours_to_bout=hours_to_bout,
    )
    _print(str(fid))


@fight_app.command("rules")
def fight_rules(
    ctx: typer.Context,
    fight_id: FightId,
    weigh_in: Annotated[
        str, typer.Option("--weigh-in", help="The bout's weigh-in rules: pro, amateur or ibf.")
    ],
    hours_to_bout: HoursToBout = None,
) -> None:
    """Keep the bout's weigh-in rules with the fight, for its camp and the athlete's pages.

    Without them, drago camp plan, drago camp status and the pages assume pro rules.

    Example: drago fight rules 1 --weigh-in amateur
    """
    open_lab(ctx).fights.set_weigh_in(fight_id, weigh_in=weigh_in, hours_to_bout=hours_to_bout)
    hours = "" if hours_to_bout is None else f", {hours_to_bout:g} h from weigh-in to bout"
    _print(f"fight {fight_id}: {weigh_in.strip().lower()} weigh-in rules{hours}")


def _scores(text: str | None) -> list[int] | None:
    if text is None:
        return None
    try:
        return [int(part) for part in text.split(",")]
    except ValueError as exc:
        raise UsageError(
            f"--scores takes whole numbers per judge, e.g. 10,9,10, not {text!r}"
        ) from exc


@fight_app.command("round")
def fight_round(
    ctx: typer.Context,
    fight_id: FightId,
    rnd: Annotated[int, typer.Option("--round", help="The round number.")],
    corner: Annotated[Corner, typer.Option("--corner", help="red or blue.")],
    jabs_thrown: Annotated[int, typer.Option("--jabs-thrown", help="Jabs thrown.")],
    jabs_landed: Annotated[int, typer.Option("--jabs-landed", help="Jabs landed.")],
    power_thrown: Annotated[int, typer.Option("--power-thrown", help="Power punches thrown.")],
    power_landed: Annotated[int, typer.Option("--power-landed", help="Power punches landed.")],
    knockdowns: Annotated[
        int, typer.Option("--knockdowns", help="Times this corner was knocked down.")
    ] = 0,
    scores: Annotated[
        str | None,
        typer.Option("--scores", help="This corner's score from each judge, e.g. 10,9,10."),
    ] = None,
) -> None:
    """Enter one corner's counts for a round, and print the towel's alert if it rises.

    --scores gives this corner's 10-point-must score from judge 1, 2, 3... in order; enter the
    other corner's with its own `fight round`: a judge's round counts once both are in.
    Re-entering a round replaces it.

    Example: drago fight round 1 --round 3 --corner red --jabs-thrown 20 --jabs-landed 6
    --power-thrown 25 --power-landed 10 --scores 10,10,9
    """
    counts = {
        "jab_thrown": jabs_thrown,
        "jab_landed": jabs_landed,
        "power_thrown": power_thrown,
        "power_landed": power_landed,
        "knockdowns": knockdowns,
    }
    report = open_lab(ctx).fights.enter_round(
        fight_id, rnd=rnd, corner=corner.value, counts=counts, scores=_scores(scores)
    )
    _print(f"fight {fight_id} round {rnd} {corner.value}: entered")
    for alert in report.alerts:
        if alert["round"] == rnd:
            _print(f"ALERT {alert['corner']} (risk {alert['risk']:.2f}): {alert['message']}")


def _side(side: dict[str, Any] | None) -> list[str]:
    if side is None:
        return ["", "", "", ""]
    return [
        f"{side['jabs_landed']}/{side['jabs_thrown']}",
        f"{side['power_landed']}/{side['power_thrown']}",
        str(side["knockdowns"]),
        f"{side['risk']:.2f}" + (" !" if side["alert"] else ""),
    ]


@fight_app.command("result")
def fight_result(
    ctx: typer.Context,
    fight_id: FightId,
    result: Annotated[str, typer.Argument(help="KO, TKO, RTD, UD, SD, MD, draw or NC (any case).")],
    winner: Annotated[
        Corner | None, typer.Option("--winner", help="red or blue (none for a draw or NC).")
    ] = None,
    rnd: Annotated[
        int | None, typer.Option("--round", help="The round a stoppage came in.")
    ] = None,
    at: Annotated[
        str | None, typer.Option("--time", help="Time into that round, M:SS (KO, TKO).")
    ] = None,
) -> None:
    """Record how a fight ended: a stoppage with its round and time, a decision, a draw, NC.

    It counts in both corners' records (W-L-D, KOs) from then on.

    Example: drago fight result 1 KO --winner red --round 3 --time 2:15
    """
    from drago.lab.records import clock, parse_clock

    row = open_lab(ctx).fights.set_result(
        fight_id,
        result=result,
        winner=winner.value if winner else None,
        end_round=rnd,
        end_time_s=parse_clock(at) if at else None,
    )
    how = row["result"] + (f" for {row['winner']}" if row["winner"] else "")
    if row["end_round"] and row["result"] in ("KO", "TKO", "RTD"):
        how += f" in round {row['end_round']}"
        how += f" at {clock(row['end_time_s'])}" if row["end_time_s"] else ""
    _print(f"fight {fight_id}: {how}")


@fight_app.command("show")
def fight_show(ctx: typer.Context, fight_id: FightId, fmt: Fmt = OutputFormat.table) -> None:
    """A fight round by round, CompuBox style, with the towel's risk and the judges' cards.

    Counts are landed/thrown; any towel alert is printed with its disclaimer. CSV gives one
    row per round and corner.

    Example: drago fight show 1 --format json
    """
    r = open_lab(ctx).fights.report(fight_id)
    if fmt is OutputFormat.json:
        emit_object(dataclasses.asdict(r))
        return
    if fmt is OutputFormat.csv:
        rows = [
            {"round": e["round"], "corner": c, **e[c]}
            for e in r.rounds
            for c in ("red", "blue")
            if e[c]
        ]
        emit(pl.DataFrame(rows).drop("message", strict=False), fmt)
        return
    f = r.fight
    _print(
        f"fight {f['id']} on {f['date']}: {f['red_name']} (red) vs {f['blue_name']} (blue), "
        f"{f['rounds']} rounds"
    )
    grid = Table(header_style="bold")
    for col in (
        "round",
        "red jabs",
        "red power",
        "red KD",
        "red risk",
        "blue jabs",
        "blue power",
        "blue KD",
        "blue risk",
    ):
        grid.add_column(col)
    for e in r.rounds:
        grid.add_row(str(e["round"]), *_side(e["red"]), *_side(e["blue"]))
    for corner, t in r.totals.items():
        pct = "-" if t["total_pct"] is None else f"{t['total_pct']:.0f}%"
        _print(f"{corner} total: landed {t['total_landed']}/{t['total_thrown']} ({pct})")
    Console(width=None if sys.stdout.isatty() else PIPE_WIDTH).print(grid)
    if r.scorecards:
        emit(pl.DataFrame(r.scorecards), OutputFormat.table)
    if f.get("result"):
        _print(
            f"result: {f['result']}"
            + (f", {f['winner']}" if f["winner"] else "")
            + (f", round {f['end_round']}" if f["end_round"] else "")
        )
    elif r.decision:
        _print(
            f"decision: {r.decision['kind']}"
            + (f", {r.decision['winner']}" if r.decision["winner"] else "")
        )
    for alert in r.alerts:
        _print(f"ALERT round {alert['round']} {alert['corner']}: {alert['message']}")
    if r.alerts:
        _print(f"the towel is a {r.disclaimer}")
