"""Tests of sop_lib.pack.excel.family: the classic family sheet with live formulas."""
import pandas as pd
from openpyxl import Workbook

from sop_lib.pack.excel.family import family_sheet, is_monthly, total_columns
from tests.pack.test_excel import family_sheets


def _grills(**status):
    sheet = Workbook().active
    sheets = family_sheets()
    family_sheet(sheet, sheets, "Grills", title_text="Acme: Grills", currency="EUR",
                 status=pd.Series(status) if status else None)
    return sheet, sheets[sheets["family"] == "Grills"].reset_index(drop=True)


def test_differences_and_cumulative_differences_are_formulas_over_the_plan_and_actual_rows():
    sheet, _ = _grills()
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=4, max_row=15)}
    assert [c.value for c in rows["Sales: difference"][1:4]] == ["=B5-B4", "=C5-C4", "=D5-D4"]
    assert rows["Sales: cumulative difference"][2].value == "=SUM($B$6:C6)"
    assert rows["Operations: difference"][1].value == "=B9-B8"
    assert rows["Sales: difference"][1].number_format == "+#,##0;-#,##0;0"


def test_history_days_of_supply_is_a_formula_and_the_plans_own_cover_a_figure():
    sheet, rows = _grills()
    days = next(row for row in sheet.iter_rows(min_row=4) if row[0].value.endswith("supply"))
    # 2026-08: actual inventory over the next three months' demand: two actual, one forecast
    assert days[1].value == "=B13/(SUM(C5,D5,E4)/3/30.4)"
    assert days[4].value == rows.at[3, "days_of_supply"]  # a plan month: the plan's figure
    assert days[1].number_format == "#,##0.0"


def test_monthly_lines_have_sum_totals_per_fiscal_year_and_over_the_plan_months():
    sheet, rows = _grills()
    assert total_columns(rows, fiscal_start=10) == {"FY2026": [0, 1], "FY2027": [2, 3, 4],
                                                    "Plan total": [3, 4]}
    assert [c.value for c in sheet[3]][6:] == ["FY2026", "Plan total"]
    assert [c.value for c in sheet[2]][6:] == ["5 months", "2 months"]
    totals = {row[0].value: (row[6].value, row[7].value) for row in sheet.iter_rows(min_row=4)
              if row[0].value}
    assert totals["Sales: forecast"] == ("=SUM(B4:F4)", "=SUM(E4:F4)")
    assert totals["Sales: difference"] == ("=SUM(B6:F6)", None)  # no plan month has one
    assert totals["Inventory: plan"] == (None, None)  # a position does not add up
    assert is_monthly("shipments_plan") and not is_monthly("sales_cum_diff")


def test_the_status_shows_in_its_light_and_negatives_turn_red():
    sheet, _ = _grills(status="red", reason="revenue 11.5% below plan")
    assert sheet["A2"].value == "Status red: revenue 11.5% below plan"
    assert sheet["A2"].fill.fgColor.rgb.endswith("F6C9C9")
    rules = [r for cf in sheet.conditional_formatting for r in cf.rules]
    assert rules[0].operator == "lessThan" and rules[0].dxf.font.color.rgb.endswith("C00000")
    assert sheet.freeze_panes == "B4" and sheet.print_title_rows == "$2:$3"
