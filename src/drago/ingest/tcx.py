"""TCX importer: Garmin Training Center Database v2 files, one session per `Activity`.

Mapping onto `Recording`:

- every `Activity` (also inside a `MultiSportSession`) with at least one timed `Trackpoint`
  is a session, numbered in file order; activities without timed trackpoints are skipped;
- `sport` is the `Sport` attribute ("Running", "Biking", "Other"), `activity` its mapping
  through `drago.activities.activity_for`; `device` is `Activity/Creator/Name`;
- `start` is the activity `Id` when it is a time, else the first lap's `StartTime`, else the
  earliest trackpoint; `duration_s` is the span of the trackpoint times (the elapsed time the
  samples cover), `timer_s` the sum of the laps' `TotalTimeSeconds` (the device's timer);
- `distance_m` is the sum of the laps' `DistanceMeters` (the device's summary, like a FIT
  session's total), else the last trackpoint `DistanceMeters`;
- trackpoints give Time, HeartRateBpm/Value, DistanceMeters, AltitudeMeters, Position,
  Cadence (or the ActivityExtension `RunCadence`), and ActivityExtension `Speed` (m/s) and
  `Watts`; trackpoints without a time are dropped; file order is kept;
- each `Lap` is a row of `laps` (StartTime, TotalTimeSeconds, DistanceMeters, average and
  maximum heart rate).

Sample values that are not numbers are null; a time that is not ISO 8601 makes the file
`BadInput`. `recover` is accepted for the common importer signature and ignored.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import polars as pl
from lxml import etree

from drago.activities import activity_for
from drago.errors import BadInput
from drago.ingest._xml import (
    LOCAL,
    Columns,
    child_text,
    local,
    number,
    parse_time_us,
    plural,
    read_root,
    root_name,
    session_meta,
    time_us,
)
from drago.recording import LAP_SCHEMA, Recording, SessionMeta

FORMAT = "tcx"
SUFFIXES = (".tcx",)
ROOT = "TrainingCenterDatabase"


def sniff(head: bytes) -> bool:
    """True when the file's root element is `TrainingCenterDatabase`.

    >>> sniff(b'<?xml version="1.0"?>\\n<TrainingCenterDatabase xmlns="x">')
    True
    """
    return root_name(head) == ROOT


def read(path: str | Path, *, recover: bool = False) -> Recording:
    """Decode a TCX file into a `Recording`, or raise `BadInput`."""
    return _read(Path(path), None)


def read_bytes(data: bytes, path: str | Path, *, recover: bool = False) -> Recording:
    """Decode TCX held in memory (an archive member); `path` names it in errors."""
    return _read(Path(path), data)


def _read(path: Path, data: bytes | None) -> Recording:
    root = read_root(path, ROOT, "TCX", data)
    columns = Columns()
    laps = _Laps()
    sessions: list[SessionMeta] = []
    n_activities = n_trackpoints = 0
    for activity in root.iter("{*}Activity"):
        n_activities += 1
        first = len(columns)
        for point in activity.iter("{*}Trackpoint"):
            n_trackpoints += 1
            _trackpoint(point, len(sessions), columns, path)
        if len(columns) == first:
            continue
        sessions.append(_session(activity, len(sessions), columns, first, laps, path))
    if not sessions:
        activities = plural(n_activities, "activity", "activities")
        found = f"{activities}, {plural(n_trackpoints, 'trackpoint')}"
        raise BadInput(path, f"no timed samples: none in {found}")
    device = next((s.device for s in sessions if s.device), None)
    return Recording(
        format=FORMAT,
        sessions=sessions,
        records=columns.frame(),
        laps=laps.frame(),
        path=path,
        device=device,
    )


def _trackpoint(point: etree._Element, session: int, columns: Columns, path: Path) -> None:
    """Append one trackpoint's texts to `columns` (nothing when it has no time)."""
    when = hr = speed = dist = alt = cad = power = lat = lon = run_cad = None
    time_element = point
    for child in point:
        name = LOCAL[child.tag]
        if name == "Time":
            when, time_element = child.text, child
        elif name == "HeartRateBpm":
            hr = _value_text(child)
        elif name == "Position":
            for part in child:
                part_name = LOCAL[part.tag]
                if part_name == "LatitudeDegrees":
                    lat = part.text
                elif part_name == "LongitudeDegrees":
                    lon = part.text
        elif name == "AltitudeMeters":
            alt = child.text
        elif name == "DistanceMeters":
            dist = child.text
        elif name == "Cadence":
            cad = child.text
        elif name == "Extensions":
            for item in child.iter():
                item_name = LOCAL[item.tag]
                if item_name == "Speed":
                    speed = item.text
                elif item_name == "Watts":
                    power = item.text
                elif item_name == "RunCadence":
                    run_cad = item.text
    ts = time_us(when, path, time_element)
    if ts is None:
        return
    columns.add(session, ts, hr, speed, dist, alt, cad or run_cad, power, lat, lon, None)


