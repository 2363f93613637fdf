"""What a notebook needs to start: checked parameters, the company, the cycle, the artifacts."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .artifacts import ArtifactStore
from .company import Company
from .parameters import check_parameters
from .steps import run_step
from .validation import load_company


@dataclass(frozen=True)
class Workbook:
    """One notebook's view of the cycle."""

    company: Company
    cycle: pd.Period
    horizon: int
    store: ArtifactStore
    archive_dir: Path

    def run(self, step: str) -> dict[str, pd.DataFrame]:
        """Compute `step` (building missing upstream artifacts first) and return its tables."""
        return run_step(step, self.company, self.cycle, self.horizon, self.store)

    def read(self, *names: str) -> dict[str, pd.DataFrame]:
        """Artifacts of earlier steps."""
        return self.store.read_all(names)


def open_workbook(**parameters) -> Workbook:
    """Check the parameters cell, load and validate the company, and locate the artifacts."""
    params = check_parameters(**parameters)
    company = load_company(params.data_dir, cycle=params.cycle)
    cycle = params.cycle or company.default_cycle
    horizon = params.horizon or company.config.horizon_months
    store = ArtifactStore(params.reports_dir / cycle.strftime("%Y-%m") / "artifacts")
    return Workbook(company, cycle, horizon, store, params.archive_dir)
