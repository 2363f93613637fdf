"""Tests of sop_lib.interactive.scenario_panel: the baseline shown at once, a what-if picked,
re-planned and shown beside the baseline, and saved as a scenario file the run loads (or
refused)."""

import ipywidgets as widgets
import pandas as pd
import pytest

from sop_lib.core.months import month_range
from sop_lib.interactive import ScenarioPanel
from sop_lib.interactive.scenario_view import MEASURES
from sop_lib.presop.balance import balance, balance_summary
from sop_lib.presop.scenarios import (
    BASELINE,
    Change,
    Scenario,
    apply_scenario,
    check_scenarios,
    compare_scenarios,
    load_scenarios,
    run_scenario,
)
from sop_lib.supply.capacity import monthly_capacity
from tests.interactive.builders import (
    build,
    everything_of,
    exported_csvs,
    images_of,
    rows_of,
    shown,
    tables_of,
)

NUMBER_BOXES = ("demand_percent", "capacity_hours", "price_percent")


def _results(wb, scenario=None):
    """compare_scenarios' table of the baseline (and `scenario`), and the plans' balances."""
    tables = wb.read("demand", "consensus")
    results = [run_scenario(wb.company, tables["demand"], tables["consensus"], s)
               for s in (BASELINE, *([scenario] if scenario else []))]
    summaries = [balance_summary(balance(r.plan, r.money)) for r in results]
    return compare_scenarios(results[0], results[1:]), summaries


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


def test_recompute_without_a_change_says_so(shared_wb):
    panel = ScenarioPanel(shared_wb)
    build(panel)
    panel.controls.recompute.click()
    assert "No change chosen" in everything_of(panel.result_output)
    [figures] = tables_of(panel.result_output)
    assert rows_of(figures)[0] == ["Measure", "Baseline"]


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


def test_the_baseline_shows_as_soon_as_the_panel_is_built(shared_wb):
    panel = ScenarioPanel(shared_wb)
    build(panel)
    expected, [summary] = _results(shared_wb)
    [figures] = tables_of(panel.result_output)
    rows = rows_of(figures)
    assert rows[0] == ["Measure", "Baseline"] and len(rows) == 1 + len(MEASURES)
    cells = dict(rows[1:])
    baseline = expected.iloc[0]
    assert cells["Revenue"] == f"EUR {baseline['revenue']:,.0f}"
    assert cells["Service level"] == f"{baseline['service_level']:.1%}"
    assert cells["Overtime hours"] == f"{baseline['overtime_hours']:,.0f}"
    [chart] = [page for page in shown(panel.result_output, "text/html") if "<img" in page]
    grills = summary.set_index("family").loc["Grills"]
    assert f"Grills: Baseline demand {grills['demand']:,.0f} and supply " in chart
    assert [png[:4] for png in images_of(panel.result_output)] == [b"\x89PNG"]


def test_recompute_shows_the_scenario_beside_the_baseline_with_the_difference(shared_wb):
    wb = shared_wb
    panel = ScenarioPanel(wb)
    build(panel)
    c = panel.controls
    c.name.value, c.demand_family.value, c.demand_percent.value = "Grills push", "Grills", 20
    c.demand_from.value = pd.Period("2027-01", "M")
    c.recompute.click()
    grills = Scenario("Grills push", changes=(Change(
        "demand", ("Grills",), tuple(month_range(pd.Period("2027-01", "M"), 16)), "percent",
        20.0),))
    expected, summaries = _results(wb, grills)
    changes, figures = tables_of(panel.result_output)
    assert "Grills: demand +20% in 2027-01 to 2028-04" in changes
    rows = rows_of(figures)
    assert rows[0] == ["Measure", "Baseline", "Grills push", "Difference"]
    cells = {row[0]: row[1:] for row in rows[1:]}
    base, new = expected.iloc[0], expected.iloc[1]
    assert cells["Net margin"] == [f"EUR {base['net_margin']:,.0f}",
                                   f"EUR {new['net_margin']:,.0f}",
                                   f"EUR {new['net_margin'] - base['net_margin']:+,.0f}"]
    assert cells["Service level"] == [f"{base['service_level']:.1%}",
                                      f"{new['service_level']:.1%}",
                                      f"{new['service_level'] - base['service_level']:+.1%}"]
    assert cells["Revenue"][2] == f"EUR {new['revenue'] - base['revenue']:+,.0f}"  # signed
    assert base["service_level"] != new["service_level"]  # the change shows in the figures
    csv = exported_csvs(panel.result_output)["Key figures of Baseline and Grills push"]
    assert list(csv.columns) == ["Measure", "Baseline", "Grills push", "Difference"]
    for (column, _, _), row in zip(MEASURES, csv.itertuples(index=False)):
        assert row.Baseline == pytest.approx(base[column], nan_ok=True), column
        assert row[2] == pytest.approx(new[column], nan_ok=True), column
        assert row.Difference == pytest.approx(new[column] - base[column], nan_ok=True), column
    [chart, _] = [page for page in shown(panel.result_output, "text/html") if "<img" in page]
    before, after = (s.set_index("family").loc["Grills"] for s in summaries)
    assert before["demand"] != after["demand"]
    assert (f"Grills: Baseline demand {before['demand']:,.0f} and supply "
            f"{before['supply']:,.0f}, Grills push demand {after['demand']:,.0f} and supply "
            f"{after['supply']:,.0f}") in chart


