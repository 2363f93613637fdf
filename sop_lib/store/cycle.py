"""The planning cycle every step works on: the company, the month planned, the horizon and the
plan archive (the published packs the cycle measures itself against)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sop_lib.data.company import Company
from sop_lib.store.archive import published_artifact

RECORD_COLUMNS = ["family", "month", "production"]


@dataclass(frozen=True)
class PlanningCycle:
    """What every step works on: the company, the cycle, the horizon, the plan archive."""

    company: Company
    cycle: pd.Period
    horizon: int
    archive_dir: Path

    def plan_of_record(self) -> pd.DataFrame | None:
        """Last cycle's published production plan (family, month, production), or None when
        the archive has no published pack for it."""
        return published_artifact(self.archive_dir, self.cycle - 1, "plan", RECORD_COLUMNS)
