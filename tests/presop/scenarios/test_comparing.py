"""Running scenarios through the plan, comparing them, and the recommendation rule."""
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sop_lib.core.errors import SopError
from sop_lib.data.validation import load_company
from sop_lib.demand.review import review_demand
from sop_lib.presop.scenarios import (
    COMPARISON_COLUMNS,
    RECOMMENDATION_RULE,
    Change,
    Scenario,
    ScenarioResult,
    compare_scenarios,
    load_scenarios,
    recommend,
    run_scenario,
)
from tests import REPO
from tests.scenario_builders import MONTHS, demand_frames, small_company

SAMPLE = REPO / "data" / "sample"
SPRING = tuple(pd.period_range("2026-03", "2026-05", freq="M"))
WHOLE = tuple(MONTHS)


def scenario(*changes, name="S"):
    return Scenario(name, changes=changes)


# --- running ---------------------------------------------------------------------------------

def test_capacity_added_removes_the_shortfall_and_the_overloads():
    company = small_company(r1=(100.0, 20.0))  # A needs 150 h a month, R1 gives at most 120
    demand, consensus = demand_frames({"A1": 100.0, "A2": 50.0, "B1": 10.0})
    baseline = run_scenario(company, demand, consensus)
    shift = run_scenario(company, demand, consensus,
                         scenario(Change("capacity", ("R1",), WHOLE, "add_hours", 40.0)))
    assert baseline.plan["shortfall"].sum() > 0
    assert shift.plan["shortfall"].sum() == pytest.approx(0.0, abs=1e-6)
    assert shift.plan["constrained"].sum() < baseline.plan["constrained"].sum()
    assert (baseline.required_load["status"] == "overload").sum() == 12
    assert (shift.required_load["status"] == "overload").sum() == 0
    a_plan = shift.plan[shift.plan["family"] == "A"]
    assert a_plan["shipments"].to_numpy() == pytest.approx(np.full(12, 150.0))
    assert shift.notes == ()


def test_demand_up_in_some_months_raises_the_plan_demand_there_only():
    company = small_company()
    demand, consensus = demand_frames({"A1": 100.0, "A2": 50.0, "B1": 10.0})
    result = run_scenario(company, demand, consensus,
                          scenario(Change("demand", ("A",), SPRING, "percent", 10.0)))
    planned = result.plan.set_index(["family", "month"])["demand"]
    assert planned.loc["A"].to_dict() == {m: pytest.approx(165.0 if m in SPRING else 150.0)
                                          for m in MONTHS}
    assert planned.loc["B"].eq(10.0).all()
    revenue = result.money.set_index(["family", "month"])["revenue"].loc["A"]
    assert revenue[SPRING[0]] == pytest.approx(1.1 * (100 * 10 + 50 * 20))


def test_banned_overtime_leaves_no_overtime_hours():
    company = small_company(r1=(100.0, 20.0))
    demand, consensus = demand_frames({"A1": 60.0, "A2": 50.0, "B1": 10.0})
    baseline = run_scenario(company, demand, consensus)
    banned = run_scenario(company, demand, consensus,
                          scenario(Change("overtime", ("R1", "R2"), WHOLE, "max_hours", 0.0)))
    assert baseline.load["overtime_hours"].sum() > 0
    assert banned.load["overtime_hours"].sum() == 0
    assert banned.plan["shipments"].sum() < baseline.plan["shipments"].sum()


def test_month_specific_hours_cut_the_plan_in_those_months_only():
    company = small_company(r1=(100.0, 20.0))
    demand, consensus = demand_frames({"A1": 100.0, "A2": 50.0, "B1": 10.0})
    base = run_scenario(company, demand, consensus)
    down = run_scenario(company, demand, consensus,
                        scenario(Change("capacity", ("R1",), SPRING[:1], "available_hours", 0.0)))
    load = down.load.set_index(["resource", "month"])
    march = load.loc[("R1", SPRING[0])]
    assert march["available_hours"] == 0.0
    assert march["load_hours"] <= march["max_overtime_hours"] + 1e-6
    before = base.load.set_index(["resource", "month"]).loc[("R1", SPRING[0]), "load_hours"]
    assert march["load_hours"] < before
    assert down.notes == ()


