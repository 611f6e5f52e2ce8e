"""Helpers shared by the XML importers (TCX and GPX): safe parsing, sniffing, times, columns.

XML comes from strangers, so the parser resolves no entities, loads no DTD, never touches the
network and keeps libxml2's size and depth limits (`huge_tree` off). Elements are matched by
local name, so any namespace prefix (or none) works.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

import polars as pl
from lxml import etree

from drago.errors import BadInput
from drago.recording import RECORD_SCHEMA, SessionMeta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)
_MIN_US = (datetime.min.replace(tzinfo=UTC) - EPOCH) // _ONE_US
_MAX_US = (datetime.max.replace(tzinfo=UTC) - EPOCH) // _ONE_US

_UTF16_BOMS = ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_SKIP = (("<?", "?>"), ("<!--", "-->"))
_LXML_WHERE = re.compile(r" \(<string>, line \d+\)$")
_NAME = re.compile(r"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")


def root_name(head: bytes) -> str | None:
    """Local name of the root element in the first bytes of an XML file, or None.

    Skips a byte-order mark, the XML declaration, whitespace, comments, processing
    instructions and a DOCTYPE.

    >>> root_name(b'\\xef\\xbb\\xbf<?xml version="1.0"?>\\n<!-- hi --><g:gpx version="1.1">')
    'gpx'
    >>> root_name(b"MZ\\x90\\x00") is None
    True
    """
    text = None
    for bom, encoding in _UTF16_BOMS:
        if head.startswith(bom):
            text = head[len(bom) :].decode(encoding, errors="ignore")
    if text is None:
        text = head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    pos, end = 0, len(text)
    while pos < end:
        while pos < end and text[pos] in " \t\r\n":
            pos += 1
        for opening, closing in _SKIP:
            if text.startswith(opening, pos):
                stop = text.find(closing, pos + len(opening))
                if stop < 0:
                    return None
                pos = stop + len(closing)
                break
        else:
            if text.startswith("<!DOCTYPE", pos):
                bracket, angle = text.find("[", pos), text.find(">", pos)
                stop = text.find("]>", bracket) + 1 if 0 <= bracket < angle else angle
                if stop <= 0:
                    return None
                pos = stop + 1
                continue
            match = _NAME.match(text, pos)
            return match.group(2) if match else None
    return None


class _LocalNames(dict[object, str]):
    """Tag -> local name, memoised (a dict hit is much cheaper than slicing every tag)."""

    def __missing__(self, tag: object) -> str:
        name = tag[tag.rfind("}") + 1 :] if isinstance(tag, str) else ""
        if len(self) < 4096:  # a hostile file with endless distinct tags must not grow it
            self[tag] = name
        return name


#: `LOCAL[element.tag]` is the element's local name ('' for comments, entities and such).
LOCAL: Final[_LocalNames] = _LocalNames()


def local(tag: object) -> str:
    """The local name of an element's tag ('' for comments, entities and other non-elements).

    >>> local("{http://www.topografix.com/GPX/1/1}trkpt"), local("ele")
    ('trkpt', 'ele')
    """
    return LOCAL[tag]


def read_root(
    path: Path, expected: str, format_name: str, data: bytes | None = None
) -> etree._Element:
    """Parse `path` (or `data`, named `path`) safely and return its root, or raise `BadInput`."""
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise BadInput(path, f"cannot read: {exc.strerror or exc}") from exc
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        remove_blank_text=True,
        collect_ids=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except (etree.LxmlError, ValueError) as exc:
        message = (str(exc).strip().splitlines() or ["empty document"])[0]
        message = _LXML_WHERE.sub("", message)  # lxml appends "(<string>, line N)"
        raise BadInput(path, f"not well-formed XML: {message}") from exc
    if root is None:
        raise BadInput(path, "not well-formed XML: no root element")
    name = local(root.tag)
    if name != expected:
        raise BadInput(
            path, f"not a {format_name} file: root element is <{name}>, not <{expected}>"
        )
    return root


def number(text: str | None) -> float | None:
    """A finite float from element text, or None when absent, empty or not a number.

    Like FIT's invalid values, a sample value that is not a number is missing, not an error.

    >>> number(" 61 "), number(""), number("NaN"), number("n/a")
    (61.0, None, None, None)
    """
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_time_us(text: str) -> int:
    """Microseconds since the Unix epoch of an ISO 8601 time; naive times are UTC.

    Raises ValueError when `text` is not an ISO 8601 date-time. Digits beyond microseconds
    are truncated.

    >>> parse_time_us("1970-01-01T00:00:01.5Z"), parse_time_us("1970-01-01T02:00:00+02:00")
    (1500000, 0)
    """
    text = text.strip()
    if text.endswith("z"):
        text = text[:-1] + "Z"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    us: int = (moment - EPOCH) // _ONE_US
    if not _MIN_US <= us <= _MAX_US:
        raise ValueError(f"time out of range: {text!r}")
    return us


def time_us(text: str | None, path: Path, element: etree._Element) -> int | None:
    """`parse_time_us` for an element's text: None when empty, `BadInput` when malformed."""
    if text is None or not text.strip():
        return None
    try:
        return parse_time_us(text)
    except (ValueError, OverflowError) as exc:
        shown = text.strip()[:40]
        raise BadInput(path, f"bad time {shown!r} on line {element.sourceline}") from exc


