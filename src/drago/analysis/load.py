"""Daily training load per athlete and the series built on it (PMC, ACWR, monotony, strain).

Input is a sessions frame, one row per session: `athlete_id`, `date` (the athlete's local
calendar day, `pl.Date`), the session loads `trimp_banister`, `trimp_edwards`, `srpe_load`
(null where unknown) and optionally `counts` (false for duplicates; missing or null means true).
Everything is vectorised over athletes: one call serves one athlete or a federation, and an
athlete's numbers never depend on who else is in the frame.
"""

from __future__ import annotations

from datetime import date
from typing import Final

import polars as pl

from drago.analysis.acwr import (
    ACUTE_DAYS,
    CHRONIC_DAYS,
    MONOTONY_DAYS,
    acwr_columns,
    monotony_strain_columns,
)
from drago.analysis.plan import ENGINE
from drago.analysis.plausibility import check_finite
from drago.analysis.pmc import ATL_DAYS, CTL_DAYS, pmc_columns

#: Load methods and the session column each one sums; `auto` mixes TRIMP and converted sRPE.
METHOD_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "trimp": ("trimp_banister",),
    "edwards": ("trimp_edwards",),
    "srpe": ("srpe_load",),
    "auto": ("trimp_banister", "srpe_load"),
}
#: Paired sessions (TRIMP and sRPE both known) an athlete needs for a personal ratio.
MIN_PAIRS: Final = 10
#: Population fallback for Banister TRIMP per sRPE unit (see `srpe_trimp_ratio`).
SRPE_TO_TRIMP_FALLBACK: Final = 0.40

DAILY_SCHEMA: Final[dict[str, pl.DataType]] = {
    "athlete_id": pl.Int64(),
    "date": pl.Date(),
    "load": pl.Float64(),
    "sessions": pl.UInt32(),
    "sessions_without_load": pl.UInt32(),
}


def _checked(sessions: pl.DataFrame, method: str, *, dated: bool = True) -> pl.LazyFrame:
    """Validate, and return the counted sessions (a plan, not yet run) with NaN loads turned to
    null (an infinite load is refused: `ImplausibleValue`)."""
    if method not in METHOD_COLUMNS:
        raise ValueError(f"unknown load method {method!r}; valid: {', '.join(METHOD_COLUMNS)}")
    needed = {"athlete_id", *METHOD_COLUMNS[method]} | ({"date"} if dated else set())
    missing = needed - set(sessions.columns)
    if missing:
        raise ValueError(f"sessions frame lacks columns: {', '.join(sorted(missing))}")
    if dated and sessions.schema["date"] != pl.Date:
        raise ValueError(f"sessions 'date' must be a local pl.Date, not {sessions.schema['date']}")
    present = [c for c in ("trimp_banister", "trimp_edwards", "srpe_load") if c in sessions]
    check_finite(sessions, tuple(present), what="sessions", nan_is_missing=True)
    return (
        sessions.lazy()
        .filter(_counts(sessions))
        .with_columns(
            pl.col("athlete_id").cast(pl.Int64),
            *(pl.col(c).cast(pl.Float64).fill_nan(None) for c in present),
        )
    )


def _counts(sessions: pl.DataFrame) -> pl.Expr:
    """Whether each session counts: `counts`, where missing or null true."""
    return pl.col("counts").fill_null(True) if "counts" in sessions.columns else pl.lit(True)


def _ratios(counted: pl.LazyFrame, min_pairs: int, fallback: float) -> pl.LazyFrame:
    """`srpe_trimp_ratio` of checked, counted sessions, as a plan: one grouping by athlete."""
    # a session without an athlete id pairs with no one (it gets the fallback, as no join
    # would match it)
    paired = (
        pl.col("trimp_banister").is_not_null()
        & (pl.col("srpe_load") > 0).fill_null(False)
        & pl.col("athlete_id").is_not_null()
    )
    ratio = pl.col("trimp_banister") / pl.col("srpe_load")
    own = pl.col("pairs") >= min_pairs
    return (
        counted.group_by("athlete_id")
        .agg(
            ratio.filter(paired).median().alias("fitted"),
            paired.sum().cast(pl.UInt32).alias("pairs"),
        )
        .select(
            "athlete_id",
            pl.when(own).then(pl.col("fitted")).otherwise(fallback).alias("srpe_to_trimp"),
            "pairs",
            pl.when(own).then(pl.lit("athlete")).otherwise(pl.lit("population")).alias("source"),
        )
        .sort("athlete_id")
    )


