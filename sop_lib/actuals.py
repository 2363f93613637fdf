"""Actuals rolled up from SKUs to families."""
from __future__ import annotations

import pandas as pd

from .company import Company


def family_history(company: Company) -> pd.DataFrame:
    """Bookings and shipments per family and month (family = sum of its SKUs)."""
    rows = company.demand_history.merge(company.items[["sku", "family"]], on="sku")
    return (rows.groupby(["family", "month"], as_index=False)[["bookings", "shipments"]].sum()
            .sort_values(["family", "month"], ignore_index=True))


def data_health(company: Company) -> pd.DataFrame:
    """One row per family: SKUs by status, months of history, last closed month."""
    items = company.items
    history = company.demand_history.merge(items[["sku", "family"]], on="sku")
    months = history.groupby("family")["month"].agg(["min", "max"])
    counts = pd.crosstab(items["family"], items["status"])
    table = counts.reindex(columns=["active", "new", "phase_out", "inactive"], fill_value=0)
    table["skus"] = table.sum(axis=1)
    table["first_month"] = months["min"]
    table["last_month"] = months["max"]
    return table.rename_axis(None, axis=1).reset_index()