# --- comparing -------------------------------------------------------------------------------

def crafted(name, *, r1_available, r1_overtime, r1_utilisation, r1_status,
            r1_required_utilisation, r1_required_status, holding=(0.0, 0.0, 0.0)
            ) -> ScenarioResult:
    """A result over 2026-01..03 with hand-set figures: A (MTS) ships its demand of 100, B (MTO)
    ships 8 then 10 of 10 a month; R1's hours, overtime, planned load (utilisation, status) and
    required load as given; A's holding cost month by month."""
    months = pd.PeriodIndex(["2026-01", "2026-02", "2026-03"], freq="M")
    company = small_company(r1=(100.0, 20.0))

    def frame(rows):
        table = pd.DataFrame(rows)
        table["month"] = pd.PeriodIndex(table["month"], freq="M")
        return table

    plan = frame([
        *({"family": "A", "strategy": "MTS", "month": m, "demand": 100.0, "shipments": 100.0,
           "shortfall": 0.0, "backlog": 0.0, "target": 0.0, "holding_cost": cost}
          for m, cost in zip(months, holding)),
        *({"family": "B", "strategy": "MTO", "month": m, "demand": 10.0, "shipments": ship,
           "shortfall": 2.0, "backlog": 2.0, "target": 0.0, "holding_cost": 0.0}
          for m, ship in zip(months, (8.0, 10.0, 10.0)))])
    money = frame([
        *({"family": "A", "month": m, "units": 100.0, "unit_price": 10.0, "revenue": 1000.0,
           "margin": 400.0, "inventory_value": value, "plan_revenue": 900.0}
          for m, value in zip(months, (50.0, 70.0, 999.0))),
        *({"family": "B", "month": m, "units": units, "unit_price": 100.0,
           "revenue": 100.0 * units, "margin": 30.0 * units, "inventory_value": 0.0,
           "plan_revenue": plan_revenue}
          for m, units, plan_revenue in zip(months, (8.0, 10.0, 10.0),
                                            (np.nan, 1000.0, 1000.0)))])
    load = frame([{"resource": r, "month": m, "available_hours": hours, "overtime_hours": ot,
                   "utilisation": u, "status": st}
                  for r, values in (("R1", zip(r1_available, r1_overtime, r1_utilisation,
                                               r1_status)),
                                    ("R2", [(1000.0, 0.0, 0.1, "ok")] * 3))
                  for m, (hours, ot, u, st) in zip(months, values)])
    required = frame([{"resource": r, "month": m, "utilisation": u, "status": s}
                      for r, values in (("R1", zip(r1_required_utilisation,
                                                   r1_required_status)),
                                        ("R2", [(0.1, "ok")] * 3))
                      for m, (u, s) in zip(months, values)])
    outlook = pd.DataFrame({"family": ["Total"], "fiscal_year": ["FY2026"],
                            "forecast_revenue": [5000.0], "gap": [-500.0], "gap_pct": [-0.1]})
    return ScenarioResult(Scenario(name, f"{name} case"), company, pd.DataFrame(),
                          pd.DataFrame(), plan, money, outlook, load, required)


# The baseline's plan overloads R1 in 2026-01 (125% of its hours, more than the 20 overtime
# hours can take) and works overtime in 2026-03; chasing demand would need 150% and 130%.
BASELINE = crafted("Baseline", r1_available=(100.0, 100.0, 100.0),
                   r1_overtime=(20.0, 0.0, 20.0), r1_utilisation=(1.25, 0.9, 1.2),
                   r1_status=("overload", "ok", "overtime"),
                   r1_required_utilisation=(1.5, 1.3, 2.0),
                   r1_required_status=("overload", "overload", "overload"),
                   holding=(2.0, 3.0, 50.0))
