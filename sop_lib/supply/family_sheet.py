"""The classic family sheet: a few closed months of plan versus actual, then the plan ahead.

`family_sheets` gives one row per family and month: the last `history_months` closed months
(`period` "history") then the months of the supply plan (`period` "plan"). Plans of record of
the history months come from the plan archive (`sop_lib.supply.adherence`: lag 1, else an earlier
cycle, and the `note` says which); the plan months from this cycle's plan and demand.

- MTS families fill the sales, operations and inventory lines. Sales are bookings: the demand the
  consensus forecasts. Sales forecast = the archived consensus (history) or this cycle's
  consensus (plan); operations plan = the production of the plan of record (history) or of this
  plan; inventory actual = the month-end on_hand of the family's SKUs (NaN when no SKU was
  counted that month); orders late = the plan's backlog of an MTS family in whole units:
  customer orders waiting for stock at the month's end (0 unless the plan runs out of stock;
  the fraction of a unit that whole shipments leave of a fractional forecast is no order).
- MTO families fill the bookings, shipments and backlog lines: bookings as sales above,
  shipments against the plan's shipments, backlog against the plan's backlog. Only today's
  backlog is known (the open orders, at the end of the last closed month); the history backlog is
  rebuilt backwards from it, backlog_{t-1} = backlog_t - bookings_t + shipments_t, so that
  backlog_t = backlog_{t-1} + bookings_t - shipments_t holds through history and, since the plan
  opens with the open orders, on into the plan months.

Differences are actual - forecast (or plan): positive means more than planned. Cumulative
differences add the history months' differences in order (months without a plan of record are
skipped, so the sum covers the months compared); plan months have neither. History days of supply
are the month-end inventory over the average daily demand of the next FORWARD_MONTHS months, and
history weeks of backlog the backlog over the average weekly demand of the month and the next
two, as in `sop_lib.supply.plan`, with demand = bookings in closed months and the consensus ahead
(NaN when one of those months is neither, e.g. between the last closed month and a later
cycle); plan months show the plan's own figures. A line that does not apply to the family's
strategy is NaN.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sop_lib.core.errors import ParameterError, SopError
from sop_lib.core.frames import join_on_key
from sop_lib.core.months import month_label, month_range
from sop_lib.data.actuals import family_history
from sop_lib.data.company import Company
from sop_lib.supply.adherence import (
    KEY,
    NO_PRODUCTION_NOTE,
    archived_consensus,
    archived_plan,
    closed_months,
    production_vs_record,
    sales_vs_record,
)
from sop_lib.supply.plan import (
    DAYS_PER_MONTH,
    FORWARD_MONTHS,
    TOLERANCE,
    WEEKS_PER_MONTH,
    opening_position,
)

HISTORY, PLAN = "history", "plan"
PLAN_LINES = ("production", "shipments", "inventory", "backlog")
NEGATIVE_BACKLOG_NOTE = ("rebuilt backlog below zero: the bookings and shipments since this "
                         "month do not add up to today's open orders")

# Per strategy, the sheet's lines in printed order: (column, label).
LINES = {
    "MTS": [("sales_forecast", "Sales: forecast"), ("sales_actual", "Sales: actual"),
            ("sales_diff", "Sales: difference"),
            ("sales_cum_diff", "Sales: cumulative difference"),
            ("operations_plan", "Operations: plan"), ("operations_actual", "Operations: actual"),
            ("operations_diff", "Operations: difference"),
            ("operations_cum_diff", "Operations: cumulative difference"),
            ("inventory_plan", "Inventory: plan"), ("inventory_actual", "Inventory: actual"),
            ("days_of_supply", "Inventory: days of supply"),
            ("late_orders_plan", "Inventory: orders late (plan)")],
    "MTO": [("bookings_forecast", "Bookings: forecast"), ("bookings_actual", "Bookings: actual"),
            ("bookings_diff", "Bookings: difference"),
            ("bookings_cum_diff", "Bookings: cumulative difference"),
            ("shipments_plan", "Shipments: plan"), ("shipments_actual", "Shipments: actual"),
            ("shipments_diff", "Shipments: difference"),
            ("shipments_cum_diff", "Shipments: cumulative difference"),
            ("backlog_plan", "Backlog: plan"), ("backlog_actual", "Backlog: actual"),
            ("weeks_of_backlog", "Backlog: weeks of backlog")],
}
# The lines compared month by month: (section, name of its planned line).
COMPARED = (("sales", "forecast"), ("operations", "plan"), ("shipments", "plan"))
# MTO bookings are the sales figures (bookings) under their MTO names.
BOOKINGS_LINES = ("forecast", "actual", "diff", "cum_diff")
SHEET_COLUMNS = ["family", "strategy", "period", "month",
                 *(column for strategy in ("MTS", "MTO") for column, _ in LINES[strategy]),
                 "note"]


def family_sheets(company: Company, plan: pd.DataFrame, demand: pd.DataFrame,
                  archive_dir: Path | str | None, *, history_months: int = 3,
                  lag_one: pd.DataFrame | None = None) -> pd.DataFrame:
    """The family sheets of every family of `plan`, in long form.

    `plan` is the supply plan (`sop_lib.supply.plan.supply_plan_frame`), `demand` the family demand
    (family, month, consensus). Returns columns family, strategy, period ("history" | "plan"),
    month, the MTS lines sales_forecast, sales_actual, sales_diff, sales_cum_diff,
    operations_plan, operations_actual, operations_diff, operations_cum_diff, inventory_plan,
    inventory_actual, days_of_supply, the MTO lines bookings_forecast, bookings_actual,
    bookings_diff, bookings_cum_diff, shipments_plan, shipments_actual, shipments_diff,
    shipments_cum_diff, backlog_plan, backlog_actual, weeks_of_backlog, and note (what a history
    month's plan of record rests on, or why a figure is missing); sorted by family and month.
    `lag_one` (the demand review's `lag_one_forecast`) fills the sales forecast of a history
    month that has no archived consensus with the statistical forecast made one month ahead,
    archived by `sop backfill` or replayed from history, and the note says which.
    """
    families = (plan[["family", "strategy"]].drop_duplicates("family")
                .sort_values("family", ignore_index=True))
    window = closed_months(company, months=history_months)
    if plan["month"].min() <= window[-1]:
        raise SopError(f"The plan starts in {month_label(plan['month'].min())}, not after the "
                       f"last closed month {month_label(window[-1])}; a family sheet needs the "
                       "plan of the cycle that follows the company's history.")
    rows = pd.concat([_history_rows(company, families, archive_dir, window, lag_one),
                      _plan_rows(plan, demand)], ignore_index=True)
    rows = rows.sort_values(KEY, ignore_index=True)
    _add_differences(rows)
    _add_history_coverage(rows)
    return _by_strategy(rows)[SHEET_COLUMNS]


def sheet_table(sheets: pd.DataFrame, family: str) -> pd.DataFrame:
    """One family's sheet in the printed layout: a row per line, a column per month (YYYY-MM).

    The lines are those of the family's strategy in `LINES` order (e.g. "Sales: forecast",
    "Sales: actual", ...); the history months come first, as in `sheets`.
    """
    rows = sheets[sheets["family"] == family].sort_values("month")
    if rows.empty:
        known = ", ".join(sorted(set(sheets["family"]))) or "none"
        raise ParameterError(f"family {family!r} has no family sheet; the sheets hold: {known}")
    lines = LINES[rows["strategy"].iloc[0]]
    table = rows[[column for column, _ in lines]].T
    table.index = pd.Index([label for _, label in lines], name="line")
    table.columns = pd.Index([month_label(month) for month in rows["month"]], name="month")
    return table


def sheet_notes(sheets: pd.DataFrame, family: str) -> list[str]:
    """What one family's history months rest on, each note once, as sentences."""
    notes = sheets.loc[(sheets["family"] == family) & (sheets["period"] == HISTORY), "note"]
    parts = dict.fromkeys(part for note in notes.dropna() for part in _top_level(note) if part)
    return [part[:1].upper() + part[1:] + "." for part in parts]


def _top_level(note: str) -> list[str]:
    """The notes joined in `note` by "; ", leaving a "; " inside parentheses alone."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(note):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and note.startswith("; ", i):
            parts.append(note[start:i])
            start = i + 2
    return [*parts, note[start:]]


def _history_rows(company: Company, families: pd.DataFrame, archive_dir,
                  window: pd.PeriodIndex, lag_one: pd.DataFrame | None) -> pd.DataFrame:
    """The closed months: plans of record from the archive against the actuals."""
    names = families["family"]
    consensus = _with_statistical(archived_consensus(archive_dir, names, window), lag_one)
    record = archived_plan(archive_dir, names, window, columns=PLAN_LINES)
    sales = sales_vs_record(company, consensus)
    production = production_vs_record(company, record)
    rows = record[KEY].merge(families, on="family")
    keys = pd.MultiIndex.from_frame(rows[KEY])
    shipped = family_history(company).set_index(KEY)["shipments"].reindex(keys).fillna(0.0)
    rows = rows.assign(
        period=HISTORY,
        sales_forecast=sales["planned"], sales_actual=sales["actual"],
        operations_plan=production["planned"], operations_actual=production["actual"],
        shipments_plan=record["shipments"], shipments_actual=shipped.to_numpy(),
        inventory_plan=record["inventory"],
        inventory_actual=_counted_inventory(company).reindex(keys).to_numpy(),
        backlog_plan=record["backlog"],
    )
    rows["backlog_actual"] = _rebuilt_backlog(company, rows)
    mts = rows["strategy"] == "MTS"
    rows["note"] = [
        "; ".join(note for note in notes if note) for notes in zip(
            consensus["note"], record["note"],
            np.where(mts & rows["operations_actual"].isna(), NO_PRODUCTION_NOTE, ""),
            np.where(~mts & (rows["backlog_actual"] < -TOLERANCE), NEGATIVE_BACKLOG_NOTE, ""))]
    return rows


def _with_statistical(consensus: pd.DataFrame, lag_one: pd.DataFrame | None) -> pd.DataFrame:
    """Months without an archived consensus take the lag-1 statistical forecast, noted."""
    if lag_one is None or lag_one.empty:
        return consensus
    statistical = lag_one.set_index(KEY)
    keys = pd.MultiIndex.from_frame(consensus[KEY])
    found = statistical["statistical"].reindex(keys).to_numpy()
    replayed = statistical["replayed"].reindex(keys).fillna(False).to_numpy(dtype=bool)
    fill = consensus["consensus"].isna().to_numpy() & ~np.isnan(found)
    notes = np.where(replayed, "sales forecast: the statistical forecast of the month before, "
                     "replayed from history (no consensus of record)",
                     "sales forecast: the statistical forecast of the month before, from the "
                     "backfilled archive (no consensus of record)")
    return consensus.assign(consensus=np.where(fill, found, consensus["consensus"]),
                            note=np.where(fill, notes, consensus["note"]))


def _plan_rows(plan: pd.DataFrame, demand: pd.DataFrame) -> pd.DataFrame:
    """The plan months: this cycle's consensus and supply plan."""
    rows = plan.merge(demand[["family", "month", "consensus"]], on=KEY, how="left")
    return pd.DataFrame({
        "family": rows["family"], "strategy": rows["strategy"], "month": rows["month"],
        "period": PLAN, "sales_forecast": rows["consensus"],
        "operations_plan": rows["production"], "shipments_plan": rows["shipments"],
        "inventory_plan": rows["inventory"], "backlog_plan": rows["backlog"],
        "late_orders_plan": np.floor(rows["backlog"] + TOLERANCE),
        "days_of_supply": rows["days_of_supply"], "weeks_of_backlog": rows["weeks_of_backlog"],
        "note": "",
    })


def _counted_inventory(company: Company) -> pd.Series:
    """Month-end on_hand per (family, month), summed over the family's SKUs counted."""
    counted = join_on_key(company.inventory, company.items, "sku", ["family"])
    return counted.groupby(KEY)["on_hand"].sum()


def _rebuilt_backlog(company: Company, rows: pd.DataFrame) -> np.ndarray:
    """Backlog at each history month's end, rebuilt backwards from today's open orders.

    backlog_t = open orders - sum over the later closed months s of (bookings_s - shipments_s);
    `rows` must hold every closed month from its first to the last closed month, by family.
    """
    opening = opening_position(company).set_index("family")["opening_backlog"]
    net = (rows["sales_actual"] - rows["shipments_actual"]).iloc[::-1]
    later = net.groupby(rows["family"].iloc[::-1]).cumsum() - net
    return (rows["family"].map(opening).fillna(0.0) - later.reindex(rows.index)).to_numpy()


def _add_differences(rows: pd.DataFrame) -> None:
    """actual - planned and its running sum per family, for every section."""
    for name, planned in COMPARED:
        difference = rows[f"{name}_actual"] - rows[f"{name}_{planned}"]
        rows[f"{name}_diff"] = difference
        rows[f"{name}_cum_diff"] = difference.groupby(rows["family"]).cumsum()


def _add_history_coverage(rows: pd.DataFrame) -> None:
    """Days of supply and weeks of backlog of the history months, from actual positions."""
    history = rows["period"] == HISTORY
    demand = rows["sales_actual"].where(history, rows["sales_forecast"])
    wide = rows.assign(demand=demand).pivot(index="month", columns="family", values="demand")
    wide = wide.reindex(month_range(wide.index.min(), (wide.index.max() - wide.index.min()).n + 1))
    window = wide.rolling(FORWARD_MONTHS).mean()
    forward_daily = _at(window.shift(-FORWARD_MONTHS), rows) / DAYS_PER_MONTH
    weekly = _at(window.shift(-(FORWARD_MONTHS - 1)), rows) / WEEKS_PER_MONTH
    days = rows["inventory_actual"] / forward_daily.where(forward_daily > 0)
    weeks = rows["backlog_actual"] / weekly.where(weekly > 0)
    rows["days_of_supply"] = rows["days_of_supply"].where(~history, days)
    rows["weeks_of_backlog"] = rows["weeks_of_backlog"].where(~history, weeks)


def _at(wide: pd.DataFrame, rows: pd.DataFrame) -> pd.Series:
    """The value of a months x families frame at each row's month and family."""
    values = wide.stack().reindex(pd.MultiIndex.from_frame(rows[["month", "family"]]))
    return pd.Series(values.to_numpy(), index=rows.index)


def _by_strategy(rows: pd.DataFrame) -> pd.DataFrame:
    """Copy the shared lines to each strategy's names and blank the lines of the other one."""
    result = rows.assign(**{f"bookings_{line}": rows[f"sales_{line}"]
                            for line in BOOKINGS_LINES})
    for strategy, lines in LINES.items():
        result.loc[result["strategy"] != strategy, [column for column, _ in lines]] = np.nan
    return result.astype({"note": str})
