"""Watching a folder that receives recordings (a watch's USB mount, a cloud-synced folder) and
importing each new file once it has stopped growing, with `drago import`'s pipeline.

`FolderWatch.poll()` is the whole logic and needs no events: it lists the folder, waits until
a file's size and modification time hold still for one poll (a sync client writes a file in
pieces), and hands the settled files to `import_files`. The file-system events of `watchdog`
(imported only by `watch`) only wake it early; without events (network shares, some FUSE
mounts) it still polls every `interval_s`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Names a sync client or an editor leaves while writing; never imported.
PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".download", ".swp", "~")
#: Seconds between polls when no event wakes the watcher.
POLL_S = 2.0


def _wanted(path: Path) -> bool:
    name = path.name
    return not name.startswith(".") and not name.lower().endswith(PARTIAL_SUFFIXES)


@dataclass
class FolderWatch:
    """The files of `folder` seen so far: `seen` maps a file to its last (size, mtime);
    `done` holds those handed on. Files present when the watch starts are handed on too
    (importing the same bytes twice is a no-op), unless `skip_existing`."""

    folder: Path
    import_files: Callable[[list[Path]], Any]
    skip_existing: bool = False
    seen: dict[Path, tuple[int, int]] = field(default_factory=dict)
    done: set[Path] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.skip_existing:
            self.done |= set(self._listing())

    def _listing(self) -> dict[Path, tuple[int, int]]:
        found: dict[Path, tuple[int, int]] = {}
        for path in self.folder.rglob("*"):
            try:
                if path.is_file() and _wanted(path.relative_to(self.folder)):
                    stat = path.stat()
                    found[path] = (stat.st_size, stat.st_mtime_ns)
            except OSError:  # gone between listing and stat: next poll
                continue
        return found

    def poll(self) -> list[Path]:
        """Hand on the files that held still since the last poll; returns them."""
        now = self._listing()
        settled = sorted(
            p for p, sig in now.items() if p not in self.done and self.seen.get(p) == sig
        )
        self.seen = now
        if settled:
            self.import_files(settled)
            self.done |= set(settled)
        return settled


def watch(
    folder: Path,
    import_files: Callable[[list[Path]], Any],
    *,
    stop: threading.Event,
    interval_s: float = POLL_S,
    skip_existing: bool = False,
    on_ready: Callable[[], None] | None = None,
) -> FolderWatch:
    """Watch `folder` (recursively) until `stop` is set, importing settled files in batches.

    References
    ----------
    watchdog (Apache-2.0), https://github.com/gorakhargosh/watchdog: inotify on Linux,
    FSEvents on macOS, ReadDirectoryChangesW on Windows.
    """
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    wake = threading.Event()

    class Wake(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            wake.set()

    state = FolderWatch(folder, import_files, skip_existing=skip_existing)
    observer = Observer()
    observer.schedule(Wake(), str(folder), recursive=True)
    observer.start()
    try:
        if on_ready is not None:
            on_ready()
        while not stop.is_set():
            state.poll()
            # An event wakes the next poll early, but a file must hold still for one
            # interval before it is read: the poll after the one that saw it change.
            wake.wait(interval_s)
            if wake.is_set():
                wake.clear()
                stop.wait(min(interval_s, 0.5))
        state.poll()
    finally:
        observer.stop()
        observer.join()
    return state


__all__ = ["FolderWatch", "watch"]
