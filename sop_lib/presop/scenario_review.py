"""The pre-S&OP scenario review of one cycle: every scenario of the company folder re-planned,
compared side by side with the baseline, and the one the rule recommends."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sop_lib.core.errors import SopError
from sop_lib.presop.scenarios import (
    BASELINE,
    RECOMMENDATION_RULE,
    ScenarioResult,
    changes_table,
    compare_scenarios,
    load_scenarios,
    recommend,
    run_scenario,
)
from sop_lib.store.cycle import PlanningCycle


@dataclass(frozen=True)
class CycleScenarios:
    """The scenario review of a cycle: the side-by-side comparison, what each scenario changes,
    the recommendation and the money view of the recommended plan (None for the baseline)."""

    comparison: pd.DataFrame
    changes: pd.DataFrame
    recommendation: pd.DataFrame
    chosen_money: pd.DataFrame | None


def compare_cycle_scenarios(run: PlanningCycle, demand: pd.DataFrame,
                            consensus: pd.DataFrame) -> CycleScenarios:
    """Re-plan the baseline and each scenario with the cycle's plan of record, compare them and
    recommend one; `chosen_money` is the money view of the recommended scenario's plan (None for
    the baseline)."""
    company = run.company
    scenarios = load_scenarios(company, cycle=run.cycle, horizon=run.horizon)
    options = _plan_options(run)
    baseline = run_scenario(company, demand, consensus, BASELINE, plan_options=options)
    results = [run_scenario(company, demand, consensus, s, plan_options=options)
               for s in scenarios]
    comparison = compare_scenarios(baseline, results)
    chosen = recommend(comparison, currency=company.config.currency)
    money = next((r.money for r in results if r.scenario.name == chosen.scenario), None)
    return CycleScenarios(
        comparison=comparison,
        changes=changes_table(scenarios),
        recommendation=pd.DataFrame({"scenario": [chosen.scenario], "reason": [chosen.reason],
                                     "others": [chosen.others.strip()],
                                     "rule": [RECOMMENDATION_RULE]}),
        chosen_money=money)


def adopted_plan(run: PlanningCycle, demand: pd.DataFrame, consensus: pd.DataFrame,
                 name: str) -> ScenarioResult:
    """The plan of the scenario leadership adopted (`name`, or the Baseline), planned exactly as
    the cycle's scenario comparison planned it, so its figures are the comparison's."""
    scenarios = [BASELINE, *load_scenarios(run.company, cycle=run.cycle, horizon=run.horizon)]
    chosen = next((s for s in scenarios if s.name == name), None)
    if chosen is None:
        raise SopError(f"the adopted scenario {name!r} is not among the cycle's scenarios ("
                       + ", ".join(s.name for s in scenarios) + ")")
    return run_scenario(run.company, demand, consensus, chosen, plan_options=_plan_options(run))


def _plan_options(run: PlanningCycle) -> dict:
    return {"plan_of_record": run.plan_of_record()}
