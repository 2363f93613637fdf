"""Tests of sop_lib.interactive.explorer: families and SKUs found by typing, one picked and its
chart, method, accuracy and segment shown in the Output widget, or several compared; tables
exportable, data escaped."""
import base64
import io
import re

import pandas as pd
import pytest

from sop_lib import engine
from sop_lib.interactive import Explorer, OverrideEditor, ScenarioPanel
from sop_lib.run.workbook import open_workbook
from tests.interactive.builders import (
    EVIL,
    build,
    everything_of,
    images_of,
    markdown_of,
    shown,
    tables_of,
)


def test_nothing_is_read_or_computed_until_a_widget_is_built(reviewed, tmp_path):
    wb = open_workbook(data_dir=reviewed[0], reports_dir=tmp_path / "reports",
                       archive_dir=tmp_path / "archive")
    tools = [Explorer(wb), OverrideEditor(wb), ScenarioPanel(wb)]
    assert not (tmp_path / "reports").exists()
    assert all("widget" not in vars(tool) for tool in tools)


def test_explorer_lists_families_first_then_every_sku(shared_wb):
    wb = shared_wb
    options = [value for _, value in Explorer(wb).picker.options]
    families = sorted(wb.company.families["family"])
    assert options[:len(families)] == [("family", f) for f in families]
    assert sorted(code for level, code in options[len(families):]) == sorted(
        wb.company.items["sku"])
    assert all(level == "sku" for level, _ in options[len(families):])


def test_explorer_shows_a_family(shared_wb):
    wb = shared_wb
    explorer = Explorer(wb)
    explorer.select("Grills")
    tables = wb.read("demand", "family_forecast", "forecast", "accuracy", "segments")
    demand = tables["demand"][tables["demand"]["family"] == "Grills"]
    markdown = markdown_of(explorer.output)
    assert "### Grills" in markdown
    assert f"statistical forecast {demand['statistical'].sum():,.0f} units" in markdown
    own = tables["family_forecast"].query("family == 'Grills'")["method"].iloc[0]
    assert engine.describe(own) in markdown
    [png] = images_of(explorer.output)
    assert png.startswith(b"\x89PNG")
    methods, accuracy, segments = tables_of(explorer.output)
    for method in tables["forecast"].query("family == 'Grills'")["method"].unique():
        assert method in methods
    lag1 = tables["accuracy"].query("family == 'Grills' and lag == 1").iloc[0]
    assert "Accuracy and bias of Grills" in accuracy
    assert f"{lag1['wape_statistical']:.1%}" in accuracy
    assert "GR-001" in segments and "GR-002" in segments and "GT-002" not in segments


def test_explorer_says_an_intermittent_sku_was_chosen_by_backtest(shared_wb):
    forecast = shared_wb.read("forecast")["forecast"]
    scores = shared_wb.read("scores")["scores"].set_index("sku")
    chosen = scores.index[scores["combo"].isna() & scores.notna().any(axis=1)]
    explorer = Explorer(shared_wb)
    explorer.select(chosen[0])
    markdown = markdown_of(explorer.output)
    method = forecast.query("sku == @chosen[0]")["method"].iloc[0]
    assert method in markdown and "chosen by backtest among the" in markdown
    assert "the mean of the" not in markdown


def test_explorer_shows_a_sku_with_its_backtest_candidates(shared_wb):
    wb = shared_wb
    explorer = Explorer(wb)
    explorer.select("CS-001")
    scores = wb.read("scores")["scores"].set_index("sku").loc["CS-001"].dropna().sort_values()
    method = wb.read("forecast")["forecast"].query("sku == 'CS-001'")["method"].iloc[0]
    markdown = markdown_of(explorer.output)
    assert "Tool Shed Classic" in markdown and method in markdown
    if method.startswith("combo: ") and "combo" in scores.index:  # the mean of the candidates
        rank = int((scores < scores["combo"]).sum()) + 1
        assert "the mean of the" in markdown and f"ranked {rank} of {len(scores)}" in markdown
    else:
        assert f"ranked 1 of {len(scores)}" in markdown
    assert "measured per family, not per SKU; those of Custom Sheds" in markdown
    [png] = images_of(explorer.output)
    assert png.startswith(b"\x89PNG")
    candidates, accuracy, segment = tables_of(explorer.output)
    positions = [candidates.index(f">{score:.3f}<") for score in scores]
    assert positions == sorted(positions)  # best first
    assert "Accuracy and bias of Custom Sheds" in accuracy
    assert "CS-001" in segment and "smooth" in segment and "CS-002" not in segment


