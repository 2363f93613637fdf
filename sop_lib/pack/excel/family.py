"""The classic family sheet of the Excel pack, with live formulas: the differences, cumulative
differences and the history months' days of supply (weeks of backlog) are formulas over the plan
and actual rows, and each fiscal year and the plan months have SUM totals of the monthly lines,
so a planner who changes a figure sees what depends on it change.

Formulas stand where the pack has a figure (`sop_lib.supply.family_sheet`); a line's total is
left blank where none of its months has one. The plan months' days of supply are the plan's own
run-out cover (`sop_lib.supply.targets`), written as values.
"""
from __future__ import annotations

import pandas as pd
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter as letter

from sop_lib.core.months import month_label
from sop_lib.pack.excel.cells import (
    BOLD,
    HEADER_ROW,
    finish,
    formula,
    heading,
    negatives_red,
    status_fill,
    text_cell,
    title,
    write,
)
from sop_lib.pack.formatting import formats_of
from sop_lib.presop.finance import fiscal_year
from sop_lib.supply.family_sheet import HISTORY, LINES, PLAN, sheet_notes, sheet_table
from sop_lib.supply.plan import DAYS_PER_MONTH, FORWARD_MONTHS, WEEKS_PER_MONTH

FIRST = 2  # the first month's column
PLAN_TOTAL = "Plan total"
RIGHT = Alignment(horizontal="right")
MONTHLY = ("sales", "operations", "bookings", "shipments")  # lines that add up over months
COVER = {"days_of_supply": ("inventory_actual", 1, DAYS_PER_MONTH),  # stock, first month, per
         "weeks_of_backlog": ("backlog_actual", 0, WEEKS_PER_MONTH)}


def family_sheet(sheet, sheets: pd.DataFrame, family: str, *, title_text: str,
                 currency: str | None, fiscal_start: int = 1,
                 status: pd.Series | None = None) -> None:
    """Write `family`'s sheet of `sheets` (the `family_sheets` artifact) into `sheet`; `status`
    is its row of `family_status` (status and reason), shown in the fill of its light."""
    rows = sheets[sheets["family"] == family].sort_values("month", ignore_index=True)
    lines = LINES[rows["strategy"].iloc[0]]
    where = {column: HEADER_ROW + 1 + i for i, (column, _) in enumerate(lines)}
    shown = formats_of(sheet_table(sheets, family).reset_index(), currency=currency)
    title(sheet, title_text)
    if status is not None:
        cell = text_cell(sheet["A2"], f"Status {status['status']}: {status['reason']}")
        status_fill(cell, status["status"])
    heading(sheet, HEADER_ROW, 1, "Line")
    for i, (column, label) in enumerate(lines):
        text_cell(sheet.cell(row=where[column], column=1), label).font = BOLD
        for j in range(len(rows)):
            cell = sheet.cell(row=where[column], column=FIRST + j)
            text = _formula(column, j, rows, where)
            value = rows.at[j, column]
            if text and value == value:
                formula(cell, text, shown[1 + j].cells[i].excel)
            else:
                write(cell, value, shown[1 + j].cells[i])
    for j, month in enumerate(rows["month"]):
        text_cell(sheet.cell(row=2, column=FIRST + j), rows.at[j, "period"]).alignment = RIGHT
        heading(sheet, HEADER_ROW, FIRST + j, month_label(month))
    last = _totals(sheet, rows, lines, where, shown[1].cells, fiscal_start)
    negatives_red(sheet, f"B{HEADER_ROW + 1}:{letter(last)}{HEADER_ROW + len(lines)}")
    for k, note in enumerate(sheet_notes(sheets, family), start=HEADER_ROW + len(lines) + 2):
        text_cell(sheet.cell(row=k, column=1), note)
    finish(sheet, first_row=2, last_row=HEADER_ROW + len(lines))


def total_columns(rows: pd.DataFrame, fiscal_start: int = 1) -> dict[str, list[int]]:
    """The total columns of a family's sheet: heading -> positions of the months it adds
    (each fiscal year's months shown, then the plan months)."""
    years: dict[str, list[int]] = {}
    for j, month in enumerate(rows["month"]):
        years.setdefault(fiscal_year(month, start_month=fiscal_start)[0], []).append(j)
    plan = [j for j in range(len(rows)) if rows.at[j, "period"] == PLAN]
    return {**years, PLAN_TOTAL: plan}


def is_monthly(column: str) -> bool:
    """Whether a line adds up over months (a flow, not a position, cover or running sum)."""
    return column.split("_")[0] in MONTHLY and not column.endswith("_cum_diff")


def _formula(column: str, j: int, rows: pd.DataFrame, where: dict[str, int]) -> str | None:
    """The formula of a line's cell in the j-th month, or None for a figure."""
    col, row = letter(FIRST + j), where[column]
    if column.endswith("_cum_diff"):
        return f"=SUM(${letter(FIRST)}${row - 1}:{col}{row - 1})"
    if column.endswith("_diff"):
        section = column.removesuffix("_diff")
        planned = where.get(f"{section}_forecast", where.get(f"{section}_plan"))
        return f"={col}{where[f'{section}_actual']}-{col}{planned}"
    if column in COVER and rows.at[j, "period"] == HISTORY:
        stock, start, per = COVER[column]
        months = range(j + start, j + start + FORWARD_MONTHS)
        if months[-1] >= len(rows):
            return None
        section = next(iter(where)).split("_")[0]  # sales (MTS) or bookings (MTO)
        demand = ",".join(f"{letter(FIRST + k)}{where[section + '_actual']}"
                          if rows.at[k, "period"] == HISTORY
                          else f"{letter(FIRST + k)}{where[section + '_forecast']}"
                          for k in months)
        return f"={col}{where[stock]}/(SUM({demand})/{FORWARD_MONTHS}/{per!r})"
    return None


def _totals(sheet, rows, lines, where, formats, fiscal_start: int) -> int:
    """The SUM columns after the months; returns the last column."""
    col = FIRST + len(rows) - 1
    for name, months in total_columns(rows, fiscal_start).items():
        col += 1
        heading(sheet, HEADER_ROW, col, name)
        text_cell(sheet.cell(row=2, column=col), f"{len(months)} months").alignment = RIGHT
        for i, (column, _) in enumerate(lines):
            if is_monthly(column) and months and rows.loc[months, column].notna().any():
                cells = f"{letter(FIRST + months[0])}{where[column]}:" \
                        f"{letter(FIRST + months[-1])}{where[column]}"
                formula(sheet.cell(row=where[column], column=col), f"=SUM({cells})",
                        formats[i].excel).font = BOLD
    return col
