"""The Excel pack (`sop_<cycle>.xlsx`): a KPI sheet, the decisions and one classic sheet per
family."""
from __future__ import annotations

import re
from numbers import Real
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from sop_lib.core.status import FILLS
from sop_lib.pack.formatting import CellFormat, formats_of
from sop_lib.supply.family_sheet import sheet_table

HEADER = PatternFill("solid", fgColor="1D3557")
NEGATIVE = Font(color="C00000")
UNSAFE_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")


def write_excel_pack(path: Path, *, title: str, kpis: pd.DataFrame, decisions: pd.DataFrame,
                     sheets: pd.DataFrame, currency: str | None = None) -> Path:
    """Write `path`: KPIs, Decisions and a sheet per family, formatted for reading and print.

    Headings and number formats are those of every page (`sop_lib.pack.formatting`); `currency`,
    named in money headings, defaults to the one set by `use_currency`.
    """
    book = Workbook()
    _table(book.active, "KPIs", title, kpis, currency=currency, status="status")
    _table(book.create_sheet(), "Decisions", title, decisions, currency=currency)
    for family in sorted(sheets["family"].unique()):
        layout = sheet_table(sheets, family).reset_index()
        _table(book.create_sheet(), sheet_name(family, book.sheetnames), f"{title}: {family}",
               layout, currency=currency, negatives_red=True)
    book.save(path)
    return path


def sheet_name(name: str, taken: list[str]) -> str:
    """A valid, unique Excel sheet name (31 characters, no []:*?/\\)."""
    base = UNSAFE_SHEET_CHARACTERS.sub("_", str(name)).strip("'")[:31] or "Sheet"
    candidate, number = base, 2
    while candidate in taken:
        suffix = f" ({number})"
        candidate, number = base[:31 - len(suffix)] + suffix, number + 1
    return candidate


def _table(sheet, name: str, title: str, frame: pd.DataFrame, *, currency: str | None,
           status: str | None = None, negatives_red: bool = False) -> None:
    """Title in A1, headings in row 3, values below; frozen panes, number formats, colours."""
    sheet.title = name
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=13)
    columns = formats_of(frame, currency=currency)
    for col, column in enumerate(columns, start=1):
        cell = sheet.cell(row=3, column=col, value=column.heading)
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), HEADER
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row, (value, shown) in enumerate(zip(column.values, column.cells), start=4):
            cell = _write(sheet.cell(row=row, column=col), value, shown)
            if negatives_red and isinstance(cell.value, int | float) and cell.value < 0:
                cell.font = NEGATIVE
            if column.name == status and value in FILLS:
                cell.fill = PatternFill("solid", fgColor=FILLS[value])
        longest = max([len(column.heading)] + [len(text) for text in column.texts()])
        sheet.column_dimensions[get_column_letter(col)].width = min(60, max(9, longest + 2))
    sheet.freeze_panes = "B4"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1


def _write(cell, value, shown: CellFormat):
    """A number with its kind's number format; anything else as the text pages show."""
    if shown.kind.numeric and isinstance(value, Real) and not isinstance(value, bool | np.bool_):
        cell.value = None if value != value else value.item() if hasattr(value, "item") else value
        cell.number_format = shown.excel
    else:
        cell.value = shown.text(value) or None
        if cell.data_type == "f":  # text from data is never a formula
            cell.data_type = "s"
    return cell
