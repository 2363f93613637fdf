"""Table sheets of the Excel pack: a frame under its headings (Summary, Decisions, Families, Plan
of record) and a frame side by side (Scenarios), in the formats of every page."""
from __future__ import annotations

import pandas as pd

from sop_lib.pack.excel.cells import BOLD, HEADER_ROW, heading, status_fill, text_cell, write
from sop_lib.pack.formatting import formats_of


def table(sheet, frame: pd.DataFrame, *, currency: str | None, status: str | None = None,
          row: int = HEADER_ROW, blank: tuple[str, ...] = ()) -> int:
    """`frame` with its headings in `row` and values below, the `status` column in the fill of
    its light, then empty columns headed `blank` to fill in; returns the last row written."""
    columns = formats_of(frame, currency=currency)
    for col, column in enumerate(columns, start=1):
        heading(sheet, row, col, column.heading)
        for k, (value, shown) in enumerate(zip(column.values, column.cells), start=row + 1):
            cell = write(sheet.cell(row=k, column=col), value, shown)
            if column.name == status:
                status_fill(cell, value)
    for col, name in enumerate(blank, start=len(columns) + 1):
        heading(sheet, row, col, name)
    return row + len(frame)


def side_by_side(sheet, frame: pd.DataFrame, key: str, *, currency: str | None,
                 row: int = HEADER_ROW) -> int:
    """`frame` turned a quarter: a column per value of `key` (e.g. a scenario), a row per other
    column, each cell in its column's format; returns the last row written."""
    columns = formats_of(frame, currency=currency)
    keys = next(column for column in columns if column.name == key)
    heading(sheet, row, 1, "")
    for col, name in enumerate(keys.texts(), start=2):
        heading(sheet, row, col, name)
    others = [column for column in columns if column.name != key]
    for k, column in enumerate(others, start=row + 1):
        text_cell(sheet.cell(row=k, column=1), column.heading).font = BOLD
        for col, (value, shown) in enumerate(zip(column.values, column.cells), start=2):
            write(sheet.cell(row=k, column=col), value, shown)
    return row + len(others)
