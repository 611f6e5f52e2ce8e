"""Acute:chronic workload ratio (rolling and EWMA), its bands, and Foster's monotony and strain.

Inputs are daily frames (consecutive days per athlete, `load` 0 on days off; see
`drago.analysis.load.daily_load`). A value without enough history is null, never NaN, and so is
a ratio whose denominator is 0.
"""

from __future__ import annotations

import math
from typing import Final

import polars as pl

from drago.analysis.plan import ENGINE
from drago.analysis.pmc import check_daily
from drago.vocab import ACWR_BAND_RATIO

#: Default acute and chronic windows, in days.
ACUTE_DAYS: Final = 7
CHRONIC_DAYS: Final = 28
#: Default monotony window, in days (Foster 1998: one week).
MONOTONY_DAYS: Final = 7
#: Upper bounds of the ACWR bands (Gabbett 2016): under-training, sweet spot, caution; above: spike.
#: Gabbett drew them from the rolling (coupled 7:28) ratio, so `acwr_band` is of `acwr_rolling`.
ACWR_BANDS: Final = ((0.8, "under-training"), (1.3, "sweet spot"), (1.5, "caution"))
ACWR_SPIKE: Final = "spike"


def _ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    return pl.when(denominator > 0).then(numerator / denominator)


def acwr(
    daily: pl.DataFrame,
    *,
    acute_days: int = ACUTE_DAYS,
    chronic_days: int = CHRONIC_DAYS,
    by: str = "athlete_id",
    load: str = "load",
) -> pl.DataFrame:
    """Add `acwr_rolling`, `acwr_rolling_uncoupled` and `acwr_ewma` (with `acwr_band`).

    - Rolling (Gabbett 2016): acute = mean load of days t−6..t; coupled chronic = mean of
      t−27..t (which contains the acute week); uncoupled chronic = mean of t−27..t−7 (which
      does not, Lolli et al. 2019). With r the uncoupled ratio, coupled = 4r / (r + 3): the
      coupled ratio is a squashed copy of it, bounded by 4.
    - EWMA (Williams et al. 2017): acute and chronic are exponentially weighted averages with
      λ = 2 / (N + 1), N = 7 and 28, both started from the first day's load.

    All three are null until `chronic_days` days of history exist, and where the chronic load
    is 0. `acwr_band` is `acwr_band` of `acwr_rolling` (null where it is null): the bands were
    drawn from the rolling coupled ratio (Gabbett 2016); the EWMA ratio (Williams et al. 2017)
    weighs the same loads differently and gets no band of its own.

    Examples
    --------
    >>> from datetime import date, timedelta
    >>> days = [date(2026, 1, 1) + timedelta(d) for d in range(28)]
    >>> daily = pl.DataFrame({"athlete_id": [1] * 28, "date": days,
    ...     "load": [100.0] * 21 + [200.0] * 7})
    >>> acwr(daily).select("acwr_rolling", "acwr_rolling_uncoupled").row(27)
    (1.6, 2.0)
    >>> acwr(daily)["acwr_rolling"].null_count()
    27

    References
    ----------
    Gabbett T. J. (2016) The training-injury prevention paradox: should athletes be training
    smarter and harder? British Journal of Sports Medicine 50(5), 273-280.

    Williams S., West S., Cross M. J., Stokes K. A. (2017) Better way to determine the
    acute:chronic workload ratio? British Journal of Sports Medicine 51(3), 209-210.

    Lolli L., Batterham A. M., Hawkins R., Kelly D. M., Strudwick A. J., Thorpe R., Gregson W.,
    Atkinson G. (2019) Mathematical coupling causes spurious correlation within the
    conventional acute-to-chronic workload ratio calculations. British Journal of Sports
    Medicine 53(15), 921-922.

    Impellizzeri F. M., Tenan M. S., Kempton T., Novak A., Coutts A. J. (2020) Acute:chronic
    workload ratio: conceptual issues and fundamental pitfalls. International Journal of Sports
    Physiology and Performance 15(6), 907-913.
    """
    if not 0 < acute_days < chronic_days:
        raise ValueError(f"need 0 < acute_days < chronic_days, got {acute_days}, {chronic_days}")
    check_daily(daily, by=by, load=load)
    first, then = acwr_columns(acute_days=acute_days, chronic_days=chronic_days, by=by, load=load)
    return daily.lazy().with_columns(first).with_columns(then).collect(engine=ENGINE)


