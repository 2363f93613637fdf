"""Tests of sop_lib.pack.excel.cells: text stays text, widths fit, every sheet prints."""
from openpyxl import Workbook

from sop_lib.pack.excel.cells import WIDEST, finish, heading, text_cell, write
from sop_lib.pack.formatting import KINDS, CellFormat


def test_text_from_data_never_becomes_a_formula():
    sheet = Workbook().active
    for row, text in enumerate(("=1+1", "+A1", "-2", "@SUM(A1)"), start=1):
        cell = text_cell(sheet.cell(row=row, column=1), text)
        assert cell.data_type == "s" and cell.value == text
    assert write(sheet["B1"], "=cmd", CellFormat(KINDS["text"])).data_type == "s"


def test_widths_fit_the_content_and_long_text_wraps():
    sheet = Workbook().active
    heading(sheet, 3, 1, "Revenue at risk over the next twelve months (EUR)")
    heading(sheet, 3, 2, "Issue")
    write(sheet["A4"], 12345.6, CellFormat(KINDS["money"]))
    text_cell(sheet["B4"], "word " * 40)
    finish(sheet)
    assert sheet.column_dimensions["A"].width == 14  # the heading wraps: 12 wide plus margin
    assert sheet["A3"].alignment.wrap_text and sheet.row_dimensions[3].height == 15 * 5
    assert sheet.column_dimensions["B"].width == WIDEST and sheet["B4"].alignment.wrap_text
    assert sheet.row_dimensions[4].height == 15 * 5  # 200 characters, 47 a line


def test_every_sheet_prints_landscape_one_page_wide_with_its_headings_on_each_page():
    sheet = Workbook().active
    heading(sheet, 3, 1, "Family")
    finish(sheet, labels=2)
    assert sheet.freeze_panes == "C4" and sheet.print_title_rows == "$1:$3"
    assert sheet.page_setup.orientation == "landscape"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
