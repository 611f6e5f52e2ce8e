"""Archives and compressed files: the recordings inside `.zip` archives and `.gz` files.

Platforms export in bulk: Garmin Connect's account export is a zip holding zips of FIT files,
Strava's is a folder (or a zip of it) with `activities/*.fit.gz` next to an `activities.csv`.
`expand` lists the files inside a zip (nested zips included) without reading them, and refuses
an archive that would expand beyond the limits below (a zip bomb) before anything is read;
`read` gives one entry's bytes, gunzipped when they are gzip, counting bytes as it goes so a
lying header cannot blow memory. Nothing here knows about recording formats or the database.

Limits (per archive named on the command line or found in a folder):

- `MAX_ARCHIVE_BYTES`: the declared uncompressed sizes of every member, nested archives
  included, must total at most this.
- `MAX_RATIO`: no member, and no archive as a whole, may declare an expansion over this ratio
  (uncompressed / compressed), and no gzip stream may expand over it while being read; the
  ratio is only checked above `RATIO_FLOOR_BYTES`, so tiny, very regular files pass.
- `MAX_MEMBER_BYTES`: one recording, decompressed, is at most this.
- `MAX_DEPTH`: zips nest at most this deep (the archive named is depth 1).
- `MAX_ENTRIES`: at most this many members in one archive, nested archives included.
"""

from __future__ import annotations

import lzma
import os
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from drago.errors import BadInput

KIB: Final = 1024
MIB: Final = 1024 * KIB
GIB: Final = 1024 * MIB

#: Total declared uncompressed size of one archive, nested archives included.
MAX_ARCHIVE_BYTES: Final = 16 * GIB
#: One recording, decompressed (the largest real FIT files are tens of MB).
MAX_MEMBER_BYTES: Final = 256 * MIB
#: Expansion ratio over which an archive or gzip stream is a bomb (real FIT: ~3-8, XML: <30).
MAX_RATIO: Final = 100
#: Ratios are only checked for data that expands to more than this.
RATIO_FLOOR_BYTES: Final = 1 * MIB
#: How deep zips may nest (`export.zip/part1.zip/more.zip` is depth 3).
MAX_DEPTH: Final = 3
#: Members in one archive, nested archives included.
MAX_ENTRIES: Final = 100_000

GZIP_MAGIC: Final = b"\x1f\x8b"
CHUNK: Final = 1 * MIB
_GZIP_WBITS: Final = 16 + zlib.MAX_WBITS
#: Errors reading a zip member can raise (bad CRC, corrupt deflate stream, encryption, ...).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    RuntimeError,
    NotImplementedError,
    OSError,
)


@dataclass(frozen=True)
class Entry:
    """Where one file's bytes are: a file on disk, or a member of a zip on disk.

    `display` names it for people (`export.zip/activities/123.fit.gz`); `file` is the file to
    open (a nested zip is first copied to a temporary folder); `info` the zip member, if any.
    """

    display: Path
    file: Path
    info: zipfile.ZipInfo | None = None


@dataclass(frozen=True)
class Refused:
    """An archive (or nested archive) that cannot be expanded, with the reason in one line."""

    display: Path
    reason: str


@dataclass
class Budget:
    """What one top-level archive has spent so far, across nesting, and its limits.

    A caller that serves many people (the web upload) passes one budget with smaller limits
    to every archive of a request, so that one request's work is bounded as a whole.
    """

    max_bytes: int
    max_entries: int
    scope: str = "archive"
    bytes: int = 0
    entries: int = 0


def is_zip(path: Path) -> bool:
    """True for a `.zip` file (so `.docx`, `.xlsx` and other zips in disguise are not opened)."""
    return path.suffix.lower() == ".zip"


def inner_name(display: Path) -> Path:
    """The name without a `.gz` suffix: `123.fit.gz` -> `123.fit`."""
    return display.with_suffix("") if display.suffix.lower() == ".gz" else display


