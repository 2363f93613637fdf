"""The monthly loop end to end over three cycles: the sample's 2026-11 pack is published,
approved from the example decisions file, and next month's company (history through 2026-11)
runs cycle 2026-12 into the same reports folder; its executive page opens the loop with what
that meeting decided and how 2026-11 went against the approved plan. 2026-12 is never approved:
cycle 2027-01 says so and measures against its proposed plan. The approved 2026-11 pack is not
replaced by a plain run."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from sop_lib.cli import main
from sop_lib.data.sample import write_sample
from sop_lib.run.runner import SAMPLE_DIR
from tests import REPO

CYCLE, NEXT, THIRD = "2026-11", "2026-12", "2027-01"
EXAMPLE = REPO / "docs" / "examples" / f"decisions-{CYCLE}.yaml"


@pytest.fixture(scope="module")
def loop(tmp_path_factory):
    """(the reports folder, next month's company folder, the 2026-12 executive page)."""
    root = tmp_path_factory.mktemp("loop")
    data, reports, following = root / "company", root / "reports", root / "next"
    shutil.copytree(SAMPLE_DIR, data)
    assert main(["run", "--cycle", CYCLE, "--data", str(data), "--out", str(reports)]) == 0
    (data / "decisions").mkdir(exist_ok=True)
    shutil.copy(EXAMPLE, data / "decisions" / f"{CYCLE}.yaml")
    assert main(["approve", "--cycle", CYCLE, "--data", str(data), "--out", str(reports)]) == 0
    write_sample(following, last_closed=CYCLE)
    assert main(["run", "--cycle", NEXT, "--data", str(following), "--out", str(reports)]) == 0
    page = (reports / NEXT / "04_executive_sop.html").read_text(encoding="utf-8")
    return reports, following, BeautifulSoup(page, "html.parser")


def section(soup: BeautifulSoup, title: str) -> tuple[list[str], list[pd.DataFrame]]:
    """The paragraphs and tables (text cells under their headings) of a page's section."""
    heading = next(h for h in soup.find_all("h2") if h.get_text(strip=True) == title + "¶")
    texts, tables = [], []
    for element in heading.find_all_next(["h2", "p", "table"]):
        if element.name == "h2":
            break
        if element.name == "p" and not element.find_parent("table"):
            texts.append(element.get_text(" ", strip=True))
        elif element.name == "table":
            columns = [th.get_text(strip=True) for th in element.select("thead th")]
            rows = [[td.get_text(strip=True) for td in tr.find_all("td")]
                    for tr in element.select("tbody tr")]
            tables.append(pd.DataFrame(rows, columns=columns).assign(
                caption=element.caption.get_text(strip=True) if element.caption else ""))
    return texts, tables


def test_the_page_opens_the_loop_with_the_approval_of_last_month_s_pack(loop):
    _, _, soup = loop
    summary = next(h for h in soup.find_all("h2") if h.get_text().startswith("In short"))
    first = summary.find_next("li").get_text(" ", strip=True)
    assert first.startswith("Since the 2026-11 meeting (No overtime adopted): actions 1 open, "
                            "0 overdue, 0 done; 2026-11 revenue EUR "), first
    texts, (taken, actions) = section(soup, "Since last meeting")
    assert ("The 2026-11 pack was approved by Jane Smith, VP S&OP on 2026-11-12, adopting the "
            "No overtime scenario; this cycle measures against that approved plan.") in texts
    first = taken.iloc[0]
    assert (first["Rank"], first["Family"], first["Outcome"]) == ("1", "Grills", "accepted")
    action = actions[actions["Action"].str.startswith(
        "Confirm the Custom Sheds tender pipeline")].iloc[0]
    assert (action["Item"], action["Owner"], action["Due"], action["Status"]) == (
        "2", "Sales, Custom Sheds", "2026-12", "open")  # due this month: not overdue yet


def test_last_month_is_measured_against_the_approved_plan_with_real_numbers(loop):
    reports, following, soup = loop
    _, [table] = section(soup, "How we did last month")
    assert table["caption"].iloc[0] == "2026-11, the month just closed"
    rows = table.set_index("Measure")
    history = pd.read_csv(following / "demand_history.csv")
    prices = pd.read_csv(following / "items.csv").set_index("sku")["unit_price"]
    closed = history[history["month"] == CYCLE]
    revenue = (closed["shipments"] * closed["sku"].map(prices)).sum()
    money = pd.read_parquet(reports / CYCLE / "artifacts" / "money.parquet")
    planned = money.loc[money["month"] == pd.Period(CYCLE, "M"), "revenue"].sum()
    assert rows.loc["Revenue", "Actual"] == f"EUR {revenue:,.0f}"
    assert rows.loc["Revenue", "Plan"] == f"EUR {planned:,.0f}"
    assert "against the approved plan of 2026-11" in rows.loc["Revenue", "Comment"]
    assert rows.loc["Units shipped", "Actual"] == f"{closed['shipments'].sum():,.0f}"
    for measure in ("Revenue", "Units shipped", "Customer service", "Production (units)",
                    "Inventory value, end of 2026-11", "Forecast accuracy, lag 1 (SKU level)"):
        assert rows.loc[measure, "Status"] in ("green", "amber", "red"), measure
    lag_three = rows.loc["Forecast accuracy, lag 3 (SKU level)"]
    assert (lag_three["Actual"], lag_three["Status"]) == ("", "n/a")  # no 2026-09 pack


@pytest.fixture(scope="module")
def third(loop, tmp_path_factory):
    """The 2027-01 cycle's executive and supply pages, after a 2026-12 never approved."""
    reports, _, _ = loop
    following = write_sample(tmp_path_factory.mktemp("third") / "company", last_closed=NEXT)
    assert main(["run", "--cycle", THIRD, "--data", str(following), "--out", str(reports)]) == 0
    return {name: BeautifulSoup((reports / THIRD / f"{name}.html").read_text(encoding="utf-8"),
                                "html.parser")
            for name in ("04_executive_sop", "02_supply_review")}


def test_a_cycle_after_one_never_approved_says_so_and_uses_its_proposed_plan(third):
    texts, _ = section(third["04_executive_sop"], "Since last meeting")
    assert any(text.startswith("The 2026-12 pack was published but never approved") and
               "proposed plan" in text for text in texts), texts
    supply = third["02_supply_review"].get_text(" ")
    assert "plan of record of cycle 2026-12 (proposed, never approved)" in supply


def test_a_plain_run_does_not_replace_the_approved_pack(loop, capsys):
    reports, _, _ = loop
    data = reports.parent / "company"
    before = (reports / CYCLE / "manifest.json").read_bytes()
    assert main(["run", "--cycle", CYCLE, "--data", str(data), "--out", str(reports)]) == 3
    assert "--replace-approved" in capsys.readouterr().err
    assert (reports / CYCLE / "manifest.json").read_bytes() == before
