"""The Money sheet of the Excel pack: revenue, cost of goods, margin and inventory value per
family and month against the business plan, with each family's total and the total of all.

Margin, margin %, and the gaps to the business plan are formulas over the row's figures; totals
are SUM formulas (all families: SUMIF over the family totals). Inventory value is a month-end
position, so its totals are left blank. A formula stands where the pack has a figure (`money`
artifact, `sop_lib.presop.finance`): a month without a business plan has no gap.
"""
from __future__ import annotations

import pandas as pd
from openpyxl.utils import get_column_letter as letter

from sop_lib.pack.excel.cells import (
    BOLD,
    HEADER_ROW,
    finish,
    formula,
    heading,
    negatives_red,
    text_cell,
    title,
    write,
)
from sop_lib.pack.formatting import formats_of

COLUMNS = ("family", "month", "units", "revenue", "cogs", "margin", "margin_pct",
           "inventory_value", "plan_units", "units_gap", "plan_revenue", "revenue_gap",
           "plan_margin", "margin_gap", "plan_inventory_value", "inventory_value_gap")
# column -> (left, operator, right): the formulas of a row, total or not
FORMULAS = {"margin": ("revenue", "-", "cogs"), "margin_pct": ("margin", "/", "revenue"),
            "units_gap": ("units", "-", "plan_units"),
            "revenue_gap": ("revenue", "-", "plan_revenue"),
            "margin_gap": ("margin", "-", "plan_margin"),
            "inventory_value_gap": ("inventory_value", "-", "plan_inventory_value")}
POSITIONS = ("inventory_value", "plan_inventory_value", "inventory_value_gap")  # no total
TOTAL, ALL = "Total", "All families"


def money_sheet(sheet, money: pd.DataFrame, *, title_text: str, currency: str | None) -> None:
    """Write the `money` artifact into `sheet`, a row per family and month, with totals."""
    frame = money[[c for c in COLUMNS if c in money.columns]].sort_values(["family", "month"])
    frame = frame.reset_index(drop=True)
    shown = formats_of(frame, currency=currency)
    place = {column.name: col for col, column in enumerate(shown, start=1)}
    title(sheet, title_text)
    for col, column in enumerate(shown, start=1):
        heading(sheet, HEADER_ROW, col, column.heading)
    row = HEADER_ROW
    for family, months in frame.groupby("family", sort=True):
        first = row + 1
        for k in months.index:
            row += 1
            for column in shown:
                value = frame.at[k, column.name]
                cell = sheet.cell(row=row, column=place[column.name])
                text = _formula(column.name, row, place)
                if text and value == value:
                    formula(cell, text, column.cells[k].excel)
                else:
                    write(cell, value, column.cells[k])
        row += 1
        _total(sheet, row, family, place, shown, months, (first, row - 1))
    row += 1
    _total(sheet, row, ALL, place, shown, frame, (HEADER_ROW + 1, row - 1), of_totals=True)
    negatives_red(sheet, f"C{HEADER_ROW + 1}:{letter(len(shown))}{row}")
    finish(sheet, labels=2)


def _formula(name: str, row: int, place: dict) -> str | None:
    if name not in FORMULAS or not all(c in place for c in FORMULAS[name][::2]):
        return None
    left, operator, right = FORMULAS[name]
    return f"={letter(place[left])}{row}{operator}{letter(place[right])}{row}"


def _total(sheet, row: int, family: str, place: dict, shown, rows: pd.DataFrame,
           span: tuple[int, int], *, of_totals: bool = False) -> None:
    """A bold total row: SUMs of the figures in the rows `span` (of the Total rows there if
    `of_totals`), the row formulas over them."""
    text_cell(sheet.cell(row=row, column=1), family).font = BOLD
    text_cell(sheet.cell(row=row, column=2), TOTAL).font = BOLD
    months = f"$B${span[0]}:$B${span[1]}"
    for column in shown[2:]:
        name, excel = column.name, column.cells[0].excel
        if name in POSITIONS or rows[name].isna().all():
            continue
        cells = f"{letter(place[name])}{span[0]}:{letter(place[name])}{span[1]}"
        text = _formula(name, row, place) or (
            f'=SUMIF({months},"{TOTAL}",{cells})' if of_totals else f"=SUM({cells})")
        formula(sheet.cell(row=row, column=place[name]), text, excel).font = BOLD
