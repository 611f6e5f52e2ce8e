"""The readiness verdict: each day's signals and how they combine into green, amber or red.

Vectorised over all rows (any number of athletes and days): `signals` gives each signal's level
and phrase, `verdict` combines them (worst wins, two ambers make a red), `with_context` adds a
medical suspension's red, "baselines still building" and the notes. These three functions are
all of the verdict's rules; `drago.analysis.readiness.readiness_by` computes their inputs.
The reasons' numbers are formatted by Python (`_fixed`), exactly as the per-morning loop did.

References
----------
Hooper S. L., Mackinnon L. T. (1995) Sports Med 20(5):321-327.

Gabbett T. J. (2016) The training-injury prevention paradox: should athletes be training
smarter and harder? Br J Sports Med 50(5):273-280.

Plews D. J., Laursen P. B., Kilding A. E., Buchheit M. (2012) Eur J Appl Physiol
112(11):3729-3741.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import polars as pl

from drago.vocab import WELLNESS_ITEMS

#: drago's conventions (not published cut-offs): Hooper sum and single-item limits.
HOOPER_AMBER, HOOPER_RED = 18, 22
ITEM_AMBER, ITEM_RED = 6, 7
#: Resting HR 7-day mean this far above its 60-day mean is amber (drago's convention).
RHR_RISE_BPM: Final = 5.0
#: ACWR above these is amber / red (Gabbett 2016: "sweet spot" 0.8-1.3, "danger zone" > 1.5).
ACWR_AMBER, ACWR_RED = 1.3, 1.5


SIGNALS: Final = ("hrv", "rhr", "wellness", "acwr")


def _fixed(values: np.ndarray, where: np.ndarray, digits: int) -> pl.Series:
    """`f"{value:.{digits}f}"` of the rows `where` (exactly Python's rounding), null elsewhere."""
    text: list[str | None] = [None] * values.size
    for i, value in zip(np.flatnonzero(where).tolist(), values[where].tolist(), strict=True):
        text[i] = f"{value:.{digits}f}"
    return pl.Series(text, dtype=pl.String)


def signals(ln_ok: np.ndarray, ln7: np.ndarray, low: np.ndarray, high: np.ndarray,
            rhr7: np.ndarray, rhr60: np.ndarray, items: dict[str, np.ndarray],
            hooper: np.ndarray, acwr: np.ndarray) -> pl.DataFrame:  # fmt: skip
    """Each day's signals: `<signal>_level` (0 green, 1 amber, 2 red; null when the day lacks
    that signal) and `<signal>_phrase`, for `SIGNALS` in order."""
    with np.errstate(invalid="ignore"):
        hrv_on = ~np.isnan(ln7) & ~np.isnan(low)
        hrv_low = hrv_on & (ln7 < low)
        hrv_red = hrv_low & (ln_ok < low)
        rhr_on = ~np.isnan(rhr7) & ~np.isnan(rhr60)
        rhr_high = rhr_on & (rhr7 >= rhr60 + RHR_RISE_BPM)
    span = pl.format("normal {}-{}", _fixed(low, hrv_low, 2), _fixed(high, hrv_low, 2))
    seven = _fixed(ln7, hrv_low, 2)
    # wellness: the worst item (ties: the name last in alphabetical order), then the Hooper sum
    names = WELLNESS_ITEMS
    stacked = np.column_stack([items[name] for name in names])
    answered = ~np.isnan(stacked).all(axis=1)
    worst = np.where(answered, np.nanmax(np.where(np.isnan(stacked), -np.inf, stacked), axis=1), 0)
    worst_name = np.full(worst.size, "", dtype=object)
    for name in sorted(names):
        worst_name[items[name] == worst] = name
    has_hooper = ~np.isnan(hooper)
    item_red = answered & (worst >= ITEM_RED)
    hooper_red = answered & ~item_red & has_hooper & (hooper >= HOOPER_RED)
    item_amber = answered & ~item_red & ~hooper_red & (worst >= ITEM_AMBER)
    hooper_amber = (
        answered & ~item_red & ~hooper_red & ~item_amber & has_hooper & (hooper >= HOOPER_AMBER)
    )
    by_item = item_red | item_amber
    by_hooper = hooper_red | hooper_amber
    item_phrase = pl.format(
        "{} {}/7", pl.Series(worst_name, dtype=pl.String), _fixed(worst, by_item, 0)
    )
    hooper_phrase = pl.format("Hooper {}/28", _fixed(hooper, by_hooper, 0))
    acwr_on = ~np.isnan(acwr)
    with np.errstate(invalid="ignore"):
        acwr_red = acwr_on & (acwr > ACWR_RED)
        acwr_amber = acwr_on & ~acwr_red & (acwr > ACWR_AMBER)
    frame = pl.DataFrame(
        {
            "hrv_on": hrv_on, "hrv_low": hrv_low, "hrv_red": hrv_red,
            "rhr_on": rhr_on, "rhr_high": rhr_high,
            "well_on": answered, "well_red": item_red | hooper_red,
            "well_amber": item_amber | hooper_amber, "by_item": by_item,
            "acwr_on": acwr_on, "acwr_red": acwr_red, "acwr_amber": acwr_amber,
        }
    )  # fmt: skip
    when = pl.when
    return frame.select(
        when("hrv_on").then(when("hrv_red").then(2).when("hrv_low").then(1).otherwise(0))
        .cast(pl.Int8).alias("hrv_level"),
        when("hrv_red").then(pl.format("ln rMSSD 7-day {} and today {} below {}", seven,
                                       _fixed(ln_ok, hrv_red, 2), span))
        .when("hrv_low").then(pl.format("ln rMSSD 7-day {} below {}", seven, span))
        .when("hrv_on").then(pl.lit("HRV")).alias("hrv_phrase"),
        when("rhr_on").then(pl.col("rhr_high").cast(pl.Int8)).alias("rhr_level"),
        when("rhr_high").then(pl.format("resting HR 7-day {} bpm, 60-day {} bpm",
                                        _fixed(rhr7, rhr_high, 0), _fixed(rhr60, rhr_high, 0)))
        .when("rhr_on").then(pl.lit("resting HR")).alias("rhr_phrase"),
        when("well_on").then(when("well_red").then(2).when("well_amber").then(1).otherwise(0))
        .cast(pl.Int8).alias("wellness_level"),
        when("by_item").then(item_phrase)
        .when(pl.col("well_red") | pl.col("well_amber")).then(hooper_phrase)
        .when("well_on").then(pl.lit("wellness")).alias("wellness_phrase"),
        when("acwr_on").then(when("acwr_red").then(2).when("acwr_amber").then(1).otherwise(0))
        .cast(pl.Int8).alias("acwr_level"),
        when(pl.col("acwr_red") | pl.col("acwr_amber"))
        .then(pl.format("ACWR {}", _fixed(acwr, acwr_red | acwr_amber, 2)))
        .when("acwr_on").then(pl.lit("ACWR")).alias("acwr_phrase"),
    )  # fmt: skip


def verdict(table: pl.DataFrame) -> pl.DataFrame:
    """Worst signal wins; two ambers make a red. The reason names the deciding signals.

    `table` as `signals` returns; out: `verdict` (null without any signal) and `reason`."""
    levels = [pl.col(f"{name}_level") for name in SIGNALS]
    phrases = [pl.col(f"{name}_phrase") for name in SIGNALS]
    worst = pl.max_horizontal(levels)
    ambers = pl.sum_horizontal(level.eq(1).fill_null(False).cast(pl.Int8) for level in levels)

    def joined(level: pl.Expr | int, separator: str) -> pl.Expr:
        chosen = [pl.when(lv == level).then(ph) for lv, ph in zip(levels, phrases, strict=True)]
        return pl.concat_str(chosen, separator=separator, ignore_nulls=True)

    two_ambers = (worst == 1) & (ambers >= 2)
    names = pl.when(worst == 2).then(pl.lit("red")).when(worst == 1).then(pl.lit("amber"))
    return table.select(
        pl.when(worst.is_null()).then(pl.lit(None, pl.String))
        .when(two_ambers).then(pl.lit("red"))
        .when(worst == 0).then(pl.lit("green"))
        .otherwise(names).alias("verdict"),
        pl.when(worst.is_null()).then(pl.lit("no data"))
        .when(two_ambers).then(pl.format("red: {} (two ambers)", joined(1, " and ")))
        .when(worst == 0).then(pl.format(
            "green: {} in range", pl.concat_str(phrases, separator=", ", ignore_nulls=True)))
        .otherwise(pl.format("{}: {}", names, joined(worst, "; "))).alias("reason"),
    )  # fmt: skip


def with_context(decided: pl.DataFrame, context: pl.DataFrame) -> tuple[pl.Series, pl.Series]:
    """The verdict with a medical suspension's red (whatever the signals), "baselines still
    building" for a measured day without a verdict, and the notes in parentheses."""
    frame = pl.concat([decided, context], how="horizontal")
    suspended = pl.col("suspension").is_not_null()
    notes = pl.concat_str(
        pl.when("unreliable").then(pl.lit("today's HRV unreliable, excluded")),
        pl.when("is_building").then(
            pl.format("HRV baseline building ({}/{} days)", "building", "needed")
        ),
        separator="; ",
        ignore_nulls=True,
    )
    reason = (
        pl.when(suspended).then(pl.format("red: medical suspension ({})", "suspension"))
        .when(pl.col("verdict").is_null() & pl.col("measured"))
        .then(pl.lit("no verdict: baselines still building"))
        .otherwise("reason")
    )  # fmt: skip
    out = frame.select(
        pl.when(suspended).then(pl.lit("red")).otherwise("verdict").alias("verdict"),
        pl.when(notes != "").then(pl.format("{} ({})", reason, notes)).otherwise(reason)
        .alias("reason"),
    )  # fmt: skip
    return out["verdict"], out["reason"]
