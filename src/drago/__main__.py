"""`python -m drago` and the `drago` command (`drago.__main__:main`): the command line."""

from __future__ import annotations

import gc

#: The collector's first threshold for a command's process (CPython's default: 700).
GC_YOUNG_THRESHOLD = 100_000


def main() -> None:
    """Run the command line. Starting a command creates some 100,000 objects that live as long
    as the process (modules, classes, the tables of Polars, DuckDB and Typer); with CPython's
    default threshold the collector scans them over and over, 5-30 ms of CPU before the command
    does anything (issue 19). A higher first threshold, set before `drago.cli` and its libraries
    are imported, lets them settle; cycles are still collected, every 100,000 net new objects.

    When the command is done (the store closed, its output written), the objects left are
    frozen (`gc.freeze`): the interpreter's full collections at exit would only scan them
    again, 10-30 ms of CPU for nothing, as the process ends anyway."""
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    from drago.cli import app  # after the threshold: its imports make most of those objects

    try:
        app()
    finally:
        gc.freeze()


if __name__ == "__main__":
    main()
