"""Figures shared by the CLI and the web dashboard: they take frames, never the store.

The look (colours, fonts, sizes) is `plots.theme`; writing pages out is `plots.page`. Each
figure has one function that prepares its traces from the frame, then one renderer per
output: static PNG and SVG with matplotlib (Agg, no display), interactive HTML with plotly.js
inlined from the installed `plotly` package (works offline), and a plotly figure spec as a
JSON-ready dict for the web. matplotlib is imported only when a static figure is drawn, so
importing this package (and the CLI) stays cheap.
"""

from __future__ import annotations

from drago.plots.load import (
    LABELS,
    PmcTraces,
    pmc_figure_html,
    pmc_figure_png,
    pmc_figure_svg,
    pmc_html,
    pmc_plotly,
    pmc_title,
    pmc_traces,
)
from drago.plots.page import NothingToPlot, plotly_js_path
from drago.plots.readiness import readiness_plotly, readiness_traces
from drago.plots.render import FORMATS, pmc_renderer, readiness_renderer, render_pmc
from drago.plots.theme import COLOURS, DPI, SIZE_IN

__all__ = [
    "COLOURS",
    "DPI",
    "FORMATS",
    "LABELS",
    "SIZE_IN",
    "NothingToPlot",
    "PmcTraces",
    "plotly_js_path",
    "pmc_figure_html",
    "pmc_figure_png",
    "pmc_figure_svg",
    "pmc_html",
    "pmc_plotly",
    "pmc_renderer",
    "pmc_title",
    "pmc_traces",
    "readiness_plotly",
    "readiness_renderer",
    "readiness_traces",
    "render_pmc",
]
