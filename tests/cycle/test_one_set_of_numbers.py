"""One set of numbers: every figure the pack shows in more than one place (two pages, a page and
the workbook, a sentence and its table, the plan of record) is the same number.

The pack is run end to end on the bundled sample and on a larger generated company (another
seed, 2,000 SKUs), then read as its readers do: the published HTML pages, the Excel workbook and
the plan of record files, not the library's return values.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from sop_lib.cli import main
from sop_lib.data.sample import write_sample
from tests import REPO
from tests.spreadsheet import recalculated

NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
MONEY_IN_TEXT = re.compile(r"\b[A-Z]{3} [-+]?\d(?:[\d,]*\d)?(?:\.\d+)?")
PERCENT_IN_TEXT = re.compile(r"[-+]?\d+(?:\.\d+)?%")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFTOTEXT = shutil.which("pdftotext")


class Pack:
    """A published cycle folder, read as a reader would."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.cycle = folder.name

    def artifact(self, name: str) -> pd.DataFrame:
        return pd.read_parquet(self.folder / "artifacts" / f"{name}.parquet")

    def soup(self, page: str) -> BeautifulSoup:
        return BeautifulSoup((self.folder / f"{page}.html").read_text(encoding="utf-8"),
                             "html.parser")

    def tables(self, page: str) -> list[pd.DataFrame]:
        """Every table of a page as text cells, headed by its column headings."""
        return [_frame(t) for t in self.soup(page).find_all("table")]

    def table_with(self, page: str, *headings: str) -> pd.DataFrame:
        found = [t for t in self.tables(page) if all(h in t.columns for h in headings)]
        assert found, f"no table with {headings} on {page}"
        return found[0]

    def bullets(self, page: str) -> list[str]:
        return [li.get_text(" ", strip=True) for li in self.soup(page).find_all("li")]

    def workbook(self):
        return load_workbook(self.folder / f"sop_{self.cycle}.xlsx", data_only=True)

    def recalculated_workbook(self, folder: Path):
        """The workbook as a spreadsheet shows it: its formulas recalculated by LibreOffice."""
        return load_workbook(recalculated(self.folder / f"sop_{self.cycle}.xlsx", folder),
                             data_only=True)


def _frame(table) -> pd.DataFrame:
    head = table.find("thead")
    headings = [th.get_text(" ", strip=True) for th in (head or table).find("tr").find_all(
        ["th", "td"])]
    body = table.find("tbody") or table
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all(["td", "th"])]
            for tr in body.find_all("tr") if tr.find_parent("thead") is None]
    rows = [r for r in rows if len(r) == len(headings) and r != headings]
    return pd.DataFrame(rows, columns=headings)


def number(text: str) -> float:
    """The number a cell shows: '-1,234.5', 'EUR 1,234', '12.5%' (as 0.125), '53.9 days'."""
    found = NUMBER.search(str(text))
    assert found, f"no number in {text!r}"
    value = float(found.group().replace(",", ""))
    return value / 100 if "%" in str(text) else value


def column(frame: pd.DataFrame, start: str) -> str:
    """The heading of `frame` that starts with `start` (headings carry units: 'Revenue (EUR)')."""
    found = [c for c in frame.columns if c == start or c.startswith(start + " (")]
    assert found, f"no column {start!r} in {list(frame.columns)}"
    return found[0]


def _capped(folder: Path, family: str, share: float) -> Path:
    """Cap a family's production at `share` of its average monthly bookings of the last year,
    so that its plan cannot meet demand: a projected stock-out."""
    items = pd.read_csv(folder / "items.csv")
    history = pd.read_csv(folder / "demand_history.csv")
    skus = set(items.loc[items["family"] == family, "sku"])
    booked = history[history["sku"].isin(skus)].groupby("month")["bookings"].sum()
    families = pd.read_csv(folder / "families.csv")
    families.loc[families["family"] == family, "max_production"] = round(
        share * booked.tail(12).mean())
    families.to_csv(folder / "families.csv", index=False)
    return folder


