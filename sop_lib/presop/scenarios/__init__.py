"""Pre-S&OP scenarios: read what-if files, apply them, re-plan, compare and recommend one.

    scenarios = load_scenarios(company)                  # scenarios/*.yaml, checked
    baseline = run_scenario(company, demand, consensus)  # the plan as reviewed
    results = [run_scenario(company, demand, consensus, s) for s in scenarios]
    comparison = compare_scenarios(baseline, results)
    choice = recommend(comparison, currency=company.config.currency)

The file format is documented in docs/scenarios.md.
"""
from sop_lib.presop.scenarios.applying import ScenarioInputs, apply_scenario
from sop_lib.presop.scenarios.comparing import (
    COMPARISON_COLUMNS,
    RECOMMENDATION_RULE,
    Recommendation,
    ScenarioResult,
    compare_scenarios,
    recommend,
    run_scenario,
)
from sop_lib.presop.scenarios.model import BASELINE, Change, Scenario, changes_table
from sop_lib.presop.scenarios.reading import (
    ScenarioProblem,
    check_scenarios,
    load_scenarios,
    scenario_files,
)
from sop_lib.supply.capacity import CALENDAR_TABLE, monthly_capacity

__all__ = [
    "BASELINE", "CALENDAR_TABLE", "COMPARISON_COLUMNS", "RECOMMENDATION_RULE", "Change",
    "Recommendation", "Scenario", "ScenarioInputs", "ScenarioProblem", "ScenarioResult",
    "apply_scenario", "changes_table", "check_scenarios", "compare_scenarios",
    "load_scenarios", "monthly_capacity", "recommend", "run_scenario", "scenario_files",
]
