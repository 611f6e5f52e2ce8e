"""Performance management chart: fitness (CTL), fatigue (ATL) and form (TSB) from daily load.

The input is a daily frame (one row per athlete per calendar day, no gaps, `load` 0 on days off,
as `drago.analysis.load.daily_load` returns). Everything is a Polars window expression over
`athlete_id`, so one call serves one athlete or a federation, with no loop per athlete or day.
"""

from __future__ import annotations

import math
from typing import Final

import polars as pl

from drago.analysis.plan import ENGINE
from drago.analysis.plausibility import check_finite

#: Default time constants, in days, of chronic (fitness) and acute (fatigue) training load.
CTL_DAYS: Final = 42
ATL_DAYS: Final = 7


def check_daily(daily: pl.DataFrame, *, by: str = "athlete_id", load: str = "load") -> None:
    """Raise ValueError unless `daily` holds consecutive days per athlete, in order, no null load;
    `ImplausibleValue` (a `BadInput`) for a NaN or infinite load.

    Examples
    --------
    >>> from datetime import date
    >>> check_daily(pl.DataFrame({"athlete_id": [1, 1], "date": [date(2026, 1, 1),
    ...     date(2026, 1, 3)], "load": [1.0, 2.0]}))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: daily frame must hold consecutive days per athlete, ...
    """
    missing = {by, "date", load} - set(daily.columns)
    if missing:
        raise ValueError(f"daily frame lacks columns: {', '.join(sorted(missing))}")
    check_finite(daily, (load,), what="daily frame")
    if daily[load].null_count():
        raise ValueError(f"daily frame has null {load!r}: days off must be 0")
    # one pass for both: a step other than one day within an athlete, or an athlete id that
    # goes down (`any` skips each athlete's first row, whose diff is null)
    broken = daily.select(
        (pl.col("date").diff().over(by).dt.total_days() != 1).any() | (pl.col(by).diff() < 0).any()
    ).item()
    if broken:
        raise ValueError(
            f"daily frame must hold consecutive days per athlete, sorted by {by} and date "
            "(use daily_load)"
        )


def exp_decay(days: float) -> float:
    """Smoothing factor λ = 1 − e^(−1/T) of an exponential load average with time constant T.

    Examples
    --------
    >>> round(exp_decay(42), 5), round(exp_decay(7), 5)
    (0.02353, 0.13312)
    """
    if days <= 0:
        raise ValueError(f"time constant must be positive, not {days}")
    return 1.0 - math.exp(-1.0 / days)


def exp_load(load: pl.Expr, days: float, *, by: str = "athlete_id") -> pl.Expr:
    """Exponentially weighted load y_t = y_{t−1} + λ (L_t − y_{t−1}), y = 0 before the first day.

    Computed as Polars' `ewm_mean(adjust=False)` (which starts from the first day's load) minus
    that start's decayed remainder `L_0 (1 − λ)^(t+1)`, within each `by` group.
    """
    lam = exp_decay(days)
    day = pl.int_range(pl.len()).over(by)
    started = load.ewm_mean(alpha=lam, adjust=False).over(by)
    return started - load.first().over(by) * (1.0 - lam) ** (day + 1)


def pmc(
    daily: pl.DataFrame,
    *,
    ctl_days: float = CTL_DAYS,
    atl_days: float = ATL_DAYS,
    by: str = "athlete_id",
    load: str = "load",
) -> pl.DataFrame:
    """Add chronic (`ctl`) and acute (`atl`) training load and training stress balance (`tsb`).

    `CTL_t = CTL_{t−1} + λ (L_t − CTL_{t−1})` with `λ = 1 − e^(−1/T)`, T = 42 days; ATL the same
    with T = 7; both 0 on the day before the first day, and today's load counts today.
    `TSB_t = CTL_{t−1} − ATL_{t−1}` (yesterday's fitness minus fatigue: form coming into today),
    0 on the first day. This is GoldenCheetah's PMC (Coggan's performance manager), itself
    Banister's impulse-response model with the two gains set to 1.

    Examples
    --------
    >>> from datetime import date, timedelta
    >>> days = [date(2026, 1, 1) + timedelta(d) for d in range(3)]
    >>> daily = pl.DataFrame({"athlete_id": [1] * 3, "date": days, "load": [100.0, 0.0, 0.0]})
    >>> pmc(daily).select(pl.col("ctl", "atl", "tsb").round(3)).rows()
    [(2.353, 13.312, 0.0), (2.297, 11.54, -10.959), (2.243, 10.004, -9.243)]

    References
    ----------
    Banister E. W., Calvert T. W., Savage M. V., Bach T. (1975) A systems model of training for
    athletic performance. Australian Journal of Sports Medicine 7(3), 57-61.

    Allen H., Coggan A. (2010) Training and Racing with a Power Meter, 2nd ed. VeloPress
    (the performance manager chart: CTL, ATL, TSB).

    GoldenCheetah, `src/Metrics/PMCData.cpp` (PMC: lte/ste/sb), https://github.com/GoldenCheetah.
    """
    check_daily(daily, by=by, load=load)
    first, then = pmc_columns(ctl_days=ctl_days, atl_days=atl_days, by=by, load=load)
    return daily.lazy().with_columns(first).with_columns(then).collect(engine=ENGINE)


def pmc_columns(
    *, ctl_days: float, atl_days: float, by: str = "athlete_id", load: str = "load"
) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """The columns `pmc` adds, as two passes of expressions over a checked daily frame:
    `ctl` and `atl`, then `tsb` (which reads them). `daily_series` adds them with those of
    `acwr` and `monotony_strain` in one plan."""
    value = pl.col(load).cast(pl.Float64)
    return (
        [
            exp_load(value, ctl_days, by=by).alias("ctl"),
            exp_load(value, atl_days, by=by).alias("atl"),
        ],
        [(pl.col("ctl") - pl.col("atl")).shift(1).over(by).fill_null(0.0).alias("tsb")],
    )
