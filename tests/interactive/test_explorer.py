"""Tests of sop_lib.interactive.explorer: a family or a SKU picked, and its chart, method,
accuracy and segment shown in the Output widget, data escaped."""
import pandas as pd
import pytest

from sop_lib import engine
from sop_lib.interactive import Explorer, OverrideEditor, ScenarioPanel
from sop_lib.run.workbook import open_workbook
from tests.interactive.builders import EVIL, everything_of, images_of, markdown_of, tables_of


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
