"""The money view: family prices, revenue, margin and inventory value, and the fiscal-year outlook.

Every money figure is units x a price: revenue = shipments x the family's unit price, cost of goods
= shipments x its unit cost, inventory value = inventory units x unit cost. A family's price and
cost in a month are the averages of its SKUs' prices and standard costs weighted by the SKUs'
consensus units (the consensus mix).

The business plan may carry a budget beside its units and revenue (optional columns of the data
contract): `cost_of_goods`, whence the budget margin (plan_margin = revenue - cost_of_goods of the
plan), and `inventory_value`, the budgeted month-end inventory. Where a budget is given, the
tables gain its columns (plan_margin and margin_gap, plan_inventory_value and
inventory_value_gap, and their counterparts over a window), named and windowed as the revenue
against the business plan; where the business plan gives none, they show exactly what they show
without it: no budget column at all.
"""
from __future__ import annotations

import pandas as pd

from sop_lib.core.errors import SopError
from sop_lib.core.frames import join_on_key
from sop_lib.core.months import month_label, month_range
from sop_lib.core.names import KEY, TOTAL
from sop_lib.core.words import span_label

OUTLOOK_COLUMNS = ["family", "fiscal_year", "months", "actual_revenue", "outlook_revenue",
                   "forecast_revenue", "plan_revenue", "gap", "gap_pct", "actual_cogs",
                   "outlook_cogs", "forecast_cogs", "forecast_margin", "forecast_margin_pct"]
OUTLOOK_MARGIN_COLUMNS = ["plan_margin", "margin_gap", "margin_gap_pct"]
COGS_BUDGET, INVENTORY_BUDGET = "cost_of_goods", "inventory_value"
CENTS = 2  # decimals of every money figure of the money view


def has_budget(business_plan: pd.DataFrame, column: str) -> bool:
    """Whether the business plan gives a budget in `column` (`COGS_BUDGET` or
    `INVENTORY_BUDGET`) for at least one family-month: an absent column or empty cells give
    none."""
    return column in business_plan.columns and bool(business_plan[column].notna().any())


def plan_budgets(business_plan: pd.DataFrame) -> pd.DataFrame:
    """The business plan's budgets per family and month: `family, month` and, for each budget
    it gives, plan_margin (revenue - cost_of_goods; NaN where the cost is not given) and
    plan_inventory_value."""
    budgets = business_plan[KEY].copy()
    if has_budget(business_plan, COGS_BUDGET):
        budgets["plan_margin"] = business_plan["revenue"] - business_plan[COGS_BUDGET]
    if has_budget(business_plan, INVENTORY_BUDGET):
        budgets["plan_inventory_value"] = business_plan[INVENTORY_BUDGET]
    return budgets


def family_prices(company, consensus: pd.DataFrame) -> pd.DataFrame:
    """Unit price and standard cost per family and month, weighted by the consensus mix.

    The weights are the SKUs' consensus units; in a month where the family's consensus is 0 the
    price and cost are the simple averages over the family's SKUs in `consensus` that month.
    Prices come from `consensus.unit_price`, costs from `items.standard_cost`.
    Returns `family, month, unit_price, unit_cost`.
    """
    rows = join_on_key(consensus[["sku", "family", "month", "consensus", "unit_price"]],
                       company.items.rename(columns={"standard_cost": "unit_cost"}), "sku",
                       ["unit_cost"], how="left")
    unknown = rows.loc[rows["unit_cost"].isna() | rows["unit_price"].isna(), "sku"].unique()
    if len(unknown):
        raise SopError(f"No unit price or standard cost in items for SKU(s) "
                       f"{', '.join(sorted(map(str, unknown)))}: the money view needs both.")
    rows = rows.assign(price_units=rows["consensus"] * rows["unit_price"],
                       cost_units=rows["consensus"] * rows["unit_cost"])
    groups = rows.groupby(KEY, sort=True)
    prices = groups[["unit_price", "unit_cost"]].mean()
    sums = groups[["consensus", "price_units", "cost_units"]].sum()
    mixed = sums["consensus"] > 0
    prices.loc[mixed, "unit_price"] = sums.loc[mixed, "price_units"] / sums.loc[mixed, "consensus"]
    prices.loc[mixed, "unit_cost"] = sums.loc[mixed, "cost_units"] / sums.loc[mixed, "consensus"]
    return prices.reset_index()


