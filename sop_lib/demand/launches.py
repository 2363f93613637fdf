"""New products and phase-outs in the horizon: their volume and money, how they are forecast,
how a launch ramps against its forecast, and the risk each carries.

A launch is a SKU of life cycle "new" (`segments.segment_items`: status new, or launched less
than NEW_ITEM_MONTHS ago and still ramping); a phase-out is one of life cycle "phase-out".

The ramp compares what a launch booked with what it is forecast to book: its average monthly
bookings over the last RAMP_MONTHS closed months (those since its first month) against its
average monthly forecast over the first RAMP_MONTHS plan months. Those are different months, so
the season moves the ratio; the family's own ratio (its bookings against its forecast over the
same months) says by how much, and a launch is judged on its ramp relative to its family's.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sop_lib.core.months import month_label
from sop_lib.core.words import format_money, span_label, units_text
from sop_lib.data.company import Company
from sop_lib.data.history_matrix import HistoryMatrix
from sop_lib.demand.lifecycle import RAMP_MONTHS
from sop_lib.demand.segments import NEW, PHASE_OUT
from sop_lib.engine import describe

WINDOW_MONTHS = 12  # units and revenue are the plan's first 12 months
RAMP_TOLERANCE = 0.10  # a launch within 10% of its family's ramp is on track
LAUNCH, END = "launch", "phase-out"
NEW_ITEM_PREFIX, PHASE_OUT_PREFIX = "new item: ", "phase-out: "
COLUMNS = {"sku": str, "family": str, "kind": str, "first_or_last_month": pd.PeriodDtype("M"),
           "method": str, "units": float, "revenue": float, "ramp": float,
           "family_ramp": float, "risk": str, "risk_value": float}


def launch_review(company: Company, segments: pd.DataFrame, consensus: pd.DataFrame,
                  forecast: pd.DataFrame, *, cycle) -> pd.DataFrame:
    """One row per launch and phase-out of `segments`, the largest risk_value first.

    `consensus` and `forecast` are the demand review's artifacts (from `cycle` on). Columns:
    sku, family; kind ("launch" or "phase-out"); first_or_last_month (a launch's first month of
    bookings, or of planned demand without any; a phase-out's end_of_life, empty without one);
    method (how the statistical forecast is made: "family share 5.5%", "analog GT-003",
    "family average", "phase-out: <method> to 2027-01, then zero"); units and revenue (consensus
    units and consensus x unit price over the first WINDOW_MONTHS plan months); ramp (a launch's
    bookings per month over its last RAMP_MONTHS closed months over its forecast per month over
    the first RAMP_MONTHS plan months; empty without bookings or forecast, and for phase-outs);
    family_ramp (the same ratio for the launch's family); risk (a sentence) and risk_value: for
    a launch behind its family's ramp, revenue x (1 - ramp / family_ramp), the revenue lost if
    it keeps that pace; for a launch with no bookings yet, all its revenue, which rests on the
    forecast alone; for a phase-out, the stock at the last closed month beyond its consensus
    demand to its last month (the horizon's without one), at standard cost: the obsolescence
    risk.
    """
    cycle = pd.Period(cycle, freq="M")
    rows = segments[segments["lifecycle"].isin([NEW, PHASE_OUT])]
    if rows.empty:
        return pd.DataFrame({column: pd.Series(dtype=dtype) for column, dtype in COLUMNS.items()})
    plan = consensus[consensus["month"] < cycle + WINDOW_MONTHS]
    units = plan.groupby("sku")["consensus"].sum()
    revenue = plan.groupby("sku")["consensus_value"].sum()
    ramps = _ramps(company, rows, forecast, cycle)
    items = company.items.set_index("sku")
    currency, last_closed = company.config.currency, company.last_closed_month
    records = []
    for row in rows.itertuples(index=False):
        sku, item = row.sku, items.loc[row.sku]
        base = {"sku": sku, "family": row.family, "units": units.get(sku, 0.0),
                "revenue": revenue.get(sku, 0.0),
                "method": _method(forecast.loc[forecast["sku"] == sku, "method"])}
        if row.lifecycle == NEW:
            planned = consensus[(consensus["sku"] == sku) & (consensus["consensus"] > 0)]
            first = planned["month"].min() if pd.isna(row.first_month) else row.first_month
            records.append(base | {"kind": LAUNCH, "first_or_last_month": first}
                           | _launch_risk(ramps.loc[sku], base, last_closed, cycle, currency))
        else:
            end = item["end_of_life"]
            records.append(base | {"kind": END, "first_or_last_month": end}
                           | _phase_out_risk(company, consensus, sku, end,
                                             item["standard_cost"], cycle))
    table = pd.DataFrame.from_records(records, columns=list(COLUMNS)).astype(COLUMNS)
    return table.sort_values(["risk_value", "sku"], ascending=[False, True],
                             ignore_index=True)


def _method(labels: pd.Series) -> str:
    """The forecast's method labels of one SKU as a planner reads them."""
    labels = labels.drop_duplicates().tolist()
    if not labels:
        return ""
    if labels[0].startswith(NEW_ITEM_PREFIX):
        return labels[0].removeprefix(NEW_ITEM_PREFIX)
    before = [label for label in labels if not label.startswith(PHASE_OUT_PREFIX)]
    ended = [label for label in labels if label.startswith(PHASE_OUT_PREFIX)]
    method = " / ".join(describe(label) for label in before) or "zero"
    if ended:
        last = ended[0].rsplit(" ", 1)[-1]
        return f"{PHASE_OUT_PREFIX}{method} to {last}, then zero"
    return f"{PHASE_OUT_PREFIX}{method}"


def _ramps(company: Company, rows: pd.DataFrame, forecast: pd.DataFrame,
           cycle: pd.Period) -> pd.DataFrame:
    """Per SKU of `rows`: booked (bookings per month over its last RAMP_MONTHS closed months
    since its first month), booked_months (how many), forecast (per month over the first
    RAMP_MONTHS plan months), ramp and family_ramp."""
    bookings = HistoryMatrix.of(company)
    recent = bookings.series(rows["sku"])[:, -RAMP_MONTHS:]  # NaN before a SKU's first month
    months = (~np.isnan(recent)).sum(axis=1)
    booked = np.nansum(recent, axis=1) / np.where(months > 0, months, np.nan)
    first = forecast[forecast["month"] < cycle + RAMP_MONTHS]
    planned = first.groupby("sku")["forecast"].sum().reindex(rows["sku"]).to_numpy() / RAMP_MONTHS
    families, totals = bookings.family_totals()
    family_booked = pd.Series(np.nansum(totals[:, -RAMP_MONTHS:], axis=1) / RAMP_MONTHS,
                              index=families)
    family_planned = first.groupby("family")["forecast"].sum() / RAMP_MONTHS
    family_ramp = family_booked / family_planned.where(family_planned > 0)
    return pd.DataFrame({"booked": booked, "booked_months": months, "forecast": planned,
                         "ramp": booked / np.where(planned > 0, planned, np.nan),
                         "family_ramp": family_ramp.reindex(rows["family"]).to_numpy()},
                        index=rows["sku"].to_numpy())


def _launch_risk(ramp: pd.Series, row: dict, last_closed: pd.Period, cycle: pd.Period,
                 currency: str) -> dict:
    """A launch's ramp, risk sentence and risk_value."""
    revenue = format_money(row["revenue"], currency)
    if ramp["booked_months"] == 0:
        return {"ramp": np.nan, "family_ramp": ramp["family_ramp"], "risk_value": row["revenue"],
                "risk": f"No bookings yet: its {revenue} over the next {WINDOW_MONTHS} months "
                        f"rests on the {row['method']} forecast alone; confirm the launch month "
                        "and the first orders."}
    booked = span_label(last_closed - int(ramp["booked_months"]) + 1, last_closed)
    planned = span_label(cycle, cycle + RAMP_MONTHS - 1)
    said = (f"Booked {ramp['booked']:,.0f} a month in {booked} against "
            f"{ramp['forecast']:,.0f} a month forecast for {planned}")
    family = ramp["family_ramp"]
    if np.isnan(ramp["ramp"]):
        return {"ramp": np.nan, "family_ramp": family, "risk_value": 0.0,
                "risk": f"{said}: review a forecast of zero for a SKU that books."}
    pace = ramp["ramp"] / family if family > 0 else ramp["ramp"]
    value = row["revenue"] * (1 - pace) if pace < 1 - RAMP_TOLERANCE else 0.0
    if value > 0:
        verdict = (f"behind its family's pace; if it stays there, "
                   f"{format_money(value, currency)} of its {revenue} is at risk.")
    elif pace > 1 + RAMP_TOLERANCE:
        verdict = "ahead of its family's pace: raise the forecast or check supply can follow."
    else:
        verdict = "on track with its family."
    return {"ramp": ramp["ramp"], "family_ramp": family, "risk_value": value,
            "risk": f"{said}: {verdict}"}


def _phase_out_risk(company: Company, consensus: pd.DataFrame, sku: str, end, cost: float,
                    cycle: pd.Period) -> dict:
    """A phase-out's risk sentence and risk_value: its stock beyond its demand to the end."""
    on_hand = company.inventory[(company.inventory["sku"] == sku)
                                & (company.inventory["month"] == company.last_closed_month)]
    stock = float(on_hand["on_hand"].sum())
    own = consensus[consensus["sku"] == sku]
    if pd.isna(end):
        to = "over the horizon (no end of life set)"
    else:
        own = own[own["month"] <= end]
        to = (f"for {span_label(cycle, end)}" if end >= cycle
              else f"after its end of life {month_label(end)}")
    demand = float(own["consensus"].sum())
    said = f"{units_text(stock)} in stock, {units_text(demand)} forecast {to}"
    left = max(stock - demand, 0.0)
    value = left * cost
    if left > 0:
        verdict = (f"{units_text(left)} would be left, "
                   f"{format_money(value, company.config.currency)} at standard cost; stop "
                   "making it and plan a sell-off.")
    else:
        verdict = ("the stock runs out first; make no more than the "
                   f"{units_text(demand - stock)} still needed.")
    return {"ramp": np.nan, "family_ramp": np.nan, "risk_value": value,
            "risk": f"{said}: {verdict}"}


def launches_at_risk(review: pd.DataFrame) -> pd.DataFrame:
    """The rows of a `launch_review` that carry money at risk, as the executive page lists
    them: sku, family, kind, first_or_last_month, revenue, risk, risk_value."""
    columns = ["sku", "family", "kind", "first_or_last_month", "revenue", "risk", "risk_value"]
    return review.loc[review["risk_value"] > 0, columns].reset_index(drop=True)
