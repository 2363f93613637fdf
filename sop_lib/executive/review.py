"""The executive S&OP step: the headline KPIs of the published plan, each family's status, and
the loop it opens with: what the last meeting decided and how the month just closed went."""
from __future__ import annotations

import pandas as pd

from sop_lib.executive.kpis import family_status, headline_kpis
from sop_lib.executive.loop import last_month_performance, meeting_record, since_last_meeting
from sop_lib.store.cycle import PlanningCycle
from sop_lib.supply.adherence import adherence_kpi


def executive_review(run: PlanningCycle,
                     inputs: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The KPI table (the headline KPIs and production adherence), the family statuses, the last
    meeting's decisions and actions (`last_meeting`, one frame with a `kind` column) and last
    month's performance against its plan of record (`last_month`)."""
    company, plan, money = run.company, inputs["plan"], inputs["money"]
    headline = headline_kpis(company, plan, inputs["load"], money, inputs["outlook"],
                             inputs["accuracy_headline"], required_load=inputs["required_load"])
    adherence = pd.DataFrame([adherence_kpi(inputs["production_adherence"])],
                             columns=headline.columns)
    _, taken, actions = since_last_meeting(run.archive_dir, run.cycle)
    return {
        "kpis": pd.concat([headline, adherence], ignore_index=True),
        "family_status": family_status(company, plan, money, inputs["plan_accuracy"]),
        "last_meeting": meeting_record(taken, actions),
        "last_month": last_month_performance(company, run.archive_dir, run.cycle),
    }