def expand(path: Path, workdir: Path, budget: Budget | None = None) -> Iterator[Entry | Refused]:
    """Every file inside the zip at `path`, in name order, nested zips expanded in place.

    Directories, hidden members and macOS `__MACOSX` resource forks are left out. Nested zips
    are copied to `workdir` (which must outlive the entries). A zip that cannot be read, nests
    too deep or breaks a limit gives one `Refused` and none of its members. `budget` is
    spent by this archive (default: a fresh one with the limits per archive).
    """
    if budget is None:
        budget = Budget(MAX_ARCHIVE_BYTES, MAX_ENTRIES)
    yield from _expand(path, path, workdir, 1, budget)


def _expand(
    file: Path, display: Path, workdir: Path, depth: int, budget: Budget
) -> Iterator[Entry | Refused]:
    try:
        with zipfile.ZipFile(file) as archive:
            infos = [info for info in archive.infolist() if _wanted(info)]
        size = file.stat().st_size
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        yield Refused(display, f"not a readable zip archive ({exc})")
        return
    problem = _over_limits(infos, size, budget)
    if problem:
        yield Refused(display, problem)
        return
    for info in sorted(infos, key=lambda info: info.filename):
        shown = Path(f"{display}/{info.filename.lstrip('/')}")
        if info.filename.lower().endswith(".zip"):
            if depth >= MAX_DEPTH:
                yield Refused(shown, f"archives nested more than {MAX_DEPTH} deep")
                continue
            descriptor, name = tempfile.mkstemp(suffix=".zip", dir=workdir)
            nested = Path(name)
            try:
                with (
                    os.fdopen(descriptor, "wb") as dst,
                    zipfile.ZipFile(file) as archive,
                    archive.open(info) as src,
                ):
                    shutil.copyfileobj(src, dst, CHUNK)
            except _ZIP_ERRORS as exc:
                yield Refused(shown, f"cannot read from the archive ({exc})")
                continue
            yield from _expand(nested, shown, workdir, depth + 1, budget)
        else:
            yield Entry(shown, file, info)


def _wanted(info: zipfile.ZipInfo) -> bool:
    parts = info.filename.split("/")
    return not info.is_dir() and not any(
        part.startswith(".") or part == "__MACOSX" for part in parts if part
    )


def _over_limits(infos: list[zipfile.ZipInfo], size_on_disk: int, budget: Budget) -> str | None:
    """Why the members' headers make this archive a bomb, or None."""
    budget.entries += len(infos)
    if budget.entries > budget.max_entries:
        return f"refused: more than {budget.max_entries:,} members (the limit per {budget.scope})"
    for info in infos:
        ratio = _ratio(info.file_size, info.compress_size)
        if ratio is not None:
            return (
                f"refused: member {info.filename} would expand {ratio:,.0f} times "
                f"(limit {MAX_RATIO}); this looks like a zip bomb"
            )
    total = sum(info.file_size for info in infos)
    ratio = _ratio(total, size_on_disk)
    if ratio is not None:
        return (
            f"refused: would expand {ratio:,.0f} times its size (limit {MAX_RATIO}); "
            "this looks like a zip bomb"
        )
    budget.bytes += total
    if budget.bytes > budget.max_bytes:
        return (
            f"refused: would expand to {_size(budget.bytes)}, over the {_size(budget.max_bytes)} "
            f"limit per {budget.scope}"
        )
    return None


def _ratio(expanded: int, compressed: int) -> float | None:
    """The expansion ratio when it breaks `MAX_RATIO`, else None."""
    if expanded <= RATIO_FLOOR_BYTES or expanded <= MAX_RATIO * compressed:
        return None
    return expanded / max(compressed, 1)


def _size(n: int) -> str:
    return f"{n / GIB:,.1f} GiB" if n >= GIB else f"{n / MIB:,.0f} MiB"


def head(entry: Entry, n: int) -> bytes:
    """The first `n` bytes of an entry, gunzipped when it is gzip; best effort.

    Damage (a bad CRC, a corrupt gzip stream) gives what could be read, maybe nothing: `read`
    reports it. Only an unreadable file on disk raises `OSError`.
    """
    if entry.info is None:
        with entry.file.open("rb") as handle:
            data = handle.read(max(n, 64 * KIB))
    else:
        try:
            with _open_zip(entry.file).open(entry.info) as member:
                data = member.read(max(n, 64 * KIB))
        except _ZIP_ERRORS:
            return b""
    if data.startswith(GZIP_MAGIC):
        try:
            return zlib.decompressobj(_GZIP_WBITS).decompress(data, n)
        except zlib.error:
            return b""
    return data[:n]


