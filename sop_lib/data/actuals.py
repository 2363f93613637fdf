"""Actuals rolled up from SKUs to families."""
from __future__ import annotations

import numpy as np
import pandas as pd

from sop_lib.core.frames import join_on_key
from sop_lib.data.company import Company
from sop_lib.data.history_matrix import HistoryMatrix


def family_history(company: Company) -> pd.DataFrame:
    """Bookings and shipments per family and month (family = sum of its SKUs)."""
    booked = HistoryMatrix.of(company, "bookings")
    families, bookings = booked.family_totals()
    _, shipments = HistoryMatrix.of(company, "shipments").family_totals()
    family, month = np.nonzero(~np.isnan(bookings))  # family by family, in month order
    return pd.DataFrame({"family": families[family], "month": booked.months[month],
                         "bookings": bookings[family, month],
                         "shipments": shipments[family, month]})


def data_health(company: Company) -> pd.DataFrame:
    """One row per family: SKUs by status, months of history, last closed month."""
    items = company.items
    history = join_on_key(company.demand_history, items, "sku", ["family"])
    months = history.groupby("family")["month"].agg(["min", "max"])
    counts = pd.crosstab(items["family"], items["status"])
    table = counts.reindex(columns=["active", "new", "phase_out", "inactive"], fill_value=0)
    table["skus"] = table.sum(axis=1)
    table["first_month"] = months["min"]
    table["last_month"] = months["max"]
    return table.rename_axis(None, axis=1).reset_index()