def acwr_columns(
    *, acute_days: int, chronic_days: int, by: str = "athlete_id", load: str = "load"
) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """The columns `acwr` adds, as two passes of expressions over a checked daily frame: the
    three ratios, then `acwr_band` (which reads the rolling one)."""
    if not 0 < acute_days < chronic_days:
        raise ValueError(f"need 0 < acute_days < chronic_days, got {acute_days}, {chronic_days}")
    value = pl.col(load).cast(pl.Float64)
    old_days = chronic_days - acute_days
    # loads are non-negative (check_daily): a negative mean is the running sum's rounding
    acute = value.rolling_mean(acute_days, min_samples=acute_days).clip(0.0).over(by)
    chronic = value.rolling_mean(chronic_days, min_samples=chronic_days).clip(0.0).over(by)
    old_mean = value.rolling_mean(old_days, min_samples=old_days).clip(0.0)
    uncoupled = old_mean.shift(acute_days).over(by)
    acute_ewma = value.ewm_mean(alpha=2.0 / (acute_days + 1), adjust=False).over(by)
    chronic_ewma = value.ewm_mean(alpha=2.0 / (chronic_days + 1), adjust=False).over(by)
    enough = pl.int_range(pl.len()).over(by) >= chronic_days - 1
    return (
        [
            _ratio(acute, chronic).alias("acwr_rolling"),
            _ratio(acute, uncoupled).alias("acwr_rolling_uncoupled"),
            pl.when(enough).then(_ratio(acute_ewma, chronic_ewma)).alias("acwr_ewma"),
        ],
        [acwr_band_expr(pl.col(ACWR_BAND_RATIO)).alias("acwr_band")],
    )


def acwr_band(value: float) -> str:
    """The band a rolling (coupled 7:28) ACWR falls in: under-training, sweet spot, caution
    or spike.

    `< 0.8` under-training; `0.8 to 1.3` sweet spot; `above 1.3 to 1.5` caution; `> 1.5`
    spike (Gabbett 2016). The bands come from team-sport injury cohorts; later work questions
    the ratio itself (coupling: Lolli et al. 2019; conceptual pitfalls, no causal threshold:
    Impellizzeri et al. 2020): read them as a prompt to look, not as an injury risk.

    Examples
    --------
    >>> [acwr_band(v) for v in (0.5, 0.8, 1.3, 1.4, 1.51)]
    ['under-training', 'sweet spot', 'sweet spot', 'caution', 'spike']

    References
    ----------
    Gabbett T. J. (2016) The training-injury prevention paradox: should athletes be training
    smarter and harder? British Journal of Sports Medicine 50(5), 273-280.
    """
    if math.isnan(value) or value < 0:
        raise ValueError(f"an ACWR is a non-negative number, not {value}")
    for upper, band in ACWR_BANDS:
        if value < upper or (band != "under-training" and value <= upper):
            return band
    return ACWR_SPIKE


def acwr_band_expr(value: pl.Expr) -> pl.Expr:
    """`acwr_band` as a Polars expression; null stays null."""
    (under, _), (sweet, _), (caution, _) = ACWR_BANDS
    return (
        pl.when(value.is_null() | value.is_nan())
        .then(pl.lit(None, dtype=pl.String))
        .when(value < under)
        .then(pl.lit("under-training"))
        .when(value <= sweet)
        .then(pl.lit("sweet spot"))
        .when(value <= caution)
        .then(pl.lit("caution"))
        .otherwise(pl.lit(ACWR_SPIKE))
    )


def monotony_strain(
    daily: pl.DataFrame,
    *,
    days: int = MONOTONY_DAYS,
    by: str = "athlete_id",
    load: str = "load",
) -> pl.DataFrame:
    """Add Foster's `monotony` and `strain` over the last `days` daily loads (days off are 0).

    Monotony = mean / sample SD of the last 7 daily loads; strain = their sum × monotony. Null
    with fewer than 7 days of history, and when the SD is 0 (monotony would be infinite).

    Examples
    --------
    >>> from datetime import date, timedelta
    >>> days = [date(2026, 1, 1) + timedelta(d) for d in range(7)]
    >>> daily = pl.DataFrame({"athlete_id": [1] * 7, "date": days,
    ...     "load": [300.0, 0.0, 300.0, 0.0, 300.0, 0.0, 0.0]})
    >>> monotony_strain(daily).select(pl.col("monotony", "strain").round(3)).row(6)
    (0.802, 721.605)

    References
    ----------
    Foster C. (1998) Monitoring training in athletes with reference to overtraining syndrome.
    Medicine & Science in Sports & Exercise 30(7), 1164-1168.
    """
    if days < 2:
        raise ValueError(f"monotony needs a window of at least 2 days, not {days}")
    check_daily(daily, by=by, load=load)
    first, then = monotony_strain_columns(days=days, by=by, load=load)
    return daily.lazy().with_columns(first).with_columns(then).collect(engine=ENGINE)


def monotony_strain_columns(
    *, days: int, by: str = "athlete_id", load: str = "load"
) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """The columns `monotony_strain` adds, as two passes of expressions over a checked daily
    frame: `monotony`, then `strain` (which reads it)."""
    if days < 2:
        raise ValueError(f"monotony needs a window of at least 2 days, not {days}")
    value = pl.col(load).cast(pl.Float64)
    mean = value.rolling_mean(days, min_samples=days).over(by)
    sd = value.rolling_std(days, min_samples=days).over(by)
    total = value.rolling_sum(days, min_samples=days).over(by)
    monotony = pl.when(sd > 1e-9 * (mean.abs() + 1.0)).then(mean / sd)
    return [monotony.alias("monotony")], [(total * pl.col("monotony")).alias("strain")]
