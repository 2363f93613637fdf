"""One format per kind of column: the rules on their own, then every table of a real run."""
from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from sop_lib.cli import main
from sop_lib.data.validation import load_company
from sop_lib.pack.formatting import (
    FALLBACK,
    KINDS,
    across_months,
    as_text,
    default_currency,
    formats_of,
    kind_of,
    label,
    use_currency,
)
from sop_lib.run.runner import SAMPLE_DIR
from sop_lib.run.steps import STEPS
from sop_lib.run.workbook import open_workbook

RAW = {"True", "False", "nan", "NaN", "None", "NaT", "<NA>", "inf", "-inf"}


def test_each_kind_reads_its_own_way():
    text = {name: kind.text for name, kind in KINDS.items()}
    assert text["share"](0.3448) == "34.5%" and text["share change"](-0.051) == "-5.1%"
    assert text["money"](1739980.28) == "1,739,980" and text["money change"](29895.4) == "+29,895"
    assert text["price"](2079.99) == "2,079.99" and text["units"](33653.7) == "33,654"
    assert text["units change"](-38.2) == "-38" and text["hours"](13931.2) == "13,931"
    assert text["days"](53.86) == "53.9" and text["weeks"](8) == "8.0"
    assert text["score"](0.2051) == "0.205" and text["signal"](7.71) == "+7.7"
    assert text["yes/no"](True) == "yes" and text["yes/no"](False) == "no"
    assert text["month"](pd.Period("2026-11", "M")) == "2026-11"


def test_a_change_that_rounds_to_zero_has_no_sign_and_missing_is_empty():
    assert KINDS["units change"].text(-0.3) == "0" and KINDS["money change"].text(0.0) == "0"
    assert KINDS["share change"].text(-0.0001) == "0.0%" and KINDS["units"].text(-1e-13) == "0"
    assert KINDS["money"].text(math.nan) == "" and KINDS["share"].text(None) == ""


def test_cells_of_a_mixed_column_say_their_unit():
    assert KINDS["days"].text(53.86, with_unit=True) == "53.9 days"
    assert KINDS["money"].text(1234.4, currency="EUR", with_unit=True) == "EUR 1,234"
    assert KINDS["percent"].text(8, with_unit=True) == "+8.0%"
    assert KINDS["days"].number_format(with_unit=True) == '#,##0.0" days"'
    assert KINDS["money change"].number_format(currency='E"UR', with_unit=True) == (
        '"EUR "+#,##0;"EUR "-#,##0;"EUR "0')


def test_headings_name_their_unit():
    assert label("revenue", "EUR") == "Revenue (EUR)"
    assert label("forecast_margin_pct") == "Forecast margin %"
    assert label("overtime_hours") == "Overtime hours"
    assert label("days_of_supply") == "Days of supply"
    assert label("qualifies") == "Qualifies" and label("skus") == "SKUs"
    assert label("revenue") == "Revenue"  # no currency known: none named
    assert label("2026-11", "EUR") == "2026-11"


def test_names_values_and_context_decide_the_kind():
    assert kind_of("forecast_margin_pct").name == "share"
    assert kind_of("revenue_gap_pct").name == "share change"
    assert kind_of("fiscal_year_gap").name == "money change"
    assert kind_of("unit_price").name == "price" and kind_of("units_not_made").name == "units"
    assert kind_of("qualifies", pd.Series([True, False])).name == "yes/no"
    assert kind_of("months", pd.Series(["2026-11 to 2027-10"])).name == "text"
    assert kind_of("target", columns=["adherence", "target"]).name == "share"
    assert kind_of("target", columns=["inventory", "target"]).name == "units"
    assert kind_of("2027-01").name == "units"
    assert kind_of("2027-01", measure="money").name == "money"
    assert kind_of("new_actuals", measure="money").name == "money change"
    assert kind_of("something_new") is FALLBACK


def test_a_kpi_table_writes_each_value_in_its_unit_and_hides_the_unit():
    kpis = pd.DataFrame({"kpi": ["Service", "Inventory value", "Days of supply", "Overloads"],
                         "value": [0.9988, 275753.8, 45.22, 3.0],
                         "target": [0.95, 236328.8, 37.25, 0.0],
                         "unit": ["share", "EUR", "days", "count"], "status": "green"})
    shown = as_text(kpis, currency="USD")
    assert list(shown.columns) == ["kpi", "value", "target", "status"]
    assert list(shown["value"]) == ["99.9%", "EUR 275,754", "45.2 days", "3"]
    assert [c.heading for c in formats_of(kpis)] == ["KPI", "Value", "Target", "Status"]


def test_an_override_value_reads_as_units_or_a_percent_by_its_kind():
    audit = pd.DataFrame({"kind": ["absolute", "percent", "percent"], "value": [89.0, 8.0, -10.0]})
    assert list(as_text(audit)["value"]) == ["89 units", "+8.0%", "-10.0%"]


def test_the_currency_set_for_the_notebook_reaches_every_heading(tmp_path):
    frame = pd.DataFrame({"revenue": [1.0]})
    try:
        open_workbook(data_dir=str(SAMPLE_DIR), reports_dir=str(tmp_path),
                      archive_dir=str(tmp_path))
        currency = load_company(SAMPLE_DIR).config.currency
        assert default_currency() == currency
        assert formats_of(frame)[0].heading == f"Revenue ({currency})"
        assert formats_of(frame, currency="USD")[0].heading == "Revenue (USD)"
    finally:
        use_currency(None)
    assert formats_of(frame)[0].heading == "Revenue"


# --- every table of a real run ------------------------------------------------------------