def _value_text(element: etree._Element) -> str | None:
    """A heart-rate element's text: its `Value` child's, else its own."""
    for child in element:
        if local(child.tag) == "Value":
            return child.text
    return element.text


def _session(
    activity: etree._Element,
    index: int,
    columns: Columns,
    first: int,
    laps: _Laps,
    path: Path,
) -> SessionMeta:
    """Metadata of one activity whose samples start at `first`; adds its laps to `laps`."""
    lap_starts, lap_times, lap_distances = laps.add_activity(activity, index, path)
    start_us = _optional_time(child_text(activity, "Id"))
    if start_us is None:
        start_us = next((s for s in lap_starts if s is not None), None)
    timer_s = _total(lap_times)
    distance = _total(lap_distances)
    if distance is None:
        distance = columns.last_distance(first)
    sport = (activity.get("Sport") or "").strip() or None
    device = None
    for child in activity:
        if local(child.tag) == "Creator":
            device = child_text(child, "Name")
            break
    return session_meta(
        columns,
        first,
        index,
        sport=sport,
        activity=activity_for(sport),
        start_us=start_us,
        timer_s=timer_s,
        distance_m=distance,
        device=device,
    )


def _total(values: list[float | None]) -> float | None:
    """The sum of the laps' non-negative values; None without any, or when a damaged file's
    values (1e308 per lap) sum beyond any float.

    >>> _total([60.0, None, 30.0]), _total([-100.0]), _total([1e308, 1e308]), _total([])
    (90.0, None, None, None)
    """
    known = [v for v in values if v is not None and v >= 0]
    total = sum(known) if known else None
    return total if total is not None and math.isfinite(total) else None


def _optional_time(text: str | None) -> int | None:
    """A time from text that may hold one (an `Id`), or None."""
    if text is None:
        return None
    try:
        return parse_time_us(text)
    except (ValueError, OverflowError):
        return None


class _Laps:
    """Lap rows of all sessions, as Python lists."""

    def __init__(self) -> None:
        self.session: list[int] = []
        self.lap: list[int] = []
        self.start: list[int | None] = []
        self.duration: list[float | None] = []
        self.distance: list[float | None] = []
        self.hr_avg: list[float | None] = []
        self.hr_max: list[float | None] = []

    def add_activity(
        self, activity: etree._Element, session: int, path: Path
    ) -> tuple[list[int | None], list[float | None], list[float | None]]:
        """Add the laps of one activity; return their starts, durations and distances."""
        first = len(self.lap)
        for number_in_session, lap in enumerate(activity.iter("{*}Lap")):
            duration = distance = hr_avg = hr_max = None
            for child in lap:
                name = LOCAL[child.tag]
                if name == "TotalTimeSeconds":
                    duration = number(child.text)
                elif name == "DistanceMeters":
                    distance = number(child.text)
                elif name == "AverageHeartRateBpm":
                    hr_avg = number(_value_text(child))
                elif name == "MaximumHeartRateBpm":
                    hr_max = number(_value_text(child))
            self.session.append(session)
            self.lap.append(number_in_session)
            self.start.append(time_us(lap.get("StartTime"), path, lap))
            self.duration.append(duration)
            self.distance.append(distance)
            self.hr_avg.append(hr_avg)
            self.hr_max.append(hr_max)
        return self.start[first:], self.duration[first:], self.distance[first:]

    def frame(self) -> pl.DataFrame:
        """All laps as a frame with exactly `LAP_SCHEMA`."""
        data: tuple[Sequence[float | None], ...] = (
            self.session,
            self.lap,
            self.start,
            self.duration,
            self.distance,
            self.hr_avg,
            self.hr_max,
        )
        return pl.DataFrame(
            [
                pl.Series(name, values, dtype=dtype)
                for (name, dtype), values in zip(LAP_SCHEMA.items(), data, strict=True)
            ]
        )
