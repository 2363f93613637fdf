"""Tests of sop_lib.pack.excel: the workbook's sheets, and every formula recalculated by a real
spreadsheet engine (LibreOffice) to the pack's figures."""
import math

import pandas as pd
import pytest
from openpyxl import load_workbook

from sop_lib.pack.excel import (
    PACK_ARTIFACTS,
    recommendation_headlines,
    sheet_name,
    write_cycle_workbook,
    write_excel_pack,
)
from sop_lib.pack.excel.money import COLUMNS
from sop_lib.pack.formatting import formats_of, use_currency
from sop_lib.presop.finance import fiscal_year
from sop_lib.store.artifacts import ArtifactStore
from sop_lib.supply.family_sheet import LINES
from tests.spreadsheet import recalculated

SHEETS = ["Summary", "Decisions", "Families", "Scenarios", "Money", "Plan of record"]


def family_sheets():
    """Two families over 5 months, 3 closed (the plan months without actuals): an MTS one and
    an MTO one named like a formula."""
    months = pd.period_range("2026-08", periods=5, freq="M")
    rows = []
    for family, strategy in (("Grills", "MTS"), ("=HYPERLINK(\"x\")", "MTO")):
        for k, month in enumerate(months):
            row = {"family": family, "strategy": strategy, "month": month,
                   "period": "history" if k < 3 else "plan", "note": ""}
            row.update({column: float(10 * k - 15) for column, _ in LINES[strategy]
                        if k < 3 or not column.endswith(("_actual", "diff"))})
            rows.append(row)
    return pd.DataFrame(rows)


def kpis():
    return pd.DataFrame({"kpi": ["Service", "Revenue", "Days of supply"],
                         "value": [0.93, 1234567.0, 45.2], "target": [0.95, 1300000.0, 37.0],
                         "unit": ["share", "EUR", "days"], "status": ["amber", "red", "green"]})


def test_the_summary_and_decisions_read_in_words_with_units_and_lights(tmp_path):
    decisions = pd.DataFrame({"rank": [1], "family": ["=1+1"], "issue": ["@SUM(A1)"],
                              "acts_on_next_12_months": [True], "impact": [383949.6]})
    path = write_excel_pack(tmp_path / "sop_2026-11.xlsx", title="Acme 2026-11", kpis=kpis(),
                            decisions=decisions, sheets=family_sheets(), currency="EUR",
                            headlines=["-Recommended: +No overtime"])
    book = load_workbook(path)
    assert book.sheetnames == ["Summary", "Decisions", "=HYPERLINK(\"x\")", "Grills"]
    kpi = book["Summary"]
    assert [c.value for c in kpi[3]] == ["KPI", "Value", "Target", "Status"]  # unit: in formats
    assert kpi["B4"].value == 0.93 and kpi["B4"].number_format == "0.0%"
    assert kpi["B5"].number_format == '"EUR "#,##0'
    assert kpi["C6"].value == 37.0 and kpi["C6"].number_format == '#,##0.0" days"'
    assert kpi["D4"].fill.fgColor.rgb.endswith("FBE7C0") and kpi["D5"].fill.fgColor.rgb.endswith(
        "F6C9C9")
    assert kpi["A8"].value == "-Recommended: +No overtime" and kpi["A8"].data_type == "s"
    assert kpi.freeze_panes == "B4"
    chosen = book["Decisions"]
    assert [c.value for c in chosen[3]] == ["Rank", "Family", "Issue", "Acts on next 12 months",
                                            "Impact (EUR)", "Decision taken", "Owner",
                                            "Due month"]
    assert chosen["B4"].data_type == "s" and chosen["B4"].value == "=1+1"
    assert chosen["C4"].data_type == "s" and chosen["C4"].value == "@SUM(A1)"
    assert chosen["D4"].value == "yes" and chosen["E4"].number_format == "#,##0"
    assert book.sheetnames[2] == "=HYPERLINK(\"x\")"
    assert book["=HYPERLINK(\"x\")"]["A4"].value == "Bookings: forecast"


def test_money_headings_name_the_currency_set_for_the_process(tmp_path):
    decisions = pd.DataFrame({"rank": [1], "impact": [1.0]})
    use_currency("CHF")
    try:
        path = write_excel_pack(tmp_path / "book.xlsx", title="Acme", kpis=kpis(),
                                decisions=decisions, sheets=family_sheets())
    finally:
        use_currency(None)
    assert load_workbook(path)["Decisions"]["B3"].value == "Impact (CHF)"


def test_sheet_names_are_valid_and_unique():
    assert sheet_name("A/B: [x]?", []) == "A_B_ _x__"
    long = "Outdoor furniture and garden accessories"
    first = sheet_name(long, [])
    assert len(first) == 31 and sheet_name(long, [first]).endswith("(2)")


