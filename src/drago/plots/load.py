"""The performance-management chart (PMC) of one athlete: daily load, fitness, fatigue, form.

Input is the frame `lab.load.series` returns (`drago.analysis.load.daily_series` for one
athlete): one row per calendar day with `date` (pl.Date), `load` (AU), `ctl`, `atl` and `tsb`
(AU/day); other columns are ignored. `pmc_traces` turns it into the chart's traces once, and
every renderer draws those, so the PNG, the SVG, the HTML page and the web show the same thing:

- top panel: daily load as grey bars (days with load only), fitness (CTL) and fatigue (ATL)
  as lines, all in AU/day on one axis starting at 0;
- bottom panel, same dates: form (TSB) as a line over 0, filled green where fresh (TSB > 0)
  and orange where fatigued (TSB < 0).

Static figures are drawn with matplotlib on its Agg canvas (imported only when needed, no
display); the interactive page is a plotly figure spec with plotly.js inlined from the
installed `plotly` package, so it opens offline.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Final

import polars as pl

from drago.plots.page import (
    BinaryTarget,
    NothingToPlot,
    TextTarget,
    page_html,
    write_page,
)
from drago.plots.theme import COLOURS, CONFIG, DPI, FONT, RC, SIZE_IN, axis_style, rgba
from drago.vocab import LOAD_METHOD_NAMES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Legend names of the traces.
LABELS: Final[dict[str, str]] = {
    "load": "daily load",
    "ctl": "fitness (CTL)",
    "atl": "fatigue (ATL)",
    "tsb": "form (TSB)",
    "fresh": "fresh (TSB > 0)",
    "tired": "fatigued (TSB < 0)",
}
#: Axis titles, with units (AU: arbitrary units).
AXIS_TITLES: Final[dict[str, str]] = {
    "x": "date",
    "load": "load (AU), CTL and ATL (AU/day)",
    "tsb": "TSB (AU/day)",
}
#: How each load method reads in a title.
METHOD_NAMES: Final = LOAD_METHOD_NAMES
#: Share of the static figure's height given to the TSB panel.
TSB_SHARE: Final = 0.27
REQUIRED: Final = ("date", "load", "ctl", "atl", "tsb")


@dataclass(frozen=True)
class PmcTraces:
    """What the PMC draws, once for every renderer: values rounded to 3 decimals, null as None.

    `bar_dates`/`bar_load` are the days with load > 0 (days off draw no bar); `fresh` and
    `tired` are TSB clipped to >= 0 and <= 0, for the two fills.
    """

    dates: tuple[date, ...]
    load: tuple[float | None, ...]
    ctl: tuple[float | None, ...]
    atl: tuple[float | None, ...]
    tsb: tuple[float | None, ...]
    bar_dates: tuple[date, ...]
    bar_load: tuple[float, ...]

    @property
    def fresh(self) -> tuple[float | None, ...]:
        return tuple(None if v is None else max(v, 0.0) for v in self.tsb)

    @property
    def tired(self) -> tuple[float | None, ...]:
        return tuple(None if v is None else min(v, 0.0) for v in self.tsb)


def _values(series: pl.DataFrame, column: str) -> tuple[float | None, ...]:
    return tuple(
        None if v is None or not math.isfinite(v) else round(float(v), 3)
        for v in series[column].cast(pl.Float64).to_list()
    )


def pmc_traces(series: pl.DataFrame) -> PmcTraces:
    """The chart's traces from a daily series; `NothingToPlot` when it has no row.

    Examples
    --------
    >>> s = pl.DataFrame({"date": [date(2026, 1, 1), date(2026, 1, 2)], "load": [100.0, 0.0],
    ...     "ctl": [2.35, 2.3], "atl": [13.3, 11.53], "tsb": [0.0, -10.95]})
    >>> t = pmc_traces(s)
    >>> t.bar_dates, t.bar_load, t.tired
    ((datetime.date(2026, 1, 1),), (100.0,), (0.0, -10.95))
    """
    if series.height == 0:
        raise NothingToPlot("no training days to plot")
    missing = [c for c in REQUIRED if c not in series.columns]
    if missing:
        raise ValueError(f"the series lacks columns: {', '.join(missing)}")
    if series.schema["date"] != pl.Date:
        raise ValueError(f"the series 'date' must be pl.Date, not {series.schema['date']}")
    series = series.sort("date")
    dates = tuple(series["date"].to_list())
    load = _values(series, "load")
    bars = [(d, v) for d, v in zip(dates, load, strict=True) if v is not None and v > 0]
    return PmcTraces(
        dates=dates,
        load=load,
        ctl=_values(series, "ctl"),
        atl=_values(series, "atl"),
        tsb=_values(series, "tsb"),
        bar_dates=tuple(d for d, _ in bars),
        bar_load=tuple(v for _, v in bars),
    )


def pmc_title(athlete: str, method: str) -> str:
    """The chart's title: the athlete's name and the load method.

    >>> pmc_title("rocky", "trimp")
    'rocky: fitness, fatigue and form (load: Banister TRIMP)'
    """
    if method not in METHOD_NAMES:
        raise ValueError(f"unknown load method {method!r}; valid: {', '.join(METHOD_NAMES)}")
    return f"{athlete}: fitness, fatigue and form (load: {METHOD_NAMES[method]})"


# --- interactive: plotly --------------------------------------------------------------------


#: A day on a plotly date axis, in milliseconds.
DAY_MS = 86_400_000


def _line(key: str, x: list[str], y: tuple[float | None, ...], width: float) -> dict[str, Any]:
    return {
        "type": "scatter",
        "mode": "lines+markers" if len(x) == 1 else "lines",  # one point: mark it
        "name": LABELS[key],
        "x": x,
        "y": list(y),
        "line": {"color": COLOURS[key], "width": width},
        "hovertemplate": "%{y:.1f} AU/day",
    }


def _fill(key: str, x: list[str], y: tuple[float | None, ...]) -> dict[str, Any]:
    return {
        "type": "scatter",
        "mode": "lines",
        "name": LABELS[key],
        "x": x,
        "y": list(y),
        "yaxis": "y2",
        "fill": "tozeroy",
        "fillcolor": rgba(COLOURS[key], 0.35),
        "line": {"width": 0, "color": COLOURS[key]},
        "hoverinfo": "skip",
    }


def pmc_plotly(series: pl.DataFrame, *, title: str) -> dict[str, Any]:
    """The PMC as a plotly figure spec (`data`, `layout`, `config`), ready for `json.dumps`.

    The web dashboard serves it as JSON next to `plotly_js_path()` and draws it with
    `Plotly.newPlot(div, spec.data, spec.layout, spec.config)`; `pmc_html` inlines both.
    Dates are ISO strings, values rounded to 3 decimals, no template (plain plotly.js).
    """
    t = pmc_traces(series)
    x = [d.isoformat() for d in t.dates]
    axis = axis_style()
    tsb = _line("tsb", x, t.tsb, 1.5) | {"yaxis": "y2"}
    data = [
        {
            "type": "bar",
            "name": LABELS["load"],
            "x": [d.isoformat() for d in t.bar_dates],
            "y": list(t.bar_load),
            "marker": {"color": COLOURS["load"]},
            "hovertemplate": "%{y:.1f} AU",
            # A day is a day wide: plotly would widen bars to the gap between sparse days.
            "width": DAY_MS * 0.8,
        },
        _line("ctl", x, t.ctl, 2.5),
        _line("atl", x, t.atl, 1.8),
        _fill("fresh", x, t.fresh),
        _fill("tired", x, t.tired),
        tsb,
    ]
    for trace in data:  # the legend in LABELS' order, as in the static figure
        trace["legendrank"] = [*LABELS.values()].index(trace["name"]) + 1
    layout = {
        "title": {"text": html.escape(title, quote=False), "x": 0.01, "xanchor": "left"},
        "font": FONT,
        "paper_bgcolor": COLOURS["background"],
        "plot_bgcolor": COLOURS["background"],
        "hovermode": "x unified",
        "bargap": 0.2,
        "margin": {"l": 70, "r": 20, "t": 100, "b": 60},
        "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
        "xaxis": axis
        | {"type": "date", "anchor": "y2", "ticks": "outside", "title": {"text": AXIS_TITLES["x"]}},
        "yaxis": axis
        | {"domain": [TSB_SHARE + 0.07, 1.0], "rangemode": "tozero", "zeroline": False}
        | {"title": {"text": AXIS_TITLES["load"]}},
        "yaxis2": axis
        | {"domain": [0.0, TSB_SHARE], "zerolinecolor": COLOURS["text"], "zerolinewidth": 1}
        | {"title": {"text": AXIS_TITLES["tsb"]}},
    }
    return {"data": data, "layout": layout, "config": dict(CONFIG)}


def pmc_html(series: pl.DataFrame, *, title: str) -> str:
    """A self-contained HTML page with the interactive PMC: plotly.js inlined, no CDN."""
    return page_html(pmc_plotly(series, title=title), title=title)


def pmc_figure_html(series: pl.DataFrame, path_or_buffer: TextTarget, *, title: str) -> None:
    """Write the interactive PMC as one HTML file that opens offline."""
    write_page(pmc_html(series, title=title), path_or_buffer)


# --- static: matplotlib ---------------------------------------------------------------------


def _nan(values: tuple[float | None, ...]) -> list[float]:
    return [math.nan if v is None else v for v in values]


def _draw(t: PmcTraces, title: str) -> Figure:
    import numpy as np
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure

    fig = Figure(figsize=SIZE_IN, dpi=DPI, layout="constrained", facecolor=COLOURS["background"])
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(1 - TSB_SHARE, TSB_SHARE))
    days = np.array(t.dates, dtype="datetime64[D]")
    bar_days = np.array(t.bar_dates, dtype="datetime64[D]")
    bars = top.bar(bar_days, t.bar_load, width=0.8, color=COLOURS["load"], label=LABELS["load"])
    for rect, day in zip(bars.patches, t.bar_dates, strict=True):
        rect.set_gid(f"load-{day.isoformat()}")  # one <g id="load-DATE"> per bar in the SVG
    dot = "o" if len(days) == 1 else ""  # a line of one point shows nothing: mark it
    top.plot(days, _nan(t.ctl), color=COLOURS["ctl"], lw=2.4, marker=dot, label=LABELS["ctl"])
    top.plot(days, _nan(t.atl), color=COLOURS["atl"], lw=1.6, marker=dot, label=LABELS["atl"])
    top.set_ylim(bottom=0)
    top.set_ylabel(AXIS_TITLES["load"])
    tsb = np.array(_nan(t.tsb))
    for key, side in (("fresh", tsb > 0), ("tired", tsb < 0)):
        bottom.fill_between(
            days,
            tsb,
            0,
            where=side,
            interpolate=True,
            color=COLOURS[key],
            alpha=0.35,
            lw=0,
            label=LABELS[key],
        )
    bottom.plot(days, tsb, color=COLOURS["tsb"], lw=1.3, marker=dot, label=LABELS["tsb"])
    bottom.axhline(0, color=COLOURS["text"], lw=0.8)
    bottom.set_ylabel(AXIS_TITLES["tsb"])
    bottom.set_xlabel(AXIS_TITLES["x"])
    locator = AutoDateLocator()  # type: ignore[no-untyped-call]
    bottom.xaxis.set_major_locator(locator)
    formatter = ConciseDateFormatter(locator)  # type: ignore[no-untyped-call]
    formatter.offset_formats[2] = "%Y"  # month ticks: the year alone, not "2026-Oct"
    bottom.xaxis.set_major_formatter(formatter)
    if len(days) == 1:  # one day: give the axis some width around it
        bottom.set_xlim(days[0] - np.timedelta64(3, "D"), days[0] + np.timedelta64(3, "D"))
    for ax in (top, bottom):
        ax.grid(True, color=COLOURS["grid"], lw=0.8)
        ax.set_axisbelow(True)
    shown: dict[str, Any] = {}  # legend in LABELS' order, above the top panel
    for ax in (top, bottom):
        handles, labels = ax.get_legend_handles_labels()
        shown.update(zip(labels, handles, strict=True))
    top.legend(
        handles=[shown[label] for label in LABELS.values()],
        loc="lower left",
        ncols=len(LABELS),
        bbox_to_anchor=(0.0, 1.0),
        frameon=False,
        borderaxespad=0.3,
        handlelength=1.6,
    )
    fig.suptitle(title.replace("$", r"\$"), fontsize=13, fontweight="bold")  # no mathtext
    return fig


def _save(series: pl.DataFrame, target: BinaryTarget, title: str, fmt: str) -> None:
    import matplotlib

    traces = pmc_traces(series)
    metadata = {"Software": None} if fmt == "png" else {"Date": None}  # reproducible bytes
    with matplotlib.rc_context(RC):  # type: ignore[arg-type]  # stubs want literal keys
        _draw(traces, title).savefig(target, format=fmt, metadata=metadata)


def pmc_figure_png(series: pl.DataFrame, path_or_buffer: BinaryTarget, *, title: str) -> None:
    """Draw the PMC as a PNG (1500 × 900 px) to a path or binary buffer."""
    _save(series, path_or_buffer, title, "png")


def pmc_figure_svg(series: pl.DataFrame, path_or_buffer: BinaryTarget, *, title: str) -> None:
    """Draw the PMC as an SVG (text kept as text; each load bar a `<g id="load-DATE">`)."""
    _save(series, path_or_buffer, title, "svg")