@pytest.fixture(scope="module", params=["sample", "generated"])
def pack(request, tmp_path_factory) -> Pack:
    """The sample (a level family running out of stock in summer, a press line resolved by
    building ahead) and a generated company of 2,000 SKUs (another seed; one family capped
    below its demand, a paint shop resolved by building ahead)."""
    root = tmp_path_factory.mktemp(request.param)
    data = (REPO / "data" / "sample" if request.param == "sample"
            else _capped(write_sample(root / "company", seed=11, skus=2000), "Planters", 0.85))
    assert main(["run", "--data", str(data), "--out", str(root / "reports")]) == 0
    return Pack(next(p for p in (root / "reports").iterdir() if p.name[:2] == "20"))


def test_the_companies_hold_what_the_checks_are_about(pack):
    plan = pack.artifact("plan")
    window = plan[plan["month"] < plan["month"].min() + 12]
    assert (window["shortfall"] > 0.5).any(), "no stock-out to carry to the executive page"
    shortfalls = pack.artifact("shortfalls")
    assert (shortfalls["built_ahead_units"] > 0.5).any(), "no capacity resolved by build-ahead"
    assert (pack.artifact("required_load")["status"] == "overload").any()


def _kpis(pack: Pack) -> pd.DataFrame:
    return pack.artifact("kpis").set_index("kpi")


def _revenue_kpi(pack: Pack) -> pd.Series:
    kpis = _kpis(pack)
    return kpis.loc[next(k for k in kpis.index if k.startswith("Revenue "))]


def test_twelve_month_revenue_is_one_number_on_every_page_the_workbook_and_the_record(pack):
    revenue = round(_revenue_kpi(pack)["value"])
    shown = pack.table_with("04_executive_sop", "KPI", "Value")
    kpi_row = shown[shown["KPI"].str.startswith("Revenue ")].iloc[0]
    assert number(kpi_row["Value"]) == revenue
    money = pack.table_with("03_pre_sop", "Family", "Margin %")
    assert number(money.loc[money["Family"] == "Total", column(money, "Revenue")].iloc[0]) == (
        revenue)
    for page in ("03_pre_sop", "04_executive_sop"):
        scenarios = pack.table_with(page, "Scenario", "Dominated by")
        baseline = scenarios[scenarios["Scenario"] == "Baseline"].iloc[0]
        assert number(baseline[column(scenarios, "Revenue")]) == revenue, page
    bridge = pack.artifact("bridge")
    current = bridge[(bridge["family"] == "Total") & (bridge["driver"] == "current plan")]
    assert round(current["value"].iloc[0]) == revenue
    record = pd.read_csv(pack.folder / "plan_of_record" / "financial_plan.csv")
    months = sorted(record["month"].unique())[:12]
    window = record[(record["family"] == "Total") & record["month"].isin(months)]
    assert round(window["revenue"].sum()) == revenue
    book = pack.workbook()["Summary"]
    cells = {book.cell(row=r, column=1).value: book.cell(row=r, column=2).value
             for r in range(1, book.max_row + 1)}
    assert round(cells[_revenue_kpi(pack).name]) == revenue


def test_every_kpi_reads_the_same_on_the_page_in_the_workbook_and_in_the_artifact(pack):
    kpis = pack.artifact("kpis")
    shown = pack.table_with("04_executive_sop", "KPI", "Value").set_index("KPI")
    book = pack.workbook()["Summary"]
    cells = {book.cell(row=r, column=1).value: book.cell(row=r, column=2).value
             for r in range(1, book.max_row + 1)}
    for row in kpis.itertuples():
        assert row.kpi in shown.index, row.kpi
        if pd.isna(row.value):
            assert shown.loc[row.kpi, "Value"] in ("", "n/a")
            continue
        value = number(shown.loc[row.kpi, "Value"])
        decimals = (3 if row.unit.startswith("share") else
                    1 if row.unit in ("days", "weeks") else 0)
        assert value == pytest.approx(round(row.value, decimals), abs=10 ** -decimals), row.kpi
        assert cells[row.kpi] == pytest.approx(row.value), row.kpi
        assert shown.loc[row.kpi, "Status"] == row.status