def srpe_trimp_ratio(
    sessions: pl.DataFrame,
    *,
    min_pairs: int = MIN_PAIRS,
    fallback: float = SRPE_TO_TRIMP_FALLBACK,
) -> pl.DataFrame:
    """Banister TRIMP per sRPE unit for each athlete: the conversion `method="auto"` uses.

    Fitted per athlete as the median of `trimp_banister / srpe_load` over counted sessions that
    have both (and sRPE > 0), when there are at least `min_pairs` of them (`source="athlete"`);
    otherwise the population fallback (`source="population"`). The median resists a session
    with a faulty strap better than a ratio of sums; TRIMP and sRPE correlate well within an
    athlete (r ≈ 0.76 between athletes, Borresen & Lambert 2008) but their ratio differs
    between athletes, which is why the athlete's own ratio comes first.

    The fallback 0.40 is derived, not measured: the CR-10's "hard" (5) matches the 6-20
    scale's "hard" (15), which the ACSM places in the vigorous band of 60-89 % of HR reserve
    (Garber et al. 2011); at its middle, 75 % HRR, a man's Banister TRIMP is 2.03 a minute
    against 5 sRPE units a minute: 0.41 (a woman's, 0.45). Pass your own with `fallback=`.

    Examples
    --------
    >>> s = pl.DataFrame({"athlete_id": [1] * 10 + [2], "trimp_banister": [120.0] * 10 + [50.0],
    ...     "srpe_load": [300.0] * 10 + [100.0]})
    >>> srpe_trimp_ratio(s).rows()
    [(1, 0.4, 10, 'athlete'), (2, 0.4, 1, 'population')]

    References
    ----------
    Borresen J., Lambert M. I. (2008) Quantifying training load: a comparison of subjective and
    objective methods. International Journal of Sports Physiology and Performance 3(1), 16-30.

    Garber C. E., Blissmer B., Deschenes M. R., et al. (2011) Quantity and quality of exercise
    for developing and maintaining cardiorespiratory, musculoskeletal, and neuromotor fitness in
    apparently healthy adults. Medicine & Science in Sports & Exercise 43(7), 1334-1359.
    """
    if fallback <= 0:
        raise ValueError(f"fallback ratio must be positive, not {fallback}")
    counted = _checked(sessions, "auto", dated=False)
    return _ratios(counted, min_pairs, fallback).collect(engine=ENGINE)


def session_load(sessions: pl.DataFrame, ratios: pl.DataFrame | None = None) -> pl.DataFrame:
    """Each session's load on the scale of `daily_load(method="auto")`, and the method named.

    `sessions`: `athlete_id`, `trimp_banister`, `srpe_load` and optionally `counts`;
    `ratios`: as `srpe_trimp_ratio` returns, computed over the athletes' whole history (by
    default over `sessions` itself). Adds `load` (null for a session that does not count, or
    without a value) and `load_method`: "trimp_banister", "srpe x 0.40 (population)",
    "srpe x 0.37 (athlete)", or "not counted". The sum of a day's `load` is that day's load in
    `daily_load`, so a session shows one number everywhere.

    Examples
    --------
    >>> s = pl.DataFrame({"athlete_id": [1, 1], "trimp_banister": [None, 90.0],
    ...     "srpe_load": [420.0, 300.0]})
    >>> session_load(s).select("load", "load_method").rows()
    [(168.0, 'srpe x 0.40 (population)'), (90.0, 'trimp_banister')]
    """
    if ratios is None:
        ratios = srpe_trimp_ratio(sessions)
    frame = sessions.lazy().with_columns(
        pl.col("athlete_id").cast(pl.Int64),
        pl.col("trimp_banister", "srpe_load").cast(pl.Float64).fill_nan(None),
    )
    joined = frame.join(
        ratios.lazy().select(pl.col("athlete_id").cast(pl.Int64), "srpe_to_trimp", "source"),
        on="athlete_id",
        how="left",
        maintain_order="left",
    ).with_columns(pl.col("srpe_to_trimp").fill_null(SRPE_TO_TRIMP_FALLBACK))
    value = pl.coalesce("trimp_banister", pl.col("srpe_load") * pl.col("srpe_to_trimp"))
    method = (
        pl.when(pl.col("trimp_banister").is_not_null())
        .then(pl.lit("trimp_banister"))
        .when(pl.col("srpe_load").is_not_null())
        .then(
            pl.format(
                "srpe x {} ({})",
                pl.col("srpe_to_trimp").round(2).cast(pl.String).str.pad_end(4, "0"),
                pl.col("source").fill_null("population"),
            )
        )
    )
    counts = _counts(sessions)
    return (
        joined.with_columns(
            pl.when(counts).then(value).alias("load"),
            pl.when(counts).then(method).otherwise(pl.lit("not counted")).alias("load_method"),
        )
        .drop("srpe_to_trimp", "source")
        .collect(engine=ENGINE)
    )


