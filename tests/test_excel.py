import pandas as pd
from openpyxl import load_workbook

from sop_lib.excel import sheet_name, write_workbook
from sop_lib.family_sheet import LINES


def _sheets():
    months = pd.period_range("2026-08", periods=5, freq="M")
    rows = []
    for family, strategy in (("Grills", "MTS"), ("=HYPERLINK(\"x\")", "MTO")):
        for k, month in enumerate(months):
            row = {"family": family, "strategy": strategy, "month": month,
                   "period": "history" if k < 3 else "plan"}
            row.update({column: float(10 * k - 15) for column, _ in LINES[strategy]})
            rows.append(row)
    return pd.DataFrame(rows)


def test_workbook_has_kpis_decisions_and_a_formatted_sheet_per_family(tmp_path):
    kpis = pd.DataFrame({"kpi": ["Service", "Revenue"], "value": [0.93, 1234567.0],
                         "target": [0.95, 1300000.0], "unit": ["share", "EUR"],
                         "status": ["amber", "red"]})
    decisions = pd.DataFrame({"rank": [1], "family": ["=1+1"], "issue": ["@SUM(A1)"]})
    path = write_workbook(tmp_path / "sop_2026-11.xlsx", title="Acme 2026-11", kpis=kpis,
                          decisions=decisions, sheets=_sheets())
    book = load_workbook(path)
    assert book.sheetnames == ["KPIs", "Decisions", "=HYPERLINK(\"x\")", "Grills"]
    kpi = book["KPIs"]
    assert kpi["A3"].value == "kpi" and kpi["B4"].value == 0.93
    assert kpi["B4"].number_format == "0.0%" and kpi["B5"].number_format == "#,##0"
    assert kpi["E4"].fill.fgColor.rgb.endswith("FBE7C0") and kpi["E5"].fill.fgColor.rgb.endswith(
        "F6C9C9")
    assert kpi.freeze_panes == "B4"
    assert book["Decisions"]["B4"].data_type == "s" and book["Decisions"]["B4"].value == "=1+1"
    grills = book["Grills"]
    assert grills["A4"].value == "Sales: forecast" and grills["B3"].value == "2026-08"
    assert grills["B4"].value == -15 and grills["B4"].font.color.rgb.endswith("C00000")
    assert grills["B4"].number_format == "#,##0"
    mto = book[book.sheetnames[2]]
    assert mto["A4"].value == "Bookings: forecast"


def test_sheet_names_are_valid_and_unique():
    assert sheet_name("A/B: [x]?", []) == "A_B_ _x__"
    long = "Outdoor furniture and garden accessories"
    first = sheet_name(long, [])
    assert len(first) == 31 and sheet_name(long, [first]).endswith("(2)")
