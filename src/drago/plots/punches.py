"""The punch chart of one session: each hand's acceleration with its punches, and per-round bars.

Input: `trace`, a frame with `sensor` (hand), `t_s` and `acc_ms2` (the acceleration magnitude,
gravity included), as `lab.punches.imu_trace` gives it; and `report`, the JSON form of the
punch report of `lab.punches.of_session` (`PunchReport.to_dict()`: punches with `t_s`, `hand`,
`type`, `peak_acc_ms2`; rounds with `round`, `n_punches`, `mean_power_au`). Top panel: the
traces with a marker at each punch's peak; bottom panel: punches per round as bars. Static
(matplotlib) and interactive (plotly) figures draw the same traces.
"""

from __future__ import annotations

from typing import Any, Final

import polars as pl

from drago.plots.page import BinaryTarget, NothingToPlot, TextTarget, page_html, write_page
from drago.plots.theme import COLOURS, CONFIG, DPI, RC, SIZE_IN

HAND_COLOURS: Final[dict[str, str]] = {"left": COLOURS["ctl"], "right": COLOURS["atl"]}


def punches_plotly(trace: pl.DataFrame, report: dict[str, Any], *, title: str) -> dict[str, Any]:
    """A plotly figure spec (JSON-ready) of the punch chart."""
    if trace.height == 0:
        raise NothingToPlot("no IMU recording to plot")
    data: list[dict[str, Any]] = []
    for part in trace.partition_by("sensor", maintain_order=True):
        hand = str(part["sensor"][0])
        colour = HAND_COLOURS.get(hand, COLOURS["tsb"])
        data.append(
            {
                "type": "scattergl",
                "mode": "lines",
                "name": f"{hand} hand |acc|",
                "x": part["t_s"].round(3).to_list(),
                "y": part["acc_ms2"].round(2).to_list(),
                "line": {"color": colour, "width": 1},
            }
        )
        mine = [p for p in report["punches"] if (p["hand"] or "unknown") == hand]
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": f"{hand} punches",
                "x": [p["t_s"] for p in mine],
                "y": [p["peak_acc_ms2"] for p in mine],
                "text": [p["type"] for p in mine],
                "marker": {"color": colour, "size": 8, "symbol": "triangle-down"},
            }
        )
    rounds = report["rounds"]
    data.append(
        {
            "type": "bar",
            "name": "punches per round",
            "xaxis": "x2",
            "yaxis": "y2",
            "x": [r["round"] for r in rounds],
            "y": [r["n_punches"] for r in rounds],
            "marker": {"color": COLOURS["load"]},
        }
    )
    layout = {
        "title": {"text": title},
        "paper_bgcolor": COLOURS["background"],
        "plot_bgcolor": COLOURS["background"],
        "legend": {"orientation": "h", "y": 1.1},
        "xaxis": {"title": {"text": "time (s)"}, "domain": [0.0, 1.0], "anchor": "y"},
        "yaxis": {"title": {"text": "|acceleration| (m/s²)"}, "domain": [0.38, 1.0]},
        "xaxis2": {"title": {"text": "round"}, "anchor": "y2", "dtick": 1},
        "yaxis2": {"title": {"text": "punches"}, "domain": [0.0, 0.25]},
    }
    return {"data": data, "layout": layout, "config": dict(CONFIG)}


def punches_figure_html(
    trace: pl.DataFrame, report: dict[str, Any], path_or_buffer: TextTarget, *, title: str
) -> None:
    """Write the interactive punch chart as one HTML file that opens offline."""
    write_page(page_html(punches_plotly(trace, report, title=title), title=title), path_or_buffer)


def punches_figure_static(
    trace: pl.DataFrame, report: dict[str, Any], target: BinaryTarget, *, title: str, fmt: str
) -> None:
    """Write the punch chart as a PNG or SVG (`fmt`)."""
    if trace.height == 0:
        raise NothingToPlot("no IMU recording to plot")
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    with plt.rc_context(RC):  # type: ignore[arg-type]  # stubs want literal keys
        figure, (top, bottom) = plt.subplots(
            2, 1, figsize=SIZE_IN, dpi=DPI, height_ratios=(0.7, 0.3)
        )
        for part in trace.partition_by("sensor", maintain_order=True):
            hand = str(part["sensor"][0])
            colour = HAND_COLOURS.get(hand, COLOURS["tsb"])
            top.plot(
                part["t_s"].to_numpy(),
                part["acc_ms2"].to_numpy(),
                color=colour,
                linewidth=0.6,
                label=f"{hand} hand |acc|",
            )
            mine = [p for p in report["punches"] if (p["hand"] or "unknown") == hand]
            top.scatter(
                [p["t_s"] for p in mine],
                [p["peak_acc_ms2"] for p in mine],
                marker="v",
                color=colour,
                s=24,
                label=f"{hand} punches",
            )
        top.set_xlabel("time (s)")
        top.set_ylabel("|acceleration| (m/s²)")
        top.set_title(title, fontweight="bold")
        top.legend(loc="upper right", frameon=False, fontsize=8)
        rounds = report["rounds"]
        bottom.bar(
            [r["round"] for r in rounds], [r["n_punches"] for r in rounds], color=COLOURS["load"]
        )
        bottom.set_xlabel("round")
        bottom.set_ylabel("punches")
        figure.tight_layout()
        figure.savefig(target, format=fmt)
        plt.close(figure)
