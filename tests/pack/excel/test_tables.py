"""Tests of sop_lib.pack.excel.tables: a frame under its headings, and side by side."""
import pandas as pd
from openpyxl import Workbook

from sop_lib.pack.excel.tables import side_by_side, table


def test_a_table_has_its_status_lights_and_empty_columns_to_fill_in():
    sheet = Workbook().active
    frame = pd.DataFrame({"family": ["A", "B"], "status": ["green", "n/a"]})
    assert table(sheet, frame, currency="EUR", status="status", blank=("Owner",)) == 5
    assert [c.value for c in sheet[3]] == ["Family", "Status", "Owner"]
    assert sheet["B4"].fill.fgColor.rgb.endswith("D8F0D8") and sheet["B5"].fill.fill_type is None


def test_scenarios_stand_side_by_side_each_row_in_its_format():
    sheet = Workbook().active
    frame = pd.DataFrame({"scenario": ["Baseline", "No overtime"], "holding_cost": [1.5, 2.0],
                          "service_level": [0.98, 0.97]})
    assert side_by_side(sheet, frame, "scenario", currency="EUR") == 5
    assert [c.value for c in sheet[3]] == [None, "Baseline", "No overtime"]
    assert [sheet["A4"].value, sheet["C4"].value, sheet["C4"].number_format] == [
        "Holding cost (EUR)", 2.0, "#,##0"]
    assert sheet["B5"].number_format == "0.0%"
