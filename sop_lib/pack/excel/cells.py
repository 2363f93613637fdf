"""The cells of the Excel pack: values that stay text, number formats, headings, widths and the
print setup every sheet shares."""
from __future__ import annotations

from numbers import Real

import numpy as np
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from sop_lib.core.status import FILLS
from sop_lib.pack.formatting import CellFormat

HEADER_ROW = 3  # title in row 1, a note or the periods in row 2, headings in row 3
HEADER_FILL = PatternFill("solid", fgColor="1D3557")
HEADER_FONT = Font(bold=True, color="FFFFFF")
BOLD = Font(bold=True)
NEGATIVE = Font(color="C00000")
WRAP = Alignment(wrap_text=True, vertical="top")
WIDEST = 50  # characters; longer text wraps
LINE_HEIGHT = 15  # points per line of a wrapped row
FORMULA_WIDTH = 12  # the width of a column of formulas only


def title(sheet, text: str) -> None:
    """The sheet's title in A1, written as text."""
    sheet["A1"] = None
    text_cell(sheet["A1"], text).font = Font(bold=True, size=13)


def text_cell(cell, text):
    """`text` in `cell` as text: text from data never becomes a formula."""
    cell.value = None if text is None or text == "" else str(text)
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def heading(sheet, row: int, column: int, text: str):
    """A heading cell: white bold on dark blue, wrapped."""
    cell = text_cell(sheet.cell(row=row, column=column), text)
    cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
    return cell


def write(cell, value, shown: CellFormat):
    """A number with its kind's number format; anything else as the text pages show."""
    if shown.kind.numeric and isinstance(value, Real) and not isinstance(value, bool | np.bool_):
        cell.value = None if value != value else value.item() if hasattr(value, "item") else value
        cell.number_format = shown.excel
        return cell
    return text_cell(cell, shown.text(value))


def formula(cell, text: str, number_format: str):
    """A live formula (written by the pack, never from data) with its number format."""
    cell.value, cell.number_format = text, number_format
    return cell


def status_fill(cell, status) -> None:
    """The light fill of a status (`sop_lib.core.status.FILLS`), if it is one."""
    if status in FILLS:
        cell.fill = PatternFill("solid", fgColor=FILLS[status])


def negatives_red(sheet, cells: str) -> None:
    """Negative numbers in the range `cells` in red, also once a formula recalculates."""
    sheet.conditional_formatting.add(cells, CellIsRule(operator="lessThan", formula=["0"],
                                                       font=NEGATIVE))


def finish(sheet, *, labels: int = 1, header_row: int = HEADER_ROW, first_row: int = 1,
           last_row: int | None = None) -> None:
    """Fit the widths to rows `header_row` to `last_row` (default: all), freeze the headings and
    `labels` label columns, and set the print up: landscape, one page wide, headings repeated
    on every page."""
    widths, lines = _widths(sheet, header_row, last_row or sheet.max_row)
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    for row, count in lines.items():
        sheet.row_dimensions[row].height = LINE_HEIGHT * count
        for cell in sheet[row]:  # a wrapped row reads from its top
            cell.alignment = Alignment(wrap_text=cell.alignment.wrap_text, vertical="top")
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=labels + 1).coordinate
    sheet.print_title_rows = f"{first_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _widths(sheet, header_row: int, last_row: int) -> tuple[dict[str, float], dict[int, int]]:
    """Each column's width (its longest value shown, its heading's longest word, at most WIDEST:
    longer text wraps; a formula as wide as the column's figures), and the lines each wrapped
    row (the headings, long text) takes."""
    widths: dict[str, float] = {}
    formulas: set[str] = set()
    wrapped = []
    for row in sheet.iter_rows(min_row=header_row + 1, max_row=last_row):
        for cell in row:
            letter = get_column_letter(cell.column)
            if cell.data_type == "f":
                formulas.add(letter)
            elif cell.value is not None:
                shown = _shown_length(cell)
                if shown > WIDEST and cell.data_type == "s":
                    cell.alignment = WRAP
                    wrapped.append(cell)
                widths[letter] = max(widths.get(letter, 0), min(WIDEST, shown + 2))
    for letter in formulas - set(widths):
        widths[letter] = FORMULA_WIDTH
    for cell in sheet[header_row]:
        if cell.value is not None:
            letter, text = get_column_letter(cell.column), str(cell.value)
            longest_word = max((len(word) for word in text.split()), default=0)
            width = max(widths.get(letter, 0), longest_word + 2, min(len(text), 12) + 2, 8)
            widths[letter] = min(WIDEST, width)
            wrapped.append(cell)
    lines: dict[int, int] = {}
    for cell in wrapped:
        length, width = len(str(cell.value)), widths[get_column_letter(cell.column)]
        count = 1 if length <= width - 2 else -(-length // int(width - 3))
        lines[cell.row] = max(lines.get(cell.row, 1), count)
    return widths, lines


def _shown_length(cell) -> int:
    if isinstance(cell.value, int | float):
        unit = cell.number_format.count('"') and len(cell.number_format.split('"')[1])
        return len(f"{cell.value:,.0f}") + (2 if "." in cell.number_format else 0) + unit + 1
    return len(str(cell.value))
