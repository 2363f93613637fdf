"""The pack as an Excel workbook: a KPI sheet, the decisions and one classic sheet per family."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .family_sheet import sheet_table
from .status import AMBER, GREEN, RED

FILLS = {GREEN: "D8F0D8", AMBER: "FBE7C0", RED: "F6C9C9"}
HEADER = PatternFill("solid", fgColor="1D3557")
NEGATIVE = Font(color="C00000")
UNSAFE_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")


def write_workbook(path: Path, *, title: str, kpis: pd.DataFrame, decisions: pd.DataFrame,
                   sheets: pd.DataFrame) -> Path:
    """Write `path`: KPIs, Decisions and a sheet per family, formatted for reading and print."""
    book = Workbook()
    _table(book.active, "KPIs", title, kpis, status="status")
    _kpi_formats(book.active, kpis)
    _table(book.create_sheet(), "Decisions", title, decisions)
    for family in sorted(sheets["family"].unique()):
        layout = sheet_table(sheets, family).reset_index()
        _table(book.create_sheet(), sheet_name(family, book.sheetnames), f"{title}: {family}",
               layout, negatives_red=True)
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


def _table(sheet, name: str, title: str, frame: pd.DataFrame, *, status: str | None = None,
           negatives_red: bool = False) -> None:
    """Title in A1, headers in row 3, values below; frozen panes, number formats, colours."""
    sheet.title = name
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=13)
    shown = frame.copy()
    for column in shown.columns:
        if isinstance(shown[column].dtype, pd.PeriodDtype):
            shown[column] = shown[column].dt.strftime("%Y-%m")
    for col, heading in enumerate(shown.columns, start=1):
        cell = sheet.cell(row=3, column=col, value=str(heading))
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), HEADER
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row, values in enumerate(shown.itertuples(index=False), start=4):
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=col, value=_plain(value))
            if cell.data_type == "f":  # text from data is never a formula
                cell.data_type = "s"
            if isinstance(cell.value, float):
                cell.number_format = "0.0%" if _is_share(shown.columns[col - 1]) else "#,##0"
                if negatives_red and cell.value < 0:
                    cell.font = NEGATIVE
            if status and shown.columns[col - 1] == status and value in FILLS:
                cell.fill = PatternFill("solid", fgColor=FILLS[value])
    sheet.freeze_panes = "B4"
    for col, heading in enumerate(shown.columns, start=1):
        longest = max([len(str(heading))] + [len(str(v)) for v in shown.iloc[:, col - 1]])
        sheet.column_dimensions[get_column_letter(col)].width = min(60, max(9, longest + 2))
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1


def _kpi_formats(sheet, kpis: pd.DataFrame) -> None:
    """Each KPI's value and target in its own unit: shares as %, money and counts whole."""
    columns = [list(kpis.columns).index(c) + 1 for c in ("value", "target") if c in kpis]
    for row, unit in enumerate(kpis.get("unit", pd.Series(dtype=str)), start=4):
        for col in columns:
            sheet.cell(row=row, column=col).number_format = (
                "0.0%" if unit == "share" else "#,##0.0" if unit in ("days", "weeks")
                else "#,##0")


def _plain(value):
    """Cell values openpyxl can store: NaN as empty, numpy numbers as Python numbers."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _is_share(column: str) -> bool:
    return any(word in str(column) for word in ("pct", "share", "wape", "service", "bias",
                                                  "utilisation", "adherence"))
