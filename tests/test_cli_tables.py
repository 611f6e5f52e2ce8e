"""drago's table writer writes the bytes Rich writes, or leaves the table to Rich
(`drago.cli.tables`: the listings print without importing Rich, issue 19)."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table

from drago.cli import tables

#: Characters of the kinds drago's cells hold: ASCII, accented names, the status bar, dashes.
PLAIN = "ab Z09.-_/()é█—²Łж"
#: Characters Rich counts or transforms differently (wide, combining, emoji codes, controls)
#: besides those: the writer must match Rich or give up.
ODD = PLAIN + ":中\u0301\u200d😀\t\n\x1b"


def rich_table(
    header: list[str], rows: list[list[str]], *, width: int, style: bool, title: str | None
) -> str:
    """What Rich prints: `emit`'s table (columns that fold) and `status`'s (a title, printed by
    a soft-wrapping console)."""
    out = io.StringIO()
    console = Console(
        file=out,
        width=width,
        markup=False,
        force_terminal=style,
        color_system="standard" if style else None,
        soft_wrap=title is not None,
    )
    grid = Table(show_lines=False, header_style="bold", title=title)
    for name in header:
        grid.add_column(name, overflow="fold")
    for row in rows:
        grid.add_row(*row)
    console.print(grid)
    return out.getvalue()


@st.composite
def grids(draw: st.DrawFn, alphabet: str) -> tuple[list[str], list[list[str]]]:
    cell = st.text(alphabet=alphabet, max_size=12)
    n = draw(st.integers(1, 5))
    header = draw(st.lists(cell, min_size=n, max_size=n))
    rows = draw(st.lists(st.lists(cell, min_size=n, max_size=n), max_size=4))
    return header, rows


@settings(max_examples=200, deadline=None)
@given(grid=grids(PLAIN), width=st.integers(10, 90), style=st.booleans())
def test_plain_tables_that_fit_are_drawn_as_rich_draws_them(
    grid: tuple[list[str], list[list[str]]], width: int, style: bool
) -> None:
    header, rows = grid
    drawn = tables.render(header, rows, width=width, style=style)
    sizes = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    if max(sizes) == 0 or sum(sizes) + 3 * len(sizes) + 1 > width:
        assert drawn is None  # nothing in the table, or wider than the console: Rich's
    else:
        assert drawn == rich_table(header, rows, width=width, style=style, title=None)


@settings(max_examples=300, deadline=None)
@given(
    grid=grids(ODD),
    width=st.integers(10, 90),
    style=st.booleans(),
    title=st.none() | st.text(alphabet="ab :-é", min_size=1, max_size=10),
)
def test_tables_match_rich_or_give_up(
    grid: tuple[list[str], list[list[str]]], width: int, style: bool, title: str | None
) -> None:
    header, rows = grid
    drawn = tables.render(header, rows, width=width, style=style, title=title)
    if drawn is not None:
        assert drawn == rich_table(header, rows, width=width, style=style, title=title)


@pytest.mark.parametrize("style", [False, True])
def test_a_listing_is_drawn_without_rich(style: bool) -> None:
    header = ["id", "athlete", "start (local)", "load", ""]
    rows = [
        ["15", "Łukasz", "2013-02-06 12:11 UTC", "108.0", "████"],
        ["1", "rocky", "2026-10-01 12:00 America/New_York", "", "implausible, not in load: x"],
    ]
    drawn = tables.render(header, rows, width=200, style=style, title="last 14 days")
    assert drawn is not None
    assert drawn == rich_table(header, rows, width=200, style=style, title="last 14 days")
    assert drawn.splitlines()[4] == (
        "│ 15 │ Łukasz  │ 2013-02-06 12:11 UTC              │ 108.0 │ ████                        │"
    )


@pytest.mark.parametrize("style", [False, True])
def test_an_empty_column_is_drawn_as_rich_draws_it(style: bool) -> None:
    """`drago status` on 14 days without load: the bar column has no header and no bars."""
    header = ["date", "load", "", "TSB"]
    rows = [["2026-12-05", "0.0", "", "2.0"], ["2026-12-06", "0.0", "", "3.5"]]
    drawn = tables.render(header, rows, width=80, style=style, title="last 14 days")
    assert drawn is not None
    assert drawn == rich_table(header, rows, width=80, style=style, title="last 14 days")


@pytest.mark.parametrize(
    ("cell", "why"),
    [
        ("中文", "wide characters"),
        ("e\u0301", "a combining accent"),
        ("a\nb", "a line break"),
        ("\x1b[31mred", "an escape sequence"),
        (":boxing_glove:", "an emoji code"),
    ],
)
def test_cells_rich_reads_differently_are_left_to_rich(cell: str, why: str) -> None:
    assert tables.render(["name"], [[cell]], width=200, style=False) is None, why


def test_a_table_wider_than_the_console_is_left_to_rich() -> None:
    header, rows = ["a", "b"], [["x" * 10, "y" * 10]]
    assert tables.render(header, rows, width=27, style=False) is not None  # 12 + 12 + 3 rules
    assert tables.render(header, rows, width=26, style=False) is None
    folded = rich_table(header, rows, width=26, style=False, title=None)
    assert "│ yyyyyyyyy │\n│            │ y         │" in folded


def test_the_width_and_style_follow_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("COLUMNS", "LINES", "TTY_COMPATIBLE", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    pipe = io.StringIO()
    assert tables.console_width(pipe, 200) == 200
    assert not tables.styled(pipe)
    monkeypatch.setenv("COLUMNS", "123")
    assert tables.console_width(pipe) == 123
    assert tables.console_width(pipe) == Console(file=pipe).width
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert tables.styled(pipe)
    monkeypatch.setenv("TERM", "dumb")
    assert not tables.styled(pipe)
    assert tables.console_width(pipe, 200) == 80 == Console(file=pipe, width=200).width
    monkeypatch.setenv("TTY_COMPATIBLE", "0")
    assert not tables.is_terminal(pipe)
