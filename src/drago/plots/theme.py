"""The look of every drago figure, in one place: colours, fonts, sizes, plotly and matplotlib
settings. Dark on light, from the Okabe-Ito palette (told apart with the common colour-vision
deficiencies). Plot modules and the dashboard import from here; nothing here draws.
"""

from __future__ import annotations

from typing import Any, Final

#: Every colour of the charts, by role.
COLOURS: Final[dict[str, str]] = {
    "load": "#a3a3a3",  # daily load bars: mid grey, behind the lines
    "ctl": "#0072b2",  # fitness: blue
    "atl": "#d55e00",  # fatigue: vermilion
    "tsb": "#1a1a1a",  # form line: near black
    "fresh": "#009e73",  # fill where TSB > 0: bluish green
    "tired": "#e69f00",  # fill where TSB < 0: orange
    "text": "#1a1a1a",
    "grid": "#e3e3e3",
    "background": "#ffffff",
}
#: A readiness verdict's colour (None: no verdict that day).
VERDICT_COLOURS: Final[dict[str | None, str]] = {
    "green": "#009e73",
    "amber": "#e69f00",
    "red": "#d55e00",
    None: "#a3a3a3",
}
#: Zone bands behind an HR trace, zone 1 to 5 (light tints of the palette).
ZONE_COLOURS: Final = ("#e3eef8", "#dcf0e6", "#fbf1cf", "#fbe0cc", "#f6d3d3")
#: Two athletes side by side (tale of the tape, comparisons): a (blue) and b (vermilion).
SIDES: Final = ("#0072b2", "#d55e00")
#: The font of interactive figures.
FONT: Final[dict[str, Any]] = {
    "family": "DejaVu Sans, Arial, sans-serif",
    "size": 13,
    "color": COLOURS["text"],
}
#: plotly.js options of every interactive figure.
CONFIG: Final[dict[str, bool]] = {"displaylogo": False, "responsive": True}
#: Static figure size (inches) and resolution: 1500 x 900 px.
SIZE_IN: Final = (10.0, 6.0)
DPI: Final = 150
#: matplotlib settings for every static figure: text kept as text in SVG, stable SVG ids.
RC: Final[dict[str, Any]] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "drago",
    "font.size": 10,
    "text.color": COLOURS["text"],
    "axes.labelcolor": COLOURS["text"],
    "axes.edgecolor": COLOURS["text"],
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": COLOURS["text"],
    "ytick.color": COLOURS["text"],
}


def axis_style() -> dict[str, Any]:
    """A plotly axis in the house style (a fresh dict: callers add to it)."""
    return {"gridcolor": COLOURS["grid"], "linecolor": COLOURS["text"], "showline": True}


def rgba(colour: str, alpha: float) -> str:
    """`#rrggbb` with an opacity, as plotly's `rgba(r,g,b,a)`.

    >>> rgba("#0072b2", 0.15)
    'rgba(0,114,178,0.15)'
    """
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def plotly_layout(title: str, **extra: Any) -> dict[str, Any]:
    """A plotly layout in the house style: title at the left, legend on top, styled axes."""
    return {
        "title": {"text": title, "x": 0.01, "xanchor": "left"},
        "font": FONT,
        "paper_bgcolor": COLOURS["background"],
        "plot_bgcolor": COLOURS["background"],
        "margin": {"l": 70, "r": 20, "t": 60, "b": 55},
        "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
        "xaxis": axis_style(),
        "yaxis": axis_style(),
    } | extra