def test_the_count_of_decisions_is_the_same_in_the_sentence_the_tables_and_the_workbook(pack):
    decisions = pack.artifact("decisions")
    summary = " ".join(pack.bullets("04_executive_sop"))
    if decisions.empty:
        assert "No decision is needed" in summary
        return
    said = re.search(r"(\d+) decisions? (?:are|is) asked of this meeting; first: .*? "
                     r"\(([A-Z]{3} [\d,]+) at stake\)", summary)
    assert said and int(said.group(1)) == len(decisions)
    assert number(said.group(2)) == round(decisions["impact"].iloc[0])
    on_page = pack.table_with("04_executive_sop", "Rank", "Topic", "Decision")
    assert len(on_page) == len(decisions)
    assert len(pack.table_with("03_pre_sop", "Rank", "Issue", "Options")) == len(decisions)
    sheet = pack.workbook()["Decisions"]
    ranks = [sheet.cell(row=r, column=1).value for r in range(1, sheet.max_row + 1)]
    assert sorted(r for r in ranks if isinstance(r, int)) == list(range(1, len(decisions) + 1))


def test_every_stock_out_or_service_miss_of_the_plan_reaches_the_executive_page(pack):
    plan = pack.artifact("plan")
    window = plan[plan["month"] < plan["month"].min() + 12]
    short = window[window["shortfall"] > 0.5].groupby("family")["shortfall"].sum()
    status = pack.table_with("04_executive_sop", "Family", "Reason").set_index("Family")
    summary = " ".join(pack.bullets("04_executive_sop"))
    for family, units in short.items():
        assert status.loc[family, "Status"] == "red", family
        assert status.loc[family, "Reason"].startswith(("stock-out", "orders late")), family
        assert f"{family}: " in summary and f"{units:,.0f} units" in summary, family
    below = pack.artifact("family_status")
    missed = below[below["service_level"] < below["service_target"] - 1e-9]
    for family in missed["family"]:
        assert status.loc[family, "Status"] != "green" and family in summary


def test_capacity_kpis_judge_the_published_plan_not_the_required_load(pack):
    load = pack.artifact("load")
    window = load[load["month"] < load["month"].min() + 12]
    kpis = _kpis(pack)
    assert kpis.loc["Overloaded resource-months (planned)", "value"] == (
        window["status"] == "overload").sum()
    assert kpis.loc["Peak capacity utilisation (planned)", "value"] == pytest.approx(
        window["utilisation"].max())
    comparison = pack.artifact("scenario_comparison").set_index("scenario")
    assert comparison.loc["Baseline", "overloaded_resource_months"] == (
        window["status"] == "overload").sum()
    capacity_items = pack.artifact("decisions").query("area == 'capacity'")
    overloaded = set(window.loc[window["status"] == "overload", "resource"])
    assert set(capacity_items["family"]) <= overloaded


def test_the_recommendation_is_never_a_dominated_scenario(pack):
    comparison = pack.artifact("scenario_comparison").set_index("scenario")
    chosen = pack.artifact("recommendation")["scenario"].iloc[0]
    assert comparison.loc[chosen, "dominated_by"] == ""
    baseline = comparison.loc["Baseline"]
    if baseline["qualifies"]:
        assert chosen == "Baseline" or (
            comparison.loc[chosen, "net_margin"] > baseline["net_margin"] * 1.001)
    text = pack.soup("04_executive_sop").get_text(" ")
    assert f"Recommended scenario: {chosen}." in text


def test_every_figure_in_a_sentence_is_a_figure_of_the_page(pack):
    soup = pack.soup("04_executive_sop")
    cells = " | ".join(cell.get_text(" ", strip=True) for cell in soup.find_all(["td",
                                                                               "caption"]))
    for sentence in pack.bullets("04_executive_sop"):
        for amount in MONEY_IN_TEXT.findall(sentence):
            digits = amount.split(" ", 1)[1]
            assert digits in cells, f"{amount!r} of {sentence!r} is in no table"
        for share in PERCENT_IN_TEXT.findall(sentence):
            assert share.lstrip("+") in cells or share in cells, (
                f"{share!r} of {sentence!r} is in no table")


