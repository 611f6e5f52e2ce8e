"""Plotly figure specs of the pages (the PMC comes from `drago.plots`): dicts ready for JSON.

Specs are built from the lab's frames column by column; long sessions are thinned for display
only (every k-th sample, at most `MAX_POINTS`), the API still gives every sample.
"""

from __future__ import annotations

import math
from typing import Any, Final

import polars as pl

from drago.plots import COLOURS

#: Most samples drawn per trace on a session page.
MAX_POINTS: Final = 5000
#: Zone bands behind the HR trace, zone 1 to 5 (light tints of the Okabe-Ito palette).
ZONE_COLOURS: Final = ("#e3eef8", "#dcf0e6", "#fbf1cf", "#fbe0cc", "#f6d3d3")
VERDICT_COLOURS: Final = {"green": "#009e73", "amber": "#e69f00", "red": "#d55e00"}
#: Athlete colours of the tale of the tape: a (blue) and b (vermilion).
SIDES: Final = ("#0072b2", "#d55e00")
FONT: Final = {"family": "DejaVu Sans, Arial, sans-serif", "size": 13, "color": COLOURS["text"]}
CONFIG: Final = {"displaylogo": False, "responsive": True}


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    axis = {"gridcolor": COLOURS["grid"], "linecolor": COLOURS["text"], "showline": True}
    return {
        "title": {"text": title, "x": 0.01, "xanchor": "left"},
        "font": FONT,
        "paper_bgcolor": COLOURS["background"],
        "plot_bgcolor": COLOURS["background"],
        "margin": {"l": 70, "r": 20, "t": 60, "b": 55},
        "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
        "xaxis": dict(axis),
        "yaxis": dict(axis),
    } | extra


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
    layout = _layout("Heart rate and zones", shapes=shapes, annotations=notes, showlegend=False)
    layout["xaxis"] |= {"title": {"text": "elapsed (min)"}}
    layout["yaxis"] |= {"title": {"text": "HR (bpm)"}}
    return {"data": [trace], "layout": layout, "config": CONFIG}


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
    layout = _layout("GPS track (no map)", showlegend=False)
    layout["xaxis"] |= {"title": {"text": "longitude (°)"}}
    layout["yaxis"] |= {
        "title": {"text": "latitude (°)"},
        "scaleanchor": "x",
        "scaleratio": 1 / max(math.cos(math.radians(mid)), 0.01),
    }
    return {"data": [trace, ends], "layout": layout, "config": CONFIG}


def readiness_figure(readiness: pl.DataFrame) -> dict[str, Any] | None:
    """Morning ln rMSSD coloured by the day's verdict, its 7-day mean and normal range."""
    days = readiness.filter(pl.col("ln_rmssd").is_not_null())
    if days.height == 0:
        return None
    x = days["date"].cast(pl.String).to_list()
    band = {
        "type": "scatter",
        "mode": "lines",
        "name": "normal range",
        "x": x + x[::-1],
        "y": days["normal_high"].to_list() + days["normal_low"].to_list()[::-1],
        "fill": "toself",
        "fillcolor": "rgba(0,114,178,0.12)",
        "line": {"width": 0},
        "hoverinfo": "skip",
    }
    mean = {
        "type": "scatter",
        "mode": "lines",
        "name": "7-day mean",
        "x": x,
        "y": days["ln_rmssd_7d"].to_list(),
        "line": {"color": COLOURS["ctl"], "width": 2},
    }
    colours = days["verdict"].replace_strict(VERDICT_COLOURS, default="#777777")
    points = {
        "type": "scatter",
        "mode": "markers",
        "name": "ln rMSSD (colour: verdict)",
        "x": x,
        "y": days["ln_rmssd"].to_list(),
        "text": days["reason"].to_list(),
        "marker": {"color": colours.to_list(), "size": 8},
        "hovertemplate": "%{y:.2f}: %{text}",
    }
    layout = _layout("Readiness: morning HRV", hovermode="closest")
    layout["xaxis"] |= {"type": "date"}
    layout["yaxis"] |= {"title": {"text": "ln rMSSD"}}
    return {"data": [band, mean, points], "layout": layout, "config": CONFIG}


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
    layout = _layout("Load history: fitness and form", hovermode="x unified")
    layout["xaxis"] |= {"type": "date"}
    layout["yaxis"] |= {"title": {"text": "AU/day"}, "zerolinecolor": COLOURS["text"]}
    return {"data": data, "layout": layout, "config": CONFIG}
