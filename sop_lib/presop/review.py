"""The pre-S&OP step: the money view and fiscal-year outlook, demand against supply, the
scenarios and the one recommended, the bridge from last cycle, the launches and phase-outs and
the decisions to take."""
from __future__ import annotations

import pandas as pd

from sop_lib.demand.launches import launch_review
from sop_lib.presop.agenda import exception_agenda
from sop_lib.presop.balance import balance, balance_summary
from sop_lib.presop.bridge import bridge_by_family
from sop_lib.presop.finance import fiscal_year_outlook, money_view
from sop_lib.presop.scenario_review import compare_cycle_scenarios
from sop_lib.store.cycle import PlanningCycle


def presop_review(run: PlanningCycle, inputs: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every table of the pre-S&OP review, by artifact name, from the supply plan and load and
    the demand review's segments, forecast, consensus, demand and accuracy."""
    company, plan, consensus = run.company, inputs["plan"], inputs["consensus"]
    money = money_view(company, plan, consensus)
    outlook = fiscal_year_outlook(company, money)
    balanced = balance(plan, money)
    compared = compare_cycle_scenarios(run, inputs["demand"], consensus)
    return {
        "money": money,
        "outlook": outlook,
        "balance": balanced,
        "balance_summary": balance_summary(balanced),
        "decisions": exception_agenda(company, plan=plan, load=inputs["load"], money=money,
                                      outlook=outlook, accuracy=inputs["accuracy"]),
        "scenario_comparison": compared.comparison,
        "scenario_changes": compared.changes,
        "recommendation": compared.recommendation,
        "bridge": bridge_by_family(run.cycle, forecast=inputs["forecast"], consensus=consensus,
                                   plan=plan, money=money, archive_dir=run.archive_dir,
                                   scenario_money=compared.chosen_money),
        "launches": launch_review(company, inputs["segments"], consensus, inputs["forecast"],
                                  cycle=run.cycle),
    }