def test_explorer_says_a_new_sku_is_forecast_by_rule(shared_wb):
    wb = shared_wb
    assert wb.read("segments")["segments"].set_index("sku").at["GR-001", "lifecycle"] == "new"
    explorer = Explorer(wb)
    explorer.select("GR-001")
    markdown = markdown_of(explorer.output)
    assert "Not chosen by backtest" in markdown and "new item" in markdown


def test_explorer_escapes_what_comes_from_data(open_copy, company_dir):
    items = pd.read_csv(company_dir / "items.csv", dtype=str, keep_default_na=False)
    items.loc[items["sku"] == "GT-002", "description"] = EVIL
    items.to_csv(company_dir / "items.csv", index=False)
    explorer = Explorer(open_copy())
    explorer.select("GT-002")
    page = everything_of(explorer.output)
    assert "&lt;script&gt;" in page
    assert "<script" not in page and "<img src=x" not in page


def test_explorer_refuses_an_unknown_code(shared_wb):
    with pytest.raises(Exception, match="neither a family nor a SKU"):
        Explorer(shared_wb).select("Nope")


def picked(explorer) -> list:
    return [value for _, value in explorer.picker.options]


def export_csv_of(output) -> pd.DataFrame:
    """The CSV the first export bar of an Output widget downloads, read back."""
    [bar, *_] = [page for page in shown(output, "text/html") if "sop-export" in page]
    data = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', bar).group(1)
    return pd.read_csv(io.BytesIO(base64.b64decode(data)), encoding="utf-8-sig",
                       keep_default_na=False, na_values=[""])


def png_width(png: bytes) -> int:
    return int.from_bytes(png[16:20], "big")  # the PNG header's width


def test_explorer_find_narrows_the_list_and_keeps_what_is_picked(shared_wb):
    items = shared_wb.company.items
    explorer = Explorer(shared_wb)
    build(explorer)
    first = explorer.picker.value
    assert first == (("family", "Custom Sheds"),)
    shown_first = markdown_of(explorer.output)
    families = " ".join(shared_wb.company.families["family"]).casefold()
    description = items.set_index("sku").at["GR-002", "description"]
    fragment = next(word for word in description.split() if word.casefold() not in families)
    explorer.find.value = fragment.upper()  # a word of its description, in another case
    matches = items.loc[items["description"].str.casefold().str.contains(fragment.casefold()),
                        "sku"]
    assert ("sku", "GR-002") in picked(explorer) and len(matches) < len(items)
    assert picked(explorer) == [*first, *sorted(("sku", sku) for sku in matches)]
    assert explorer.picker.value == first
    assert markdown_of(explorer.output) == shown_first  # typing changes no picture
    explorer.find.value = "garden tools"
    garden = sorted(("sku", sku) for sku in items.query("family == 'Garden Tools'")["sku"])
    assert picked(explorer) == [*first, ("family", "Garden Tools"), *garden]
    explorer.find.value = "nothing matches this"
    assert picked(explorer) == list(first)
    explorer.find.value = ""
    assert len(picked(explorer)) == len(explorer.choices)


def test_explorer_picks_a_second_series_to_compare_from_the_list(shared_wb):
    explorer = Explorer(shared_wb)
    build(explorer)
    explorer.find.value = "GR-002"
    explorer.picker.value = (*explorer.picker.value, ("sku", "GR-002"))  # a Ctrl-click
    markdown = markdown_of(explorer.output)
    assert "### Comparing Family Custom Sheds; SKU GR-002" in markdown
    assert "share one units axis" in markdown


