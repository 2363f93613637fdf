"""The approved plan passed downward and upward: SKU plans for scheduling, purchasing and
distribution, and the financial projection for the financial plan.

Downward, each family's demand, production and shipments are split over its SKUs by the
consensus mix of that month (a family with no consensus in a month is split by its mix over
the whole horizon, or equally when it has none at all), so the SKU rows add up to the family
figures of the pack. Upward, the money view per family and month. Both are written as CSV and
Parquet under `<cycle>/plan_of_record/`.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from sop_lib.core.names import TOTAL
from sop_lib.data.series_io import write_table

QUANTITIES = ("demand", "production", "shipments")
FINANCIAL = ("units", "revenue", "cogs", "margin", "inventory_value", "plan_revenue")


def sku_plan(plan: pd.DataFrame, consensus: pd.DataFrame) -> pd.DataFrame:
    """SKU x month demand, production and shipments that sum to each family's plan."""
    rows = consensus[["sku", "family", "month", "consensus"]].copy()
    month_total = rows.groupby(["family", "month"])["consensus"].transform("sum")
    sku_total = rows.groupby(["family", "sku"])["consensus"].transform("sum")
    family_total = rows.groupby("family")["consensus"].transform("sum")
    skus = rows.groupby(["family", "month"])["sku"].transform("size")
    by_month = rows["consensus"] / month_total.where(month_total > 0)
    by_horizon = sku_total / family_total.where(family_total > 0)
    rows["share"] = by_month.fillna(by_horizon).fillna(1.0 / skus)
    merged = rows.merge(plan[["family", "month", *QUANTITIES]], on=["family", "month"],
                        how="inner", validate="many_to_one")
    out = merged[["sku", "family", "month", "share"]].copy()
    for column in QUANTITIES:
        out[column] = merged[column] * merged["share"]
    return out.sort_values(["family", "sku", "month"], ignore_index=True)


def financial_plan(money: pd.DataFrame) -> pd.DataFrame:
    """Revenue, cost of goods, margin and inventory value per family and month, plus totals."""
    columns = [c for c in FINANCIAL if c in money.columns]
    families = money[["family", "month", *columns]]
    total = families.groupby("month", as_index=False)[columns].sum().assign(family=TOTAL)
    return pd.concat([families, total[families.columns]], ignore_index=True)


def write_plan_of_record(folder: Path, plan: pd.DataFrame, consensus: pd.DataFrame,
                         money: pd.DataFrame) -> list[Path]:
    """Write sku_plan and financial_plan as CSV and Parquet into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in (("sku_plan", sku_plan(plan, consensus)),
                        ("financial_plan", financial_plan(money))):
        for suffix in (".csv", ".parquet"):
            written.append(write_table(frame, folder / f"{name}{suffix}"))
    return written
