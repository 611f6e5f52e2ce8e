"""Checks of what users type, shared by the lab's services."""

from __future__ import annotations

import math
import unicodedata
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from drago.analysis.plausibility import FIRST_DAY as FIRST_DAY
from drago.analysis.plausibility import LAST_DAY as LAST_DAY
from drago.errors import ImplausibleValue, UsageError
from drago.store import athletes as athlete_rows

if TYPE_CHECKING:
    from drago.store import Store

#: Plausible ranges of the values a user types; outside them is a typo, not physiology.
#: HR max 120-240 bpm: Tanaka, Monahan & Seals (2001) give 208 - 0.7 x age (SD about 7-11
#: bpm), 145 at 90 years and 194 at 20, so 120 and 240 sit several SDs beyond any adult;
#: resting HR 25-110 bpm: below the lowest resting rates reported in endurance athletes and
#: above the 100 bpm that defines resting tachycardia. The bounds are drago's convention.
RANGES: dict[str, tuple[float, float]] = {
    "hr_max_bpm": (120, 240),
    "hr_rest_bpm": (25, 110),
    "hr_threshold_bpm": (80, 240),
    "hr_threshold2_bpm": (80, 240),
    "rpe": (0, 10),
    "minutes": (1, 24 * 60),
    "birth_year": (1900, 2100),
    # Interval templates, seconds: Tabata's 10 s rest to an hour (drago convention); a 1 ms
    # round would make millions of rounds of one session.
    "work_s": (5, 3600),
    "rest_s": (0, 3600),
}


#: Heart-rate reserve (max - rest) below this is refused as a typo or swapped values (drago
#: convention; an untrained adult's reserve is about 100 bpm).
MIN_HR_RESERVE_BPM = 20.0


def check_finite(name: str, value: float | None) -> None:
    """Raise ImplausibleValue when a number is NaN or infinite (None passes)."""
    if value is not None and not math.isfinite(value):
        raise ImplausibleValue(f"{name.replace('_', ' ')} must be a finite number, not {value}")


def check_range(name: str, value: float | None) -> None:
    """Raise ImplausibleValue (a UsageError) when a typed value is not finite or outside its
    plausible range."""
    if value is None:
        return
    check_finite(name, value)
    low, high = RANGES[name]
    if not low <= value <= high:
        raise ImplausibleValue(f"{name.replace('_', ' ')} {value:g} is outside {low:g}-{high:g}")


def check_hr_pair(hr_max_bpm: float | None, hr_rest_bpm: float | None) -> None:
    """Raise ImplausibleValue when resting HR is not clearly below HR max."""
    if hr_max_bpm is None or hr_rest_bpm is None:
        return
    if hr_max_bpm - hr_rest_bpm < MIN_HR_RESERVE_BPM:
        raise ImplausibleValue(
            f"HR rest {hr_rest_bpm:g} bpm must be at least {MIN_HR_RESERVE_BPM:g} bpm below "
            f"HR max {hr_max_bpm:g} bpm"
        )


def check_calendar(day: date, *, what: str) -> None:
    """Raise ImplausibleValue when a typed date is outside FIRST_DAY-LAST_DAY (a mistyped
    year)."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ImplausibleValue(
            f"{what} on {day.isoformat()} is outside {FIRST_DAY.isoformat()} to "
            f"{LAST_DAY.isoformat()}: check the year"
        )


def check_day(day: date, tz: str, *, what: str = "a session") -> None:
    """Raise ImplausibleValue when what was done on `day` is more than one day after today in
    `tz`, or before FIRST_DAY."""
    check_calendar(day, what=what)
    today = datetime.now(ZoneInfo(tz)).date()
    if day > today + timedelta(days=1):
        raise ImplausibleValue(
            f"{what} on {day.isoformat()} is in the future (today is {today.isoformat()} "
            f"in {tz}); log what was done"
        )


#: The longest name drago keeps (drago convention: a listing's column stays readable).
MAX_NAME_CHARS = 100
#: Characters that reorder the text around them (bidirectional overrides and isolates): in a
#: name they make one athlete's name read as another's.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def check_name(name: str, *, what: str) -> str:
    """The name stripped, or UsageError when it is empty, longer than MAX_NAME_CHARS, or holds
    a control character (a newline, an escape sequence for the terminal, a bidi override).

    >>> check_name("  Ivan Drago ", what="an athlete")
    'Ivan Drago'
    >>> check_name("a" * 101, what="a team")
    Traceback (most recent call last):
    ...
    drago.errors.UsageError: a team's name is 101 characters long: at most 100
    """
    stripped = name.strip()
    if not stripped:
        raise UsageError(f"{what} needs a name")
    for char in stripped:
        if unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS:
            raise UsageError(
                f"{what}'s name {stripped[:40]!r} holds a control character "
                f"(U+{ord(char):04X}): type it without"
            )
    if len(stripped) > MAX_NAME_CHARS:
        raise UsageError(
            f"{what}'s name is {len(stripped)} characters long: at most {MAX_NAME_CHARS}"
        )
    return stripped


def check_tz(tz: str) -> str:
    """A valid IANA time zone name, or UsageError."""
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UsageError(f"unknown time zone {tz!r}: use an IANA name like Europe/Moscow") from exc
    return tz


def local_today(store: Store, name: str) -> date:
    """Today in athlete `name`'s time zone."""
    return datetime.now(ZoneInfo(athlete_rows.get_athlete(store, name).tz)).date()
