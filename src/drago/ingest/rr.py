"""RR-interval files: morning (or any) beat-to-beat recordings, read into an `RRRecording`.

Formats read (see docs/hrv.md, "RR file formats"):

- **FIT** files with `hrv` messages (Garmin; `hrv.time` is in seconds): decoded by
  `drago.ingest.fit`, whose RR column is already in ms; `start` is the first session's start.
- **Polar HRM** (`.hrm`, Polar Precision Performance): `[Params]` with `Interval=238` (R-R
  mode), one RR in ms per line after `[HRData]`. `Date` and `StartTime` are the watch's
  wall-clock time with no zone, so they go to `start_local`, not `start`.
- **HRV Logger** CSV (Marco Altini's app): header `timestamp, rr, since_start`; `timestamp` is
  the epoch time in ms of each beat, so the first row gives `start` (UTC).
- **One RR per line** text (Elite HRV exports, Kubios/ASCII exports, PhysioNet-style lists):
  no header, unit detected. An Elite HRV file name `YYYY-MM-DD HH-MM-SS.txt` gives `start_local`.
- **CSV with a header** naming one RR column: `rr_ms` (ms), `rr_s` (s), or `rr`, `rri`,
  `rr_interval`, `ibi` (unit detected); `,` `;` or tab separated. An optional time column
  gives `start`: `time_ns` (epoch ns), `timestamp`/`time_ms` (epoch ms) or `time` (ISO 8601
  with a zone). This is drago's documented generic format; empty RR cells are skipped.

Values are kept raw (zeros and impossible intervals included: they are artefacts for
`drago.analysis.hrv` to count, never a reason to refuse the file). A unit is detected when the
file does not declare it: a median below 10 means seconds. Anything unreadable raises
`BadInput` with a one-line reason. No database, no analysis here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Final

import numpy as np

from drago.errors import BadInput

FORMAT = "rr"
SUFFIXES: Final = (".hrm", ".rr")
#: An RR file of at most this length is a morning measurement by default.
MORNING_MAX_S: Final = 600.0
#: Header names of an RR column and the unit each declares (None: detect it).
RR_COLUMNS: Final[dict[str, str | None]] = {
    "rr_ms": "ms",
    "rr_s": "s",
    "rr": None,
    "rri": None,
    "rr_interval": None,
    "ibi": None,
    "ibi_ms": "ms",
    "ibi_s": "s",
}
_SECONDS_BELOW: Final = 10.0
_MAX_LINES: Final = 5_000_000
_ELITE_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class RRRecording:
    """RR intervals of one file, raw (as in the file) but converted to milliseconds.

    `unit_detected` is "s" or "ms"; `unit_reason` says how it was known (declared by the
    format or the column name, or detected from the median). `start` is the UTC time of the
    first beat when the file says so; `start_local` the wall-clock time when the file gives
    one without a zone (Polar HRM, Elite HRV file names).
    """

    rr_ms: np.ndarray
    unit_detected: str
    unit_reason: str
    format: str
    path: Path | None = None
    start: datetime | None = None
    start_local: datetime | None = None
    device: str | None = None

    @property
    def n_beats(self) -> int:
        """Number of raw RR intervals."""
        return int(self.rr_ms.size)

    @property
    def duration_s(self) -> float:
        """Sum of the finite, positive RR intervals, in seconds."""
        rr = self.rr_ms[np.isfinite(self.rr_ms) & (self.rr_ms > 0)]
        return float(rr.sum() / 1000.0)

    @property
    def is_morning(self) -> bool:
        """True when the recording lasts at most `MORNING_MAX_S` (10 min): a morning reading."""
        return self.duration_s <= MORNING_MAX_S

    def local_date(self, tz: tzinfo) -> date | None:
        """The athlete's local date of the first beat, or None when the file gives no time."""
        if self.start is not None:
            return self.start.astimezone(tz).date()
        return None if self.start_local is None else self.start_local.date()


