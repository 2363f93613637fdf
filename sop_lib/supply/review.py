"""The supply review step: the operations plan, its costs and shortfalls, the rough-cut load,
the family sheets and how well last cycles' plans were kept."""
from __future__ import annotations

import pandas as pd

from sop_lib.store.cycle import PlanningCycle
from sop_lib.supply.adherence import production_adherence, sales_vs_plan
from sop_lib.supply.capacity import capacity_load, load_by_family, overloads
from sop_lib.supply.family_sheet import family_sheets
from sop_lib.supply.plan import supply_plan


def supply_review(run: PlanningCycle, inputs: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every table of the supply review, by artifact name, from the consensus `demand` and the
    `lag_one_forecast` of the demand review."""
    company, demand = run.company, inputs["demand"]
    made = supply_plan(company, demand, plan_of_record=run.plan_of_record())
    plan = made.plan
    required_load = capacity_load(company, plan, column="required")
    by_family = load_by_family(company, plan, column="required")
    return {
        "plan": plan,
        "supply_costs": made.costs,
        "shortfalls": made.explanations,
        "supply_notes": pd.DataFrame({"note": made.notes}, dtype=str),
        "load": capacity_load(company, plan),
        "required_load": required_load,
        "load_by_family": by_family,
        "overloads": overloads(required_load, by_family),
        "family_sheets": family_sheets(company, plan, demand, run.archive_dir,
                                       lag_one=inputs["lag_one_forecast"]),
        "production_adherence": production_adherence(company, run.archive_dir),
        "sales_adherence": sales_vs_plan(company, run.archive_dir),
    }
