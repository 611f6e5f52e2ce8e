"""Fight night: CompuBox-style punch statistics, 10-point-must scorecards, and the towel.

``rounds`` frames hold one row per round and corner (``red``/``blue``): ``round``, ``corner``,
``jab_thrown``, ``jab_landed``, ``power_thrown``, ``power_landed`` (punches this corner threw
and landed), ``knockdowns`` (times this corner was knocked down in the round), and optionally
``hrr_60s_bpm`` (heart-rate drop over the first minute of the rest after the round) and
``power_index`` (any punch-power measure, e.g. mean fist speed, higher is harder).

The towel is a decision aid for the corner, the referee and the ringside physician: it is
not a medical device, does not diagnose anything, and never replaces their judgement or the
rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import polars as pl

from drago.errors import UsageError

CORNERS: Final = ("red", "blue")
COUNTS: Final = ("jab_thrown", "jab_landed", "power_thrown", "power_landed", "knockdowns")
DISCLAIMER: Final = (
    "decision aid for the corner, referee and ringside physician; not a medical device"
)
#: Risk at or above which the towel raises an alert.
TOWEL_THRESHOLD: Final = 0.6
#: Weights and ramps of the towel's signals (drago's defaults, chosen on simulated fights; see
#: docs/camp.md): a ramp (a, b) scores 0 at a, 1 at b, linearly between.
KD_EACH: Final = 0.3  # per knockdown suffered so far in the fight
KD_SAME_ROUND: Final = 0.15  # extra per knockdown after the first in the same round
KD_STOP_FIGHT: Final = 3  # knockdowns in a fight: risk 1 (a stoppage under many rule sets)
ABSORBED_ROUND: Final = (0.25, 8.0, 20.0)  # weight, ramp: power punches absorbed this round
ABSORBED_RECENT: Final = (0.25, 24.0, 60.0)  # ... over the last 3 rounds
OUTPUT_DROP: Final = (0.20, 0.25, 0.60)  # fall of punches thrown vs rounds 1-3
POWER_DROP: Final = (0.10, 0.15, 0.40)  # fall of power_index vs rounds 1-3
HRR_DROP: Final = (0.15, 0.25, 0.60)  # fall of 1-min HR recovery vs rounds 1-3
BASELINE_ROUNDS: Final = 3


def _validate(rounds: pl.DataFrame) -> pl.DataFrame:
    missing = {"round", "corner", *COUNTS} - set(rounds.columns)
    if missing:
        raise UsageError(f"rounds lack columns: {', '.join(sorted(missing))}")
    if bad := set(rounds["corner"].unique().to_list()) - set(CORNERS):
        raise UsageError(f"corner must be red or blue, not {', '.join(map(str, bad))}")
    if rounds.select(pl.struct("round", "corner").is_duplicated().any()).item():
        raise UsageError("a round appears twice for the same corner")
    counts = rounds.select(pl.col(COUNTS).fill_null(0).cast(pl.Int64))
    if (counts.min_horizontal() < 0).any():
        raise UsageError("punch counts and knockdowns cannot be negative")
    for kind in ("jab", "power"):
        if (counts[f"{kind}_landed"] > counts[f"{kind}_thrown"]).any():
            raise UsageError(f"{kind} punches landed exceed those thrown")
    return rounds.with_columns(counts).sort("round", "corner")


def _pct(landed: str, thrown: str) -> pl.Expr:
    return pl.when(pl.col(thrown) > 0).then(100.0 * pl.col(landed) / pl.col(thrown))


def round_stats(rounds: pl.DataFrame) -> pl.DataFrame:
    """Per round and corner: totals, connect percentages, punches absorbed, running totals.

    Adds ``total_thrown``/``total_landed`` (jabs + power), ``jab_pct``, ``power_pct``,
    ``total_pct`` (landed / thrown × 100, null when nothing was thrown, as CompuBox prints),
    ``absorbed_power``/``absorbed_total`` (what the other corner landed in the round) and
    ``cum_`` running sums of landed, absorbed and knockdowns.

    References
    ----------
    CompuBox, Inc. punch statistics: jabs and power punches (every punch that is not a jab),
    thrown, landed and percentage, per round and in total (compubox.com).
    """
    r = _validate(rounds).with_columns(
        (pl.col("jab_thrown") + pl.col("power_thrown")).alias("total_thrown"),
        (pl.col("jab_landed") + pl.col("power_landed")).alias("total_landed"),
    )
    other = r.select(
        "round",
        pl.col("corner").replace({"red": "blue", "blue": "red"}),
        pl.col("power_landed").alias("absorbed_power"),
        pl.col("total_landed").alias("absorbed_total"),
    )
    r = r.join(other, on=["round", "corner"], how="left").with_columns(
        pl.col("absorbed_power", "absorbed_total").fill_null(0)
    )
    return r.with_columns(
        _pct("jab_landed", "jab_thrown").alias("jab_pct"),
        _pct("power_landed", "power_thrown").alias("power_pct"),
        _pct("total_landed", "total_thrown").alias("total_pct"),
        *[
            pl.col(c).cum_sum().over("corner", order_by="round").alias(f"cum_{c}")
            for c in ("total_landed", "power_landed", "absorbed_power", "knockdowns")
        ],
    ).sort("round", "corner")


def compubox(rounds: pl.DataFrame) -> pl.DataFrame:
    """Fight totals per corner: thrown, landed and % for jabs, power punches and all punches.

    References
    ----------
    CompuBox punch statistics (compubox.com): jabs and power punches, thrown and landed, and
    connect percentages, per round and per fight.
    """
    r = round_stats(rounds)
    sums = [pl.col(c).sum() for c in (*COUNTS, "total_thrown", "total_landed")]
    out = r.group_by("corner").agg(*sums).sort("corner", descending=True)
    return out.with_columns(
        _pct("jab_landed", "jab_thrown").alias("jab_pct"),
        _pct("power_landed", "power_thrown").alias("power_pct"),
        _pct("total_landed", "total_thrown").alias("total_pct"),
    )


def scorecards(scores: pl.DataFrame) -> pl.DataFrame:
    """Running 10-point-must scorecards: ``round``, ``judge``, ``red``, ``blue`` and totals.

    Each judge gives the round's winner 10 and the loser 9 or less (usually one point less
    per knockdown; 10-10 for an even round); point deductions for fouls may take either
    below that, so any whole score from 0 to 10 is accepted and summed as given.

    References
    ----------
    Association of Boxing Commissions, Regulatory Guidelines / Unified Rules: the 10-point
    must system. WBC Rules and Regulations, scoring (10-point must).
    """
    missing = {"round", "judge", "red", "blue"} - set(scores.columns)
    if missing:
        raise UsageError(f"scores lack columns: {', '.join(sorted(missing))}")
    s = scores.with_columns(pl.col("red", "blue").cast(pl.Int64)).sort("judge", "round")
    if ((s["red"] < 0) | (s["red"] > 10) | (s["blue"] < 0) | (s["blue"] > 10)).any():
        raise UsageError("10-point-must scores run from 0 to 10")
    return s.with_columns(
        pl.col("red").cum_sum().over("judge").alias("red_total"),
        pl.col("blue").cum_sum().over("judge").alias("blue_total"),
    )


@dataclass(frozen=True)
class Decision:
    """The cards' verdict: ``winner`` (red, blue or None for a draw) and how (unanimous...)."""

    winner: str | None
    kind: str
    cards: list[tuple[str, int, int]]


