"""The Company: a validated, typed company folder that every planning step reads."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from sop_lib.core.errors import Problem
from sop_lib.data.contract import MONTH, TABLES, TABLES_BY_NAME, Column, Table, typed_frame
from sop_lib.data.settings import (
    BAND_SETTINGS,
    COMPANY_SETTINGS,
    STATUS_BANDS,
    config_class,
)

StatusBands = config_class(
    "StatusBands", __name__, BAND_SETTINGS,
    "Where the traffic lights of the executive KPIs and family statuses change colour "
    f"(`{STATUS_BANDS}:` in company.yaml): one field per setting of settings.BAND_SETTINGS, "
    "each a share (0.02 = 2 %).")
CompanyConfig = config_class(
    "CompanyConfig", __name__, COMPANY_SETTINGS,
    "The settings in company.yaml: one field per setting of settings.COMPANY_SETTINGS, and the "
    "status bands.", (STATUS_BANDS, StatusBands, field(default_factory=StatusBands)))

_RESOURCES = TABLES_BY_NAME["resources"]
RESOURCE_CALENDAR = Table(
    "resource_calendar",
    "Month-specific hours: a row replaces the resource's hours of the resources table in that "
    "month (a scenario changing capacity in some months only); empty when there is none.",
    (_RESOURCES.column("resource"), Column("month", MONTH, "The month the hours are for."),
     _RESOURCES.column("available_hours"), _RESOURCES.column("max_overtime_hours")),
    key=("resource", "month"), required=False, references={"resource": "resources"})
COMPANY_TABLES = (*TABLES, RESOURCE_CALENDAR)  # every table a Company holds, in field order


def empty_calendar() -> pd.DataFrame:
    """A resource calendar without rows: no month-specific hours."""
    return typed_frame(RESOURCE_CALENDAR, [])


@dataclass(frozen=True)
class Company:
    """All tables of a company folder, typed and checked.

    Text columns hold str, number columns float, month columns pandas Period[M]; every table of
    the contract is present (an absent optional table is an empty frame with its columns).
    """

    folder: Path
    config: CompanyConfig
    items: pd.DataFrame               # one row per SKU: family, price, cost, status
    families: pd.DataFrame            # one row per family: strategy, targets, production limits
    demand_history: pd.DataFrame      # bookings and shipments per SKU and month
    inventory: pd.DataFrame           # month-end on hand per SKU
    open_orders: pd.DataFrame         # customer backlog per SKU and due month
    production_history: pd.DataFrame  # units produced per family and month
    resources: pd.DataFrame           # key resources: monthly hours and their costs
    bill_of_resources: pd.DataFrame   # hours of each resource per unit of a family
    business_plan: pd.DataFrame       # planned units and revenue per family and month
    overrides: pd.DataFrame           # sales and marketing changes to the forecast
    resource_calendar: pd.DataFrame = field(default_factory=empty_calendar)  # month-specific hours
    files: dict[str, Path] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    origins: dict[str, tuple[str, np.ndarray]] = field(default_factory=dict)

    @property
    def tables(self) -> Mapping[str, pd.DataFrame]:
        """Every table by name (read-only): the contract's, then the resource calendar."""
        return MappingProxyType({t.name: getattr(self, t.name) for t in COMPANY_TABLES})

    def origin(self, table: str) -> tuple[str, np.ndarray]:
        """Where a table's rows were read: the file (or workbook[sheet]) and, for each row in
        the table's key order, the row number a spreadsheet shows (header = row 1). A table not
        read from a file, or with another number of rows since (truncated), is named
        `<table>.csv` with rows 2, 3, ... in its order."""
        rows = len(getattr(self, table))
        if table in self.origins and len(self.origins[table][1]) == rows:
            return self.origins[table]
        return f"{table}.csv", np.arange(rows) + 2

    @property
    def last_closed_month(self) -> pd.Period:
        """The last month of demand history: the month just closed."""
        return self.demand_history["month"].max()

    @property
    def default_cycle(self) -> pd.Period:
        """The cycle planned after the last closed month."""
        return self.last_closed_month + 1
