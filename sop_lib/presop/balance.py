"""Pre-S&OP: reconcile demand with supply and price the gaps.

`balance` and `balance_summary` show, per family, how much of the demand the supply plan ships;
the decisions to take are the exception agenda of `sop_lib.presop.agenda`.
"""
from __future__ import annotations

import pandas as pd

from sop_lib.core.months import month_label
from sop_lib.core.names import KEY
from sop_lib.core.words import format_money, span_label

UNIT_TOLERANCE = 0.5  # units: less than this rounds to nothing on the page


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


def late_text(rows: pd.DataFrame, currency: str) -> str:
    """Customer demand a family's plan ships late over some plan rows (with unit_price), in
    words: the late months, the units late (each order once), their revenue at risk, and what is
    still unshipped at the end of the rows."""
    short = rows[rows["shortfall"] > UNIT_TOLERANCE]
    at_risk = (short["shortfall"] * short["unit_price"]).sum()
    what = "stock-out" if short["strategy"].iloc[0] == "MTS" else "orders late"
    last = rows.loc[rows["month"].idxmax()]
    still = (f", {last['backlog']:,.0f} still unshipped at the end of "
             f"{month_label(last['month'])}"
             if short["strategy"].iloc[0] == "MTS" and last["backlog"] > UNIT_TOLERANCE else "")
    return (f"{what} in {months_label(short)}: {short['shortfall'].sum():,.0f} units of customer "
            f"orders ship late ({format_money(at_risk, currency)} of revenue at risk){still}")


def months_label(rows: pd.DataFrame) -> str:
    """The months of some rows: "2027-07 to 2027-08", or a list when they are not one run."""
    months = sorted(rows["month"].unique())
    if (months[-1] - months[0]).n == len(months) - 1:
        return span_label(months[0], months[-1])
    return ", ".join(month_label(m) for m in months)