def test_explorer_compares_series_on_one_wide_chart_and_one_table(shared_wb):
    wb = shared_wb
    explorer = Explorer(wb)
    explorer.compare(["Grills", ("sku", "GR-002"), "CS-001"])
    tables = wb.read("demand", "consensus", "accuracy")
    demand, consensus = tables["demand"], tables["consensus"]
    [png] = images_of(explorer.output)
    assert 900 <= png_width(png) <= 1100
    [page] = tables_of(explorer.output)
    for heading in ("Booked units last 12 months", "Statistical units", "Consensus units",
                    "Override change %", "WAPE statistical"):
        assert heading in page
    compared = export_csv_of(explorer.output).set_index("Code")
    assert list(compared.index) == ["Grills", "GR-002", "CS-001"]
    assert list(compared["Level"]) == ["Family", "SKU", "SKU"]
    history = wb.company.demand_history.merge(wb.company.items[["sku", "family"]], on="sku")
    last_year = history[(history["month"] >= wb.cycle - 12) & (history["month"] < wb.cycle)]
    expected = {"Grills": (demand.query("family == 'Grills'"),
                           last_year.query("family == 'Grills'")),
                "GR-002": (consensus.query("sku == 'GR-002'"), last_year.query("sku == 'GR-002'")),
                "CS-001": (consensus.query("sku == 'CS-001'"), last_year.query("sku == 'CS-001'"))}
    for code, (future, booked) in expected.items():
        row = compared.loc[code]
        assert row["Booked units last 12 months"] == pytest.approx(booked["bookings"].sum())
        assert row["Statistical units"] == pytest.approx(future["statistical"].sum())
        assert row["Consensus units"] == pytest.approx(future["consensus"].sum())
        assert row["Override change %"] == pytest.approx(
            future["consensus"].sum() / future["statistical"].sum() - 1)
    lag1 = tables["accuracy"].query("family == 'Grills' and lag == 1")["wape_statistical"]
    assert compared.at["Grills", "WAPE statistical"] == pytest.approx(lag1.iloc[0])
    assert compared["WAPE statistical"].iloc[1:].isna().all()


def test_a_comparison_of_skus_alone_has_no_empty_accuracy_column(shared_wb):
    """Accuracy is measured per family: compared SKUs get no column that would stay empty."""
    explorer = Explorer(shared_wb)
    explorer.compare([("sku", "GR-002"), "CS-001"])
    [page] = tables_of(explorer.output)
    assert "WAPE" not in page and "Consensus units" in page


def test_explorer_refuses_more_than_five(shared_wb):
    explorer = Explorer(shared_wb)
    explorer.compare(sorted(shared_wb.company.items["sku"])[:6])
    assert "**Pick at most five** to compare: 6 are picked." in markdown_of(explorer.output)
    assert images_of(explorer.output) == [] and tables_of(explorer.output) == []


def test_explorer_draws_one_series_wide_with_its_tables_exportable(shared_wb):
    explorer = Explorer(shared_wb)
    explorer.select("GR-002")
    [png] = images_of(explorer.output)
    assert 900 <= png_width(png) <= 1100
    pages = shown(explorer.output, "text/html")
    bars = [at for at, page in enumerate(pages) if "sop-export" in page]
    assert len(bars) == len(tables_of(explorer.output)) == 3
    assert all("<table" in pages[at - 1] for at in bars)  # each right under its table
    candidates = export_csv_of(explorer.output)
    scores = shared_wb.read("scores")["scores"].set_index("sku").loc["GR-002"].dropna()
    assert list(candidates.columns) == ["Candidate", "Description", "Score"]
    assert candidates.set_index("Candidate")["Score"].to_dict() == pytest.approx(
        scores.sort_values().to_dict())
    segment = tables_of(explorer.output)[2]
    assert "ABC" in segment and "CV²" in segment and "Months of history" in segment
    assert "months_of_history" not in segment
