"""Two athletes' load histories on one date axis, for the tale of the tape."""

from __future__ import annotations

from typing import Any

import polars as pl

from drago.plots.theme import COLOURS, CONFIG, SIDES, plotly_layout


def compare_figure(series: dict[str, pl.DataFrame]) -> dict[str, Any] | None:
    """Fitness (CTL, solid) and form (TSB, dotted) of two athletes on one date axis."""
    data = []
    for (name, frame), colour in zip(series.items(), SIDES, strict=False):
        if frame.height == 0 or "ctl" not in frame.columns:
            continue
        x = frame["date"].cast(pl.String).to_list()
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": f"{name} fitness (CTL)",
                "x": x,
                "y": frame["ctl"].round(2).to_list(),
                "line": {"color": colour, "width": 2.5},
            }
        )
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": f"{name} form (TSB)",
                "x": x,
                "y": frame["tsb"].round(2).to_list(),
                "line": {"color": colour, "width": 1.5, "dash": "dot"},
            }
        )
    if not data:
        return None
    layout = plotly_layout("Load history: fitness and form", hovermode="x unified")
    layout["xaxis"] |= {"type": "date"}
    layout["yaxis"] |= {"title": {"text": "AU/day"}, "zerolinecolor": COLOURS["text"]}
    return {"data": data, "layout": layout, "config": dict(CONFIG)}
