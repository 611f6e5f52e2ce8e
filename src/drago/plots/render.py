"""Choose a figure's renderer by the output file's suffix: .png, .svg or .html."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final, Protocol

import polars as pl

from drago.plots.load import pmc_figure_html, pmc_figure_png, pmc_figure_svg
from drago.plots.readiness import (
    readiness_figure_html,
    readiness_figure_png,
    readiness_figure_svg,
)


class Renderer(Protocol):
    def __call__(self, series: pl.DataFrame, path_or_buffer: Path, *, title: str) -> None: ...


#: The PMC renderers, by file suffix (any case).
FORMATS: Final[dict[str, Renderer]] = {
    ".png": pmc_figure_png,
    ".svg": pmc_figure_svg,
    ".html": pmc_figure_html,
}


def pmc_renderer(path: str | os.PathLike[str]) -> Renderer:
    """The renderer for `path`'s suffix; `ValueError` listing the valid ones otherwise.

    >>> pmc_renderer("rocky.PNG").__name__
    'pmc_figure_png'
    >>> pmc_renderer("rocky.pdf")
    Traceback (most recent call last):
    ...
    ValueError: rocky.pdf: cannot draw '.pdf' files; use .png, .svg or .html
    """
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        valid = ", ".join(list(FORMATS)[:-1]) + f" or {list(FORMATS)[-1]}"
        raise ValueError(
            f"{os.fspath(path)}: cannot draw {suffix or 'suffix-less'!r} files; use {valid}"
        )
    return FORMATS[suffix]


#: The readiness chart's renderers, by file suffix.
READINESS_FORMATS: Final[dict[str, Renderer]] = {
    ".png": readiness_figure_png,
    ".svg": readiness_figure_svg,
    ".html": readiness_figure_html,
}


def readiness_renderer(path: str | os.PathLike[str]) -> Renderer:
    """The readiness renderer for `path`'s suffix (same suffixes and errors as the PMC's)."""
    pmc_renderer(path)  # the same check of the suffix, the same error
    return READINESS_FORMATS[Path(path).suffix.lower()]


def render_pmc(series: pl.DataFrame, path: str | os.PathLike[str], *, title: str) -> None:
    """Write the PMC of `series` to `path`, in the format its suffix names."""
    pmc_renderer(path)(series, Path(path), title=title)