def sniff(head: bytes) -> bool:
    """True when `head` looks like an RR file this module reads (not FIT: see `read_rr`).

    Claims Polar HRM, text with a header naming an RR column, and headerless text whose lines
    are all numbers with a plausible RR median; never binary files, XML or other CSVs.

    >>> sniff(b"[Params]\\r\\nVersion=106\\r\\nMonitor=13\\r\\n")
    True
    >>> sniff(b"timestamp, rr, since_start \\n\\n1675835059098,1201,19234\\n")
    True
    >>> sniff(b"time,hr_bpm,power_w\\n1,120,250\\n"), sniff(b"900\\n910\\n905\\n")
    (False, True)
    """
    if b"\0" in head:
        return False
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith("[Params]"):
        return True
    if text.startswith("<"):
        return False
    lines = [line.strip() for line in text.splitlines()]
    if len(head) >= 4096 and lines:
        lines = lines[:-1]  # the last line of a cut head may be partial
    lines = [line for line in lines if line]
    if not lines:
        return False
    if _rr_column(_cells(lines[0])) is not None:
        return True
    values = [_number(line) for line in lines]
    if len(values) < 3 or any(v is None for v in values):
        return False
    numbers = np.asarray(values, dtype=float)
    median = float(np.median(numbers))
    seconds = 0.25 <= median <= 2.5 and bool((numbers != np.round(numbers)).any())
    return seconds or 250.0 <= median <= 2500.0


def read(path: str | Path) -> RRRecording:
    """The importer shape of `drago.ingest` (`FORMAT`, `SUFFIXES`, `sniff`, `read`): `read_rr`."""
    return read_rr(path)