@pytest.mark.parametrize(("name", "expected"), [
    ("Difference", "A scenario cannot be called Difference"),
    ("Baseline", "Scenario names must differ"),
])
def test_a_scenario_named_like_a_column_of_the_comparison_is_refused(shared_wb, name, expected):
    panel = ScenarioPanel(shared_wb)
    build(panel)
    c = panel.controls
    c.name.value, c.price_family.value, c.price_percent.value = name, "Grills", 5
    c.recompute.click()
    assert expected in everything_of(panel.result_output)
    assert not tables_of(panel.result_output)


def test_a_demand_change_stops_after_its_to_month_and_is_saved_so(open_copy, company_dir):
    wb = open_copy()
    panel = ScenarioPanel(wb)
    build(panel)
    c = panel.controls
    c.name.value, c.demand_family.value, c.demand_percent.value = "Spring", "Grills", 20
    c.demand_from.value, c.demand_to.value = (pd.Period(m, "M") for m in ("2027-01", "2027-03"))
    [change] = panel.scenario().changes
    assert change.months == tuple(pd.period_range("2027-01", "2027-03", freq="M"))
    tables = wb.read("demand", "consensus")
    changed = apply_scenario(wb.company, tables["demand"], tables["consensus"],
                             panel.scenario())
    base, new = (t.set_index(["family", "month"])["consensus"]
                 for t in (tables["demand"], changed.demand))
    for month in month_range(wb.cycle, wb.horizon):
        inside = pd.Period("2027-01", "M") <= month <= pd.Period("2027-03", "M")
        assert new[("Grills", month)] == pytest.approx(base[("Grills", month)] *
                                                       (1.2 if inside else 1.0)), month
    c.save.click()
    path = company_dir / "scenarios" / "spring.yaml"
    assert "from: 2027-01" in path.read_text() and "to: 2027-03" in path.read_text()
    [loaded], problems = check_scenarios(wb.company, [path], cycle=wb.cycle, horizon=wb.horizon)
    assert not problems and loaded.changes == panel.scenario().changes


def test_a_demand_change_that_ends_before_it_starts_is_refused(shared_wb):
    panel = ScenarioPanel(shared_wb)
    build(panel)
    c = panel.controls
    c.demand_family.value, c.demand_percent.value = "Grills", 10
    c.demand_from.value, c.demand_to.value = (pd.Period(m, "M") for m in ("2027-03", "2027-01"))
    c.recompute.click()
    assert ("The demand change ends (2027-01) before it starts (2027-03)"
            in everything_of(panel.result_output))


def test_every_control_says_what_it_sets_in_its_unit(shared_wb):
    panel = ScenarioPanel(shared_wb)
    c = panel.controls
    currency = shared_wb.company.config.currency
    assert {name: getattr(c, name).description for name in NUMBER_BOXES} == {
        "demand_percent": "Demand change (%)", "capacity_hours": "Extra capacity (hours per month)",
        "price_percent": "Price change (%)"}
    assert all(isinstance(getattr(c, name), widgets.BoundedFloatText | widgets.BoundedIntText)
               for name in NUMBER_BOXES)
    assert currency in c.price_percent.tooltip and currency in c.capacity_hours.tooltip
    assert c.demand_to.description == "To month"
    for name, control in vars(c).items():
        assert control.tooltip, name
        if not isinstance(control, widgets.Button):
            assert control.style.description_width == "initial", name
    parts = [w.value for w in panel.widget.children if isinstance(w, widgets.HTML)]
    folder = shared_wb.company.folder / "scenarios"
    assert "<b>Recompute</b>" in parts[0] and f"<code>{folder}/&lt;name&gt;.yaml" in parts[0]
    assert parts[1:] == ["<b>Demand</b>", "<b>Capacity</b>", "<b>Price</b>"]