def test_no_table_of_any_page_shows_a_raw_value(pack):
    for page in ("01_demand_review", "02_supply_review", "03_pre_sop", "04_executive_sop",
                 "05_family_sheets"):
        for frame in pack.tables(page):
            for heading in frame.columns:
                assert "_" not in heading, (page, heading)
            values = set(frame.to_numpy().ravel())
            assert not values & {"True", "False", "nan", "None", "NaN"}, (page, frame.columns)
            for heading in frame.columns:
                if heading.endswith("%"):
                    shown = [v for v in frame[heading] if v]
                    assert all(v.endswith("%") for v in shown), (page, heading, shown[:3])


def test_one_name_means_one_measure_with_its_month_or_window(pack):
    text = pack.soup("04_executive_sop").get_text(" ")
    names = re.findall(r"[Ii]nventory value[^.;:|(]{0,20}", text)
    assert names and all(("end of" in n) or n.lower().startswith("inventory value (")
                         or "average" in text[max(0, text.find(n) - 9):text.find(n)].lower()
                         for n in names), names
    span = _revenue_kpi(pack).name.removeprefix("Revenue ")
    alts = [img.get("alt", "") for img in pack.soup("04_executive_sop").find_all("img")]
    assert any(span in alt and "revenue" in alt.lower() for alt in alts), alts


def _print_to_pdf(page: Path, target: Path, profile: Path) -> None:
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                    "--no-pdf-header-footer", f"--print-to-pdf={target}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)


def _pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")


@pytest.mark.skipif(CHROMIUM is None or PDFTOTEXT is None,
                    reason="Chromium or pdftotext (poppler-utils) is not installed: the printed "
                           "pages are not checked")
def test_the_first_printed_page_holds_the_meeting_and_each_family_prints_on_its_own(
        pack, tmp_path):
    _print_to_pdf(pack.folder / "04_executive_sop.html", tmp_path / "exec.pdf", tmp_path / "u")
    first = " ".join(_pdf_pages(tmp_path / "exec.pdf")[0].split())
    for words in ("In short", "Headline KPIs", "Decisions needed", "Recommended scenario"):
        assert words in first
    for row in pack.artifact("decisions").itertuples():
        assert f"{row.impact:,.0f}" in first, row.topic
    assert "Overloaded resource-months (planned)" in first
    _print_to_pdf(pack.folder / "05_family_sheets.html", tmp_path / "sheets.pdf", tmp_path / "u")
    pages = [" ".join(p.split()) for p in _pdf_pages(tmp_path / "sheets.pdf") if p.strip()]
    families = sorted(pack.artifact("plan")["family"].unique())
    on_pages = [[f for f in families if f"{f} Status" in page] for page in pages]
    assert on_pages == [[f] for f in families], on_pages


def test_family_sheets_compare_the_closed_months_with_the_forecast_they_had(pack):
    sheets = pack.artifact("family_sheets")
    history = sheets[sheets["period"] == "history"]
    tables = [t for t in pack.tables("05_family_sheets") if "Line" in t.columns]
    assert len(tables) == sheets["family"].nunique()
    months = sorted(history["month"].astype(str).unique())
    for frame in tables:
        line = frame[frame["Line"].str.endswith(("Sales: difference", "Bookings: difference"))]
        assert len(line) == 1
        shown = [line.iloc[0][m] for m in months]
        assert all(shown), f"a closed month's difference is empty: {shown}"
    text = pack.soup("05_family_sheets").get_text(" ")
    assert "replayed from history" in text or "consensus" in text


def test_each_family_sheet_of_the_workbook_reads_as_its_page(pack, tmp_path):
    book = pack.recalculated_workbook(tmp_path)
    tables = [t for t in pack.tables("05_family_sheets") if "Line" in t.columns]
    families = sorted(pack.artifact("plan")["family"].unique())
    assert len(tables) == len(families)
    for family, page in zip(families, tables):
        sheet = book[family]
        rows = list(sheet.iter_rows(min_row=3, values_only=True))
        months = [str(m) for m in rows[0][1:1 + len(page.columns[1:])]]
        assert months == list(page.columns[1:]), family
        cells = {row[0]: row[1:] for row in rows[1:]}
        for line in page.itertuples(index=False):
            label, shown = line[0], line[1:]
            for text, value in zip(shown, cells[label]):
                if text:
                    decimals = 1 if "days" in label or "weeks" in label else 0
                    assert number(text) == round(value, decimals), (family, label, text, value)
                else:
                    assert value is None, (family, label, value)
