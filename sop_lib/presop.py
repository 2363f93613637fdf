"""Pre-S&OP: reconcile demand with supply, price the gaps and frame the decisions to take.

`balance` and `balance_summary` show, per family, how much of the demand the supply plan ships;
`decisions` lists the issues leadership has to decide on, largest money at stake first.
"""
from __future__ import annotations

import pandas as pd

from .finance import KEY, TOTAL, fiscal_year, format_money, span_label
from .months import month_label

EPSILON = 1e-6
EXCESS_RATIO = 1.5

DECISION_COLUMNS = ["rank", "family", "topic", "months", "issue", "impact", "decision"]
SHORTFALL_DECISION = "Approve overtime, build ahead, or accept lower service?"
OVERLOAD_DECISION = "Add a shift, outsource, or re-sequence?"
BELOW_PLAN_DECISION = "Accept the gap, push demand, or revise the plan?"
ABOVE_PLAN_DECISION = "Raise the plan, or check that supply can deliver the upside?"
EXCESS_INVENTORY_DECISION = "Reduce production, or accept the extra stock?"
EXCESS_BACKLOG_DECISION = "Add capacity, or accept longer customer lead times?"


def balance(plan: pd.DataFrame, money: pd.DataFrame) -> pd.DataFrame:
    """Demand against supply per family and month, with the revenue at risk and the service.

    Returns `family, strategy, month, demand, supply, shortfall, revenue_at_risk, backlog_in, due,
    on_time, service_level`. supply is the planned shipments; revenue_at_risk = shortfall x the
    family's unit price. backlog_in is the backlog carried in from the month before (for the
    first month, backlog - demand + shipments: the backlog identity run backward). due is what
    customers expect shipped in the month: backlog_in + demand, less, for MTO, the backlog
    target (the planned order book is not yet due). on_time = min(supply, due);
    service_level = on_time / due, NaN when nothing is due.
    """
    rows = plan[KEY + ["strategy", "demand", "shipments", "shortfall", "backlog", "target"]].merge(
        money[KEY + ["unit_price"]], on=KEY, how="left", validate="one_to_one"
    ).sort_values(KEY, ignore_index=True)
    opening = (rows["backlog"] - rows["demand"] + rows["shipments"]).clip(lower=0)
    backlog_in = rows.groupby("family")["backlog"].shift(1).fillna(opening)
    not_due = rows["target"].where(rows["strategy"] == "MTO", 0.0).fillna(0.0)
    due = (backlog_in + rows["demand"] - not_due).clip(lower=0)
    on_time = rows["shipments"].where(rows["shipments"] < due, due)
    return pd.DataFrame({
        "family": rows["family"], "strategy": rows["strategy"], "month": rows["month"],
        "demand": rows["demand"], "supply": rows["shipments"], "shortfall": rows["shortfall"],
        "revenue_at_risk": rows["shortfall"] * rows["unit_price"],
        "backlog_in": backlog_in, "due": due, "on_time": on_time,
        "service_level": on_time / due.where(due > 0),
    })


def balance_summary(balance: pd.DataFrame, *, months: int = 12) -> pd.DataFrame:
    """The balance per family over its first `months` months.

    Returns `family, strategy, months, demand, supply, shortfall, revenue_at_risk,
    service_level`; months reads like "2026-01 to 2026-12"; service_level is the share of what
    was due that shipped on time, month by month: sum of on_time / sum of due.
    """
    window = first_months(balance, months)
    groups = window.groupby("family", sort=True)
    summary = groups[["demand", "supply", "shortfall", "revenue_at_risk", "on_time", "due"]].sum()
    summary["service_level"] = summary["on_time"] / summary["due"].where(summary["due"] > 0)
    summary["strategy"] = groups["strategy"].first()
    summary["months"] = [span_label(a, b) for a, b in
                         zip(groups["month"].min(), groups["month"].max(), strict=True)]
    return summary.reset_index()[["family", "strategy", "months", "demand", "supply",
                                  "shortfall", "revenue_at_risk", "service_level"]]


def first_months(frame: pd.DataFrame, months: int) -> pd.DataFrame:
    """The rows of `frame` in its first `months` months (counted from its earliest month)."""
    if frame.empty:
        return frame
    start = frame["month"].min()
    return frame[frame["month"].isin(pd.period_range(start, periods=months, freq="M"))]


