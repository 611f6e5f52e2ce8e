"""`drago plot readiness`: ln rMSSD with its baselines and the wellness bars, three formats."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

from drago.plots import readiness_plotly
from drago.plots.readiness import readiness_figure_svg
from tests.conftest import DATA, Cli

MORNINGS = sorted((DATA / "rr" / "hrvlogger_h10_daily").glob("*_RRIntervals.csv"))


def test_plot_readiness(cli: Cli, athlete: Callable[..., str], tmp_path: Path) -> None:
    athlete("rocky", "--tz", "Europe/Berlin")
    cli("import", *map(str, MORNINGS), "--athlete", "rocky")
    cli(
        "wellness",
        "rocky",
        "--date",
        "2026-01-02",
        "--sleep",
        "3",
        "--stress",
        "3",
        "--fatigue",
        "5",
        "--soreness",
        "4",
    )
    png = tmp_path / "r.png"
    assert "drew" in cli("plot", "readiness", "rocky", "-o", str(png)).stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = tmp_path / "r.html"
    cli("plot", "readiness", "rocky", "-o", str(page))
    text = page.read_text()
    assert not re.search(r"<script[^>]+src=", text) and "Plotly.newPlot" in text
    from drago import Lab

    with Lab(cli.db) as lab:
        days = lab.readiness.series("rocky")
    spec = readiness_plotly(days, title="rocky")
    points = spec["data"][3]["y"]
    assert [round(v, 3) for v in points if v is not None] == [
        round(v, 3) for v in days["ln_rmssd"].to_list() if v is not None
    ]
    json.dumps(spec, allow_nan=False)
    buffer = io.BytesIO()
    readiness_figure_svg(days, buffer, title="rocky: morning readiness")
    svg = ET.fromstring(buffer.getvalue())
    assert "rocky: morning readiness" in "".join(svg.itertext())
    assert "cannot draw '.pdf'" in cli("plot", "readiness", "rocky", "-o", "x.pdf", code=2).stderr
    athlete("ivan")
    assert (
        "no readiness days"
        in cli("plot", "readiness", "ivan", "-o", str(tmp_path / "i.png"), code=2).stderr
    )
