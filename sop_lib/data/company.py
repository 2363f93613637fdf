"""The Company: a validated, typed company folder that every planning step reads."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sop_lib.core.errors import Problem


@dataclass(frozen=True)
class StatusBands:
    """Where the traffic lights of the executive KPIs and family statuses change colour
    (`status_bands:` in company.yaml; every field is a share, 0.02 = 2 %).

    - service: green at or above the service target, amber down to `service_amber_points`
      below it, red further below;
    - forecast accuracy (1 - WAPE, lag 1): green at or above `accuracy_target_sku` (measured on
      SKU-months) or `accuracy_target_family` (on family-months), amber down to the target minus
      `accuracy_amber_points`, red below;
    - forecast bias: green within +/- `bias_green`, amber within +/- `bias_amber`, red beyond;
      a tracking-signal alert needs a bias beyond +/- `bias_alert` as well;
    - inventory value, days of supply, weeks of backlog: green within `position_green` of the
      target (as a share of it, above or below), amber within `position_amber`, red beyond;
    - revenue: green down to `revenue_green_gap` below the business plan (above is green),
      amber down to `revenue_amber_gap` below, red further below.
    """

    service_amber_points: float = 0.02
    accuracy_target_sku: float = 0.65
    accuracy_target_family: float = 0.80
    accuracy_amber_points: float = 0.10
    bias_green: float = 0.05
    bias_amber: float = 0.10
    bias_alert: float = 0.05
    position_green: float = 0.10
    position_amber: float = 0.25
    revenue_green_gap: float = 0.02
    revenue_amber_gap: float = 0.05


@dataclass(frozen=True)
class CompanyConfig:
    """The settings in company.yaml."""

    name: str
    currency: str
    horizon_months: int = 18
    fiscal_year_start_month: int = 1
    error_measure: str = "wape"
    reconciliation: str = "bottom_up"
    frozen_months: int = 2
    holding_cost_rate: float = 0.25
    backlog_cost_rate: float = 0.10
    status_bands: StatusBands = field(default_factory=StatusBands)


@dataclass(frozen=True)
class Company:
    """All tables of a company folder, typed and checked.

    Text columns hold str, number columns float, month columns pandas Period[M]; every table of
    the contract is present (an absent optional table is an empty frame with its columns).
    """

    folder: Path
    config: CompanyConfig
    tables: dict[str, pd.DataFrame]
    files: dict[str, Path]
    warnings: list[Problem] = field(default_factory=list)
    origins: dict[str, tuple[str, np.ndarray]] = field(default_factory=dict)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    def origin(self, table: str) -> tuple[str, np.ndarray]:
        """Where a table's rows were read: the file (or workbook[sheet]) and, for each row in
        the table's key order, the row number a spreadsheet shows (header = row 1). A table not
        read from a file, or with another number of rows since (truncated), is named
        `<table>.csv` with rows 2, 3, ... in its order."""
        if table in self.origins and len(self.origins[table][1]) == len(self.tables[table]):
            return self.origins[table]
        return f"{table}.csv", np.arange(len(self.tables[table])) + 2

    @property
    def last_closed_month(self) -> pd.Period:
        """The last month of demand history: the month just closed."""
        return self.tables["demand_history"]["month"].max()

    @property
    def default_cycle(self) -> pd.Period:
        """The cycle planned after the last closed month."""
        return self.last_closed_month + 1
