"""The steps of the monthly cycle: what each reads, computes and writes (the four reviews, then
the family sheets, a page of their own that computes nothing new). Each step's computation lives
in its own package; this module only declares the steps and runs one."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from sop_lib.demand.review import demand_review
from sop_lib.executive.review import executive_review
from sop_lib.presop.review import presop_review
from sop_lib.store.artifacts import ArtifactStore
from sop_lib.store.cycle import PlanningCycle
from sop_lib.supply.review import supply_review

Compute = Callable[[PlanningCycle, dict[str, pd.DataFrame]], dict[str, pd.DataFrame]]


@dataclass(frozen=True)
class Step:
    """One step: its notebook, the artifacts its computation reads, the ones it writes, and the
    earlier artifacts its notebook shows besides (`shows`, read with `Workbook.read`)."""

    name: str
    notebook: str
    title: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    compute: Compute
    shows: tuple[str, ...] = ()


def _nothing_new(run: PlanningCycle, inputs: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {}


STEPS: tuple[Step, ...] = (
    Step("demand", "01_demand_review", "Demand review", (),
         ("segments", "forecast", "family_forecast", "scores", "consensus", "override_audit",
          "demand", "accuracy", "plan_accuracy", "accuracy_headline", "replayed_cycles",
          "lag_one_forecast"), demand_review),
    Step("supply", "02_supply_review", "Supply review", ("demand", "lag_one_forecast"),
         ("plan", "supply_costs", "shortfalls", "supply_notes", "load", "required_load",
          "load_by_family", "overloads", "family_sheets", "production_adherence",
          "sales_adherence"), supply_review),
    Step("presop", "03_pre_sop", "Pre-S&OP",
         ("plan", "segments", "consensus", "demand", "forecast", "load", "accuracy"),
         ("money", "outlook", "balance", "balance_summary", "decisions", "scenario_comparison",
          "scenario_changes", "recommendation", "bridge", "launches"), presop_review,
         shows=("supply_notes",)),
    Step("executive", "04_executive_sop", "Executive S&OP",
         ("plan", "load", "required_load", "money", "outlook", "plan_accuracy",
          "accuracy_headline", "production_adherence"),
         ("kpis", "family_status", "last_meeting", "last_month"), executive_review,
         shows=("decisions", "balance_summary", "money", "load", "recommendation",
                "scenario_comparison", "consensus", "launches")),
    Step("families", "05_family_sheets", "Family sheets", (), (), _nothing_new,
         shows=("family_status", "family_sheets", "demand", "plan")),
)
STEPS_BY_NAME = {s.name: s for s in STEPS}


def _producer(artifact: str) -> Step:
    return next(s for s in STEPS if artifact in s.writes)


def run_step(name: str, run: PlanningCycle, store: ArtifactStore) -> dict[str, pd.DataFrame]:
    """Compute a step from its inputs, write its artifacts and return them.

    Inputs (and the artifacts its notebook shows) missing from the store are built first by the
    steps that produce them, so a notebook opened on its own still runs.
    """
    step = STEPS_BY_NAME[name]
    for artifact in step.reads + step.shows:
        if not store.has(artifact):
            run_step(_producer(artifact).name, run, store)
    outputs = step.compute(run, store.read_all(step.reads))
    store.write_all(outputs)
    return outputs
