"""GPX importer: GPS Exchange Format 1.0 and 1.1, one session per track.

Mapping onto `Recording`:

- every `trk` with at least one timed `trkpt` is a session (all its `trkseg` together),
  numbered in file order; tracks without timed points are skipped, and so are waypoints
  and routes, which are places, not recordings;
- `sport` is the track's `type` (or a `type` in `metadata`), including Strava's numeric
  codes, `activity` its mapping through `drago.activities.activity_for`; `device` is the
  `gpx` element's `creator` attribute;
- `start` is the earliest point time and `duration_s` the span of the point times;
  `distance_m` is the last recorded distance (gpxdata `distance`), else null: nothing is
  computed from positions;
- points give lat/lon, `ele`, `time`, GPX 1.0 `speed`, and from `extensions` (any prefix):
  heart rate (Garmin TrackPointExtension v1/v2 `hr`, gpxdata `hr`, plain `heartrate`),
  cadence (`cad`, `cadence`), temperature (`atemp`, gpxdata `temp`), speed (TrackPointExtension
  v2 `speed`), power (`power`, `PowerInWatts`, `Watts`) and distance (`distance`); the first
  of each kind in a point wins;
- points without a time are dropped; file order is kept; `laps` is empty (track segments
  are gaps in reception, not laps).

Sample values that are not numbers are null; a time that is not ISO 8601 makes the file
`BadInput`. `recover` is accepted for the common importer signature and ignored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from lxml import etree

from drago.activities import activity_for
from drago.errors import BadInput
from drago.ingest._xml import (
    LOCAL,
    Columns,
    child_text,
    local,
    plural,
    read_root,
    root_name,
    session_meta,
    time_us,
)
from drago.recording import Recording, SessionMeta

FORMAT = "gpx"
SUFFIXES = (".gpx",)
ROOT = "gpx"

_WORDS: Final = {"trk": "track", "trkpt": "track point", "wpt": "waypoint", "rte": "route"}
_HR, _CAD, _TEMP, _SPEED, _POWER, _DIST = range(6)

#: Extension element local names and the value each one gives.
EXTENSION_FIELDS: Final[dict[str, int]] = {
    "hr": _HR,
    "heartrate": _HR,
    "cad": _CAD,
    "cadence": _CAD,
    "atemp": _TEMP,
    "temp": _TEMP,
    "speed": _SPEED,
    "power": _POWER,
    "PowerInWatts": _POWER,
    "Watts": _POWER,
    "distance": _DIST,
}


def sniff(head: bytes) -> bool:
    """True when the file's root element is `gpx`.

    >>> sniff(b'\\xef\\xbb\\xbf<?xml version="1.0"?>\\n<!-- x -->\\n<gpx version="1.1">')
    True
    """
    return root_name(head) == ROOT


def read(path: str | Path, *, recover: bool = False) -> Recording:
    """Decode a GPX file into a `Recording`, or raise `BadInput`."""
    return _read(Path(path), None)


def read_bytes(data: bytes, path: str | Path, *, recover: bool = False) -> Recording:
    """Decode GPX held in memory (an archive member); `path` names it in errors."""
    return _read(Path(path), data)


def _read(path: Path, data: bytes | None) -> Recording:
    root = read_root(path, ROOT, "GPX", data)
    device = (root.get("creator") or "").strip() or None
    default_type = None
    counts = dict.fromkeys(_WORDS, 0)
    columns = Columns()
    sessions: list[SessionMeta] = []
    for element in root:
        name = local(element.tag)
        if name == "metadata":
            default_type = child_text(element, "type")
        if name in counts:
            counts[name] += 1
        if name != "trk":
            continue
        first = len(columns)
        for segment in element:
            if local(segment.tag) != "trkseg":
                continue
            for point in segment:
                if LOCAL[point.tag] == "trkpt":
                    counts["trkpt"] += 1
                    _point(point, len(sessions), columns, path)
        if len(columns) == first:
            continue
        sport = child_text(element, "type") or default_type
        sessions.append(
            session_meta(
                columns,
                first,
                len(sessions),
                sport=sport,
                activity=activity_for(sport),
                distance_m=columns.last_distance(first),
                device=device,
            )
        )
    if not sessions:
        found = ", ".join(plural(n, _WORDS[name]) for name, n in counts.items())
        raise BadInput(path, f"no timed samples: none in {found}")
    return Recording(
        format=FORMAT,
        sessions=sessions,
        records=columns.frame(),
        path=path,
        device=device,
    )


def _point(point: etree._Element, session: int, columns: Columns, path: Path) -> None:
    """Append one track point's texts to `columns` (nothing when it has no time)."""
    when = alt = speed = None
    time_element = point
    values: list[str | None] = [None] * 6
    for child in point:
        name = LOCAL[child.tag]
        if name == "time":
            when, time_element = child.text, child
        elif name == "ele":
            alt = child.text
        elif name == "speed":
            speed = child.text
        elif name == "extensions":
            for item in child.iter():
                slot = EXTENSION_FIELDS.get(LOCAL[item.tag])
                if slot is not None and not values[slot]:
                    values[slot] = item.text
    ts = time_us(when, path, time_element)
    if ts is None:
        return
    columns.add(
        session,
        ts,
        values[_HR],
        speed or values[_SPEED],
        values[_DIST],
        alt,
        values[_CAD],
        values[_POWER],
        point.get("lat"),
        point.get("lon"),
        values[_TEMP],
    )
