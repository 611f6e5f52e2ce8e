"""What a command writes for the user outside the store (a backup, an athlete's export): built
under a hidden name beside the path typed and renamed when whole, so a full disk or an
interrupt leaves nothing half-written; when the system refuses, the one line names the path
the user typed, not the hidden one."""

from __future__ import annotations

import shutil
from contextlib import suppress
from pathlib import Path


def hidden(target: Path, what: str = "partial") -> Path:
    """The hidden name `target` is built under: `.NAME.partial` beside it."""
    return target.with_name(f".{target.name}.{what}")


def as_typed(exc: OSError, target: Path, *hidden: Path) -> OSError | None:
    """The error `exc` naming `target`, when it named one of the `hidden` paths (or a path in
    one of them); None when it named another path (an original that could not be read)."""
    named = [str(name) for name in (exc.filename, exc.filename2) if name is not None]
    if any(name.startswith(str(path)) for name in named for path in hidden):
        return OSError(exc.errno, exc.strerror, str(target))
    return None


def discard(path: Path) -> None:
    """Remove the file `path` if it is there (never raising: on a read-only mount even a
    missing file is EROFS); a folder of that name is not ours and stays."""
    with suppress(OSError):
        path.unlink(missing_ok=True)


def discard_folder(path: Path) -> None:
    """Remove the folder `path` this code made, with what is in it, if it is there."""
    shutil.rmtree(path, ignore_errors=True)
