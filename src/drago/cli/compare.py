"""`drago compare A B`: the tale of the tape, two fighters side by side."""

from __future__ import annotations

from typing import Annotated, Any

import polars as pl
import typer

from drago.cli import app, open_lab
from drago.cli.output import Fmt, OutputFormat, emit, emit_object
from drago.errors import UsageError
from drago.lab import TapeSide
from drago.vocab import ACWR_BAND_LABEL, ACWR_BAND_RATIO


def _num(value: Any, digits: int = 1, unit: str = "") -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}{unit}" if isinstance(value, float) else f"{value}{unit}"


def _rows(side: TapeSide) -> dict[str, str]:
    """The lines of the tape for one side, as a coach reads them."""
    p, t, r, punches = side.profile, side.today or {}, side.readiness, side.punches
    weight = "-" if p["kg"] is None else f"{p['kg']:.1f} kg ({p['kg_date']})"
    trend = side.readiness_trend
    rec = side.record
    per_round = "-"
    if punches and punches.per_round:
        per_round = ", ".join(
            f"R{x.round} {x.punches:.0f}/{_num(x.mean_power_au)}" for x in punches.per_round
        )
    return {
        "team": p["team"] or "-",
        "age": _num(p["age_years"]),
        "weight class": p["weight_class"] or "-",
        "stance": p["stance"] or "-",
        "weight now": weight,
        "sessions": _num(p["n_sessions"]),
        "fitness (CTL)": _num(t.get("ctl"))
        + (f" ({side.ctl_change:+.1f} in 28 d)" if side.ctl_change is not None else ""),
        "fatigue (ATL)": _num(t.get("atl")),
        "form (TSB)": _num(t.get("tsb")),
        "ACWR": _num(t.get(ACWR_BAND_RATIO), 2)
        + (f" {t['acwr_band']} ({ACWR_BAND_LABEL})" if t.get("acwr_band") else ""),
        "readiness": "-" if r is None else f"{r['verdict'] or '-'} on {r['date']}",
        "readiness 28 d": f"{trend['green']} green, {trend['amber']} amber, {trend['red']} red",
        "punches/session": "-"
        if not punches
        else f"{punches.per_session:.0f} ({_num(punches.per_minute)}/min, "
        f"{punches.sessions} IMU sessions)",
        "mean power (AU, relative)": _num(punches.mean_power_au) if punches else "-",
        "per round (punches/power)": per_round,
        "record (W-L-D)": str(rec["text"])
        + (f", {rec['undecided']} without a decision" if rec["undecided"] else ""),
    }


@app.command("compare")
def compare(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="The first athlete (red).")],
    b: Annotated[str, typer.Argument(help="The second athlete (blue).")],
    fmt: Fmt = OutputFormat.table,
) -> None:
    """The tale of the tape: two fighters side by side.

    Profile and weight now, fitness and form, readiness and its 28-day trend, punch output
    and power per round, and fight record. Punch power is a relative estimate
    (docs/punches.md); ages come from the birth year.

    Example: drago compare drago rocky
    """
    if a.strip().casefold() == b.strip().casefold():
        raise UsageError("compare two different athletes")
    lab = open_lab(ctx, read_only=False)
    sides = [lab.tape.side(a), lab.tape.side(b)]
    if fmt is OutputFormat.json:
        emit_object({"a": sides[0].to_dict(), "b": sides[1].to_dict()})
        return
    left, right = (_rows(s) for s in sides)
    frame = pl.DataFrame(
        {
            "": list(left),
            sides[0].profile["name"]: list(left.values()),
            sides[1].profile["name"]: list(right.values()),
        }
    )
    emit(frame, fmt)
