"""The readiness chart of one athlete: morning ln rMSSD against its normal range, and wellness.

Input is the frame `lab.readiness.series` returns: one row per day with `date`, `ln_rmssd`,
`reliable`, `ln_rmssd_7d`, `normal_low`, `normal_high`, `hooper` and `verdict`. Top panel: the
normal range (60-day mean +/- 0.5 SD, Plews et al. 2012) as a band, the 7-day rolling mean as a
line, each morning as a dot (hollow when the measurement was unreliable and left out of the
baselines). Bottom panel: the Hooper score (4-28, lower is better) as bars coloured by the
day's verdict. The same traces feed the static (matplotlib) and interactive (plotly) figures.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from drago.plots.page import BinaryTarget, NothingToPlot, TextTarget, page_html, write_page
from drago.plots.theme import COLOURS, CONFIG, DPI, RC, SIZE_IN, VERDICT_COLOURS


def readiness_traces(days: pl.DataFrame) -> dict[str, list[Any]]:
    """The chart's columns as plain lists (None where absent), dates as ISO text."""
    if days.height == 0:
        raise NothingToPlot("no readiness days to plot")
    frame = days.sort("date")
    names = ("ln_rmssd", "reliable", "ln_rmssd_7d", "normal_low", "normal_high", "hooper")
    columns = {
        name: frame[name].to_list() if name in frame.columns else [None] * frame.height
        for name in (*names, "verdict", "reason")
    }
    columns["date"] = [d.isoformat() for d in frame["date"].to_list()]
    return columns


def readiness_plotly(days: pl.DataFrame, *, title: str) -> dict[str, Any]:
    """A plotly figure spec (JSON-ready) of the readiness chart."""
    t = readiness_traces(days)
    reliable = [r is not False for r in t["reliable"]]
    data = [
        {
            "type": "scatter",
            "x": t["date"],
            "y": t["normal_high"],
            "mode": "lines",
            "line": {"width": 0},
            "showlegend": False,
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "x": t["date"],
            "y": t["normal_low"],
            "mode": "lines",
            "line": {"width": 0},
            "fill": "tonexty",
            "fillcolor": "rgba(0,114,178,0.15)",
            "name": "normal range",
        },
        {
            "type": "scatter",
            "x": t["date"],
            "y": t["ln_rmssd_7d"],
            "mode": "lines",
            "line": {"color": COLOURS["ctl"], "width": 3},
            "name": "7-day mean",
        },
        {
            "type": "scatter",
            "x": t["date"],
            "y": t["ln_rmssd"],
            "mode": "markers",
            "marker": {
                "color": [COLOURS["tsb"] if r else "#ffffff" for r in reliable],
                "line": {"color": COLOURS["tsb"], "width": 1},
                "size": 7,
            },
            "name": "morning ln rMSSD",
            "text": t["reason"],
            "hovertemplate": "%{y:.2f}: %{text}",
        },
        {
            "type": "bar",
            "x": t["date"],
            "y": t["hooper"],
            "yaxis": "y2",
            "name": "Hooper score",
            "marker": {
                "color": [VERDICT_COLOURS.get(v, VERDICT_COLOURS[None]) for v in t["verdict"]]
            },
        },
    ]
    layout = {
        "title": {"text": title},
        "paper_bgcolor": COLOURS["background"],
        "plot_bgcolor": COLOURS["background"],
        "legend": {"orientation": "h", "y": 1.08},
        "xaxis": {"title": {"text": "date"}, "anchor": "y2"},
        "yaxis": {"domain": [0.35, 1.0], "title": {"text": "ln rMSSD (ln ms)"}},
        "yaxis2": {"domain": [0.0, 0.27], "title": {"text": "Hooper (4-28)"}, "range": [0, 28]},
    }
    return {"data": data, "layout": layout, "config": dict(CONFIG)}


def readiness_chart(days: pl.DataFrame, *, title: str) -> dict[str, Any] | None:
    """The readiness chart for the dashboard, or None when no morning has an ln rMSSD yet."""
    if "ln_rmssd" not in days.columns or days["ln_rmssd"].is_not_null().sum() == 0:
        return None
    return readiness_plotly(days, title=title)


def readiness_figure_html(series: pl.DataFrame, path_or_buffer: TextTarget, *, title: str) -> None:
    """Write the interactive readiness chart as one HTML file that opens offline."""
    write_page(page_html(readiness_plotly(series, title=title), title=title), path_or_buffer)


def _save(days: pl.DataFrame, target: BinaryTarget, title: str, fmt: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    t = readiness_traces(days)
    x = pl.Series(t["date"]).str.to_date().to_list()
    nan = float("nan")
    with plt.rc_context(RC):  # type: ignore[arg-type]  # stubs want literal keys
        figure, (top, bottom) = plt.subplots(
            2, 1, sharex=True, figsize=SIZE_IN, dpi=DPI, height_ratios=(0.73, 0.27)
        )
        low = [nan if v is None else v for v in t["normal_low"]]
        high = [nan if v is None else v for v in t["normal_high"]]
        top.fill_between(x, low, high, color=COLOURS["ctl"], alpha=0.15, label="normal range")
        top.plot(
            x,
            [nan if v is None else v for v in t["ln_rmssd_7d"]],
            color=COLOURS["ctl"],
            linewidth=2.5,
            label="7-day mean",
        )
        for keep, face, label in (
            (True, COLOURS["tsb"], "morning ln rMSSD"),
            (False, "white", "unreliable (left out)"),
        ):
            xs = [
                d
                for d, v, r in zip(x, t["ln_rmssd"], t["reliable"], strict=True)
                if v is not None and (r is not False) == keep
            ]
            ys = [
                v
                for v, r in zip(t["ln_rmssd"], t["reliable"], strict=True)
                if v is not None and (r is not False) == keep
            ]
            if xs:
                top.scatter(xs, ys, s=18, facecolors=face, edgecolors=COLOURS["tsb"], label=label)
        top.set_ylabel("ln rMSSD (ln ms)")
        top.set_title(title, fontweight="bold")
        top.legend(loc="upper left", ncols=4, frameon=False, fontsize=8)
        top.grid(color=COLOURS["grid"])
        colours = [VERDICT_COLOURS.get(v, VERDICT_COLOURS[None]) for v in t["verdict"]]
        hooper = [0 if v is None else v for v in t["hooper"]]
        bottom.bar(x, hooper, color=colours, width=0.8)
        bottom.set_ylim(0, 28)
        bottom.set_ylabel("Hooper (4-28)")
        bottom.set_xlabel("date (bars coloured by the day's verdict)")
        figure.autofmt_xdate()
        figure.savefig(target, format=fmt)
        plt.close(figure)


def readiness_figure_png(series: pl.DataFrame, path_or_buffer: BinaryTarget, *, title: str) -> None:
    """Write the readiness chart as a PNG image."""
    _save(series, path_or_buffer, title, "png")


def readiness_figure_svg(series: pl.DataFrame, path_or_buffer: BinaryTarget, *, title: str) -> None:
    """Write the readiness chart as an SVG drawing (text kept as text)."""
    _save(series, path_or_buffer, title, "svg")
