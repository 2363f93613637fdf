"""The executive S&OP step: the headline KPIs of the published plan and each family's status."""
from __future__ import annotations

import pandas as pd

from sop_lib.executive.kpis import family_status, headline_kpis
from sop_lib.store.cycle import PlanningCycle
from sop_lib.supply.adherence import adherence_kpi


def executive_review(run: PlanningCycle,
                     inputs: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The KPI table (the headline KPIs and production adherence) and the family statuses."""
    company, plan, money = run.company, inputs["plan"], inputs["money"]
    headline = headline_kpis(company, plan, inputs["load"], money, inputs["outlook"],
                             inputs["accuracy_headline"], required_load=inputs["required_load"])
    adherence = pd.DataFrame([adherence_kpi(inputs["production_adherence"])],
                             columns=headline.columns)
    return {
        "kpis": pd.concat([headline, adherence], ignore_index=True),
        "family_status": family_status(company, plan, money, inputs["plan_accuracy"]),
    }
