"""`drago watch` (issue 17): new recordings in a synced folder are imported once they stop
growing, with `drago import`'s outcomes."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from drago.watching import FolderWatch
from tests.conftest import DATA, Cli

RUN = DATA / "fit" / "garmin-fenix2-run.fit"
RIDE = DATA / "fit" / "garmin-edge530-indoor-hrv.fit"


def test_a_file_is_handed_on_once_it_holds_still(tmp_path: Path) -> None:
    batches: list[list[Path]] = []
    (tmp_path / "old.fit").write_bytes(RUN.read_bytes())
    watch = FolderWatch(tmp_path, batches.append, skip_existing=True)
    growing = tmp_path / "sub" / "new.fit"
    growing.parent.mkdir()
    data = RIDE.read_bytes()
    growing.write_bytes(data[:1000])  # a sync client writing it in pieces
    (tmp_path / "new.fit.part").write_bytes(b"partial")
    assert watch.poll() == []  # first seen
    growing.write_bytes(data)
    assert watch.poll() == []  # still growing
    assert watch.poll() == [growing]  # held still for one poll
    assert watch.poll() == [] and batches == [[growing]]  # once only; old and .part left alone


def test_watch_imports_like_drago_import(
    cli: Cli, athlete: Callable[..., str], tmp_path: Path
) -> None:
    athlete("drago")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(RUN, inbox / "run.fit")  # already there when the watch starts
    done: list[object] = []

    def run() -> None:
        done.append(
            cli(
                "watch",
                str(inbox),
                "--athlete",
                "drago",
                "--interval",
                "0.2",
                "--count",
                "3",
                code=None,
            )
        )

    watcher = threading.Thread(target=run)
    watcher.start()
    shutil.copy(RIDE, inbox / "ride.fit")
    (inbox / "broken.fit").write_bytes(b"\x0e\x10not a FIT file at all")
    watcher.join(timeout=120)
    assert not watcher.is_alive() and done
    result = done[0]
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]  # a file failed
    out = result.stdout  # type: ignore[attr-defined]
    assert "imported" in out and "run.fit: 1 session" in out and "ride.fit: 1 session" in out
    assert "broken.fit" in out
    assert len(cli.json("sessions")) == 2
    again = cli("import", str(inbox / "run.fit"), "--athlete", "drago").stdout
    assert "already imported" in again
