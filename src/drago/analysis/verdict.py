"""The readiness verdict: each day's signals and how they combine into green, amber or red.

Vectorised over all rows (any number of athletes and days): `signals` gives each signal's level
and phrase, `verdict` combines them (worst wins, two ambers besides ACWR make a red),
`with_context` adds a medical suspension's red, "baselines still building" and the notes. These
three functions are all of the verdict's rules (`RULES` lists them with their sources);
`drago.analysis.readiness.readiness_by` computes their inputs.
The reasons' numbers are formatted by Python (`_fixed`), exactly as the per-morning loop did.

References
----------
Hooper S. L., Mackinnon L. T. (1995) Sports Med 20(5):321-327.

Gabbett T. J. (2016) The training-injury prevention paradox: should athletes be training
smarter and harder? Br J Sports Med 50(5):273-280.

Le Meur Y., Pichon A., Schaal K., et al. (2013) Evidence of parasympathetic hyperactivity in
functionally overreached athletes. Med Sci Sports Exerc 45(11):2061-2071.

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
#: Rolling (coupled 7:28) ACWR above this is amber, never red: Gabbett (2016) drew the "sweet
#: spot" 0.8-1.3 from rolling averages, and docs/metrics.md calls the ratio a prompt, not an
#: injury risk. The input `acwr` is the ratio of the day before (the morning knows no more).
ACWR_AMBER: Final = 1.3
#: The 7-day CV of ln rMSSD below its 60-day mean minus this many SDs of its daily values is
#: amber: a falling CV preceded non-functional overreaching in Plews et al. (2012); the cut-off
#: mirrors the 0.5 SD of the ln rMSSD range and is drago's convention.
CV_RANGE_SD: Final = 0.5
#: The decision rules as data: (rule, level, source), in docs/hrv.md and the tests.
RULES: Final = (
    ("ln rMSSD 7-day mean below normal range", "amber", "Plews et al. 2012, 2013"),
    ("... and today's ln rMSSD also below it", "red", "drago convention"),
    ("ln rMSSD 7-day mean above normal range, alone", "green, own message", "Le Meur et al. 2013"),
    ("... with another amber or red signal", "amber", "drago convention, after Le Meur 2013"),
    ("7-day CV of ln rMSSD below its usual range", "amber", "Plews et al. 2012; cut drago"),
    ("resting HR 7-day mean >= 60-day mean + 5 bpm", "amber", "drago convention"),
    ("wellness item 6/7 or Hooper >= 18", "amber", "drago convention"),
    ("wellness item 7/7 or Hooper >= 22", "red", "drago convention"),
    ("rolling ACWR of the day before > 1.3", "amber at most", "Gabbett 2016"),
    ("two ambers besides ACWR", "red", "drago convention"),
    ("medical suspension", "red", "Neidecker et al. 2019"),
)
CONVENTION: Final = "drago convention"

#: The signals in the order their phrases are listed; ACWR never counts toward "two ambers".
SIGNALS: Final = ("hrv", "cv", "rhr", "wellness", "acwr")


def _fixed(values: np.ndarray, where: np.ndarray, digits: int) -> pl.Series:
    """`f"{value:.{digits}f}"` of the rows `where` (exactly Python's rounding), null elsewhere."""
    text: list[str | None] = [None] * values.size
    for i, value in zip(np.flatnonzero(where).tolist(), values[where].tolist(), strict=True):
        text[i] = f"{value:.{digits}f}"
    return pl.Series(text, dtype=pl.String)


def signals(
    ln_ok: np.ndarray,
    ln7: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    cv: tuple[np.ndarray, np.ndarray],
    rhr7: np.ndarray,
    rhr60: np.ndarray,
    items: dict[str, np.ndarray],
    hooper: np.ndarray,
    acwr: np.ndarray,
) -> pl.DataFrame:
    """Each day's signals: `<signal>_level` (0 green, 1 amber, 2 red; null when the day lacks
    that signal) and `<signal>_phrase`, for `SIGNALS` in order, and `hrv_high` (the 7-day ln
    rMSSD above its normal range: green alone, amber beside another warning)."""
    cv7, cv_low = cv
    with np.errstate(invalid="ignore"):
        hrv_on = ~np.isnan(ln7) & ~np.isnan(low)
        hrv_low = hrv_on & (ln7 < low)
        hrv_red = hrv_low & (ln_ok < low)
        hrv_high = hrv_on & ~hrv_low & (ln7 > high)
        cv_amber = ~np.isnan(cv7) & ~np.isnan(cv_low) & (cv7 < cv_low)
        rhr_on = ~np.isnan(rhr7) & ~np.isnan(rhr60)
        rhr_high = rhr_on & (rhr7 >= rhr60 + RHR_RISE_BPM)
    off_range = hrv_low | hrv_high
    span = pl.format("normal {}-{}", _fixed(low, off_range, 2), _fixed(high, off_range, 2))
    seven = _fixed(ln7, off_range, 2)
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
        "{} {}/7 ({})",
        pl.Series(worst_name, dtype=pl.String),
        _fixed(worst, by_item, 0),
        pl.lit(CONVENTION),
    )
    hooper_phrase = pl.format("Hooper {}/28 ({})", _fixed(hooper, by_hooper, 0), pl.lit(CONVENTION))
    acwr_on = ~np.isnan(acwr)
    with np.errstate(invalid="ignore"):
        acwr_amber = acwr_on & (acwr > ACWR_AMBER)
    frame = pl.DataFrame(
        {
            "hrv_on": hrv_on,
            "hrv_low": hrv_low,
            "hrv_red": hrv_red,
            "hrv_high": hrv_high,
            "cv_amber": cv_amber,
            "rhr_on": rhr_on,
            "rhr_high": rhr_high,
            "well_on": answered,
            "well_red": item_red | hooper_red,
            "well_amber": item_amber | hooper_amber,
            "by_item": by_item,
            "acwr_on": acwr_on,
            "acwr_amber": acwr_amber,
        }
    )
    when = pl.when
    return frame.select(
        when("hrv_on")
        .then(when("hrv_red").then(2).when("hrv_low").then(1).otherwise(0))
        .cast(pl.Int8)
        .alias("hrv_level"),
        when("hrv_red")
        .then(
            pl.format(
                "ln rMSSD 7-day {} and today {} below {} ({})",
                seven,
                _fixed(ln_ok, hrv_red, 2),
                span,
                pl.lit(CONVENTION),
            )
        )
        .when("hrv_low")
        .then(pl.format("ln rMSSD 7-day {} below {} (Plews 2012)", seven, span))
        .when("hrv_high")
        .then(
            pl.format(
                "ln rMSSD 7-day {} above {}: with other signs a possible sign of overreaching "
                "(Le Meur 2013)",
                seven,
                span,
            )
        )
        .when("hrv_on")
        .then(pl.lit("HRV"))
        .alias("hrv_phrase"),
        "hrv_high",
        when("cv_amber").then(pl.lit(1, pl.Int8)).alias("cv_level"),
        when("cv_amber")
        .then(
            pl.format(
                "ln rMSSD CV {} % below its usual {} % (Plews 2012; cut-off {})",
                _fixed(cv7, cv_amber, 1),
                _fixed(cv_low, cv_amber, 1),
                pl.lit(CONVENTION),
            )
        )
        .alias("cv_phrase"),
        when("rhr_on").then(pl.col("rhr_high").cast(pl.Int8)).alias("rhr_level"),
        when("rhr_high")
        .then(
            pl.format(
                "resting HR 7-day {} bpm, 60-day {} bpm ({})",
                _fixed(rhr7, rhr_high, 0),
                _fixed(rhr60, rhr_high, 0),
                pl.lit(CONVENTION),
            )
        )
        .when("rhr_on")
        .then(pl.lit("resting HR"))
        .alias("rhr_phrase"),
        when("well_on")
        .then(when("well_red").then(2).when("well_amber").then(1).otherwise(0))
        .cast(pl.Int8)
        .alias("wellness_level"),
        when("by_item")
        .then(item_phrase)
        .when(pl.col("well_red") | pl.col("well_amber"))
        .then(hooper_phrase)
        .when("well_on")
        .then(pl.lit("wellness"))
        .alias("wellness_phrase"),
        when("acwr_on").then(pl.col("acwr_amber").cast(pl.Int8)).alias("acwr_level"),
        when("acwr_amber")
        .then(
            pl.format(
                "ACWR {} above 1.3 (Gabbett 2016; a prompt, not injury risk)",
                _fixed(acwr, acwr_amber, 2),
            )
        )
        .when("acwr_on")
        .then(pl.lit("ACWR"))
        .alias("acwr_phrase"),
    )


