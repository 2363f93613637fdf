import pandas as pd
from openpyxl import load_workbook

from sop_lib.pack.excel import sheet_name, write_excel_pack
from sop_lib.pack.formatting import use_currency
from sop_lib.supply.family_sheet import LINES


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
    kpis = pd.DataFrame({"kpi": ["Service", "Revenue", "Days of supply"],
                         "value": [0.93, 1234567.0, 45.2], "target": [0.95, 1300000.0, 37.0],
                         "unit": ["share", "EUR", "days"], "status": ["amber", "red", "green"]})
    decisions = pd.DataFrame({"rank": [1], "family": ["=1+1"], "issue": ["@SUM(A1)"],
                              "acts_on_next_12_months": [True], "impact": [383949.6]})
    path = write_excel_pack(tmp_path / "sop_2026-11.xlsx", title="Acme 2026-11", kpis=kpis,
                            decisions=decisions, sheets=_sheets(), currency="EUR")
    book = load_workbook(path)
    assert book.sheetnames == ["KPIs", "Decisions", "=HYPERLINK(\"x\")", "Grills"]
    kpi = book["KPIs"]
    assert [c.value for c in kpi[3]] == ["KPI", "Value", "Target", "Status"]  # unit: in formats
    assert kpi["B4"].value == 0.93 and kpi["B4"].number_format == "0.0%"
    assert kpi["B5"].number_format == '"EUR "#,##0'
    assert kpi["C6"].value == 37.0 and kpi["C6"].number_format == '#,##0.0" days"'
    assert kpi["D4"].fill.fgColor.rgb.endswith("FBE7C0") and kpi["D5"].fill.fgColor.rgb.endswith(
        "F6C9C9")
    assert kpi.freeze_panes == "B4"
    chosen = book["Decisions"]
    assert [c.value for c in chosen[3]] == ["Rank", "Family", "Issue", "Acts on next 12 months",
                                            "Impact (EUR)"]
    assert chosen["B4"].data_type == "s" and chosen["B4"].value == "=1+1"
    assert chosen["D4"].value == "yes" and chosen["E4"].number_format == "#,##0"
    grills = book["Grills"]
    assert grills["A3"].value == "Line" and grills["B3"].value == "2026-08"
    assert grills["A4"].value == "Sales: forecast"
    assert grills["B4"].value == -15 and grills["B4"].font.color.rgb.endswith("C00000")
    assert grills["B4"].number_format == "#,##0"
    lines = {row[0].value: row[1].number_format for row in grills.iter_rows(min_row=4)}
    assert lines["Sales: difference"] == "+#,##0;-#,##0;0"
    assert lines["Inventory: days of supply"] == "#,##0.0"
    mto = book[book.sheetnames[2]]
    assert mto["A4"].value == "Bookings: forecast"
    weeks = {row[0].value: row[1].number_format for row in mto.iter_rows(min_row=4)}
    assert weeks["Backlog: weeks of backlog"] == "#,##0.0"


def test_money_headings_name_the_currency_set_for_the_process(tmp_path):
    decisions = pd.DataFrame({"rank": [1], "impact": [1.0]})
    kpis = pd.DataFrame({"kpi": ["Service"], "value": [0.9], "target": [0.95],
                         "unit": ["share"], "status": ["amber"]})
    use_currency("CHF")
    try:
        path = write_excel_pack(tmp_path / "book.xlsx", title="Acme", kpis=kpis,
                                decisions=decisions, sheets=_sheets())
    finally:
        use_currency(None)
    assert load_workbook(path)["Decisions"]["B3"].value == "Impact (CHF)"


def test_sheet_names_are_valid_and_unique():
    assert sheet_name("A/B: [x]?", []) == "A_B_ _x__"
    long = "Outdoor furniture and garden accessories"
    first = sheet_name(long, [])
    assert len(first) == 31 and sheet_name(long, [first]).endswith("(2)")