@pytest.fixture(scope="module")
def pack(sample_cycle, tmp_path_factory):
    """The sample cycle's artifacts in a store, and its workbook."""
    _, artifacts = sample_cycle
    folder = tmp_path_factory.mktemp("workbook")
    store = ArtifactStore(folder / "artifacts")
    store.write_all({name: artifacts[name] for name in PACK_ARTIFACTS})
    path = write_cycle_workbook(folder / "sop_2026-11.xlsx", store, title="Acme: S&OP 2026-11",
                                currency="EUR",
                                headlines=recommendation_headlines(store.read("recommendation")))
    return store, path


def test_a_cycle_workbook_has_every_sheet_printed_landscape_with_repeated_headings(pack):
    store, path = pack
    book = load_workbook(path)
    families = sorted(store.read("plan")["family"].unique())
    assert book.sheetnames == SHEETS + families
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows.endswith(":$3"), sheet.title
        assert sheet.freeze_panes is not None
    scenarios = store.read("scenario_comparison")
    side = book["Scenarios"]
    assert [c.value for c in side[3]][1:] == list(scenarios["scenario"])
    assert {"Holding cost (EUR)", "Overtime cost (EUR)", "Net margin (EUR)"} <= {
        row[0].value for row in side.iter_rows(min_row=4)}
    headline = store.read("recommendation")["scenario"].iloc[0]
    assert any(f"Recommended scenario: {headline}." in str(c.value) for c in book["Summary"]["A"])


def test_every_formula_recalculates_to_the_packs_figures(pack, sample_cycle, tmp_path):
    """LibreOffice opens the workbook (no repair), recalculates it, and every formula cell equals
    the artifacts' figure: a month's line, a total of the months, a money figure or total."""
    store, path = pack
    values = load_workbook(recalculated(path, tmp_path), data_only=True)
    formulas = load_workbook(path)
    assert values.sheetnames == formulas.sheetnames
    run, _ = sample_cycle
    expect = Expected(store, run.company.config.fiscal_year_start_month)
    checked = {}
    for sheet in formulas.worksheets:
        for row in sheet.iter_rows():
            for cell in (c for c in row if c.data_type == "f"):
                got = values[sheet.title][cell.coordinate].value
                want, tolerance = expect(sheet, cell)
                assert isinstance(got, int | float) and got == pytest.approx(
                    want, abs=tolerance), (sheet.title, cell.coordinate, cell.value, got, want)
                checked[sheet.title] = checked.get(sheet.title, 0) + 1
    families = store.read("family_sheets")["family"].unique()
    assert set(checked) == {"Money", *families}
    assert checked["Money"] > 500 and min(checked[f] for f in families) >= 12


class Expected:
    """The pack's figure for a formula cell, from the artifacts alone, and its tolerance."""

    def __init__(self, store: ArtifactStore, fiscal_start: int):
        self.sheets = store.read("family_sheets")
        self.money = store.read("money")
        self.fiscal_start = fiscal_start
        shown = [c for c in COLUMNS if c in self.money.columns]
        self.money_columns = {f.heading: f.name for f in formats_of(self.money[shown],
                                                                    currency="EUR")}

    def __call__(self, sheet, cell) -> tuple[float, float]:
        heading = sheet.cell(row=3, column=cell.column).value
        if sheet.title == "Money":
            return self._money(sheet.cell(row=cell.row, column=1).value,
                               sheet.cell(row=cell.row, column=2).value,
                               self.money_columns[heading])
        rows = self.sheets[self.sheets["family"] == sheet.title]
        labels = {label: column for column, label in LINES[rows["strategy"].iloc[0]]}
        column = labels[sheet.cell(row=cell.row, column=1).value]
        months = rows["month"].dt.strftime("%Y-%m")
        if heading.startswith("FY"):
            chosen = rows[[fiscal_year(m, start_month=self.fiscal_start)[0] == heading
                           for m in rows["month"]]]
        elif heading == "Plan total":
            chosen = rows[rows["period"] == "plan"]
        else:
            chosen = rows[months == heading]
            assert len(chosen) == 1, heading
        return chosen[column].sum(), 0.005

    def _money(self, family: str, month: str, column: str) -> tuple[float, float]:
        rows = self.money if family == "All families" else self.money[
            self.money["family"] == family]
        if month != "Total":
            rows = rows[rows["month"].dt.strftime("%Y-%m") == month]
            assert len(rows) == 1, (family, month)
            return rows[column].iloc[0], 0.005
        if column == "margin_pct":
            return rows["margin"].sum() / rows["revenue"].sum(), 1e-9
        assert not math.isnan(rows[column].sum())
        return rows[column].sum(), 0.005
