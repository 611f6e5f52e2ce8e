"""Tables as text without Rich: a listing's table drawn exactly as Rich draws it.

Importing Rich and laying a table out through it costs a listing about as much CPU as the
command's own work (issue 19: the first keystroke). The tables drago prints are simple (text
cells, a bold header, Rich's heavy-head box), so when a table fits the width and its cells hold
only characters one column wide, `render` writes the same bytes Rich would, on a terminal
(bold header, italic title) and in a pipe alike. Anything else (a table wider than the
console, which Rich folds; wide or zero-width characters; control characters; text Rich would
read as an emoji code such as `:boxing_glove:`; a table with nothing in it) gives None, and
the caller prints through Rich as before. tests/test_cli_tables.py checks the bytes against
Rich's.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from collections.abc import Sequence
from typing import TextIO

#: Rich's HEAVY_HEAD box: the top and the header in heavy lines, the body in light ones.
TOP = ("┏", "━", "┳", "┓")
HEAD = ("┃", "┃", "┃")
HEAD_RULE = ("┡", "━", "╇", "┩")
BODY = ("│", "│", "│")
BOTTOM = ("└", "─", "┴", "┘")
#: ANSI styles Rich writes on a terminal: the header bold, the title italic.
BOLD, ITALIC, RESET = "\x1b[1m", "\x1b[3m", "\x1b[0m"
#: What Rich's console replaces with an emoji (its `_emoji_replace` pattern, loosened).
EMOJI_CODE = re.compile(r":\S*?:")
#: Unicode categories whose characters are not one plain column wide (controls, formats,
#: combining marks, separators of lines, surrogates, unassigned).
NOT_PLAIN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me", "Zl", "Zp"})


def _plain_width(text: str) -> int | None:
    """The columns `text` takes when every character is one column wide (as Rich counts
    them), else None."""
    if text.isascii():
        return len(text) if text.isprintable() else None
    for char in text:
        if char.isascii():
            if not char.isprintable():
                return None
        elif unicodedata.category(char) in NOT_PLAIN or unicodedata.east_asian_width(char) in (
            "W",
            "F",
        ):
            return None
    return len(text)


def is_terminal(stream: TextIO) -> bool:
    """Whether Rich treats `stream` as a terminal: $TTY_COMPATIBLE, then $FORCE_COLOR, then
    the stream itself (`rich.console.Console.is_terminal`)."""
    compatible = os.environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    force = os.environ.get("FORCE_COLOR")
    if force is not None:
        return force != ""
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def _dumb(stream: TextIO) -> bool:
    return os.environ.get("TERM", "").lower() in ("dumb", "unknown") and is_terminal(stream)


def styled(stream: TextIO) -> bool:
    """True when Rich would style `stream`: a terminal that is not a dumb one."""
    return is_terminal(stream) and not _dumb(stream)


def console_width(stream: TextIO, width: int | None = None) -> int:
    """The width a Rich console made with `width` would use for `stream`: that width or
    $COLUMNS, 80 on a dumb terminal, else the terminal's, else 80 (`Console.size`)."""
    columns, lines = os.environ.get("COLUMNS", ""), os.environ.get("LINES", "")
    if width is None and columns.isdigit():
        width = int(columns)
    if width is not None and lines.isdigit():
        return width
    if _dumb(stream):
        return 80
    if width is not None:
        return width
    for descriptor in (0, 1, 2):
        try:
            return os.get_terminal_size(descriptor).columns or 80
        except (OSError, ValueError):
            continue
    return 80


def _rule(widths: Sequence[int], left: str, line: str, cross: str, right: str) -> str:
    return left + cross.join(line * width for width in widths) + right


def render(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    width: int,
    style: bool,
    title: str | None = None,
) -> str | None:
    """The table as Rich prints it (`Table(header_style="bold")`, columns that fold, a title
    on its own line as a soft-wrapping console prints it), or None when it would not be the
    same: wider than `width`, or a cell Rich would measure or transform differently."""
    widths = []
    for name in header:
        size = _plain_width(name)
        if size is None or EMOJI_CODE.search(name):
            return None
        widths.append(size)
    for row in rows:
        if len(row) != len(header):
            return None
        for column, cell in enumerate(row):
            size = _plain_width(cell)
            if size is None or EMOJI_CODE.search(cell):
                return None
            widths[column] = max(widths[column], size)
    if not any(widths):  # nothing in any column: Rich draws no header style at all
        return None
    widths = [size + 2 for size in widths]  # one space of padding each side
    if sum(widths) + len(widths) + 1 > width:
        return None
    if title is not None and (_plain_width(title) is None or EMOJI_CODE.search(title)):
        return None
    lines = []
    if title is not None:
        lines.append(f"{ITALIC}{title}{RESET}" if style else title)
    lines.append(_rule(widths, *TOP))
    if style:
        # Rich's runs: the padding and the name each bold; an empty column's padding as one.
        pad = f"{BOLD} {RESET}"
        cells = (
            f"{pad}{BOLD}{name.ljust(w - 2)}{RESET}{pad}" if w > 2 else f"{BOLD}  {RESET}"
            for name, w in zip(header, widths, strict=True)
        )
    else:
        cells = (f" {name.ljust(w - 2)} " for name, w in zip(header, widths, strict=True))
    lines.append(HEAD[0] + HEAD[1].join(cells) + HEAD[2])
    lines.append(_rule(widths, *HEAD_RULE))
    for row in rows:
        body = (f" {cell.ljust(w - 2)} " for cell, w in zip(row, widths, strict=True))
        lines.append(BODY[0] + BODY[1].join(body) + BODY[2])
    lines.append(_rule(widths, *BOTTOM))
    return "\n".join(lines) + "\n"


def draw(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    width: int | None = None,
    title: str | None = None,
) -> bool:
    """Write the table to stdout as a Rich console made with `width` would; False, writing
    nothing, when only Rich can draw it (see `render`)."""
    stream = sys.stdout
    text = render(
        header,
        rows,
        width=console_width(stream, width),
        style=styled(stream),
        title=title,
    )
    if text is None:
        return False
    stream.write(text)
    return True