def decisions(company, plan: pd.DataFrame, load: pd.DataFrame, money: pd.DataFrame,
              outlook: pd.DataFrame, *, gap_tolerance: float = 0.05,
              excess_ratio: float = EXCESS_RATIO) -> pd.DataFrame:
    """The issues that need a decision, largest money at stake first.

    Returns `rank, family, topic, months, issue, impact, decision`: family holds the resource
    code for capacity issues; consecutive months of one issue make one row; impact is in the
    company currency. The rules:
    - "Projected shortfall": months with a shortfall; impact = revenue at risk.
    - "Capacity overload": a resource's overload months (load beyond regular plus overtime
      hours); impact = the hours short at the resource's overtime cost per hour.
    - "Fiscal year below plan" / "above plan": a family's fiscal-year revenue forecast off the
      business plan by more than `gap_tolerance`; impact = the gap.
    - "Excess inventory" (MTS, inventory above `excess_ratio` x target; impact = the peak
      inventory above target at cost) and "Backlog above target" (MTO, backlog above
      `excess_ratio` x target; impact = the peak backlog above target at price).
    Ordered by impact (largest first), then family, topic and months.
    """
    currency = company.config.currency
    rows = (_shortfall_issues(balance(plan, money), currency)
            + _overload_issues(load, company.resources, currency)
            + _plan_gap_issues(company, money, outlook, gap_tolerance)
            + _excess_issues(plan, money, currency, excess_ratio))
    table = pd.DataFrame(rows, columns=DECISION_COLUMNS[1:])
    table = table.sort_values(["impact", "family", "topic", "months"],
                              ascending=[False, True, True, True], ignore_index=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    return table


def _runs(flagged: pd.DataFrame, by: str):
    """Split flagged rows into runs of consecutive months of one `by` value."""
    flagged = flagged.sort_values([by, "month"])
    ordinal = flagged["month"].dt.year * 12 + flagged["month"].dt.month
    starts = (flagged[by] != flagged[by].shift()) | (ordinal.diff() != 1)
    for _, run in flagged.groupby(starts.cumsum(), sort=True):
        yield run[by].iloc[0], span_label(run["month"].min(), run["month"].max()), run


def _months_text(run: pd.DataFrame) -> str:
    return "1 month" if len(run) == 1 else f"{len(run)} months"


def _shortfall_issues(balance: pd.DataFrame, currency: str) -> list[dict]:
    rows = []
    for family, months, run in _runs(balance[balance["shortfall"] > EPSILON], "family"):
        at_risk = run["revenue_at_risk"].sum()
        rows.append({
            "family": family, "topic": "Projected shortfall", "months": months,
            "issue": f"Supply falls {run['shortfall'].sum():,.0f} units short of demand over "
                     f"{_months_text(run)} ({format_money(at_risk, currency)} of revenue at "
                     f"risk); service drops to {run['service_level'].min():.0%}.",
            "impact": at_risk, "decision": SHORTFALL_DECISION})
    return rows


def _overload_issues(load: pd.DataFrame, resources: pd.DataFrame, currency: str) -> list[dict]:
    rate = resources.set_index("resource")["overtime_cost_per_hour"]
    overloaded = load[load["status"] == "overload"].assign(
        short=lambda f: (f["load_hours"] - f["available_hours"]
                         - f["max_overtime_hours"]).clip(lower=0))
    rows = []
    for resource, months, run in _runs(overloaded, "resource"):
        short = run["short"].sum()
        cost = short * rate.get(resource, float("nan"))
        rows.append({
            "family": resource, "topic": "Capacity overload", "months": months,
            "issue": f"Resource {resource} ({run['plant'].iloc[0]}) needs "
                     f"{run['load_hours'].sum():,.0f} hours against "
                     f"{(run['available_hours'] + run['max_overtime_hours']).sum():,.0f} with "
                     f"overtime over {_months_text(run)}: {short:,.0f} hours short, peak "
                     f"utilisation {run['utilisation'].max():.0%} "
                     f"({format_money(cost, currency)} at the overtime rate).",
            "impact": cost, "decision": OVERLOAD_DECISION})
    return rows


def _plan_gap_issues(company, money: pd.DataFrame, outlook: pd.DataFrame,
                     tolerance: float) -> list[dict]:
    currency = company.config.currency
    label, months = fiscal_year(money["month"].min(),
                                start_month=company.config.fiscal_year_start_month)
    off = outlook[(outlook["family"] != TOTAL) & (outlook["gap_pct"].abs() > tolerance)]
    rows = []
    for row in off.itertuples(index=False):
        below = row.gap < 0
        rows.append({
            "family": row.family, "topic": f"Fiscal year {'below' if below else 'above'} plan",
            "months": span_label(months[0], months[-1]),
            "issue": f"{label} revenue is forecast at "
                     f"{format_money(row.forecast_revenue, currency)} "
                     f"({format_money(row.actual_revenue, currency)} actual + "
                     f"{format_money(row.outlook_revenue, currency)} outlook), "
                     f"{abs(row.gap_pct):.1%} {'below' if below else 'above'} the business plan "
                     f"of {format_money(row.plan_revenue, currency)}.",
            "impact": abs(row.gap),
            "decision": BELOW_PLAN_DECISION if below else ABOVE_PLAN_DECISION})
    return rows


def _excess_issues(plan: pd.DataFrame, money: pd.DataFrame, currency: str,
                   ratio: float) -> list[dict]:
    rows = plan.merge(money[KEY + ["unit_price", "unit_cost"]], on=KEY, how="left")
    mts = rows["strategy"] == "MTS"
    rows = rows.assign(
        position=rows["inventory"].where(mts, rows["backlog"]),
        value_rate=rows["unit_cost"].where(mts, rows["unit_price"]))
    rows = rows.assign(excess_value=(rows["position"] - rows["target"]) * rows["value_rate"])
    flagged = rows[(rows["position"] > ratio * rows["target"])
                   & (rows["position"] - rows["target"] > EPSILON)]
    issues = []
    for family, months, run in _runs(flagged, "family"):
        peak = run.loc[run["position"].idxmax()]
        is_mts = peak["strategy"] == "MTS"
        what = "Inventory" if is_mts else "Backlog"
        valued = "at cost" if is_mts else "of revenue waiting"
        issues.append({
            "family": family, "topic": "Excess inventory" if is_mts else "Backlog above target",
            "months": months,
            "issue": f"{what} peaks at {peak['position']:,.0f} units in "
                     f"{month_label(peak['month'])}, {_ratio_text(peak)} its target of "
                     f"{peak['target']:,.0f} ({format_money(peak['excess_value'], currency)} "
                     f"above target {valued}).",
            "impact": peak["excess_value"],
            "decision": EXCESS_INVENTORY_DECISION if is_mts else EXCESS_BACKLOG_DECISION})
    return issues


def _ratio_text(row: pd.Series) -> str:
    if row["target"] > 0:
        return f"{row['position'] / row['target']:.1f}x"
    return "above"
