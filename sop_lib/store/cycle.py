"""The planning cycle every step works on: the company, the month planned, the horizon and the
plan archive (the published packs the cycle measures itself against)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sop_lib.core.months import month_label
from sop_lib.data.company import Company
from sop_lib.store.archive import published_artifact, published_manifest
from sop_lib.store.manifest import approval

RECORD_COLUMNS = ["family", "month", "production"]


@dataclass(frozen=True)
class PlanningCycle:
    """What every step works on: the company, the cycle, the horizon, the plan archive."""

    company: Company
    cycle: pd.Period
    horizon: int
    archive_dir: Path

    def plan_of_record(self) -> pd.DataFrame | None:
        """Last cycle's published production plan (family, month, production, with its `cycle`
        and `record`: "approved" or "proposed, never approved"), or None when the archive has
        no published pack for it. An approved pack's plan is the plan leadership adopted."""
        previous = self.cycle - 1
        plan = published_artifact(self.archive_dir, previous, "plan", RECORD_COLUMNS)
        if plan is None:
            return None
        manifest = published_manifest(self.archive_dir, previous)
        record = "approved" if approval(manifest) else "proposed, never approved"
        return plan.assign(cycle=month_label(previous), record=record)