SHIFT = crafted("Shift", r1_available=(160.0, 100.0, 160.0), r1_overtime=(0.0, 0.0, 0.0),
                r1_utilisation=(0.78125, 0.9, 1.0), r1_status=("ok", "ok", "ok"),
                r1_required_utilisation=(0.9375, 1.3, 1.25),
                r1_required_status=("ok", "overload", "overtime"), holding=(1.0, 1.0, 1.0))


def test_comparison_figures_over_the_window_by_hand():
    table = compare_scenarios(BASELINE, [SHIFT], months=2)
    assert list(table.columns) == COMPARISON_COLUMNS
    base, shift = (table.iloc[i].to_dict() for i in range(2))
    assert base["scenario"] == "Baseline" and shift["scenario"] == "Shift"
    assert base["months"] == "2026-01 to 2026-02"
    assert (base["units"], base["revenue"], base["margin"]) == (218.0, 3800.0, 1340.0)
    assert base["average_inventory_value"] == 60.0  # (50 + 0) and (70 + 0): the mean
    assert (base["overtime_hours"], base["overtime_cost"]) == (20.0, 300.0)
    assert (base["added_hours"], base["added_hours_cost"]) == (0.0, 0.0)
    assert base["holding_cost"] == 5.0                  # 2 + 3: 2026-03 is outside
    assert base["net_margin"] == 1340.0 - 300.0 - 5.0 and base["net_margin_change"] == 0.0
    assert base["service_level"] == pytest.approx(216 / 220)  # B: 8 of its 10 each month
    assert base["service_target"] == pytest.approx((0.95 * 200 + 0.9 * 20) / 220)
    assert base["families_below_target"] == 1
    # the planned load, not the required one (which peaks at 150%)
    assert (base["peak_utilisation"], base["peak_at"]) == (1.25, "R1 2026-01")
    assert base["overloaded_resource_months"] == 1
    assert base["required_overloaded_resource_months"] == 2
    assert base["plan_gap"] == 1000.0 and base["plan_gap_pct"] == pytest.approx(1000 / 2800)
    assert (base["fiscal_year"], base["fiscal_year_revenue"], base["fiscal_year_gap"],
            base["fiscal_year_gap_pct"]) == ("FY2026", 5000.0, -500.0, -0.1)
    assert (shift["added_hours"], shift["added_hours_cost"]) == (60.0, 600.0)
    assert (shift["overtime_cost"], shift["holding_cost"]) == (0.0, 2.0)
    assert shift["net_margin"] == 1340.0 - 600.0 - 2.0
    assert shift["net_margin_change"] == pytest.approx(738.0 - 1035.0)
    assert (shift["peak_utilisation"], shift["peak_at"]) == (0.9, "R1 2026-02")
    assert shift["overloaded_resource_months"] == 0
    assert shift["required_overloaded_resource_months"] == 1
    assert table["qualifies"].tolist() == [False, True]
    # the baseline earns more, the shift overloads less: neither dominates
    assert table["dominated_by"].tolist() == ["", ""]


def test_a_scenario_no_better_on_any_figure_and_worse_on_one_is_dominated():
    costly = crafted("Costly shift", r1_available=(160.0, 100.0, 160.0),
                     r1_overtime=(0.0, 0.0, 0.0), r1_utilisation=(0.78125, 0.9, 1.0),
                     r1_status=("ok", "ok", "ok"), r1_required_utilisation=(0.9, 0.9, 0.9),
                     r1_required_status=("ok", "ok", "ok"), holding=(5.0, 5.0, 5.0))
    table = compare_scenarios(BASELINE, [SHIFT, costly], months=2)
    assert table["net_margin"].tolist() == [1035.0, 738.0, 730.0]
    assert table["dominated_by"].tolist() == ["", "", "Shift"]


def test_scenario_names_must_differ():
    with pytest.raises(SopError, match="Shift appears twice"):
        compare_scenarios(BASELINE, [SHIFT, SHIFT])


# --- the recommendation rule -----------------------------------------------------------------