def money_view(company, plan: pd.DataFrame, consensus: pd.DataFrame) -> pd.DataFrame:
    """The supply plan in money, per family and month, next to the business plan.

    Returns `family, strategy, month, units, unit_price, unit_cost, revenue, cogs, margin,
    margin_pct, inventory_units, inventory_value, plan_units, plan_revenue, revenue_gap,
    units_gap`. units are the planned shipments (whole units); revenue = units x unit_price and
    cogs = units x unit_cost, in cents (rounded to CENTS decimals, as are the margin, the
    inventory value and the gaps, so every sum of them is a sum of cents); margin_pct is NaN
    when revenue is 0. MTO families hold no planned inventory: their inventory_units and
    inventory_value are 0. plan_units and plan_revenue come from the business plan (NaN where
    it has no row, and so are the gaps); revenue_gap = revenue - plan_revenue and units_gap =
    units - plan_units.
    When the business plan gives a cost of goods budget, `plan_margin, margin_gap` follow
    (margin_gap = margin - plan_margin); when it gives an inventory budget,
    `plan_inventory_value, inventory_value_gap` (inventory_value - plan_inventory_value); NaN in
    the months without that budget.
    """
    prices = family_prices(company, consensus)
    view = plan[["family", "strategy", "month", "shipments", "inventory"]].merge(
        prices, on=KEY, how="left", validate="one_to_one")
    _require_prices(view)
    view = view.merge(company.business_plan[KEY + ["units", "revenue"]].rename(
        columns={"units": "plan_units", "revenue": "plan_revenue"}), on=KEY, how="left",
        validate="one_to_one")
    units = view["shipments"]
    inventory = view["inventory"].where(view["strategy"] != "MTO", 0.0)
    revenue = (units * view["unit_price"]).round(CENTS)
    cogs = (units * view["unit_cost"]).round(CENTS)
    margin = (revenue - cogs).round(CENTS)
    columns = {
        "family": view["family"], "strategy": view["strategy"], "month": view["month"],
        "units": units, "unit_price": view["unit_price"], "unit_cost": view["unit_cost"],
        "revenue": revenue, "cogs": cogs, "margin": margin,
        "margin_pct": margin / revenue.where(revenue != 0),
        "inventory_units": inventory,
        "inventory_value": (inventory * view["unit_cost"]).round(CENTS),
        "plan_units": view["plan_units"], "plan_revenue": view["plan_revenue"],
        "revenue_gap": (revenue - view["plan_revenue"]).round(CENTS),
        "units_gap": units - view["plan_units"],
    }
    budgets = view[KEY].merge(plan_budgets(company.business_plan), on=KEY, how="left",
                              validate="one_to_one")
    if "plan_margin" in budgets.columns:
        columns["plan_margin"] = budgets["plan_margin"]
        columns["margin_gap"] = (margin - budgets["plan_margin"]).round(CENTS)
    if "plan_inventory_value" in budgets.columns:
        columns["plan_inventory_value"] = budgets["plan_inventory_value"]
        columns["inventory_value_gap"] = (columns["inventory_value"] - budgets[
            "plan_inventory_value"]).round(CENTS)
    return pd.DataFrame(columns).sort_values(KEY, ignore_index=True)


def fiscal_year(month: pd.Period, *, start_month: int = 1) -> tuple[str, pd.PeriodIndex]:
    """The fiscal year containing `month`: its label and its 12 months.

    The label names the calendar year the fiscal year ends in: with a fiscal year starting in
    April, 2025-04 .. 2026-03 is "FY2026".
    """
    year = month.year if month.month >= start_month else month.year - 1
    months = month_range(pd.Period(year=year, month=start_month, freq="M"), 12)
    return f"FY{months[-1].year}", months


