"""Tests of sop_lib.presop.scenario_review: every scenario of the company folder re-planned with
the cycle's plan of record, compared with the baseline, and the recommended one's money view."""
import json

import pandas as pd
import pytest

from sop_lib.core.errors import DataError, SopError
from sop_lib.presop.scenario_review import CycleScenarios, adopted_plan, compare_cycle_scenarios
from sop_lib.presop.scenarios import RECOMMENDATION_RULE, recommend
from sop_lib.store.cycle import PlanningCycle
from tests.scenario_builders import CYCLE, MONTHS, demand_frames, small_company, write_scenario

SHIFT = "name: Press shift\nchanges:\n  - capacity: {resource: R1, add_hours: 40}\n"
NO_OVERTIME = "name: No overtime\nchanges:\n  - overtime: {resource: all, allowed: false}\n"
PRICE_CUT = "name: Price cut\nchanges:\n  - price: {family: A, percent: -5}\n"


def review(folder, *, r1=(1000.0, 0.0)):
    """The scenario review of CYCLE for the small company in `folder` (A needs 150 hours of R1
    a month), its archive in `folder`/archive."""
    company = small_company(r1=r1, folder=folder)
    demand, consensus = demand_frames({"A1": 100.0, "A2": 50.0, "B1": 10.0})
    return compare_cycle_scenarios(PlanningCycle(company, CYCLE, 12, folder / "archive"),
                                   demand, consensus)


def publish_plan(folder, rows):
    """Publish last cycle's pack in the archive with a production plan of (family, month,
    production) rows."""
    pack = folder / "archive" / f"{CYCLE - 1:%Y-%m}"
    (pack / "artifacts").mkdir(parents=True)
    (pack / "manifest.json").write_text(json.dumps({"status": "complete"}), encoding="utf-8")
    plan = pd.DataFrame(rows, columns=["family", "month", "production"])
    plan["month"] = pd.PeriodIndex(plan["month"], freq="M")
    plan.to_parquet(pack / "artifacts" / "plan.parquet")


def test_a_cycle_without_scenarios_compares_the_baseline_alone(tmp_path):
    result = review(tmp_path)
    assert isinstance(result, CycleScenarios)
    assert result.comparison["scenario"].tolist() == ["Baseline"]
    assert result.changes.empty
    assert list(result.changes.columns) == ["scenario", "change", "kind", "description"]
    assert result.recommendation["scenario"].tolist() == ["Baseline"]
    assert result.chosen_money is None


def test_every_scenario_is_compared_and_the_rule_picks_one(tmp_path):
    write_scenario(tmp_path, "a.yaml", SHIFT)
    write_scenario(tmp_path, "b.yaml", NO_OVERTIME)
    result = review(tmp_path, r1=(100.0, 20.0))  # R1 gives at most 120 of A's 150 hours
    comparison = result.comparison.set_index("scenario")
    assert list(comparison.index) == ["Baseline", "Press shift", "No overtime"]
    assert comparison["qualifies"].tolist() == [False, True, False]
    assert comparison.loc["Press shift", "units"] == pytest.approx(12 * 160)
    assert result.changes[["scenario", "description"]].values.tolist() == [
        ["Press shift", "R1: +40 regular hours a month in 2026-01 to 2026-12"],
        ["No overtime", "R1, R2: no overtime in 2026-01 to 2026-12"]]
    assert list(result.recommendation.columns) == ["scenario", "reason", "others", "rule"]
    [row] = result.recommendation.to_dict("records")
    assert row["scenario"] == "Press shift"
    assert row["scenario"] == recommend(result.comparison, currency="EUR").scenario
    assert row["rule"] == RECOMMENDATION_RULE
    assert "Baseline" in row["others"] and row["others"] == row["others"].strip()


def test_the_money_view_is_that_of_the_recommended_plan(tmp_path):
    write_scenario(tmp_path, "a.yaml", SHIFT)
    write_scenario(tmp_path, "b.yaml", NO_OVERTIME)
    money = review(tmp_path, r1=(100.0, 20.0)).chosen_money
    # with 40 hours more R1 makes A's 150 units every month: only the shift plans that
    units = money.set_index(["family", "month"])["units"]
    assert units.loc["A"].tolist() == pytest.approx([150.0] * 12)
    assert units.loc["B"].tolist() == pytest.approx([10.0] * 12)
    assert list(units.loc["A"].index) == list(MONTHS)


def test_no_money_view_when_the_baseline_is_recommended_over_a_worse_scenario(tmp_path):
    write_scenario(tmp_path, "cut.yaml", PRICE_CUT)
    result = review(tmp_path)
    comparison = result.comparison.set_index("scenario")
    assert comparison.loc["Price cut", "revenue"] < comparison.loc["Baseline", "revenue"]
    assert result.recommendation["scenario"].tolist() == ["Baseline"]
    assert result.chosen_money is None


def test_the_scenarios_are_planned_with_last_cycles_plan_of_record(tmp_path):
    write_scenario(tmp_path, "a.yaml", SHIFT)
    free = review(tmp_path).comparison.set_index("scenario")
    # last cycle planned 450 units of A in the cycle's first month, inside the time fence
    publish_plan(tmp_path, [("A", "2026-01", 450.0), ("A", "2026-02", 150.0),
                            ("B", "2026-01", 10.0), ("B", "2026-02", 10.0)])
    fenced = review(tmp_path).comparison.set_index("scenario")
    for scenario in ("Baseline", "Press shift"):
        assert free.loc[scenario, "holding_cost"] == 0
        assert fenced.loc[scenario, "holding_cost"] > 0  # 300 units built ahead, then held
        assert fenced.loc[scenario, "average_inventory_value"] > 0


def test_a_scenario_file_the_run_cannot_read_is_refused_naming_it(tmp_path):
    write_scenario(tmp_path, "a.yaml", SHIFT)
    write_scenario(tmp_path, "bad.yaml", "name: Bad\nchanges:\n  - demand: {family: Z, "
                                         "percent: 10}\n")
    with pytest.raises(DataError, match="bad.yaml"):
        review(tmp_path)


def test_the_adopted_plan_has_the_figures_the_comparison_gave_it(tmp_path):
    write_scenario(tmp_path, "no-overtime.yaml", NO_OVERTIME)
    company = small_company(r1=(100.0, 80.0), folder=tmp_path)
    demand, consensus = demand_frames({"A1": 100.0, "A2": 50.0, "B1": 10.0})
    run = PlanningCycle(company, CYCLE, 12, tmp_path / "archive")
    compared = compare_cycle_scenarios(run, demand, consensus).comparison.set_index("scenario")
    for name in ("Baseline", "No overtime"):
        adopted = adopted_plan(run, demand, consensus, name)
        assert adopted.scenario.name == name
        assert adopted.money["revenue"].sum() == pytest.approx(compared.loc[name, "revenue"])
        assert adopted.plan["overtime_hours"].sum() == pytest.approx(
            compared.loc[name, "overtime_hours"])
    with pytest.raises(SopError, match="'Extra shift' is not among the cycle's scenarios "
                                       r"\(Baseline, No overtime\)"):
        adopted_plan(run, demand, consensus, "Extra shift")
