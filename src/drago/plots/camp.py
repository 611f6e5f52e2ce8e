"""The camp chart: planned against done load, predicted performance, and the road to the scales.

Input is the frame `lab.camp.chart` returns: one row per camp day with `date`, `planned_load`
(the plan as made when the camp began), `done_load` (up to today), `replanned_load` (after
today), `predicted_performance` (model units: done loads, then the re-planned ones) and, when
the athlete has a weight limit and weigh-ins, `planned_kg` and `kg`. Top panel: planned load
as light bars, done load as dark bars, re-planned load as outlined bars, predicted performance
as a line on its own axis; bottom panel (with weights): the planned trajectory and the
weigh-ins. The last row is fight day.
"""

from __future__ import annotations

from typing import Any, Final

import polars as pl

from drago.plots.page import BinaryTarget, NothingToPlot, TextTarget, page_html, write_page
from drago.plots.theme import COLOURS, CONFIG, DPI, RC, SIZE_IN

CAMP_COLOURS: Final[dict[str, str]] = {
    "planned": "#cfcfcf",
    "done": "#1a1a1a",
    "replanned": COLOURS["ctl"],
    "performance": COLOURS["atl"],
    "kg": COLOURS["fresh"],
}
LABELS: Final[dict[str, str]] = {
    "planned_load": "planned load (at camp start)",
    "done_load": "done load",
    "replanned_load": "re-planned load",
    "predicted_performance": "predicted performance (model units)",
    "planned_kg": "planned body mass",
    "kg": "weigh-ins",
}


def camp_traces(days: pl.DataFrame) -> dict[str, list[Any]]:
    """The chart's columns as plain lists (None where absent), dates as ISO text."""
    if days.height == 0:
        raise NothingToPlot("no camp days to plot")
    frame = days.sort("date")
    out = {
        name: frame[name].to_list() if name in frame.columns else [None] * frame.height
        for name in LABELS
    }
    out["date"] = [d.isoformat() for d in frame["date"].to_list()]
    return out


def _has_weight(t: dict[str, list[Any]]) -> bool:
    return any(v is not None for v in t["planned_kg"]) or any(v is not None for v in t["kg"])


def camp_plotly(days: pl.DataFrame, *, title: str) -> dict[str, Any]:
    """A plotly figure spec (JSON-ready) of the camp chart."""
    t = camp_traces(days)
    data: list[dict[str, Any]] = [
        {
            "type": "bar",
            "x": t["date"],
            "y": t["planned_load"],
            "name": LABELS["planned_load"],
            "marker": {"color": CAMP_COLOURS["planned"]},
        },
        {
            "type": "bar",
            "x": t["date"],
            "y": t["done_load"],
            "name": LABELS["done_load"],
            "marker": {"color": CAMP_COLOURS["done"]},
        },
        {
            "type": "bar",
            "x": t["date"],
            "y": t["replanned_load"],
            "name": LABELS["replanned_load"],
            "marker": {
                "color": "rgba(0,0,0,0)",
                "line": {"color": CAMP_COLOURS["replanned"], "width": 1.5},
            },
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": t["date"],
            "y": t["predicted_performance"],
            "yaxis": "y2",
            "name": LABELS["predicted_performance"],
            "line": {"color": CAMP_COLOURS["performance"], "width": 3},
        },
    ]
    weight = _has_weight(t)
    top = [0.35, 1.0] if weight else [0.0, 1.0]
    layout: dict[str, Any] = {
        "title": {"text": title},
        "barmode": "overlay",
        "paper_bgcolor": COLOURS["background"],
        "plot_bgcolor": COLOURS["background"],
        "legend": {"orientation": "h", "y": 1.1},
        "xaxis": {"title": {"text": "date (last day: the fight)"}},
        "yaxis": {"title": {"text": "daily load (AU)"}, "domain": top},
        "yaxis2": {"title": {"text": "performance"}, "overlaying": "y", "side": "right"},
    }
    if weight:
        data += [
            {
                "type": "scatter",
                "mode": "lines",
                "x": t["date"],
                "y": t["planned_kg"],
                "yaxis": "y3",
                "name": LABELS["planned_kg"],
                "line": {"color": CAMP_COLOURS["kg"], "dash": "dash"},
            },
            {
                "type": "scatter",
                "mode": "markers",
                "x": t["date"],
                "y": t["kg"],
                "yaxis": "y3",
                "name": LABELS["kg"],
                "marker": {"color": CAMP_COLOURS["kg"], "size": 7},
            },
        ]
        layout["yaxis3"] = {"title": {"text": "kg"}, "domain": [0.0, 0.27]}
    return {"data": data, "layout": layout, "config": dict(CONFIG)}


def camp_figure_html(days: pl.DataFrame, path_or_buffer: TextTarget, *, title: str) -> None:
    """Write the interactive camp chart as one HTML file that opens offline."""
    write_page(page_html(camp_plotly(days, title=title), title=title), path_or_buffer)


def camp_figure_static(days: pl.DataFrame, target: BinaryTarget, *, title: str, fmt: str) -> None:
    """Write the camp chart as a PNG or SVG (`fmt`)."""
    t = camp_traces(days)
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    x = pl.Series(t["date"]).str.to_date().to_list()
    nan = float("nan")

    def values(name: str) -> list[float]:
        return [nan if v is None else float(v) for v in t[name]]

    weight = _has_weight(t)
    with plt.rc_context(RC):  # type: ignore[arg-type]  # stubs want literal keys
        if weight:
            figure, (top, bottom) = plt.subplots(
                2, 1, sharex=True, figsize=SIZE_IN, dpi=DPI, height_ratios=(0.7, 0.3)
            )
        else:
            figure, top = plt.subplots(figsize=SIZE_IN, dpi=DPI)
        top.bar(
            x,
            values("planned_load"),
            width=0.8,
            color=CAMP_COLOURS["planned"],
            label=LABELS["planned_load"],
        )
        top.bar(
            x, values("done_load"), width=0.5, color=CAMP_COLOURS["done"], label=LABELS["done_load"]
        )
        top.bar(
            x,
            values("replanned_load"),
            width=0.5,
            fill=False,
            edgecolor=CAMP_COLOURS["replanned"],
            label=LABELS["replanned_load"],
        )
        top.set_ylabel("daily load (AU)")
        top.set_title(title, fontweight="bold")
        right = top.twinx()
        right.plot(
            x,
            values("predicted_performance"),
            color=CAMP_COLOURS["performance"],
            linewidth=2.5,
            label=LABELS["predicted_performance"],
        )
        right.set_ylabel("predicted performance (model units)")
        handles = top.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
        top.legend(handles=handles, loc="upper left", ncols=2, frameon=False, fontsize=8)
        top.grid(color=COLOURS["grid"])
        if weight:
            bottom.plot(
                x,
                values("planned_kg"),
                color=CAMP_COLOURS["kg"],
                linestyle="--",
                label=LABELS["planned_kg"],
            )
            bottom.scatter(x, values("kg"), color=CAMP_COLOURS["kg"], s=16, label=LABELS["kg"])
            bottom.set_ylabel("kg")
            bottom.legend(loc="upper right", frameon=False, fontsize=8)
            bottom.grid(color=COLOURS["grid"])
        figure.autofmt_xdate()
        figure.savefig(target, format=fmt)
        plt.close(figure)
