"""A workbook: one notebook's view of the cycle (checked parameters, the company, the cycle,
its artifacts and its step). The Excel file of the pack is the Excel pack (`sop_lib.pack.excel`);
an .xlsx file of the company folder is an input like a CSV file (`sop_lib.data.loading`)."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sop_lib.data.validation import load_company
from sop_lib.pack.formatting import use_currency
from sop_lib.run.parameters import check_parameters
from sop_lib.run.steps import run_step
from sop_lib.store.artifacts import ArtifactStore
from sop_lib.store.cycle import PlanningCycle


@dataclass(frozen=True)
class Workbook:
    """One notebook's view of the cycle."""

    run_on: PlanningCycle
    store: ArtifactStore

    @property
    def company(self):
        return self.run_on.company

    @property
    def cycle(self) -> pd.Period:
        return self.run_on.cycle

    @property
    def horizon(self) -> int:
        return self.run_on.horizon

    @property
    def archive_dir(self):
        return self.run_on.archive_dir

    def run(self, step: str) -> dict[str, pd.DataFrame]:
        """Compute `step` (building missing upstream artifacts first) and return its tables."""
        return run_step(step, self.run_on, self.store)

    def read(self, *names: str) -> dict[str, pd.DataFrame]:
        """Artifacts of earlier steps."""
        return self.store.read_all(names)


def open_workbook(**parameters) -> Workbook:
    """Check the parameters cell, load and validate the company, and locate the artifacts.

    The company's currency becomes the one every table of the notebook names in its money
    headings (`sop_lib.pack.formatting.use_currency`).
    """
    params = check_parameters(**parameters)
    company = load_company(params.data_dir, cycle=params.cycle)
    use_currency(company.config.currency)
    cycle = params.cycle or company.default_cycle
    horizon = params.horizon or company.config.horizon_months
    store = ArtifactStore(params.reports_dir / cycle.strftime("%Y-%m") / "artifacts")
    return Workbook(PlanningCycle(company, cycle, horizon, params.archive_dir), store)