@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    """The published cycle folder of a run of the bundled sample."""
    reports = tmp_path_factory.mktemp("formatting")
    assert main(["run", "--data", str(SAMPLE_DIR), "--out", str(reports)]) == 0
    return next(p for p in reports.iterdir() if re.fullmatch(r"\d{4}-\d{2}", p.name))


@pytest.fixture(scope="module")
def currency():
    return load_company(SAMPLE_DIR).config.currency


def pages(cycle) -> dict[str, BeautifulSoup]:
    return {step.notebook: BeautifulSoup((cycle / f"{step.notebook}.html").read_text(
        encoding="utf-8"), "html.parser") for step in STEPS}


def columns_of(table) -> list[tuple[str, list]]:
    """(heading, cells) per column of a rendered table."""
    headings = [th.get_text(strip=True) for th in table.thead.find_all("th")]
    rows = [tr.find_all("td") for tr in table.tbody.find_all("tr")]
    return [(heading, [row[i] for row in rows]) for i, heading in enumerate(headings)]


def kind_pattern(kind, currency: str) -> re.Pattern:
    """What a cell of a numeric kind may read: its decimals, its sign, its unit if it says it."""
    decimals = int(re.search(r"\.(\d)", kind.spec).group(1))
    digits = r"\d{1,3}(,\d{3})*" if "," in kind.spec else r"\d+"
    fraction = rf"\.\d{{{decimals}}}" if decimals else ""
    sign = "[+-]" if "+" in kind.spec else "-?"
    number = rf"({sign}{digits}{fraction}|0{fraction}){'%' if kind.spec.endswith('%') else ''}"
    before, after = kind.cell.format("\0", currency=currency).split("\0")
    return re.compile(rf"{number}|{re.escape(before.lstrip())}{number}{re.escape(after)}")


def test_every_column_of_every_artifact_has_a_kind(cycle):
    for path in sorted((cycle / "artifacts").glob("*.parquet")):
        frame = pd.read_parquet(path)
        unknown = [c.name for c in formats_of(frame) if FALLBACK in {x.kind for x in c.cells}]
        assert unknown == [], f"{path.name}: give these columns a kind in sop_lib.pack.formatting"


def test_every_cell_of_every_page_reads_as_its_kind(cycle, currency):
    by_class = {kind.css_class: kind for kind in KINDS.values()}
    checked = set()
    for name, soup in pages(cycle).items():
        for td in soup.select("table td"):
            text = td.get_text(strip=True)
            assert text not in RAW, (name, text)
            classes = [c for c in td.get("class", []) if c.startswith("kind-")]
            assert FALLBACK.css_class not in classes, (name, text)
            kind = by_class.get(classes[0]) if classes else None
            if kind is not None and kind.numeric and text:
                assert kind_pattern(kind, currency).fullmatch(text), (name, kind.name, text)
                checked.add(kind.name)
    assert checked >= {"money", "money change", "units", "units change", "share", "share change",
                       "percent", "hours", "days", "weeks", "count", "signal"}  # scores: MASE only


def test_shares_targets_and_yes_no_columns_read_right(cycle):
    outlook = pd.read_parquet(cycle / "artifacts" / "outlook.parquet")
    shown = {}
    for soup in pages(cycle).values():
        for table in soup.select("table"):
            for heading, cells in columns_of(table):
                shown.setdefault(heading, []).extend(td.get_text(strip=True) for td in cells)
    margins = [f"{v:.1%}" for v in outlook["forecast_margin_pct"]]
    assert shown["Forecast margin %"] == margins and all(m != "0.0%" for m in margins)
    assert set(shown["Target"]) >= {"95.0%"}  # plan adherence
    for heading in ("Qualifies", "Needs decision", "Tracking alert"):
        assert shown[heading] and set(shown[heading]) <= {"yes", "no"}, heading


def test_money_headings_carry_the_currency(cycle, currency):
    money = {KINDS[k].css_class for k in ("money", "money change", "price")}
    seen = 0
    for soup in pages(cycle).values():
        for table in soup.select("table"):
            for heading, cells in columns_of(table):
                classes = {c for td in cells for c in td.get("class", []) if c.startswith("kind-")}
                if classes and classes <= money:
                    texts = [td.get_text(strip=True) for td in cells]
                    assert heading.endswith(f"({currency})") or all(
                        t.startswith(currency) for t in texts if t), heading
                    seen += 1
    assert seen > 20


def test_the_workbook_uses_the_same_kinds(cycle):
    book = load_workbook(next(cycle.glob("sop_*.xlsx")))
    kpis = book["Summary"]
    assert [c.value for c in kpis[3]][:4] == ["KPI", "Value", "Target", "Status"]
    formats = {row[0].value: row[1].number_format for row in kpis.iter_rows(min_row=4)
               if row[1].value is not None}
    assert formats["Customer service (projected)"] == "0.0%"
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=4):
            for cell in row:
                assert cell.value is None or str(cell.value) not in RAW, (sheet.title, cell)
                if isinstance(cell.value, float):
                    assert cell.number_format not in ("General", FALLBACK.excel), (
                        sheet.title, cell.coordinate)


def test_across_months_has_a_row_per_family_and_a_column_per_month():
    months = pd.period_range("2026-11", periods=2, freq="M")
    plan = pd.DataFrame({"family": ["B", "B", "A", "A"], "month": list(months) * 2,
                         "production": [1.0, 2.0, 3.0, 4.0]})
    wide = across_months(plan, "production")
    assert list(wide.columns) == ["family", "2026-11", "2026-12"]
    assert wide.values.tolist() == [["A", 3.0, 4.0], ["B", 1.0, 2.0]]
