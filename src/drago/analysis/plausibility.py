"""Recordings no body produced: flag them (with the reason) so they stay out of load.

A recording is imported whatever its content; `session_plausibility` names what in it is
impossible, and the lab keeps a flagged session out of every load until a person trusts it
(`drago session set ID --trust`) or deletes it. The rules, as data (`RULES`), each with its
source or "drago convention":

========================  ==============================================  =====================
rule                      limit                                           source
========================  ==============================================  =====================
HR stream span            records span more than the recording's          drago convention
                          duration + max(10 min, 10 %)
HR sample                 a sample (above 0) below 25 or above 240 bpm    drago convention (the
                                                                          HR ranges drago
                                                                          accepts at entry)
speed on foot             99th percentile of speed above 12.5 m/s         Čoh et al. 2018
speed on wheels/skis      99th percentile of speed above 40 m/s           drago convention
========================  ==============================================  =====================

The 99th percentile, not the maximum, so that one GPS spike does not flag an honest run.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Final

import polars as pl

from drago.errors import ImplausibleValue

#: HR samples outside this range (bpm, samples of 0 are "no contact" and ignored).
HR_PLAUSIBLE_BPM: Final = (25.0, 240.0)
#: Slack on the HR stream's span beyond the recording's duration: the larger of these.
SPAN_SLACK_S: Final = 600.0
SPAN_SLACK_FRACTION: Final = 0.10
#: Fastest speed sustained by a human on foot, with a margin: Bolt's fastest 20-m section was
#: 12.14 m/s (Čoh et al. 2018); on foot means runs, walks, hikes and gym and ring work.
FOOT_SPEED_MS: Final = 12.5
#: Any other activity (rides, skis, rows, swims, other): 40 m/s = 144 km/h (drago convention).
OTHER_SPEED_MS: Final = 40.0
ON_FOOT: Final = frozenset(
    {"run", "walk", "hike", "strength", "conditioning", "bag", "pads", "sparring", "fight"}
)
#: The first and last day anything can be dated (drago convention, the birth years drago
#: takes): a year 1 typed or written by a device's unset clock would make every daily series
#: 740,000 days long, and a year 9999 overflows date arithmetic. What was done must also not
#: be after tomorrow (time zones east of the user's).
FIRST_DAY: Final = date(1900, 1, 1)
LAST_DAY: Final = date(2100, 12, 31)
#: The rules as data: (rule, limit, source), for docs and tests.
RULES: Final = (
    ("HR stream span", "longer than duration + max(10 min, 10 %)", "drago convention"),
    ("HR sample", "below 25 or above 240 bpm", "drago convention"),
    ("speed on foot", "99th percentile above 12.5 m/s", "Čoh et al. 2018"),
    ("speed otherwise", "99th percentile above 40 m/s", "drago convention"),
)


def check_finite(
    frame: pl.DataFrame, columns: tuple[str, ...], *, what: str, nan_is_missing: bool = False
) -> None:
    """Refuse NaN or infinity in the numeric `columns` of `frame` that it has (nulls pass:
    they are "no value") with `ImplausibleValue` (a `BadInput`): a Python API caller's NaN
    would otherwise come back as NaN results, or an infinity as infinite fitness.
    `nan_is_missing`: NaN passes as "no value" too (where a function documents it so), and
    only infinity is refused.

    >>> check_finite(pl.DataFrame({"load": [1.0, float("inf")]}), ("load",), what="daily frame")
    Traceback (most recent call last):
    ...
    drago.errors.ImplausibleValue: daily frame: 'load' must hold finite numbers, not NaN or infinity
    """
    floats = [c for c in columns if c in frame.columns and frame.schema[c].is_float()]
    if not floats:
        return
    # one pass over the columns: is_finite is false for NaN and infinity (null skipped)
    bad = (
        [pl.col(c).is_infinite().any() for c in floats]
        if nan_is_missing
        else [pl.col(c).is_finite().all().not_() for c in floats]
    )
    flags = frame.select(bad).row(0)
    for name, flagged in zip(floats, flags, strict=True):
        if flagged:
            raise ImplausibleValue(
                f"{what}: {name!r} must hold finite numbers, not NaN or infinity"
            )


def impossible_start(starts: Iterable[datetime], now_utc: datetime) -> str | None:
    """Why a recording's session starts cannot be real (before FIRST_DAY, or more than a day
    after `now_utc`: a device clock that was never set), or None.

    >>> now = datetime(2026, 12, 6, tzinfo=UTC)
    >>> impossible_start([datetime(9999, 12, 31, 14, 12, tzinfo=UTC)], now)
    'a session starts 9999-12-31 14:12 UTC, after today: the device clock was wrong'
    >>> impossible_start([datetime(2026, 12, 6, 8, 0, tzinfo=UTC)], now) is None
    True
    """
    for start in starts:
        utc = start.replace(tzinfo=UTC) if start.tzinfo is None else start.astimezone(UTC)
        shown = f"{utc.date().isoformat()} {utc:%H:%M} UTC"  # %Y writes year 1 as "1"
        if utc.date() < FIRST_DAY:
            when = f"before {FIRST_DAY.isoformat()}"
        elif utc > now_utc + timedelta(days=1):
            when = "after today"
        else:
            continue
        return f"a session starts {shown}, {when}: the device clock was wrong"
    return None


def _whole(value: pl.Expr) -> pl.Expr:
    """A value as a whole number's text; beyond 64-bit integers (1e308, inf, NaN from a damaged
    file), as the float's text, so the session is still flagged with its value."""
    rounded = value.round(0)
    return (
        pl.when(rounded.abs() < 2.0**53)
        .then(rounded.cast(pl.Int64, strict=False).cast(pl.String))
        .otherwise(rounded.cast(pl.String))
    )


