"""Writing figures out: self-contained HTML pages with plotly.js inlined (from the installed
`plotly` package, so they open offline), and the targets every renderer writes to."""

from __future__ import annotations

import html
import importlib.util
import json
import os
from pathlib import Path
from typing import IO, Any

#: A file to write: a path, or an open binary buffer (PNG, SVG) or text buffer (HTML).
BinaryTarget = str | os.PathLike[str] | IO[bytes]
TextTarget = str | os.PathLike[str] | IO[str]


class NothingToPlot(ValueError):
    """The series has no day to draw (the athlete has no sessions in the range)."""


def plotly_js_path() -> Path:
    """The plotly.min.js bundled with the installed `plotly` package (no network needed)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("plotly is not installed: pip install plotly (ships plotly.js)")
    return Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"


def page_html(figure: dict[str, Any], *, title: str) -> str:
    """A self-contained HTML page showing a plotly figure spec: plotly.js inlined, no CDN."""
    spec = json.dumps(figure, allow_nan=False, separators=(",", ":"))
    spec = spec.replace("</", "<\\/")  # no "</script>" inside the script, whatever the title
    script = plotly_js_path().read_text(encoding="utf-8")
    return "".join(
        [
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
            f"<title>{html.escape(title)}</title>\n",
            "<style>html,body{margin:0;height:100%;background:#fff}",
            "#pmc{width:100%;height:100%;min-height:480px}</style>\n",
            f"<script>{script}</script>\n</head>\n<body>\n",
            '<div id="pmc"></div>\n<script>\n',
            f"const figure = {spec};\n",
            'Plotly.newPlot("pmc", figure.data, figure.layout, figure.config);\n',
            "</script>\n</body>\n</html>\n",
        ]
    )


def write_page(page: str, path_or_buffer: TextTarget) -> None:
    """Write an HTML page to a path (UTF-8) or a text buffer."""
    if isinstance(path_or_buffer, str | os.PathLike):
        Path(path_or_buffer).write_text(page, encoding="utf-8")
    else:
        path_or_buffer.write(page)