def read_rr(path: str | Path) -> RRRecording:
    """Read the RR file at `path` (FIT, Polar HRM, HRV Logger, one-per-line or RR CSV).

    Raises
    ------
    BadInput
        When the file cannot be read, is not an RR file, or holds a value that is not a number.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(path, f"cannot read: {exc.strerror or exc}") from exc
    return parse_rr(data, path)


def parse_rr(data: bytes, path: str | Path) -> RRRecording:
    """Read RR intervals from the bytes of a file named `path` (see `read_rr`)."""
    path = Path(path)
    if not data:
        raise BadInput(path, "empty file (0 bytes)")
    from drago.ingest import fit

    if fit.sniff(data[:16]):
        return _read_fit(path, data)
    if b"\0" in data[:4096]:
        raise BadInput(path, "binary file, not an RR file (FIT, HRM, CSV or text)")
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = text.splitlines()
    if len(lines) > _MAX_LINES:
        raise BadInput(path, f"too many lines ({len(lines):,}) for an RR file")
    if text.lstrip(" \t\r\n").startswith("[Params]"):
        return _read_hrm(path, lines)
    return _read_text(path, lines)


def _read_fit(path: Path, data: bytes) -> RRRecording:
    from drago.ingest import fit

    recording = fit.decode(data, path=path)
    rr = recording.rr_ms
    if rr is None or rr.size == 0:
        raise BadInput(path, "FIT file without RR intervals (no hrv messages)")
    start = recording.sessions[0].start if recording.sessions else None
    return RRRecording(
        rr_ms=np.asarray(rr, dtype=float),
        unit_detected="s",
        unit_reason="declared: FIT hrv.time is in seconds",
        format="fit",
        path=path,
        start=start,
        device=recording.device,
    )


def _read_hrm(path: Path, lines: list[str]) -> RRRecording:
    params: dict[str, str] = {}
    section = ""
    values: list[str] = []
    first_data_line = 0
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            first_data_line = number + 1
        elif section == "Params" and "=" in line:
            key, _, value = line.partition("=")
            params[key.strip()] = value.strip()
        elif section == "HRData" and line:
            values.append(line.split()[0])
    interval = params.get("Interval")
    if interval != "238":
        raise BadInput(path, f"Polar HRM with Interval={interval}: heart rate samples, not RR")
    if not values:
        raise BadInput(path, "Polar HRM without RR intervals ([HRData] is missing or empty)")
    rr = _numbers(path, values, first_data_line)
    monitor = params.get("Monitor")
    return RRRecording(
        rr_ms=rr,
        unit_detected="ms",
        unit_reason="declared: Polar HRM R-R mode (Interval=238) is in ms",
        format="polar_hrm",
        path=path,
        start_local=_hrm_start(path, params.get("Date"), params.get("StartTime")),
        device=None if monitor is None else f"Polar (HRM Monitor={monitor})",
    )


def _hrm_start(path: Path, day: str | None, clock: str | None) -> datetime | None:
    if not day or not clock:
        return None
    try:
        return datetime.strptime(f"{day} {clock.split('.')[0]}", "%Y%m%d %H:%M:%S")
    except ValueError as exc:
        raise BadInput(path, f"Polar HRM Date/StartTime not understood: {day} {clock}") from exc


def _read_text(path: Path, lines: list[str]) -> RRRecording:
    numbered = [(n, line.strip()) for n, line in enumerate(lines, start=1) if line.strip()]
    if not numbered:
        raise BadInput(path, "no RR intervals: the file holds only blank lines")
    sep = _separator(numbered[0][1])
    header = _cells(numbered[0][1], sep)
    column = _rr_column(header)
    if column is None:
        if _number(numbered[0][1]) is None:
            raise BadInput(path, "not an RR file: no rr_ms, rr_s or rr column, not one per line")
        rr = _numbers(path, [line for _, line in numbered], None, [n for n, _ in numbered])
        unit, reason = _detect_unit(path, rr, None)
        start_local = _elite_start(path)
        return RRRecording(
            rr_ms=rr * 1000.0 if unit == "s" else rr,
            unit_detected=unit,
            unit_reason=reason,
            format="elite_hrv" if start_local else "text",
            path=path,
            start_local=start_local,
        )
    index, name = column
    names = [cell.lower() for cell in header]
    texts: list[str] = []
    rows: list[int] = []
    time_texts: list[str] = []
    time_name = next((t for t in ("time_ns", "timestamp", "time_ms", "time") if t in names), None)
    for n, line in numbered[1:]:
        cells = _cells(line, sep)
        if len(cells) != len(header):
            raise BadInput(path, f"line {n}: {len(cells)} cells, header has {len(header)}")
        if cells[index]:
            texts.append(cells[index])
            rows.append(n)
            if time_name is not None:
                time_texts.append(cells[names.index(time_name)])
    if not texts:
        raise BadInput(path, f"no RR intervals under the {name!r} column")
    rr = _numbers(path, texts, None, rows)
    unit, reason = _detect_unit(path, rr, RR_COLUMNS[name], name)
    hrv_logger = name == "rr" and "since_start" in names and time_name == "timestamp"
    start = _time(path, time_name, time_texts[0], rows[0]) if time_name else None
    return RRRecording(
        rr_ms=rr * 1000.0 if unit == "s" else rr,
        unit_detected=unit,
        unit_reason=reason,
        format="hrv_logger" if hrv_logger else "csv",
        path=path,
        start=start,
    )


def _separator(line: str) -> str | None:
    return next((sep for sep in (",", ";", "\t") if sep in line), None)


def _cells(line: str, sep: str | None = None) -> list[str]:
    sep = sep or _separator(line)
    parts = [line] if sep is None else line.split(sep)
    return [cell.strip().strip('"') for cell in parts]


def _rr_column(cells: list[str]) -> tuple[int, str] | None:
    found = [(i, c.lower()) for i, c in enumerate(cells) if c.lower() in RR_COLUMNS]
    return found[0] if len(found) == 1 else None


#: Largest magnitude read as a number: far beyond any RR interval, small enough that sums and
#: medians of a whole file stay finite (9e307 twice overflows to inf).
_LARGEST = 1e12


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if np.isfinite(value) and abs(value) <= _LARGEST else None


def _numbers(
    path: Path, texts: list[str], first_line: int | None, lines: list[int] | None = None
) -> np.ndarray:
    out = np.empty(len(texts), dtype=float)
    for i, text in enumerate(texts):
        value = _number(text)
        if value is None:
            line = lines[i] if lines is not None else (first_line or 0) + i
            raise BadInput(path, f"line {line}: {text[:40]!r} is not an RR interval (a number)")
        out[i] = value
    return out


def _detect_unit(
    path: Path, rr: np.ndarray, declared: str | None, column: str | None = None
) -> tuple[str, str]:
    if declared is not None:
        return declared, f"declared by the column name {column!r}"
    positive = rr[rr > 0]
    if positive.size == 0:
        raise BadInput(path, "no positive RR interval: cannot tell seconds from milliseconds")
    median = float(np.median(positive))
    if median < _SECONDS_BELOW:
        return "s", f"detected: median {median:.3g} < {_SECONDS_BELOW:g}, so seconds"
    return "ms", f"detected: median {median:.4g} >= {_SECONDS_BELOW:g}, so milliseconds"


def _time(path: Path, name: str, text: str, line: int) -> datetime:
    try:
        if name == "time":
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                raise ValueError("no time zone")
            return moment.astimezone(UTC)
        value = float(text)
        seconds = value / 1e9 if name == "time_ns" else value / 1e3
        return datetime.fromtimestamp(seconds, UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise BadInput(path, f"line {line}: {name} {text[:40]!r} is not a time ({exc})") from exc


def _elite_start(path: Path) -> datetime | None:
    match = _ELITE_NAME.match(path.stem)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