def comparison(*rows) -> pd.DataFrame:
    """A comparison from (name, net margin, overtime hours, service, overloads[, dominated_by])
    rows; the service target is 0.95 everywhere."""
    rows = [row if len(row) == 6 else (*row, "") for row in rows]
    table = pd.DataFrame(rows, columns=["scenario", "net_margin", "overtime_hours",
                                        "service_level", "overloaded_resource_months",
                                        "dominated_by"])
    table["service_target"] = 0.95
    table["qualifies"] = (table["service_level"] >= 0.95) & (
        table["overloaded_resource_months"] == 0)
    return table


def test_highest_net_margin_among_the_qualifying_scenarios():
    choice = recommend(comparison(("Baseline", 900_000.0, 0.0, 0.97, 2),
                                  ("Shift", 950_000.0, 0.0, 0.97, 0),
                                  ("Promo", 1_000_000.0, 50.0, 0.93, 0),
                                  ("Cut", 920_000.0, 0.0, 0.96, 0)), currency="EUR")
    assert choice.scenario == "Shift"
    assert choice.reason == (
        "Shift has the highest net margin (EUR 950,000) of the 2 scenarios that meet the "
        "service target with no overloaded resource-month.")
    assert choice.others == ("Not eligible: Baseline (2 overloaded resource-months); Promo "
                             "(service 93.0% below its 95.0% target).")


def test_a_tie_on_margin_goes_to_the_baseline_even_with_more_overtime():
    choice = recommend(comparison(("Baseline", 999_500.0, 120.0, 0.97, 0),
                                  ("Shift", 1_000_000.0, 40.0, 0.97, 0)), currency="EUR")
    assert choice.scenario == "Baseline"
    assert choice.reason.endswith("It ties on net margin (within 0.1%) with Shift and changes "
                                  "nothing, which a tie prefers.")


def test_a_tie_between_changes_goes_to_fewer_overtime_hours():
    choice = recommend(comparison(("Baseline", 900_000.0, 0.0, 0.97, 2),
                                  ("Promo", 1_000_000.0, 120.0, 0.97, 0),
                                  ("Shift", 999_500.0, 40.0, 0.97, 0)), currency="EUR")
    assert choice.scenario == "Shift"
    assert "It ties on net margin (within 0.1%) with Promo and needs fewer overtime hours (40 " \
           "against 120)." in choice.reason


def test_a_margin_beyond_the_tie_share_wins_over_the_baseline():
    choice = recommend(comparison(("Baseline", 998_000.0, 40.0, 0.97, 0),
                                  ("Shift", 1_000_000.0, 120.0, 0.97, 0)), currency="EUR")
    assert choice.scenario == "Shift"
    assert "ties" not in choice.reason


def test_a_full_tie_goes_to_the_scenario_listed_first():
    choice = recommend(comparison(("Baseline", 500.0, 10.0, 0.99, 1),
                                  ("Shift", 1000.0, 10.0, 0.97, 0),
                                  ("Promo", 1000.0, 10.0, 0.98, 0)), currency="EUR")
    assert choice.scenario == "Shift"
    assert "with Promo and needs as few overtime hours and is listed first" in choice.reason


def test_a_dominated_scenario_is_never_recommended():
    # on net margin and overtime alone the tie would go to the Baseline, and then to Cut
    choice = recommend(comparison(("Baseline", 1_000_000.0, 0.0, 0.97, 0, "Shift"),
                                  ("Shift", 1_000_500.0, 50.0, 0.97, 0),
                                  ("Cut", 1_000_200.0, 10.0, 0.97, 0, "Shift")), currency="EUR")
    assert choice.scenario == "Shift"
    assert choice.reason.startswith("Shift ")
    assert choice.others == (
        "Dominated, never recommended: Baseline (no better than Shift on revenue, service, "
        "overloads and net margin); Cut (no better than Shift on revenue, service, overloads "
        "and net margin).")


