"""The load series as drago computed it before issue 19's start-up work (commit d63303b): a
reference the faster implementation must equal (tests/test_load_equivalence.py).

Copied verbatim from src/drago/analysis/load.py, pmc.py, acwr.py, plausibility.py and daily.py
of that commit, docstrings shortened; `exp_load`, `acwr_band_expr` and `_whole` were not changed
and are imported. Not used by drago itself.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from drago.analysis.acwr import acwr_band_expr
from drago.analysis.load import DAILY_SCHEMA, METHOD_COLUMNS, SRPE_TO_TRIMP_FALLBACK
from drago.analysis.plausibility import (
    FOOT_SPEED_MS,
    HR_PLAUSIBLE_BPM,
    ON_FOOT,
    OTHER_SPEED_MS,
    SPAN_SLACK_FRACTION,
    SPAN_SLACK_S,
    _whole,
)
from drago.analysis.pmc import exp_load
from drago.errors import ImplausibleValue
from drago.vocab import ACWR_BAND_RATIO


def ref_check_finite(
    frame: pl.DataFrame, columns: tuple[str, ...], *, what: str, nan_is_missing: bool = False
) -> None:
    for name in columns:
        if name not in frame.columns or not frame.schema[name].is_float():
            continue
        values = frame[name]
        if values.is_infinite().any() or (not nan_is_missing and values.is_nan().any()):
            raise ImplausibleValue(
                f"{what}: {name!r} must hold finite numbers, not NaN or infinity"
            )


def ref_check_daily(daily: pl.DataFrame, *, by: str = "athlete_id", load: str = "load") -> None:
    missing = {by, "date", load} - set(daily.columns)
    if missing:
        raise ValueError(f"daily frame lacks columns: {', '.join(sorted(missing))}")
    ref_check_finite(daily, (load,), what="daily frame")
    if daily[load].null_count():
        raise ValueError(f"daily frame has null {load!r}: days off must be 0")
    step = daily.select(
        pl.col("date").diff().over(by).dt.total_days().alias("step"),
        (pl.col(by).diff() >= 0).alias("sorted"),
    )
    if step["step"].drop_nulls().ne(1).any() or step["sorted"].drop_nulls().not_().any():
        raise ValueError(
            f"daily frame must hold consecutive days per athlete, sorted by {by} and date "
            "(use daily_load)"
        )


def ref_pmc(
    daily: pl.DataFrame,
    *,
    ctl_days: float = 42,
    atl_days: float = 7,
    by: str = "athlete_id",
    load: str = "load",
) -> pl.DataFrame:
    ref_check_daily(daily, by=by, load=load)
    value = pl.col(load).cast(pl.Float64)
    return daily.with_columns(
        exp_load(value, ctl_days, by=by).alias("ctl"),
        exp_load(value, atl_days, by=by).alias("atl"),
    ).with_columns((pl.col("ctl") - pl.col("atl")).shift(1).over(by).fill_null(0.0).alias("tsb"))


def _ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    return pl.when(denominator > 0).then(numerator / denominator)


def ref_acwr(
    daily: pl.DataFrame,
    *,
    acute_days: int = 7,
    chronic_days: int = 28,
    by: str = "athlete_id",
    load: str = "load",
) -> pl.DataFrame:
    if not 0 < acute_days < chronic_days:
        raise ValueError(f"need 0 < acute_days < chronic_days, got {acute_days}, {chronic_days}")
    ref_check_daily(daily, by=by, load=load)
    value = pl.col(load).cast(pl.Float64)
    old_days = chronic_days - acute_days
    acute = value.rolling_mean(acute_days, min_samples=acute_days).clip(0.0).over(by)
    chronic = value.rolling_mean(chronic_days, min_samples=chronic_days).clip(0.0).over(by)
    old_mean = value.rolling_mean(old_days, min_samples=old_days).clip(0.0)
    uncoupled = old_mean.shift(acute_days).over(by)
    acute_ewma = value.ewm_mean(alpha=2.0 / (acute_days + 1), adjust=False).over(by)
    chronic_ewma = value.ewm_mean(alpha=2.0 / (chronic_days + 1), adjust=False).over(by)
    enough = pl.int_range(pl.len()).over(by) >= chronic_days - 1
    return daily.with_columns(
        _ratio(acute, chronic).alias("acwr_rolling"),
        _ratio(acute, uncoupled).alias("acwr_rolling_uncoupled"),
        pl.when(enough).then(_ratio(acute_ewma, chronic_ewma)).alias("acwr_ewma"),
    ).with_columns(acwr_band_expr(pl.col(ACWR_BAND_RATIO)).alias("acwr_band"))


def ref_monotony_strain(
    daily: pl.DataFrame, *, days: int = 7, by: str = "athlete_id", load: str = "load"
) -> pl.DataFrame:
    if days < 2:
        raise ValueError(f"monotony needs a window of at least 2 days, not {days}")
    ref_check_daily(daily, by=by, load=load)
    value = pl.col(load).cast(pl.Float64)
    mean = value.rolling_mean(days, min_samples=days).over(by)
    sd = value.rolling_std(days, min_samples=days).over(by)
    total = value.rolling_sum(days, min_samples=days).over(by)
    monotony = pl.when(sd > 1e-9 * (mean.abs() + 1.0)).then(mean / sd)
    return daily.with_columns(monotony.alias("monotony")).with_columns(
        (total * pl.col("monotony")).alias("strain")
    )


def _check_sessions(sessions: pl.DataFrame, method: str, *, dated: bool = True) -> pl.DataFrame:
    if method not in METHOD_COLUMNS:
        raise ValueError(f"unknown load method {method!r}; valid: {', '.join(METHOD_COLUMNS)}")
    needed = {"athlete_id", *METHOD_COLUMNS[method]} | ({"date"} if dated else set())
    missing = needed - set(sessions.columns)
    if missing:
        raise ValueError(f"sessions frame lacks columns: {', '.join(sorted(missing))}")
    if dated and sessions.schema["date"] != pl.Date:
        raise ValueError(f"sessions 'date' must be a local pl.Date, not {sessions.schema['date']}")
    counts = pl.col("counts").fill_null(True) if "counts" in sessions.columns else pl.lit(True)
    present = [c for c in ("trimp_banister", "trimp_edwards", "srpe_load") if c in sessions]
    ref_check_finite(sessions, tuple(present), what="sessions", nan_is_missing=True)
    return sessions.filter(counts).with_columns(
        pl.col("athlete_id").cast(pl.Int64),
        *(pl.col(c).cast(pl.Float64).fill_nan(None) for c in present),
    )


def ref_srpe_trimp_ratio(
    sessions: pl.DataFrame, *, min_pairs: int = 10, fallback: float = SRPE_TO_TRIMP_FALLBACK
) -> pl.DataFrame:
    if fallback <= 0:
        raise ValueError(f"fallback ratio must be positive, not {fallback}")
    counted = _check_sessions(sessions, "auto", dated=False)
    paired = counted.filter(
        pl.col("trimp_banister").is_not_null() & (pl.col("srpe_load") > 0)
    ).with_columns((pl.col("trimp_banister") / pl.col("srpe_load")).alias("ratio"))
    fitted = paired.group_by("athlete_id").agg(
        pl.col("ratio").median().alias("fitted"), pl.len().cast(pl.UInt32).alias("pairs")
    )
    own = pl.col("pairs") >= min_pairs
    return (
        counted.select("athlete_id")
        .unique()
        .join(fitted, on="athlete_id", how="left")
        .with_columns(pl.col("pairs").fill_null(0))
        .select(
            "athlete_id",
            pl.when(own).then(pl.col("fitted")).otherwise(fallback).alias("srpe_to_trimp"),
            "pairs",
            pl.when(own).then(pl.lit("athlete")).otherwise(pl.lit("population")).alias("source"),
        )
        .sort("athlete_id")
    )


def ref_session_load(sessions: pl.DataFrame, ratios: pl.DataFrame | None = None) -> pl.DataFrame:
    frame = sessions.with_columns(
        pl.col("athlete_id").cast(pl.Int64),
        pl.col("trimp_banister", "srpe_load").cast(pl.Float64).fill_nan(None),
    )
    if ratios is None:
        ratios = ref_srpe_trimp_ratio(frame)
    counts = pl.col("counts").fill_null(True) if "counts" in frame.columns else pl.lit(True)
    joined = frame.join(
        ratios.select(pl.col("athlete_id").cast(pl.Int64), "srpe_to_trimp", "source"),
        on="athlete_id",
        how="left",
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
    return joined.with_columns(
        pl.when(counts).then(value).alias("load"),
        pl.when(counts).then(method).otherwise(pl.lit("not counted")).alias("load_method"),
    ).drop("srpe_to_trimp", "source")


def ref_calendar(
    sessions: pl.DataFrame,
    method: str,
    start: date | None,
    end: date | None,
    min_pairs: int,
    srpe_fallback: float,
    ends: pl.DataFrame | None = None,
) -> pl.DataFrame:
    counted = _check_sessions(sessions, method)
    if method == "auto":
        ratio = ref_srpe_trimp_ratio(counted, min_pairs=min_pairs, fallback=srpe_fallback)
        counted = counted.join(ratio.select("athlete_id", "srpe_to_trimp"), on="athlete_id")
        value = pl.coalesce("trimp_banister", pl.col("srpe_load") * pl.col("srpe_to_trimp"))
    else:
        value = pl.col(METHOD_COLUMNS[method][0])
    frame = counted.select(
        "athlete_id",
        pl.col("date").cast(pl.Int32).alias("day"),
        value.cast(pl.Float64).alias("load"),
    )
    spans = (
        sessions.select(pl.col("athlete_id").cast(pl.Int64))
        .unique()
        .join(
            frame.group_by("athlete_id").agg(
                pl.col("day").min().alias("lo"), pl.col("day").max().alias("hi")
            ),
            on="athlete_id",
            how="left",
        )
    )
    if start is not None:
        first = pl.lit(start).cast(pl.Int32)
        spans = spans.with_columns(pl.min_horizontal("lo", first).alias("lo"))
    if end is not None:
        spans = spans.with_columns(pl.lit(end).cast(pl.Int32).alias("hi"))
    if ends is not None and ends.height:
        own = ends.select(pl.col("athlete_id").cast(pl.Int64), pl.col("end").cast(pl.Int32))
        spans = spans.join(own, on="athlete_id", how="left").select(
            "athlete_id", "lo", pl.coalesce("end", "hi").alias("hi")
        )
    spans = (
        spans.filter(pl.col("lo") <= pl.col("hi"))
        .sort("athlete_id")
        .with_columns((pl.col("hi") - pl.col("lo") + 1).cast(pl.Int64).alias("length"))
        .with_columns((pl.col("length").cum_sum() - pl.col("length")).alias("offset"))
    )
    total = int(spans["length"].sum())
    if total == 0:
        return pl.DataFrame(schema=DAILY_SCHEMA)
    placed = (
        frame.lazy()
        .join(spans.lazy(), on="athlete_id", how="inner")
        .filter(pl.col("day").is_between(pl.col("lo"), pl.col("hi")))
        .group_by((pl.col("offset") + pl.col("day") - pl.col("lo")).alias("row"))
        .agg(
            pl.col("load").sum(),
            pl.len().alias("sessions"),
            pl.col("load").null_count().alias("sessions_without_load"),
        )
        .collect()
    )
    calendar = spans.select(
        pl.col("athlete_id").repeat_by("length").explode(),
        pl.int_ranges("lo", pl.col("hi") + 1).explode().cast(pl.Date).alias("date"),
    )
    columns = {}
    for column, dtype in DAILY_SCHEMA.items():
        if column in placed.columns:
            series = pl.zeros(total, dtype, eager=True)
            columns[column] = series.scatter(placed["row"], placed[column].cast(dtype))
    return calendar.with_columns(**columns).cast(DAILY_SCHEMA)  # type: ignore[arg-type]


def ref_daily_load(
    sessions: pl.DataFrame,
    *,
    method: str = "auto",
    start: date | None = None,
    end: date | None = None,
    min_pairs: int = 10,
    srpe_fallback: float = SRPE_TO_TRIMP_FALLBACK,
) -> pl.DataFrame:
    daily = ref_calendar(sessions, method, start, end, min_pairs, srpe_fallback)
    return daily.filter(pl.col("date") >= start) if start is not None else daily


def ref_daily_series(
    sessions: pl.DataFrame,
    *,
    method: str = "auto",
    start: date | None = None,
    end: date | None = None,
    ctl_days: float = 42,
    atl_days: float = 7,
    acute_days: int = 7,
    chronic_days: int = 28,
    monotony_days: int = 7,
    min_pairs: int = 10,
    srpe_fallback: float = SRPE_TO_TRIMP_FALLBACK,
    ends: pl.DataFrame | None = None,
) -> pl.DataFrame:
    daily = ref_calendar(sessions, method, start, end, min_pairs, srpe_fallback, ends)
    out = ref_pmc(daily, ctl_days=ctl_days, atl_days=atl_days)
    out = ref_acwr(out, acute_days=acute_days, chronic_days=chronic_days)
    out = ref_monotony_strain(out, days=monotony_days)
    return out.filter(pl.col("date") >= start) if start is not None else out


def ref_with_local_date(frame: pl.DataFrame, column: str = "start_utc") -> pl.DataFrame:
    parts = [
        part.with_columns(
            pl.col(column)
            .dt.replace_time_zone("UTC")
            .dt.convert_time_zone(str(part["tz"][0]))
            .dt.date()
            .alias("date")
        )
        for part in frame.partition_by("tz", maintain_order=True)
    ]
    if not parts:
        return frame.with_columns(pl.lit(None, pl.Date).alias("date"))
    return pl.concat(parts).sort("athlete_id", "date", "id")


def ref_session_plausibility(sessions: pl.DataFrame) -> pl.DataFrame:
    sessions = sessions.with_columns(
        pl.col("duration_s", "span_s", "hr_min_bpm", "hr_max_bpm", "speed_p99_ms").cast(pl.Float64),
        pl.col("activity").cast(pl.String),
    )
    low, high = HR_PLAUSIBLE_BPM
    slack = pl.max_horizontal(pl.lit(SPAN_SLACK_S), pl.col("duration_s") * SPAN_SLACK_FRACTION)
    limit = (
        pl.when(pl.col("activity").is_in(list(ON_FOOT)))
        .then(pl.lit(FOOT_SPEED_MS))
        .otherwise(pl.lit(OTHER_SPEED_MS))
    )
    span = pl.when(pl.col("span_s") > pl.col("duration_s") + slack).then(
        pl.format(
            "HR stream spans {} h in a {} h recording",
            (pl.col("span_s") / 3600).round(1),
            (pl.col("duration_s") / 3600).round(1),
        )
    )
    hr_out = pl.when(pl.col("hr_max_bpm") > high).then(
        pl.format("HR {} bpm outside 25-240 bpm", _whole(pl.col("hr_max_bpm")))
    )
    hr_low = pl.when(pl.col("hr_min_bpm") < low).then(
        pl.format("HR {} bpm outside 25-240 bpm", _whole(pl.col("hr_min_bpm")))
    )
    speed = pl.when(pl.col("speed_p99_ms") > limit).then(
        pl.format(
            "speed {} m/s beyond any human {}",
            pl.col("speed_p99_ms").round(1),
            pl.when(pl.col("activity").is_in(list(ON_FOOT)))
            .then(pl.lit("on foot"))
            .otherwise(pl.lit("in this sport")),
        )
    )
    reason = pl.concat_str(span, hr_out, hr_low, speed, separator="; ", ignore_nulls=True)
    out = sessions.select(pl.col("id"), reason.alias("reason"))
    return out.with_columns(
        pl.when(pl.col("reason") == "").then(None).otherwise(pl.col("reason")).alias("reason")
    )
