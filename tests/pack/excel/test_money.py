"""Tests of sop_lib.pack.excel.money: the Money sheet's formulas and totals."""
import pandas as pd
from openpyxl import Workbook

from sop_lib.pack.excel.money import money_sheet


def _money():
    months = pd.period_range("2026-11", periods=2, freq="M")
    frame = pd.DataFrame({"family": ["B", "B", "A", "A"], "month": list(months) * 2,
                          "units": [10.0, 20.0, 5.0, 5.0], "revenue": [100.0, 200.0, 50.0, 50.0],
                          "cogs": [60.0, 120.0, 30.0, 30.0], "inventory_value": [9.0] * 4,
                          "plan_revenue": [90.0, 210.0, None, 40.0]})
    frame["margin"] = frame["revenue"] - frame["cogs"]
    frame["margin_pct"] = frame["margin"] / frame["revenue"]
    frame["revenue_gap"] = frame["revenue"] - frame["plan_revenue"]
    sheet = Workbook().active
    money_sheet(sheet, frame, title_text="Acme: money", currency="EUR")
    return sheet


def test_margin_and_gaps_are_formulas_over_the_row_where_the_pack_has_them():
    sheet = _money()
    headings = [c.value for c in sheet[3]]
    assert headings == ["Family", "Month", "Units", "Revenue (EUR)", "COGS (EUR)",
                        "Margin (EUR)", "Margin %", "Inventory value (EUR)",
                        "Plan revenue (EUR)", "Revenue gap (EUR)"]
    assert [c.value for c in sheet[4]][:2] == ["A", "2026-11"]
    assert sheet["F4"].value == "=D4-E4" and sheet["G4"].value == "=F4/D4"
    assert sheet["J4"].value is None and sheet["J5"].value == "=D5-I5"  # no plan in 2026-11
    assert sheet["D4"].number_format == "#,##0" and sheet["G4"].number_format == "0.0%"


def test_each_family_and_all_families_have_sum_totals():
    sheet = _money()
    assert [sheet["A6"].value, sheet["B6"].value, sheet["D6"].value] == ["A", "Total",
                                                                         "=SUM(D4:D5)"]
    assert sheet["G6"].value == "=F6/D6" and sheet["J6"].value == "=D6-I6"
    assert sheet["H6"].value is None  # inventory value is a position: no total
    assert sheet["A10"].value == "All families"
    assert sheet["D10"].value == '=SUMIF($B$4:$B$9,"Total",D4:D9)'
    assert sheet.freeze_panes == "C4"
