"""Writing a punch data folder from files of one commit of a cloned repository: shared by
scripts/get_punchingband.py, get_punchrecognition.py and get_tyson.py."""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path


def git_show(clone: Path, commit: str, path: str) -> bytes:
    """The bytes of `path` at `commit` in the clone (a work tree or a bare repository)."""
    return subprocess.run(
        ["git", "-C", str(clone), "show", f"{commit}:{path}"], check=True, capture_output=True
    ).stdout


def git_files(clone: Path, commit: str, under: str) -> list[str]:
    """Every file path below the folder `under` of the clone at `commit`."""
    listing = subprocess.run(
        ["git", "-C", str(clone), "ls-tree", "-r", "--name-only", commit, under],
        check=True,
        capture_output=True,
        text=True,
    )
    return listing.stdout.splitlines()


def write_indexed(
    out: Path, header: str, files: Iterable[tuple[str, bytes, str]], sources: str
) -> None:
    """OUT/{each file, index.csv (the header, then one row per file), SOURCES.md}; `files`
    gives each file's name under OUT, its bytes and its index row."""
    rows = [header]
    for name, blob, row in files:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(blob)
        rows.append(row)
    (out / "index.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (out / "SOURCES.md").write_text(sources, encoding="utf-8")
    print(f"wrote {out}")
