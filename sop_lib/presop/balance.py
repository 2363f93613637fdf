"""Pre-S&OP: reconcile demand with supply and price the gaps.

`balance` and `balance_summary` show, per family, how much of the demand the supply plan ships;
the decisions to take are the exception agenda of `sop_lib.presop.agenda`.
"""
from __future__ import annotations

import pandas as pd

from sop_lib.presop.finance import KEY, span_label


def balance(plan: pd.DataFrame, money: pd.DataFrame) -> pd.DataFrame:
    """Demand against supply per family and month, with the revenue at risk and the service.

    Returns `family, strategy, month, demand, supply, shortfall, revenue_at_risk, due, on_time,
    service_level`. supply is the planned shipments; revenue_at_risk = shortfall x the family's
    unit price. Service counts each customer order once, in the month it was booked: due is the
    month's demand, on_time the part of it the plan ships in time (all of it but the shortfall:
    in its month for MTS, within the backlog target's lead time for MTO), so an order shipped
    late is late however much is shipped later; service_level = on_time / due, NaN when nothing
    is due.
    """
    rows = plan[KEY + ["strategy", "demand", "shipments", "shortfall", "backlog", "target"]].merge(
        money[KEY + ["unit_price"]], on=KEY, how="left", validate="one_to_one"
    ).sort_values(KEY, ignore_index=True)
    due = rows["demand"].clip(lower=0)
    on_time = (due - rows["shortfall"]).clip(lower=0)
    return pd.DataFrame({
        "family": rows["family"], "strategy": rows["strategy"], "month": rows["month"],
        "demand": rows["demand"], "supply": rows["shipments"], "shortfall": rows["shortfall"],
        "revenue_at_risk": rows["shortfall"] * rows["unit_price"],
        "due": due, "on_time": on_time, "service_level": on_time / due.where(due > 0),
    })


def balance_summary(balance: pd.DataFrame, *, months: int = 12) -> pd.DataFrame:
    """The balance per family over its first `months` months.

    Returns `family, strategy, months, demand, supply, late_units, revenue_at_risk,
    service_level`; months reads like "2026-01 to 2026-12"; late_units sums the months'
    shortfalls (each order not shipped in its own month, counted once), revenue_at_risk is their
    value; demand - supply is what is still unshipped at the end of the window; service_level is
    the share of what was due that shipped on time, month by month: sum of on_time / sum of due.
    """
    window = first_months(balance, months)
    groups = window.groupby("family", sort=True)
    summary = groups[["demand", "supply", "shortfall", "revenue_at_risk", "on_time", "due"]].sum()
    summary["service_level"] = summary["on_time"] / summary["due"].where(summary["due"] > 0)
    summary["strategy"] = groups["strategy"].first()
    summary["months"] = [span_label(a, b) for a, b in
                         zip(groups["month"].min(), groups["month"].max(), strict=True)]
    return summary.reset_index().rename(columns={"shortfall": "late_units"})[
        ["family", "strategy", "months", "demand", "supply", "late_units", "revenue_at_risk",
         "service_level"]]


def first_months(frame: pd.DataFrame, months: int) -> pd.DataFrame:
    """The rows of `frame` in its first `months` months (counted from its earliest month)."""
    if frame.empty:
        return frame
    start = frame["month"].min()
    return frame[frame["month"].isin(pd.period_range(start, periods=months, freq="M"))]