def read(entry: Entry) -> bytes:
    """All of an entry's bytes, gunzipped when they are gzip; `BadInput` when damaged or too big."""
    if entry.info is None:
        try:
            data = entry.file.read_bytes()
        except OSError as exc:
            raise BadInput(entry.display, f"cannot read: {exc.strerror or exc}") from exc
    else:
        data = _read_member(entry, entry.info)
    if data.startswith(GZIP_MAGIC):
        return gunzip(data, entry.display)
    return data


def _read_member(entry: Entry, info: zipfile.ZipInfo) -> bytes:
    if info.flag_bits & 0x1:
        raise BadInput(entry.display, "encrypted: drago cannot read password-protected archives")
    if info.file_size > MAX_MEMBER_BYTES:
        raise BadInput(entry.display, f"larger than {_size(MAX_MEMBER_BYTES)} (limit per file)")
    parts: list[bytes] = []
    size = 0
    try:
        with _open_zip(entry.file).open(info) as member:
            # zipfile stops at the declared size (then checks the CRC), so this is bounded.
            while chunk := member.read(CHUNK):
                size += len(chunk)
                if size > MAX_MEMBER_BYTES:
                    raise BadInput(
                        entry.display, f"larger than {_size(MAX_MEMBER_BYTES)} (limit per file)"
                    )
                parts.append(chunk)
    except _ZIP_ERRORS as exc:
        raise BadInput(entry.display, f"cannot read from the archive ({exc})") from exc
    return b"".join(parts)


def gunzip(data: bytes, display: Path) -> bytes:
    """Decompress gzip `data` (several gzip members back to back allowed), within the limits.

    Raises `BadInput` for a corrupt or truncated stream, one over `MAX_MEMBER_BYTES`, or one
    expanding over `MAX_RATIO` times (a gzip bomb), stopping as soon as the limit is passed.
    """
    parts: list[bytes] = []
    size = 0
    decompressor = zlib.decompressobj(_GZIP_WBITS)
    pending = data
    try:
        while pending or not decompressor.eof:
            if decompressor.eof:
                if not pending.strip(b"\0"):
                    break  # zero padding after the last member, as some tools write
                if not pending.startswith(GZIP_MAGIC):
                    raise BadInput(display, "corrupt gzip data: garbage after the stream")
                decompressor = zlib.decompressobj(_GZIP_WBITS)
            if pending:
                piece = decompressor.decompress(pending, CHUNK)
            else:  # all input is in: take what zlib held back; the stream must end there
                piece = decompressor.flush()
                if not decompressor.eof:
                    raise BadInput(display, "corrupt gzip data: the stream is truncated")
            pending = decompressor.unused_data if decompressor.eof else decompressor.unconsumed_tail
            size += len(piece)
            _check_expansion(size, len(data), display)
            parts.append(piece)
    except zlib.error as exc:
        raise BadInput(display, f"corrupt gzip data ({exc})") from exc
    return b"".join(parts)


def _check_expansion(size: int, compressed: int, display: Path) -> None:
    if size > MAX_MEMBER_BYTES:
        raise BadInput(display, f"expands beyond {_size(MAX_MEMBER_BYTES)} (limit per file)")
    if _ratio(size, compressed) is not None:
        raise BadInput(
            display,
            f"refused: expands more than {MAX_RATIO} times (limit); this looks like a gzip bomb",
        )


_cached: tuple[Path, zipfile.ZipFile] | None = None


def _open_zip(path: Path) -> zipfile.ZipFile:
    """The zip at `path`, kept open: members of one archive come one after another."""
    global _cached
    if _cached is not None and _cached[0] == path:
        return _cached[1]
    close_cached()
    archive = zipfile.ZipFile(path)
    _cached = (path, archive)
    return archive


def close_cached() -> None:
    """Close the zip `read` and `head` keep open (call when an import is over)."""
    global _cached
    if _cached is not None:
        _cached[1].close()
        _cached = None