def fiscal_year_outlook(company, money: pd.DataFrame) -> pd.DataFrame:
    """Revenue, cost of goods and margin of the fiscal year containing the cycle (the first month
    of `money`): year-to-date actuals plus the rest-of-year outlook, against the business plan.

    Per family, then a Total row: `family, fiscal_year, months, actual_revenue, outlook_revenue,
    forecast_revenue, plan_revenue, gap, gap_pct, actual_cogs, outlook_cogs, forecast_cogs,
    forecast_margin, forecast_margin_pct`. actual_revenue and actual_cogs are the fiscal year's
    history up to the last closed month: shipments x the SKU's current unit_price and
    standard_cost; outlook_revenue and outlook_cogs are the rest of the fiscal year from `money`;
    forecast = actual + outlook; forecast_margin = forecast_revenue - forecast_cogs and
    forecast_margin_pct its share of forecast_revenue (NaN when that is 0). plan_revenue is the
    business plan over the whole fiscal year (NaN for a family without any plan row in it; the
    Total adds the plans that exist). When the business plan gives a cost of goods budget,
    `plan_margin, margin_gap, margin_gap_pct` follow: plan_margin is the budget margin (revenue -
    cost_of_goods) of the fiscal year's plan rows that give a cost (NaN for a family with none),
    margin_gap = forecast_margin - plan_margin, margin_gap_pct its share of plan_margin (NaN
    unless plan_margin > 0); without that budget margin has no plan to compare with and only
    revenue has a gap. Months between the last closed month and the cycle (when the cycle is
    planned more than one month after the close) have neither actuals nor plan.
    """
    label, months = fiscal_year(money["month"].min(),
                                start_month=company.config.fiscal_year_start_month)
    history = company.demand_history
    history = join_on_key(history[history["month"].isin(months)], company.items, "sku",
                          ["family", "unit_price", "standard_cost"], how="left")
    actual = pd.DataFrame({
        "actual_revenue": history["shipments"] * history["unit_price"],
        "actual_cogs": history["shipments"] * history["standard_cost"],
    }).groupby(history["family"]).sum()
    in_year = money[money["month"].isin(months)]
    outlook = in_year.groupby("family")[["revenue", "cogs"]].sum().rename(
        columns={"revenue": "outlook_revenue", "cogs": "outlook_cogs"})
    plan_rows = company.business_plan[company.business_plan["month"].isin(months)]
    plan = plan_rows.groupby("family")["revenue"].sum()
    budgets = plan_budgets(company.business_plan)
    budgets = budgets[budgets["month"].isin(months)]
    families = sorted(set(money["family"]) | set(actual.index) | set(plan.index))
    table = pd.concat([actual.reindex(families, fill_value=0.0),
                       outlook.reindex(families, fill_value=0.0)], axis=1)
    table["plan_revenue"] = plan.reindex(families)
    margin_budget = "plan_margin" in budgets.columns
    if margin_budget:
        table["plan_margin"] = budgets.groupby("family")["plan_margin"].sum(
            min_count=1).reindex(families)
    table.loc[TOTAL] = table.sum(min_count=1)
    table["forecast_revenue"] = table["actual_revenue"] + table["outlook_revenue"]
    table["gap"] = table["forecast_revenue"] - table["plan_revenue"]
    table["gap_pct"] = table["gap"] / table["plan_revenue"].where(table["plan_revenue"] != 0)
    table["forecast_cogs"] = table["actual_cogs"] + table["outlook_cogs"]
    table["forecast_margin"] = table["forecast_revenue"] - table["forecast_cogs"]
    table["forecast_margin_pct"] = table["forecast_margin"] / table["forecast_revenue"].where(
        table["forecast_revenue"] != 0)
    if margin_budget:
        table["margin_gap"] = table["forecast_margin"] - table["plan_margin"]
        table["margin_gap_pct"] = table["margin_gap"] / table["plan_margin"].where(
            table["plan_margin"] > 0)
    table = table.rename_axis("family").reset_index()
    table.insert(1, "fiscal_year", label)
    table.insert(2, "months", span_label(months[0], months[-1]))
    return table[OUTLOOK_COLUMNS + (OUTLOOK_MARGIN_COLUMNS if margin_budget else [])]


