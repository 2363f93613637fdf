"""The approved plan passed downward and upward: SKU plans for scheduling, purchasing and
distribution, and the financial projection for the financial plan.

Downward, each family's demand, production and shipments are split over its SKUs by the
consensus mix of that month (a family with no consensus in a month is split by its mix over
the whole horizon, or equally when it has none at all). Production and shipments are whole
units: the family plan's whole figures are split by largest remainders (each SKU gets the whole
part of its share, the units left go one each to the SKUs with the largest fractions, ties to
the first SKU), so the SKU rows add up exactly to the family figures of the pack. Demand, a
forecast, keeps its decimals (DEMAND_DECIMALS). Upward, the money view per family and month, in
cents as the pack holds it. Both are written as CSV (no index, months as YYYY-MM, dot decimals)
and Parquet, with the same values, under `<cycle>/plan_of_record/`.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sop_lib.core.names import TOTAL
from sop_lib.core.whole import largest_remainder
from sop_lib.data.series_io import write_table

WHOLE = ("production", "shipments")
QUANTITIES = ("demand", *WHOLE)
FINANCIAL = ("units", "revenue", "cogs", "margin", "inventory_value", "plan_revenue")
SHARE_DECIMALS, DEMAND_DECIMALS, MONEY_DECIMALS = 6, 4, 2


def sku_plan(plan: pd.DataFrame, consensus: pd.DataFrame) -> pd.DataFrame:
    """SKU x month demand, and whole production and shipments that sum to each family's plan
    (whose production and shipments are whole units)."""
    rows = consensus[["sku", "family", "month", "consensus"]].sort_values(
        ["family", "month", "sku"], ignore_index=True)
    month_total = rows.groupby(["family", "month"])["consensus"].transform("sum")
    sku_total = rows.groupby(["family", "sku"])["consensus"].transform("sum")
    family_total = rows.groupby("family")["consensus"].transform("sum")
    skus = rows.groupby(["family", "month"])["sku"].transform("size")
    by_month = rows["consensus"] / month_total.where(month_total > 0)
    by_horizon = sku_total / family_total.where(family_total > 0)
    rows["share"] = by_month.fillna(by_horizon).fillna(1.0 / skus)
    merged = rows.merge(plan[["family", "month", *QUANTITIES]], on=["family", "month"],
                        how="inner", validate="many_to_one")
    out = merged[["sku", "family", "month"]].copy()
    out["share"] = merged["share"].round(SHARE_DECIMALS)
    out["demand"] = (merged["demand"] * merged["share"]).round(DEMAND_DECIMALS)
    groups = merged.groupby(["family", "month"], sort=False).ngroup().to_numpy()
    for column in WHOLE:
        parts = largest_remainder(merged[column], merged["share"], groups)
        out[column] = parts.astype(np.int64)
    return out.sort_values(["family", "sku", "month"], ignore_index=True)


def financial_plan(money: pd.DataFrame) -> pd.DataFrame:
    """Revenue, cost of goods, margin and inventory value per family and month (the money
    view's figures, in cents), plus totals."""
    columns = [c for c in FINANCIAL if c in money.columns]
    families = money[["family", "month", *columns]].copy()
    families[columns] = families[columns].round(MONEY_DECIMALS)
    if "units" in columns:  # shipments: whole units, written as such
        families["units"] = families["units"].round().astype(np.int64)
    total = families.groupby("month", as_index=False)[columns].sum().assign(family=TOTAL)
    total[columns] = total[columns].round(MONEY_DECIMALS)
    return pd.concat([families, total[families.columns]], ignore_index=True)


def write_plan_of_record(folder: Path, plan: pd.DataFrame, consensus: pd.DataFrame,
                         money: pd.DataFrame) -> list[Path]:
    """Write sku_plan and financial_plan as CSV and Parquet into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame, decimals in (("sku_plan", sku_plan(plan, consensus), SHARE_DECIMALS),
                                  ("financial_plan", financial_plan(money), MONEY_DECIMALS)):
        for suffix in (".csv", ".parquet"):
            written.append(write_table(frame, folder / f"{name}{suffix}", decimals=decimals))
    return written