def test_a_dominated_scenario_is_not_recommended_from_a_real_comparison():
    # Lean is the baseline with less stock to hold: the same revenue, service and overloads,
    # 1 more net margin (a tie within 0.1%), so it dominates the baseline
    baseline = crafted("Baseline", r1_available=(100.0,) * 3, r1_overtime=(0.0,) * 3,
                       r1_utilisation=(0.9,) * 3, r1_status=("ok",) * 3,
                       r1_required_utilisation=(1.5,) * 3, r1_required_status=("overload",) * 3,
                       holding=(5.0, 5.0, 5.0))
    lean = crafted("Lean", r1_available=(100.0,) * 3, r1_overtime=(0.0,) * 3,
                   r1_utilisation=(0.9,) * 3, r1_status=("ok",) * 3,
                   r1_required_utilisation=(1.5,) * 3, r1_required_status=("overload",) * 3,
                   holding=(4.5, 4.5, 4.5))
    table = compare_scenarios(baseline, [lean], months=2)
    assert table["net_margin"].tolist() == [1330.0, 1331.0]
    assert table["qualifies"].tolist() == [True, True]
    assert table["dominated_by"].tolist() == ["Lean", ""]
    assert recommend(table, currency="EUR").scenario == "Lean"


def test_when_none_qualifies_the_fewest_overloads_then_the_best_service():
    choice = recommend(comparison(("Baseline", 900.0, 0.0, 0.99, 3),
                                  ("Shift", 800.0, 0.0, 0.90, 1),
                                  ("Promo", 700.0, 0.0, 0.92, 1)), currency="EUR")
    assert choice == ("Promo", "No scenario meets the service target with no overloaded "
                      "resource-month. Promo comes closest: service 92.0% below its 95.0% "
                      "target; 1 overloaded resource-month.", "")


def test_when_none_qualifies_a_dominated_scenario_is_not_the_closest():
    choice = recommend(comparison(("Baseline", 900.0, 0.0, 0.92, 1, "Promo"),
                                  ("Promo", 950.0, 0.0, 0.92, 1)), currency="EUR")
    assert choice.scenario == "Promo"


def test_the_rule_is_stated_in_words():
    assert "highest net margin" in RECOMMENDATION_RULE
    assert "holding costs" in RECOMMENDATION_RULE
    assert "dominated scenario) is never recommended" in RECOMMENDATION_RULE
    assert "goes to the Baseline (no change), then to fewer overtime hours" in \
        RECOMMENDATION_RULE


# --- the sample company ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_run():
    company = load_company(SAMPLE)
    with tempfile.TemporaryDirectory() as archive:
        review = review_demand(company, cycle=company.default_cycle,
                               horizon=company.config.horizon_months, archive_dir=Path(archive))
    return company, review["demand"], review["consensus"]


def test_the_sample_scenarios_load_and_give_distinct_results(sample_run):
    company, demand, consensus = sample_run
    scenarios = load_scenarios(company)
    assert [s.name for s in scenarios] == ["Grills promotion", "No overtime",
                                           "Press Line spring shift"]
    baseline = run_scenario(company, demand, consensus)
    results = [run_scenario(company, demand, consensus, s) for s in scenarios]
    table = compare_scenarios(baseline, results).set_index("scenario")
    assert table["net_margin"].nunique() == 4
    promo, cut, shift = (table.loc[s.name] for s in scenarios)
    base = table.loc["Baseline"]
    assert promo["revenue"] > base["revenue"] and promo["plan_gap"] > base["plan_gap"]
    assert cut["overtime_hours"] == 0 < base["overtime_hours"]
    # chasing demand would overload the press line; the published plans resolve it
    assert cut["required_overloaded_resource_months"] > \
        base["required_overloaded_resource_months"] > 0
    assert shift["added_hours"] == 320 and shift["required_overloaded_resource_months"] == 0
    assert (table["overloaded_resource_months"] == 0).all()
    assert table["net_margin"].tolist() == pytest.approx(
        (table["margin"] - table["overtime_cost"] - table["added_hours_cost"]
         - table["holding_cost"]).tolist())
    assert (table["holding_cost"] > 0).all()
    choice = recommend(table.reset_index(), currency=company.config.currency)
    assert choice.scenario in table.index
    assert table.loc[choice.scenario, "dominated_by"] == ""
