"""Tests of sop_lib.interactive.scenario_panel: a what-if picked, re-planned against the
baseline, and saved as a scenario file the run loads (or refused)."""
import pandas as pd
import pytest

from sop_lib.core.months import month_range
from sop_lib.interactive import ScenarioPanel
from sop_lib.presop.scenarios import (
    BASELINE,
    Change,
    Scenario,
    apply_scenario,
    compare_scenarios,
    load_scenarios,
    run_scenario,
)
from sop_lib.supply.capacity import monthly_capacity
from tests.interactive.builders import build, everything_of, images_of, tables_of


def _what_if(panel, *, name="Grills push", percent=20):
    build(panel)
    c = panel.controls
    c.name.value = name
    c.demand_family.value = "Grills"
    c.demand_from.value = pd.Period("2027-01", "M")
    c.demand_percent.value = percent
    c.capacity_resource.value = "Paint Shop"
    c.capacity_from.value = pd.Period("2027-02", "M")
    c.capacity_to.value = pd.Period("2027-04", "M")
    c.capacity_hours.value = 80
    c.overtime.value = False
    c.price_family.value = "Grills"
    c.price_percent.value = -5


def test_a_new_panel_offers_no_change_as_a_choice_the_browser_can_show(shared_wb):
    panel = ScenarioPanel(shared_wb)
    build(panel)
    c = panel.controls
    for picker in (c.demand_family, c.capacity_resource, c.price_family):
        # ipywidgets' front end shows a picked None as an empty box: "(no change)" is text
        assert (picker.label, picker.value, picker.index) == ("(no change)", "", 0)
    assert panel.scenario().changes == ()
    c.demand_family.value = "Grills"
    c.demand_percent.value = 10
    c.demand_family.value = ""
    assert panel.scenario().changes == ()


def test_recompute_compares_the_what_if_with_the_baseline(shared_wb):
    wb = shared_wb
    panel = ScenarioPanel(wb)
    build(panel)
    panel.controls.demand_family.value = "Grills"
    panel.controls.demand_from.value = pd.Period("2027-01", "M")
    panel.controls.demand_percent.value = 20
    panel.controls.recompute.click()
    tables = wb.read("demand", "consensus")
    grills = Scenario("What-if", changes=(Change(
        "demand", ("Grills",), tuple(month_range(pd.Period("2027-01", "M"), 16)), "percent",
        20.0),))
    expected = compare_scenarios(
        run_scenario(wb.company, tables["demand"], tables["consensus"], BASELINE),
        [run_scenario(wb.company, tables["demand"], tables["consensus"], grills)])
    changes, comparison = tables_of(panel.result_output)
    assert "Grills: demand +20% in 2027-01 to 2028-04" in changes
    for row in expected.itertuples():
        assert f">{row.revenue:,.0f}<" in comparison and f">{row.units:,.0f}<" in comparison
    assert ">Baseline<" in comparison and ">What-if<" in comparison
    assert [png[:4] for png in images_of(panel.result_output)] == [b"\x89PNG"] * 2


def test_recompute_without_a_change_says_so(shared_wb):
    panel = ScenarioPanel(shared_wb)
    build(panel)
    panel.controls.recompute.click()
    assert "No change chosen" in everything_of(panel.result_output)


def test_saved_yaml_loads_and_changes_the_plan_as_asked(open_copy, company_dir):
    wb = open_copy()
    panel = ScenarioPanel(wb)
    _what_if(panel)
    panel.controls.save.click()
    assert (company_dir / "scenarios" / "grills-push.yaml").is_file()
    [loaded] = load_scenarios(wb.company, cycle=wb.cycle, horizon=wb.horizon)
    assert loaded.name == "Grills push" and loaded.changes == panel.scenario().changes
    tables = wb.read("demand", "consensus")
    changed = apply_scenario(wb.company, tables["demand"], tables["consensus"], loaded)
    base, new = (t.set_index(["family", "month"]) for t in (tables["demand"], changed.demand))
    for month in month_range(wb.cycle, wb.horizon):
        units = base.at[("Grills", month), "consensus"]
        value = base.at[("Grills", month), "consensus_value"]
        factor = 1.2 if month >= pd.Period("2027-01", "M") else 1.0
        assert new.at[("Grills", month), "consensus"] == pytest.approx(units * factor)
        assert new.at[("Grills", month), "consensus_value"] == pytest.approx(
            value * factor * 0.95)
        assert new.at[("Garden Tools", month), "consensus"] == base.at[
            ("Garden Tools", month), "consensus"]
    hours = monthly_capacity(changed.company, month_range(wb.cycle, wb.horizon)).set_index(
        ["resource", "month"])
    usual = wb.company.resources.set_index("resource")["available_hours"]
    for month, added in (("2027-01", 0), ("2027-02", 80), ("2027-04", 80), ("2027-05", 0)):
        key = ("Paint Shop", pd.Period(month, "M"))
        assert hours.at[key, "available_hours"] == usual["Paint Shop"] + added
    assert (hours["max_overtime_hours"] == 0).all()


def test_save_refuses_to_overwrite_unless_confirmed(open_copy, company_dir):
    wb = open_copy()
    panel = ScenarioPanel(wb)
    _what_if(panel)
    panel.controls.save.click()
    path = company_dir / "scenarios" / "grills-push.yaml"
    first = path.read_bytes()
    panel.controls.demand_percent.value = 30
    panel.controls.save.click()
    assert "already exists" in everything_of(panel.save_output) and path.read_bytes() == first
    panel.controls.overwrite.value = True
    panel.controls.save.click()
    [loaded] = load_scenarios(wb.company, cycle=wb.cycle, horizon=wb.horizon)
    assert loaded.changes[0].amount == 30.0
    assert panel.controls.overwrite.value is False


@pytest.mark.parametrize(("name", "expected"), [
    ("Baseline", "already the name of the plan without changes"),
    ("grills push", "expected a name of its own"),
    ("  ", "Give the scenario a name"),
])
def test_save_refuses_a_scenario_the_run_could_not_load(open_copy, company_dir, name, expected):
    folder = company_dir / "scenarios"
    folder.mkdir()
    (folder / "other.yaml").write_text(
        "name: Grills Push\nchanges:\n  - demand: {family: Grills, percent: 5}\n")
    panel = ScenarioPanel(open_copy())
    _what_if(panel, name=name)
    panel.controls.save.click()
    assert expected in everything_of(panel.save_output)
    assert [p.name for p in folder.iterdir()] == ["other.yaml"]


def test_save_refuses_a_scenario_without_changes(open_copy, company_dir):
    panel = ScenarioPanel(open_copy())
    build(panel)
    panel.controls.save.click()
    assert "at least one change" in everything_of(panel.save_output)
    assert not (company_dir / "scenarios").exists()
