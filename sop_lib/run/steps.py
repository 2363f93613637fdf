"""The steps of the monthly cycle: what each computes and which artifacts it writes (the four
reviews, then the family sheets, a page of their own that computes nothing new)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sop_lib.data.company import Company
from sop_lib.demand.review import review_demand
from sop_lib.executive import kpis
from sop_lib.presop import balance as presop
from sop_lib.presop import finance
from sop_lib.presop.agenda import exception_agenda
from sop_lib.presop.bridge import bridge_by_family
from sop_lib.presop.scenario_review import compare_cycle_scenarios
from sop_lib.store.archive import published_artifact
from sop_lib.store.artifacts import ArtifactStore
from sop_lib.supply import capacity
from sop_lib.supply import plan as supply
from sop_lib.supply.adherence import adherence_kpi, production_adherence, sales_vs_plan
from sop_lib.supply.family_sheet import family_sheets


@dataclass(frozen=True)
class PlanningCycle:
    """What every step works on: the company, the cycle, the horizon, the plan archive."""

    company: Company
    cycle: pd.Period
    horizon: int
    archive_dir: Path


@dataclass(frozen=True)
class Step:
    """One step: its notebook, the artifacts it reads and the ones it writes."""

    name: str
    notebook: str
    title: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    compute: Callable[[PlanningCycle, dict], dict[str, pd.DataFrame]]


def _demand(run: PlanningCycle, inputs) -> dict:
    return review_demand(run.company, cycle=run.cycle, horizon=run.horizon,
                         archive_dir=run.archive_dir)


def _supply(run: PlanningCycle, inputs) -> dict:
    company, demand = run.company, inputs["demand"]
    record = published_artifact(run.archive_dir, run.cycle - 1, "plan",
                                ["family", "month", "production"])
    made = supply.supply_plan(company, demand, plan_of_record=record)
    plan = made.plan
    required_load = capacity.capacity_load(company, plan, column="required")
    by_family = capacity.load_by_family(company, plan, column="required")
    return {
        "plan": plan,
        "supply_costs": made.costs,
        "shortfalls": made.explanations,
        "supply_notes": pd.DataFrame({"note": made.notes}, dtype=str),
        "load": capacity.capacity_load(company, plan),
        "required_load": required_load,
        "load_by_family": by_family,
        "overloads": capacity.overloads(required_load, by_family),
        "family_sheets": family_sheets(company, plan, demand, run.archive_dir,
                                       lag_one=inputs["lag_one_forecast"]),
        "production_adherence": production_adherence(company, run.archive_dir),
        "sales_adherence": sales_vs_plan(company, run.archive_dir),
    }


def _presop(run: PlanningCycle, inputs) -> dict:
    company, plan, consensus = run.company, inputs["plan"], inputs["consensus"]
    money = finance.money_view(company, plan, consensus)
    outlook = finance.fiscal_year_outlook(company, money)
    balance = presop.balance(plan, money)
    compared = compare_cycle_scenarios(run, inputs["demand"], consensus)
    return {
        "money": money,
        "outlook": outlook,
        "balance": balance,
        "balance_summary": presop.balance_summary(balance),
        "decisions": exception_agenda(company, plan=plan, load=inputs["load"],
                                      money=money, outlook=outlook,
                                      accuracy=inputs["accuracy"]),
        "scenario_comparison": compared.comparison,
        "scenario_changes": compared.changes,
        "recommendation": compared.recommendation,
        "bridge": bridge_by_family(run.cycle, forecast=inputs["forecast"], consensus=consensus,
                                   plan=plan, money=money, archive_dir=run.archive_dir,
                                   scenario_money=compared.chosen_money),
    }


def _executive(run: PlanningCycle, inputs) -> dict:
    company = run.company
    plan, money, backtest = inputs["plan"], inputs["money"], inputs["backtest"]
    headline = kpis.headline_kpis(company, plan, inputs["load"], money, inputs["outlook"],
                                  inputs["accuracy_headline"],
                                  required_load=inputs["required_load"])
    adherence = pd.DataFrame([adherence_kpi(inputs["production_adherence"])],
                             columns=headline.columns)
    return {
        "kpis": pd.concat([headline, adherence], ignore_index=True),
        "family_status": kpis.family_status(company, plan, money, backtest),
    }


def _families(run: PlanningCycle, inputs) -> dict:
    return {}


STEPS: tuple[Step, ...] = (
    Step("demand", "01_demand_review", "Demand review", (),
         ("segments", "forecast", "family_forecast", "scores", "consensus", "override_audit",
          "demand", "accuracy", "backtest", "accuracy_headline", "replayed_cycles",
          "lag_one_forecast"), _demand),
    Step("supply", "02_supply_review", "Supply review", ("demand", "lag_one_forecast"),
         ("plan", "supply_costs", "shortfalls", "supply_notes", "load", "required_load",
          "load_by_family", "overloads", "family_sheets", "production_adherence",
          "sales_adherence"), _supply),
    Step("presop", "03_pre_sop", "Pre-S&OP",
         ("plan", "consensus", "demand", "forecast", "load", "accuracy"),
         ("money", "outlook", "balance", "balance_summary", "decisions", "scenario_comparison",
          "scenario_changes", "recommendation", "bridge"), _presop),
    Step("executive", "04_executive_sop", "Executive S&OP",
         ("plan", "load", "required_load", "money", "outlook", "backtest", "accuracy_headline",
          "decisions", "production_adherence"),
         ("kpis", "family_status"), _executive),
    Step("families", "05_family_sheets", "Family sheets",
         ("family_status", "family_sheets", "demand", "plan"), (), _families),
)
STEPS_BY_NAME = {s.name: s for s in STEPS}


def _producer(artifact: str) -> Step:
    return next(s for s in STEPS if artifact in s.writes)


def run_step(name: str, run: PlanningCycle, store: ArtifactStore) -> dict[str, pd.DataFrame]:
    """Compute a step from its inputs, write its artifacts and return them.

    Inputs missing from the store are built first by the steps that produce them, so a
    notebook opened on its own still runs.
    """
    step = STEPS_BY_NAME[name]
    for artifact in step.reads:
        if not store.has(artifact):
            run_step(_producer(artifact).name, run, store)
    outputs = step.compute(run, store.read_all(step.reads))
    store.write_all(outputs)
    return outputs