def verdict(table: pl.DataFrame) -> pl.DataFrame:
    """Worst signal wins; two ambers besides ACWR make a red (drago convention); ACWR alone is
    amber at most; HRV above range is amber only beside another warning (Le Meur 2013). The
    reason names the deciding signals and says which rules are drago's convention.

    `table` as `signals` returns; out: `verdict` (null without any signal) and `reason`."""
    others = pl.max_horizontal(pl.col(f"{name}_level") for name in SIGNALS if name != "hrv")
    high = pl.col("hrv_high")
    hrv = pl.when(high & (others > 0)).then(pl.lit(1, pl.Int8)).otherwise(pl.col("hrv_level"))
    levels = {name: hrv if name == "hrv" else pl.col(f"{name}_level") for name in SIGNALS}
    phrases = {name: pl.col(f"{name}_phrase") for name in SIGNALS}
    worst = pl.max_horizontal(levels.values())
    ambers = pl.sum_horizontal(
        levels[name].eq(1).fill_null(False).cast(pl.Int8) for name in SIGNALS if name != "acwr"
    )

    def joined(level: pl.Expr | int, separator: str, names: tuple[str, ...]) -> pl.Expr:
        chosen = [pl.when(levels[n] == level).then(phrases[n]) for n in names]
        return pl.concat_str(chosen, separator=separator, ignore_nulls=True)

    listed = [pl.when(~high).then(phrases[n]) if n == "hrv" else phrases[n] for n in SIGNALS]
    plain = pl.concat_str(listed, separator=", ", ignore_nulls=True)
    green = (
        pl.when(plain != "").then(pl.format("green: {} in range", plain)).otherwise(pl.lit("green"))
    )
    green = pl.when(high).then(pl.format("{}; {}", green, phrases["hrv"])).otherwise(green)
    two_ambers = (worst == 1) & (ambers >= 2)
    names = pl.when(worst == 2).then(pl.lit("red")).when(worst == 1).then(pl.lit("amber"))
    own = tuple(n for n in SIGNALS if n != "acwr")
    return table.select(
        pl.when(worst.is_null())
        .then(pl.lit(None, pl.String))
        .when(two_ambers)
        .then(pl.lit("red"))
        .when(worst == 0)
        .then(pl.lit("green"))
        .otherwise(names)
        .alias("verdict"),
        pl.when(worst.is_null())
        .then(pl.lit("no data"))
        .when(two_ambers)
        .then(pl.format("red: {} (two ambers: {})", joined(1, " and ", own), pl.lit(CONVENTION)))
        .when(worst == 0)
        .then(green)
        .otherwise(pl.format("{}: {}", names, joined(worst, "; ", SIGNALS)))
        .alias("reason"),
    )


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
        pl.when(suspended)
        .then(pl.format("red: medical suspension ({})", "suspension"))
        .when(pl.col("verdict").is_null() & pl.col("measured"))
        .then(pl.lit("no verdict: baselines still building"))
        .otherwise("reason")
    )
    out = frame.select(
        pl.when(suspended).then(pl.lit("red")).otherwise("verdict").alias("verdict"),
        pl.when(notes != "")
        .then(pl.format("{} ({})", reason, notes))
        .otherwise(reason)
        .alias("reason"),
    )
    return out["verdict"], out["reason"]