def plural(n: int, word: str, words: str | None = None) -> str:
    """`n` and `word`, or its plural `words` (default: with an s).

    >>> plural(1, "waypoint"), plural(0, "track"), plural(2, "activity", "activities")
    ('1 waypoint', '0 tracks', '2 activities')
    """
    return f"{n} {word}" if n == 1 else f"{n} {words or word + 's'}"


def to_datetime(us: int) -> datetime:
    """A UTC datetime from microseconds since the epoch."""
    return EPOCH + timedelta(microseconds=us)


#: One sample as the readers gather it: session, microseconds since the epoch, then the raw
#: element texts of the value columns in `RECORD_SCHEMA` order (None where absent).
_T = str | None
Sample = tuple[int, int, _T, _T, _T, _T, _T, _T, _T, _T, _T]

_VALUE_COLUMNS: Final = tuple(RECORD_SCHEMA)[2:]


class Columns:
    """Samples gathered as tuples of raw text, turned into one typed frame at the end.

    Numbers are parsed by Polars in one vectorised cast per column rather than one Python
    `float()` per value: text that is not a finite number becomes null, as `number` does.
    """

    __slots__ = ("rows",)

    def __init__(self) -> None:
        self.rows: list[Sample] = []

    def __len__(self) -> int:
        return len(self.rows)

    def add(
        self,
        session: int,
        ts: int,
        hr: str | None,
        speed: str | None,
        dist: str | None,
        alt: str | None,
        cad: str | None,
        power: str | None,
        lat: str | None,
        lon: str | None,
        temp: str | None,
    ) -> None:
        """Append one sample: texts of values in SI units (bpm, m/s, m, rpm, W, deg, °C)."""
        self.rows.append((session, ts, hr, speed, dist, alt, cad, power, lat, lon, temp))

    def times(self, start: int) -> list[int]:
        """Sample times (µs) from index `start` on."""
        return [row[1] for row in self.rows[start:]]

    def last_distance(self, start: int) -> float | None:
        """The last numeric distance among the samples from index `start` on."""
        for row in reversed(self.rows[start:]):
            value = number(row[4])
            if value is not None:
                return value
        return None

    def frame(self) -> pl.DataFrame:
        """All samples as a frame with exactly `RECORD_SCHEMA`."""
        if not self.rows:
            return pl.DataFrame(schema=RECORD_SCHEMA)
        session, ts, *texts = zip(*self.rows, strict=True)
        return pl.DataFrame(
            [
                pl.Series("session_index", session, dtype=RECORD_SCHEMA["session_index"]),
                pl.Series("timestamp", ts, dtype=RECORD_SCHEMA["timestamp"]),
                *(_numbers(n, t) for n, t in zip(_VALUE_COLUMNS, texts, strict=True)),
            ]
        )


def _numbers(name: str, texts: tuple[str | None, ...]) -> pl.Series:
    """Texts as a Float64 column: one Polars cast, with `number` for what the cast misses."""
    raw = pl.Series(name, texts, dtype=pl.String)
    if raw.null_count() == len(raw):
        return pl.Series(name, texts, dtype=pl.Float64)
    values = raw.cast(pl.Float64, strict=False)
    if values.null_count() != raw.null_count():  # e.g. surrounding whitespace
        return pl.Series(name, [number(text) for text in texts], dtype=pl.Float64)
    if math.isfinite(values.sum()):  # cheap: a NaN or infinity anywhere makes the sum one
        return values
    return values.set((~values.is_finite()).fill_null(False), None)


def session_meta(
    columns: Columns,
    first: int,
    index: int,
    *,
    sport: str | None,
    activity: str,
    start_us: int | None = None,
    timer_s: float | None = None,
    distance_m: float | None = None,
    device: str | None = None,
) -> SessionMeta:
    """Metadata of the session whose samples run from `first` to the end of `columns`.

    `duration_s` is the span of the sample times (latest minus earliest, whatever their
    order); `start` is `start_us` when the file states one, else the earliest sample time.
    """
    times = columns.times(first)
    earliest, latest = min(times), max(times)
    return SessionMeta(
        index=index,
        start=to_datetime(earliest if start_us is None else start_us),
        duration_s=(latest - earliest) / 1e6,
        activity=activity,
        sport=sport,
        timer_s=timer_s,
        distance_m=distance_m,
        device=device,
    )


def child_text(element: etree._Element, name: str) -> str | None:
    """Stripped text of the first direct child called `name` (any namespace), or None."""
    for child in element:
        if local(child.tag) == name:
            text = (child.text or "").strip()
            return text or None
    return None
