"""Ingest: one module per file format, each turning bytes into a `Recording` or `BadInput`.

Every format module has one shape: `FORMAT`, `SUFFIXES`, `sniff(head: bytes) -> bool` and
`read(path) -> ...`. The session formats (`FORMATS`: FIT, TCX, GPX) read a `Recording` (and take
`recover=`); `rr` reads an `RRRecording` and `imu` an `ImuRecording` (`READERS` holds them all).
`read_file` below picks a session format by content first and by file suffix second, and
`read_bytes` does the same for bytes already in memory (an archive member); neither touches
the database. Which kind a file is at import is decided by `drago.imports`.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from drago.errors import BadInput
from drago.ingest import fit, gpx, imu, rr, tcx
from drago.recording import Recording

FORMATS: tuple[ModuleType, ...] = (fit, tcx, gpx)
#: Every reader of the package, one shape each (`FORMAT`, `SUFFIXES`, `sniff`, `read`).
READERS: tuple[ModuleType, ...] = (*FORMATS, rr, imu)
SNIFF_BYTES = 4096


def detect_format(path: Path, head: bytes) -> ModuleType | None:
    """The format module for a file: the first whose `sniff` accepts its head, else by suffix."""
    for module in FORMATS:
        if module.sniff(head):
            return module
    suffix = path.suffix.lower()
    for module in FORMATS:
        if suffix in module.SUFFIXES:
            return module
    return None


def read_file(path: str | Path, *, recover: bool = False) -> Recording:
    """Decode any supported recording into a `Recording`, or raise `BadInput`."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise BadInput(path, f"cannot read: {exc.strerror or exc}") from exc
    if not head:
        raise BadInput(path, "empty file (0 bytes)")
    module = detect_format(path, head)
    if module is None:
        raise BadInput(path, "not a recording drago reads (FIT, TCX or GPX)")
    recording: Recording = module.read(path, recover=recover)
    return recording


def read_bytes(data: bytes, path: str | Path, *, recover: bool = False) -> Recording:
    """`read_file` for bytes in memory (an archive member); `path` names them in errors."""
    path = Path(path)
    if not data:
        raise BadInput(path, "empty file (0 bytes)")
    module = detect_format(path, data[:SNIFF_BYTES])
    if module is None:
        raise BadInput(path, "not a recording drago reads (FIT, TCX or GPX)")
    if module is fit:
        return fit.decode(data, path=path, recover=recover)
    recording: Recording = module.read_bytes(data, path, recover=recover)
    return recording
