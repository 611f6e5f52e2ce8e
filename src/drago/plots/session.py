"""The figures of one session for the dashboard: HR over its zone bands, and the GPS track.

Plotly figure specs (dicts ready for JSON) built from the lab's frames column by column; long
sessions are thinned for display only (every k-th sample, at most `MAX_POINTS`), the API
still gives every sample.
"""

from __future__ import annotations

import math
from typing import Any, Final

import polars as pl

from drago.plots.theme import COLOURS, CONFIG, ZONE_COLOURS, plotly_layout

#: Most samples drawn per trace on a session page.
MAX_POINTS: Final = 5000


def thin(frame: pl.DataFrame, most: int = MAX_POINTS) -> pl.DataFrame:
    """Every k-th row, so that at most `most` rows remain (display only)."""
    return frame.gather_every(math.ceil(frame.height / most)) if frame.height > most else frame


def hr_figure(streams: pl.DataFrame, zones: pl.DataFrame) -> dict[str, Any] | None:
    """Heart rate against elapsed minutes, over bands of the session's HR zones."""
    if "hr_bpm" not in streams.columns:
        return None
    hr = thin(
        streams.select(
            ((pl.col("timestamp") - pl.col("timestamp").first()).dt.total_seconds() / 60)
            .round(3)
            .alias("minute"),
            "hr_bpm",
        ).drop_nulls()
    )
    if hr.height == 0:
        return None
    highest = hr["hr_bpm"].cast(pl.Float64).fill_null(0).max() or 0.0
    top = max([highest, *zones["low_bpm"].to_list()]) + 10  # type: ignore[operator]
    shapes, notes = [], []
    for zone, low, high in zones.iter_rows():  # five rows: the bands, not the samples
        shapes.append(
            {
                "type": "rect",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "yref": "y",
                "y0": low,
                "y1": high if high is not None else top,
                "fillcolor": ZONE_COLOURS[zone - 1],
                "line": {"width": 0},
                "layer": "below",
            }
        )
        notes.append(
            {
                "xref": "paper",
                "x": 1,
                "xanchor": "right",
                "y": low,
                "yanchor": "bottom",
                "text": f"Z{zone}",
                "showarrow": False,
                "font": {"size": 11, "color": "#555"},
            }
        )
    trace = {
        "type": "scatter",
        "mode": "lines",
        "name": "heart rate",
        "x": hr["minute"].to_list(),
        "y": hr["hr_bpm"].to_list(),
        "line": {"color": "#c0392b", "width": 1.4},
        "hovertemplate": "%{y:.0f} bpm",
    }
    layout = plotly_layout(
        "Heart rate and zones", shapes=shapes, annotations=notes, showlegend=False
    )
    layout["xaxis"] |= {"title": {"text": "elapsed (min)"}}
    layout["yaxis"] |= {"title": {"text": "HR (bpm)"}}
    return {"data": [trace], "layout": layout, "config": dict(CONFIG)}


def track_figure(streams: pl.DataFrame) -> dict[str, Any] | None:
    """The GPS track as a line of longitude against latitude, equal ground distances on both
    axes (one degree of longitude is cos(latitude) of a degree of latitude); no map tiles."""
    if "lat_deg" not in streams.columns or "lon_deg" not in streams.columns:
        return None
    track = thin(streams.select("lon_deg", "lat_deg").drop_nulls())
    if track.height < 2:
        return None
    mid = float(track["lat_deg"].mean() or 0.0)  # type: ignore[arg-type]
    trace = {
        "type": "scatter",
        "mode": "lines",
        "name": "track",
        "x": track["lon_deg"].to_list(),
        "y": track["lat_deg"].to_list(),
        "line": {"color": COLOURS["ctl"], "width": 2},
        "hoverinfo": "skip",
    }
    ends = {
        "type": "scatter",
        "mode": "markers",
        "name": "start / finish",
        "x": [track["lon_deg"][0], track["lon_deg"][-1]],
        "y": [track["lat_deg"][0], track["lat_deg"][-1]],
        "marker": {"color": [COLOURS["fresh"], COLOURS["atl"]], "size": 10},
    }
    layout = plotly_layout("GPS track (no map)", showlegend=False)
    layout["xaxis"] |= {"title": {"text": "longitude (°)"}}
    layout["yaxis"] |= {
        "title": {"text": "latitude (°)"},
        "scaleanchor": "x",
        "scaleratio": 1 / max(math.cos(math.radians(mid)), 0.01),
    }
    return {"data": [trace, ends], "layout": layout, "config": dict(CONFIG)}
