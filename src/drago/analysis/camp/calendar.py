"""A camp plan as an iCalendar file (RFC 5545), so each session lands in a phone's calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl


def plan_ical(days: pl.DataFrame, *, athlete: str, fight_date: date, made: datetime) -> bytes:
    """One all-day event per training day (`activity`, `minutes`, `rpe`, `hr_zone`,
    `target_load`, `session`), plus the fight; rest days are left out. `made` stamps every
    event (DTSTAMP), so the same plan gives the same bytes.

    The UIDs are stable per athlete and date, so importing a revised plan replaces the old
    events instead of doubling them.
    """
    from icalendar import Calendar, Event  # the one place drago writes calendars

    cal = Calendar()
    cal.add("prodid", "-//drago//camp plan//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{athlete}: camp to {fight_date.isoformat()}")
    key = "".join(c if c.isalnum() else "-" for c in athlete.lower())
    for row in days.iter_rows(named=True):
        if not row.get("minutes"):
            continue
        event = Event()
        zone = f", HR zone {row['hr_zone']}" if row.get("hr_zone") else ""
        event.add("summary", f"{row['session']}: {row['minutes']} min at RPE {row['rpe']}{zone}")
        event.add(
            "description",
            f"activity {row['activity']}; target load {row['target_load']:.0f} "
            f"(planned {row['planned_load']:.0f}) on {athlete}'s scale; drago camp plan",
        )
        event.add("dtstart", row["date"])
        event.add("dtend", row["date"] + timedelta(days=1))
        event.add("dtstamp", made)
        event.add("uid", f"{key}-{row['date'].isoformat()}@drago-camp")
        cal.add_component(event)
    fight = Event()
    fight.add("summary", f"Fight: {athlete}")
    fight.add("dtstart", fight_date)
    fight.add("dtend", fight_date + timedelta(days=1))
    fight.add("dtstamp", made)
    fight.add("uid", f"{key}-{fight_date.isoformat()}-fight@drago-camp")
    cal.add_component(fight)
    return bytes(cal.to_ical())