def _calendar(
    sessions: pl.DataFrame,
    method: str,
    start: date | None,
    end: date | None,
    min_pairs: int,
    srpe_fallback: float,
    ends: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Daily load from min(first session, start) to end, untrimmed (see `daily_load`); `ends`
    (`athlete_id`, `end`) gives some athletes their own end instead of `end`.

    One plan: each athlete's span, the athlete-days with sessions placed by their row in the
    calendar, and the calendar itself; the loads are then scattered into their rows."""
    counted = _checked(sessions, method)
    if method == "auto":
        ratio = _ratios(counted, min_pairs, srpe_fallback).select("athlete_id", "srpe_to_trimp")
        counted = counted.join(ratio, on="athlete_id")
        value = pl.coalesce("trimp_banister", pl.col("srpe_load") * pl.col("srpe_to_trimp"))
    else:
        value = pl.col(METHOD_COLUMNS[method][0])
    frame = counted.select(
        "athlete_id",
        pl.col("date").cast(pl.Int32).alias("day"),
        value.cast(pl.Float64).alias("load"),
    )
    # each athlete's span (days since 1970): first to last counted session, widened to
    # `start`, cut at `end`; every athlete of `sessions` (one without a counted session has a
    # span only through `start` and `end`, and so do sessions with a null athlete id, which
    # no join matches); in athlete order, each at its offset
    day = (
        pl.col("date").cast(pl.Int32).filter(_counts(sessions) & pl.col("athlete_id").is_not_null())
    )
    spans = (
        sessions.lazy()
        .group_by(pl.col("athlete_id").cast(pl.Int64))
        .agg(day.min().alias("lo"), day.max().alias("hi"))
    )
    if start is not None:
        first = pl.lit(start).cast(pl.Int32)
        spans = spans.with_columns(pl.min_horizontal("lo", first).alias("lo"))
    if end is not None:
        spans = spans.with_columns(pl.lit(end).cast(pl.Int32).alias("hi"))
    if ends is not None and ends.height:
        own = ends.lazy().select(pl.col("athlete_id").cast(pl.Int64), pl.col("end").cast(pl.Int32))
        spans = spans.join(own, on="athlete_id", how="left").select(
            "athlete_id", "lo", pl.coalesce("end", "hi").alias("hi")
        )
    spans = (
        spans.filter(pl.col("lo") <= pl.col("hi"))  # null (no span) compares as false
        .sort("athlete_id")
        .with_columns((pl.col("hi") - pl.col("lo") + 1).cast(pl.Int64).alias("length"))
        .with_columns((pl.col("length").cum_sum() - pl.col("length")).alias("offset"))
    )
    # the athlete-days with sessions, by their row in the calendar (one integer key)
    placed = (
        frame.join(spans, on="athlete_id", how="inner")
        .filter(pl.col("day").is_between(pl.col("lo"), pl.col("hi")))
        .group_by((pl.col("offset") + pl.col("day") - pl.col("lo")).alias("row"))
        .agg(
            pl.col("load").sum(),
            pl.len().alias("sessions"),
            pl.col("load").null_count().alias("sessions_without_load"),
        )
    )
    days = spans.select(
        pl.col("athlete_id").repeat_by("length").explode(),
        pl.int_ranges("lo", pl.col("hi") + 1).explode().cast(pl.Date).alias("date"),
        *(pl.lit(0, DAILY_SCHEMA[c]).alias(c) for c in _PLACED),
    )
    calendar, placed_rows = pl.collect_all([days, placed], engine=ENGINE)
    if calendar.height == 0:
        return pl.DataFrame(schema=DAILY_SCHEMA)
    rows = placed_rows["row"]
    return pl.DataFrame(
        [
            calendar["athlete_id"],
            calendar["date"],
            *(calendar[c].scatter(rows, placed_rows[c].cast(DAILY_SCHEMA[c])) for c in _PLACED),
        ]
    )


#: The columns of `daily_load` that sum the day's sessions (0 on a day without).
_PLACED: Final = ("load", "sessions", "sessions_without_load")


def daily_load(
    sessions: pl.DataFrame,
    *,
    method: str = "auto",
    start: date | None = None,
    end: date | None = None,
    min_pairs: int = MIN_PAIRS,
    srpe_fallback: float = SRPE_TO_TRIMP_FALLBACK,
) -> pl.DataFrame:
    """Daily training load per athlete: the sum of the day's counted sessions, 0 on days off.

    One row per athlete per calendar day, from `start` (default: the athlete's first counted
    session) to `end` (default: their last), sorted by athlete and date. Sessions with
    `counts` false (duplicates) are left out. Methods: `trimp` (Banister TRIMP), `edwards`,
    `srpe` (session-RPE load) and `auto` (Banister TRIMP where the session has it, otherwise
    its sRPE load times the athlete's `srpe_trimp_ratio`). A session without a value for the
    method adds nothing to the day's load and is counted in `sessions_without_load`, so a
    coach can see where the load is incomplete.

    Examples
    --------
    >>> s = pl.DataFrame({"athlete_id": [7, 7, 7], "date": [date(2026, 3, 1), date(2026, 3, 1),
    ...     date(2026, 3, 3)], "trimp_banister": [80.0, None, 60.0],
    ...     "srpe_load": [200.0, 300.0, None], "counts": [True, True, False]})
    >>> out = daily_load(s, method="auto", end=date(2026, 3, 4))
    >>> out.select(pl.col("date").dt.day(), "load", "sessions").rows()
    [(1, 200.0, 2), (2, 0.0, 0), (3, 0.0, 0), (4, 0.0, 0)]

    On 1 March the TRIMP of 80 counts as is and the 300-unit sRPE session as 300 × 0.40 (the
    population ratio: too few paired sessions for a personal one); the duplicate of 3 March
    does not count.

    References
    ----------
    Banister E. W. et al. (1975) A systems model of training for athletic performance.
    Australian Journal of Sports Medicine 7, 57-61 (the daily training impulse).
    Foster C. et al. (2001) A new approach to monitoring exercise training. J Strength Cond
    Res 15(1), 109-115 (session-RPE load).
    """
    daily = _calendar(sessions, method, start, end, min_pairs, srpe_fallback)
    return daily.filter(pl.col("date") >= start) if start is not None else daily


def daily_series(
    sessions: pl.DataFrame,
    *,
    method: str = "auto",
    start: date | None = None,
    end: date | None = None,
    ctl_days: float = CTL_DAYS,
    atl_days: float = ATL_DAYS,
    acute_days: int = ACUTE_DAYS,
    chronic_days: int = CHRONIC_DAYS,
    monotony_days: int = MONOTONY_DAYS,
    min_pairs: int = MIN_PAIRS,
    srpe_fallback: float = SRPE_TO_TRIMP_FALLBACK,
    ends: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Daily load with fitness, fatigue, form, ACWR, monotony and strain, per athlete.

    `daily_load` plus the columns of `pmc` (`ctl`, `atl`, `tsb`), `acwr` (`acwr_rolling`,
    `acwr_rolling_uncoupled`, `acwr_ewma`, `acwr_band`) and `monotony_strain` (`monotony`,
    `strain`). The series always starts at the athlete's first session, so CTL and the ratios
    carry their full history; `start` only trims the rows returned. `ends` (`athlete_id`,
    `end`) ends some athletes' series on their own day instead of `end` (a federation whose
    athletes' data stop on different days).

    Examples
    --------
    >>> s = pl.DataFrame({"athlete_id": [1, 1], "date": [date(2026, 1, 1), date(2026, 1, 2)],
    ...     "trimp_banister": [100.0, 50.0], "trimp_edwards": [None, None],
    ...     "srpe_load": [None, None]})
    >>> daily_series(s, method="trimp", start=date(2026, 1, 2)).select(
    ...     "date", "load", pl.col("ctl", "atl", "tsb").round(2), "acwr_ewma").rows()
    [(datetime.date(2026, 1, 2), 50.0, 3.47, 18.2, -10.96, None)]

    References
    ----------
    Banister E. W. et al. (1975), as `daily_load`; Williams S. et al. (2017) Better way to
    determine the acute:chronic workload ratio? Br J Sports Med 51(3), 209-210; Foster C.
    (1998) Monitoring training in athletes with reference to overtraining syndrome. Med Sci
    Sports Exerc 30(7), 1164-1168; Gabbett T. J. (2016) The training-injury prevention
    paradox. Br J Sports Med 50(5), 273-280. Formulas: docs/metrics.md, "Daily series".
    """
    daily = _calendar(sessions, method, start, end, min_pairs, srpe_fallback, ends)
    # the calendar is consecutive days per athlete by construction: of `check_daily`, only
    # the loads' finiteness is left to check (a sum of huge loads can overflow)
    check_finite(daily, ("load",), what="daily frame")
    passes = (
        pmc_columns(ctl_days=ctl_days, atl_days=atl_days),
        acwr_columns(acute_days=acute_days, chronic_days=chronic_days),
        monotony_strain_columns(days=monotony_days),
    )
    plan = daily.lazy().with_columns(*(e for first, _ in passes for e in first))
    plan = plan.with_columns(*(e for _, then in passes for e in then)).select(SERIES_COLUMNS)
    if start is not None:
        plan = plan.filter(pl.col("date") >= start)
    return plan.collect(engine=ENGINE)


#: The columns of `daily_series`, in order: `daily_load`'s, then `pmc`'s, `acwr`'s and
#: `monotony_strain`'s.
SERIES_COLUMNS: Final = (
    *DAILY_SCHEMA,
    "ctl",
    "atl",
    "tsb",
    "acwr_rolling",
    "acwr_rolling_uncoupled",
    "acwr_ewma",
    "acwr_band",
    "monotony",
    "strain",
)