def decision(scores: pl.DataFrame) -> Decision:
    """Unanimous, split or majority decision, or a (majority, split) draw, from the final cards.

    References
    ----------
    Association of Boxing Commissions (2023) Unified Rules of Professional Boxing: the
    10-point must system and unanimous, split and majority decisions and draws.
    """
    last = scorecards(scores).group_by("judge").agg(pl.col("red_total", "blue_total").last())
    cards = sorted((str(j), int(r), int(b)) for j, r, b in last.iter_rows())
    red = sum(r > b for _, r, b in cards)
    blue = sum(b > r for _, r, b in cards)
    even = len(cards) - red - blue
    if red == blue:
        return Decision(None, "draw" if even == len(cards) else "split draw", cards)
    winner, won, lost = ("red", red, blue) if red > blue else ("blue", blue, red)
    if won == len(cards):
        return Decision(winner, "unanimous decision", cards)
    if lost == 0:
        return (
            Decision(winner, "majority decision", cards)
            if won > even
            else Decision(None, "majority draw", cards)
        )
    return Decision(winner, "split decision", cards)


def sensor_rounds(
    punches: pl.DataFrame, rounds: pl.DataFrame, hr: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Per round, what a fighter's own sensors say: punches thrown by kind, punch power,
    and heart-rate recovery in the rest that follows.

    ``punches``: ``t_s``, ``type`` and ``power_au`` of each detected punch (a glove IMU);
    ``rounds``: ``round``, ``start_s``, ``end_s`` (the same clock); ``hr``: ``t_s``,
    ``hr_bpm`` or None. Returns ``round``, ``jab_thrown`` (type ``jab``), ``power_thrown``
    (every other punch, ``unknown`` included: CompuBox counts every punch that is not a jab
    as a power punch), ``power_index`` (mean ``power_au``, null without punches) and
    ``hrr_60s_bpm``: HR at the bell minus HR 60 s later (each the median of the samples
    within 5 s; null when either is missing), the 1-min recovery of Cole et al. 1999.

    >>> p = pl.DataFrame({"t_s": [10.0, 20.0, 200.0], "type": ["jab", "rear_hook", "jab"],
    ...                   "power_au": [1.0, 3.0, 2.0]})
    >>> r = pl.DataFrame({"round": [1, 2], "start_s": [0.0, 180.0], "end_s": [170.0, 350.0]})
    >>> h = pl.DataFrame({"t_s": [170.0, 230.0], "hr_bpm": [180.0, 150.0]})
    >>> sensor_rounds(p, r, h).rows()
    [(1, 1, 1, 2.0, 30.0), (2, 1, 0, 2.0, None)]
    """
    out = []
    for rnd in rounds.sort("round").iter_rows(named=True):
        inside = punches.filter((pl.col("t_s") >= rnd["start_s"]) & (pl.col("t_s") < rnd["end_s"]))
        jabs = int((inside["type"] == "jab").sum())
        recovery = None
        if hr is not None and hr.height:
            at_bell = _hr_near(hr, rnd["end_s"])
            later = _hr_near(hr, rnd["end_s"] + 60.0)
            if at_bell is not None and later is not None:
                recovery = at_bell - later
        out.append(
            {
                "round": int(rnd["round"]),
                "jab_thrown": jabs,
                "power_thrown": inside.height - jabs,
                "power_index": float(inside["power_au"].mean()) if inside.height else None,  # type: ignore[arg-type]
                "hrr_60s_bpm": recovery,
            }
        )
    schema = {
        "round": pl.Int64,
        "jab_thrown": pl.Int64,
        "power_thrown": pl.Int64,
        "power_index": pl.Float64,
        "hrr_60s_bpm": pl.Float64,
    }
    return pl.DataFrame(out, schema=schema)


def _hr_near(hr: pl.DataFrame, t_s: float, half_window_s: float = 5.0) -> float | None:
    near = hr.filter((pl.col("t_s") - t_s).abs() <= half_window_s)["hr_bpm"].drop_nulls()
    return float(near.median()) if near.len() else None  # type: ignore[arg-type]


def _ramp(value: pl.Expr, lo: float, hi: float) -> pl.Expr:
    return ((value - lo) / (hi - lo)).clip(0.0, 1.0).fill_null(0.0).fill_nan(0.0)


def _drop(col: str) -> pl.Expr:
    """Fall of ``col`` against the mean of the first rounds (null before round 4 or without)."""
    base = pl.col(col).filter(pl.col("round") <= BASELINE_ROUNDS).mean().over("corner")
    return pl.when((pl.col("round") > BASELINE_ROUNDS) & (base > 0)).then(1.0 - pl.col(col) / base)


def towel(rounds: pl.DataFrame, *, threshold: float = TOWEL_THRESHOLD) -> pl.DataFrame:
    """Stoppage-risk score in [0, 1] per round and corner, with the signals behind it.

    risk = min(1, Σ weight × signal), each signal in [0, 1] (constants above):
    knockdowns so far (0.3 each, +0.15 per extra in the same round; the 3rd in a fight gives
    1); power punches absorbed in the round (8 → 0, 20 → 1) and in the last 3 rounds (24 → 0,
    60 → 1); own output (punches thrown) and ``power_index`` falling against rounds 1-3 (25 %
    → 0, 60 % → 1; 15 % → 0, 40 % → 1); 1-min heart-rate recovery falling against rounds 1-3
    (25 % → 0, 60 % → 1). Missing optional columns contribute 0. ``alert`` is risk ≥
    ``threshold``; ``message`` lists the signals that drove it, strongest first, and ends with
    the disclaimer. The frame keeps each signal's contribution (``s_*``). A decision aid
    for the corner, referee and ringside physician, not a medical device.

    References
    ----------
    Neidecker J., Sethi N. K., Taylor R., et al. (2019) Concussion management in combat
    sports: consensus statement from the Association of Ringside Physicians. Br J Sports Med
    53(6), 328-333 (accumulated head trauma; the physician's authority to stop a bout).

    AIBA Technical Rules (2013), Rule 9 (knockdown: a bout is stopped after a set number of
    counts in a round or in the bout); WBA Rules (three-knockdown rule); Association of
    Boxing Commissions, Regulatory Guidelines (three-knockdown rule at the commission's option).

    Cole C. R., Blackstone E. H., Pashkow F. J., Snader C. E., Lauer M. S. (1999) Heart-rate
    recovery immediately after exercise as a predictor of mortality. N Engl J Med 341(18),
    1351-1357 (1-min heart-rate recovery).
    """
    r = round_stats(rounds)
    for opt in ("hrr_60s_bpm", "power_index"):
        if opt not in r.columns:
            r = r.with_columns(pl.lit(None, dtype=pl.Float64).alias(opt))
    recent = pl.col("absorbed_power").rolling_sum(3, min_samples=1).over("corner", order_by="round")
    r = r.with_columns(
        recent.alias("absorbed_recent"),
        _drop("total_thrown").alias("output_drop"),
        _drop("power_index").alias("power_drop"),
        _drop("hrr_60s_bpm").alias("hrr_drop"),
    )
    kd = pl.col("cum_knockdowns")
    r = r.with_columns(
        pl.when(kd >= KD_STOP_FIGHT)
        .then(1.0)
        .otherwise(KD_EACH * kd + KD_SAME_ROUND * (pl.col("knockdowns") - 1).clip(0))
        .alias("s_knockdowns"),
        (ABSORBED_ROUND[0] * _ramp(pl.col("absorbed_power"), *ABSORBED_ROUND[1:])).alias(
            "s_absorbed_round"
        ),
        (ABSORBED_RECENT[0] * _ramp(pl.col("absorbed_recent"), *ABSORBED_RECENT[1:])).alias(
            "s_absorbed_recent"
        ),
        (OUTPUT_DROP[0] * _ramp(pl.col("output_drop"), *OUTPUT_DROP[1:])).alias("s_output"),
        (POWER_DROP[0] * _ramp(pl.col("power_drop"), *POWER_DROP[1:])).alias("s_power"),
        (HRR_DROP[0] * _ramp(pl.col("hrr_drop"), *HRR_DROP[1:])).alias("s_hrr"),
    )
    signals = [c for c in r.columns if c.startswith("s_")]
    r = r.with_columns(pl.sum_horizontal(signals).clip(0.0, 1.0).alias("risk"))
    r = r.with_columns((pl.col("risk") >= threshold).alias("alert"))
    messages = []
    for row in r.iter_rows(named=True):
        parts = sorted(((row[s], _explain(s, row)) for s in signals if row[s] > 0), reverse=True)
        text = "consider stopping: " + ", ".join(t for _, t in parts) + f" ({DISCLAIMER})"
        messages.append(text if row["alert"] else None)
    keep = [
        "round",
        "corner",
        "risk",
        "alert",
        *signals,
        "absorbed_power",
        "absorbed_recent",
        "cum_knockdowns",
        "output_drop",
        "power_drop",
        "hrr_drop",
    ]
    return r.select(keep).with_columns(pl.Series("message", messages, dtype=pl.String))


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _knockdowns(total: int, now: int) -> str:
    if now:
        return f"{_ordinal(total)} knockdown" + (f" ({now} in round)" if now > 1 else "")
    return f"{total} knockdown{'s' if total > 1 else ''} so far"


def _explain(signal: str, row: dict[str, object]) -> str:
    rnd = int(str(row["round"]))
    first = max(rnd - 2, 1)
    span = f"round {rnd}" if first == rnd else f"rounds {first}-{rnd}"
    pct = {
        k: round(100 * float(str(row[k] if row[k] is not None else 0)))
        for k in ("output_drop", "power_drop", "hrr_drop")
    }
    return {
        "s_knockdowns": _knockdowns(int(str(row["cum_knockdowns"])), int(str(row["knockdowns"]))),
        "s_absorbed_round": f"absorbed {row['absorbed_power']} power punches in round {rnd}",
        "s_absorbed_recent": f"absorbed {row['absorbed_recent']} power punches in {span}",
        "s_output": f"output down {pct['output_drop']}%",
        "s_power": f"punch power down {pct['power_drop']}%",
        "s_hrr": f"heart-rate recovery down {pct['hrr_drop']}%",
    }[signal]