def money_by_family(money: pd.DataFrame, *, months: int = 12) -> pd.DataFrame:
    """The money view over its first `months` months per family, then a Total row.

    Returns `family, months, revenue, cogs, margin, margin_pct, average_inventory_value,
    plan_revenue, revenue_gap, revenue_gap_pct`: flows are summed over the months; inventory, a
    stock, is its average month-end value (the Total adds the families' averages);
    plan_revenue sums the business plan's rows (NaN without any), and the gaps compare the
    revenue of the months that have one. With a cost of goods budget in `money` (its
    plan_margin column), `plan_margin, margin_gap, margin_gap_pct` follow, compared the same way
    over the months that have a budget margin; with an inventory budget (plan_inventory_value),
    `average_plan_inventory_value, average_inventory_value_gap`: the budget's average over the
    months that give it, and the average inventory value of those months minus it (the Total
    adds the families' averages).
    """
    start = money["month"].min()
    window = money[money["month"] < start + months]
    margin_budget = "plan_margin" in window.columns
    inventory_budget = "plan_inventory_value" in window.columns
    planned = window.assign(planned_revenue=window["revenue"].where(window["plan_revenue"].notna()))
    sums = {"plan_revenue": ("plan_revenue", _sum_or_nan),
            "planned_revenue": ("planned_revenue", "sum")}
    if margin_budget:
        planned["planned_margin"] = planned["margin"].where(planned["plan_margin"].notna())
        sums |= {"plan_margin": ("plan_margin", _sum_or_nan),
                 "planned_margin": ("planned_margin", "sum")}
    if inventory_budget:
        planned["budgeted_inventory_value"] = planned["inventory_value"].where(
            planned["plan_inventory_value"].notna())
        sums |= {"average_plan_inventory_value": ("plan_inventory_value", "mean"),
                 "budgeted_inventory_value": ("budgeted_inventory_value", "mean")}
    table = planned.groupby("family").agg(
        revenue=("revenue", "sum"), cogs=("cogs", "sum"), margin=("margin", "sum"),
        average_inventory_value=("inventory_value", "mean"), **sums)
    table.loc[TOTAL] = table.sum(min_count=1)
    table["margin_pct"] = table["margin"] / table["revenue"].where(table["revenue"] != 0)
    table["revenue_gap"] = table["planned_revenue"] - table["plan_revenue"]
    table["revenue_gap_pct"] = table["revenue_gap"] / table["plan_revenue"].where(
        table["plan_revenue"] != 0)
    columns = ["family", "months", "revenue", "cogs", "margin", "margin_pct",
               "average_inventory_value", "plan_revenue", "revenue_gap", "revenue_gap_pct"]
    if margin_budget:
        table["margin_gap"] = table["planned_margin"] - table["plan_margin"]
        table["margin_gap_pct"] = table["margin_gap"] / table["plan_margin"].where(
            table["plan_margin"] > 0)
        columns += ["plan_margin", "margin_gap", "margin_gap_pct"]
    if inventory_budget:
        table["average_inventory_value_gap"] = (table["budgeted_inventory_value"]
                                                - table["average_plan_inventory_value"])
        columns += ["average_plan_inventory_value", "average_inventory_value_gap"]
    table.insert(0, "months", span_label(window["month"].min(), window["month"].max()))
    return table.rename_axis("family").reset_index()[columns]


def _sum_or_nan(values: pd.Series) -> float:
    """The sum, NaN when no value is given."""
    return values.sum(min_count=1)


def _require_prices(view: pd.DataFrame) -> None:
    missing = view[view["unit_price"].isna()]
    if not missing.empty:
        where = "; ".join(f"{family} {month_label(month)}"
                          for family, month in missing[KEY].head(10).itertuples(index=False))
        raise SopError(f"The supply plan has family-months the consensus does not price "
                       f"({len(missing)}, e.g. {where}); plan and consensus must cover the same "
                       f"families and months.")
