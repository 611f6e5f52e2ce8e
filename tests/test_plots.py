"""The PMC figure: PNG, SVG and offline HTML draw the same series, and the CLI writes them."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import matplotlib.image
import numpy as np
import polars as pl
import pytest

from drago.analysis.load import daily_series
from drago.plots import (
    COLOURS,
    DPI,
    SIZE_IN,
    NothingToPlot,
    plotly_js_path,
    pmc_figure_html,
    pmc_figure_png,
    pmc_figure_svg,
    pmc_html,
    pmc_plotly,
    pmc_renderer,
    pmc_title,
    pmc_traces,
    render_pmc,
)
from tests.conftest import Cli

D0 = date(2026, 3, 2)
SVG = "{http://www.w3.org/2000/svg}"
TITLE = pmc_title("rocky", "trimp")


def week_plan(weeks: int = 6) -> pl.DataFrame:
    """Sessions Monday to Friday with rising load, weekends off, then 10 days of rest and one
    easy session; one duplicate."""
    days = [D0 + timedelta(7 * w + d) for w in range(weeks) for d in range(5)]
    loads = [60.0 + 5 * i for i in range(len(days))]
    days, loads = [*days, days[-1] + timedelta(11)], [*loads, 30.0]
    return pl.DataFrame(
        {
            "athlete_id": [1] * (len(days) + 1),
            "date": [*days, days[0]],
            "trimp_banister": [*loads, 500.0],
            "trimp_edwards": [None] * (len(days) + 1),
            "srpe_load": [None] * (len(days) + 1),
            "counts": [True] * len(days) + [False],
        },
        schema_overrides={"trimp_edwards": pl.Float64, "srpe_load": pl.Float64},
    )


@pytest.fixture(scope="module")
def series() -> pl.DataFrame:
    return daily_series(week_plan(), method="trimp").drop("athlete_id")


def test_traces_follow_the_series(series: pl.DataFrame) -> None:
    t = pmc_traces(series)
    assert t.dates == tuple(series["date"]) and len(t.dates) == 6 * 7 - 2 + 11
    assert len(t.bar_dates) == 31 and all(d.weekday() < 5 for d in t.bar_dates)
    assert t.bar_load[0] == 60.0  # the duplicate does not count
    assert t.ctl == tuple(round(v, 3) for v in series["ctl"])
    fresh, tired, tsb = (np.array(x, dtype=float) for x in (t.fresh, t.tired, t.tsb))
    assert (fresh >= 0).all() and (tired <= 0).all() and (fresh + tired == tsb).all()
    assert (tsb < 0).any() and (tsb > 0).any()  # both fills are exercised


def test_an_empty_series_is_a_clear_error(tmp_path: Path) -> None:
    empty = pl.DataFrame(schema={"date": pl.Date, "load": pl.Float64})
    for suffix in (".png", ".svg", ".html"):
        with pytest.raises(ValueError, match=r"^no training days to plot$"):
            render_pmc(empty, tmp_path / f"x{suffix}", title="x")
    with pytest.raises(NothingToPlot):
        pmc_plotly(empty, title="x")
    assert not list(tmp_path.iterdir())


def test_bad_frames_suffixes_and_methods_say_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="lacks columns: ctl, atl, tsb"):
        pmc_traces(pl.DataFrame({"date": [D0], "load": [1.0]}))
    with pytest.raises(ValueError, match=r"'\.pdf' files; use \.png, \.svg or \.html"):
        pmc_renderer("rocky.pdf")
    with pytest.raises(ValueError, match="suffix-less"):
        pmc_renderer("rocky")
    assert pmc_renderer("Rocky.SVG") is pmc_figure_svg
    with pytest.raises(ValueError, match="valid: auto, trimp, edwards, srpe"):
        pmc_title("rocky", "banister")


def test_png_is_an_image_of_the_stated_size(series: pl.DataFrame, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    pmc_figure_png(series, buffer, title=TITLE)
    assert buffer.getvalue().startswith(b"\x89PNG\r\n\x1a\n")
    buffer.seek(0)
    pixels = matplotlib.image.imread(buffer, format="png")
    assert pixels.shape[:2] == (round(SIZE_IN[1] * DPI), round(SIZE_IN[0] * DPI))
    # the fitness line is drawn in its colour
    ctl = np.array([int(COLOURS["ctl"][i : i + 2], 16) / 255 for i in (1, 3, 5)])
    assert (np.abs(pixels[..., :3] - ctl).max(axis=-1) < 0.02).sum() > 500
    render_pmc(series, tmp_path / "pmc.png", title=TITLE)  # same bytes through a path
    assert (tmp_path / "pmc.png").read_bytes() == buffer.getvalue()


def test_svg_has_the_title_and_one_bar_per_day_with_load(series: pl.DataFrame) -> None:
    buffer = io.BytesIO()
    pmc_figure_svg(series, buffer, title=TITLE)
    root = ElementTree.fromstring(buffer.getvalue())
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert TITLE in texts and "fitness (CTL)" in texts and "TSB (AU/day)" in texts
    bars = [g.get("id") for g in root.iter(f"{SVG}g") if (g.get("id") or "").startswith("load-")]
    with_load = series.filter(pl.col("load") > 0)["date"]
    assert bars == [f"load-{d.isoformat()}" for d in with_load]
    assert len(list(root.iter(f"{SVG}path"))) > len(bars)


def test_a_dollar_in_a_name_is_text_not_maths(series: pl.DataFrame) -> None:
    buffer = io.BytesIO()
    pmc_figure_svg(series, buffer, title="$rocky$ <b>")
    texts = [t.text for t in ElementTree.fromstring(buffer.getvalue()).iter(f"{SVG}text")]
    assert "$rocky$ <b>" in texts


def figure_json(page: str) -> Any:
    match = re.search(r"^const figure = (.*);$", page, re.M)
    assert match
    return json.loads(match.group(1))


def trace(spec: Any, name: str) -> Any:
    return next(t for t in spec["data"] if t["name"] == name)


def test_html_is_self_contained_and_holds_the_numbers(series: pl.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "pmc.html"
    pmc_figure_html(series, path, title=TITLE)
    page = path.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\ssrc=", page)  # nothing fetched: no CDN, no file
    assert plotly_js_path().read_text(encoding="utf-8") in page
    assert f"<title>{TITLE}</title>" in page
    spec = figure_json(page)
    assert spec == json.loads(json.dumps(pmc_plotly(series, title=TITLE)))
    ctl = trace(spec, "fitness (CTL)")
    assert ctl["y"] == [round(v, 3) for v in series["ctl"]]
    assert ctl["x"][0] == series["date"][0].isoformat()


def test_plotly_spec_is_valid_for_plotly(series: pl.DataFrame) -> None:
    go = pytest.importorskip("plotly.graph_objects")
    spec = pmc_plotly(series, title=TITLE)
    figure = go.Figure(data=spec["data"], layout=spec["layout"])  # raises on a bad property
    assert [t.name for t in figure.data] == [
        "daily load",
        "fitness (CTL)",
        "fatigue (ATL)",
        "fresh (TSB > 0)",
        "fatigued (TSB < 0)",
        "form (TSB)",
    ]
    assert figure.layout.xaxis.type == "date" and "AU/day" in figure.layout.yaxis.title.text


def test_a_title_cannot_close_the_script(series: pl.DataFrame) -> None:
    page = pmc_html(series, title="</script><script>alert(1)</script>")
    body = page.split("</head>", 1)[1]
    assert "<script>alert(1)" not in body
    assert figure_json(page)["layout"]["title"]["text"].startswith("&lt;/script&gt;")


def test_one_day_is_drawn(tmp_path: Path) -> None:
    one = daily_series(week_plan().head(1), method="trimp").drop("athlete_id")
    for suffix in (".png", ".svg", ".html"):
        render_pmc(one, tmp_path / f"one{suffix}", title="one day")
        assert (tmp_path / f"one{suffix}").stat().st_size > 1000


# --- the command ----------------------------------------------------------------------------


def test_cli_plots_load_in_each_format(
    cli: Cli, athlete: Callable[..., str], tmp_path: Path
) -> None:
    athlete("rocky")
    for day, rpe in ((2, "6"), (3, "8"), (5, "5"), (9, "7")):
        cli(
            "log",
            "--athlete",
            "rocky",
            "--date",
            f"2026-03-{day:02d}",
            "--minutes",
            "60",
            "--rpe",
            rpe,
            "--activity",
            "run",
        )
    for suffix in ("png", "svg", "html"):
        out = tmp_path / f"rocky.{suffix}"
        result = cli(
            "plot", "load", "rocky", "-o", str(out), "--method", "srpe", "--until", "2026-03-12"
        )
        assert "drew 11 days (2026-03-02 to 2026-03-12)" in result.stdout
        assert out.stat().st_size > 1000
    svg = ElementTree.fromstring((tmp_path / "rocky.svg").read_bytes())
    assert sum((g.get("id") or "").startswith("load-") for g in svg.iter(f"{SVG}g")) == 4
    assert "rocky: fitness, fatigue and form (load: session RPE)" in " ".join(
        t.text or "" for t in svg.iter(f"{SVG}text")
    )
    ctl = trace(figure_json((tmp_path / "rocky.html").read_text()), "fitness (CTL)")
    assert ctl["y"][0] > 0 and len(ctl["y"]) == 11


def test_cli_plot_errors_are_one_line(
    cli: Cli, athlete: Callable[..., str], tmp_path: Path
) -> None:
    athlete("rocky")
    result = cli("plot", "load", "rocky", "-o", str(tmp_path / "x.png"), code=2)
    assert result.stderr.strip() == "error: rocky: no training days to plot"
    result = cli("plot", "load", "rocky", "-o", str(tmp_path / "x.pdf"), code=2)
    assert "use .png, .svg or .html" in result.stderr and "Traceback" not in result.output
    result = cli("plot", "load", "rocky", "-o", str(tmp_path / "nowhere" / "x.png"), code=2)
    assert "no such directory" in result.stderr
    assert not list(tmp_path.glob("x.*"))