def session_plausibility(sessions: pl.DataFrame) -> pl.DataFrame:
    """The reason each session is implausible, or null.

    `sessions`: `id`, `activity`, `duration_s`, `span_s` (last minus first record time),
    `hr_min_bpm`, `hr_max_bpm` (over samples above 0) and `speed_p99_ms`, nulls allowed.
    Returns `id` and `reason` (the failed rules joined by "; ").

    Examples
    --------
    >>> s = pl.DataFrame({"id": [1, 2], "activity": ["ride", "run"],
    ...     "duration_s": [30600.0, 3600.0], "span_s": [97200.0, 3590.0],
    ...     "hr_min_bpm": [60.0, 70.0], "hr_max_bpm": [180.0, 251.0],
    ...     "speed_p99_ms": [12.0, 4.0]})
    >>> session_plausibility(s)["reason"].to_list()
    ['HR stream spans 27.0 h in a 8.5 h recording', 'HR 251 bpm outside 25-240 bpm']

    References
    ----------
    Čoh M., Hébert-Losier K., Štuhec S., Babić V., Supej M. (2018) Kinematics of Usain Bolt's
    maximal sprint velocity. Kinesiology 50(2), 172-180.
    """
    # one select (one Polars operation): the inputs cast where they are read
    number = {
        c: pl.col(c).cast(pl.Float64)
        for c in ("duration_s", "span_s", "hr_min_bpm", "hr_max_bpm", "speed_p99_ms")
    }
    on_foot = pl.col("activity").cast(pl.String).is_in(list(ON_FOOT))
    low, high = HR_PLAUSIBLE_BPM
    slack = pl.max_horizontal(pl.lit(SPAN_SLACK_S), number["duration_s"] * SPAN_SLACK_FRACTION)
    limit = pl.when(on_foot).then(pl.lit(FOOT_SPEED_MS)).otherwise(pl.lit(OTHER_SPEED_MS))
    span = pl.when(number["span_s"] > number["duration_s"] + slack).then(
        pl.format(
            "HR stream spans {} h in a {} h recording",
            (number["span_s"] / 3600).round(1),
            (number["duration_s"] / 3600).round(1),
        )
    )
    hr_out = pl.when(number["hr_max_bpm"] > high).then(
        pl.format("HR {} bpm outside 25-240 bpm", _whole(number["hr_max_bpm"]))
    )
    hr_low = pl.when(number["hr_min_bpm"] < low).then(
        pl.format("HR {} bpm outside 25-240 bpm", _whole(number["hr_min_bpm"]))
    )
    speed = pl.when(number["speed_p99_ms"] > limit).then(
        pl.format(
            "speed {} m/s beyond any human {}",
            number["speed_p99_ms"].round(1),
            pl.when(on_foot).then(pl.lit("on foot")).otherwise(pl.lit("in this sport")),
        )
    )
    reason = pl.concat_str(span, hr_out, hr_low, speed, separator="; ", ignore_nulls=True)
    return sessions.select(pl.col("id"), reason.replace("", None).alias("reason"))
