"""What the scenario panel shows of a plan: its key figures, one row per measure in its own unit
(one column per plan, then the difference), and demand against supply per family, the plans
side by side on one scale.
"""
from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from sop_lib.core.errors import SopError
from sop_lib.pack.charts import (
    DEMAND,
    STYLE,
    SUPPLY,
    TICK_SIZE,
    family_panels,
    finish_figure,
    legend_below,
    units_axis,
)
from sop_lib.presop.balance import balance, balance_summary

MONEY = "money"  # a measure in the company's currency
DIFFERENCE = "Difference"
# compare_scenarios' column, the measure in words, and its unit (the row rule of
# `sop_lib.pack.formatting`: the company's currency, a share, a signed share or a count)
MEASURES = (
    ("units", "Units shipped", "count"),
    ("revenue", "Revenue", MONEY),
    ("margin", "Margin", MONEY),
    ("overtime_hours", "Overtime hours", "count"),
    ("overtime_cost", "Overtime cost", MONEY),
    ("added_hours", "Regular hours added", "count"),
    ("added_hours_cost", "Cost of regular hours added", MONEY),
    ("holding_cost", "Holding cost", MONEY),
    ("net_margin", "Net margin", MONEY),
    ("average_inventory_value", "Average inventory value", MONEY),
    ("service_level", "Service level", "share"),
    ("service_target", "Service target", "share"),
    ("families_below_target", "Families below their service target", "count"),
    ("peak_utilisation", "Peak utilisation of regular hours", "share"),
    ("overloaded_resource_months", "Overloaded resource-months", "count"),
    ("required_overloaded_resource_months", "Overloaded resource-months before the plan",
     "count"),
    ("plan_gap", "Gap to the business plan", MONEY),
    ("plan_gap_pct", "Gap to the business plan, share of the plan", "share change"),
    ("fiscal_year_revenue", "Fiscal year revenue forecast", MONEY),
    ("fiscal_year_gap", "Fiscal year gap to the business plan", MONEY),
    ("fiscal_year_gap_pct", "Fiscal year gap to the business plan, share of the plan",
     "share change"),
)
FIXED_COLUMNS = ("measure", "unit", "difference_unit", DIFFERENCE)


def key_figures(comparison: pd.DataFrame, currency: str) -> pd.DataFrame:
    """compare_scenarios' figures with one row per measure: `measure`, `unit` (the row rule's
    marker, money as `currency`), one column per scenario named after it (the baseline first)
    and, with two scenarios, `Difference` = the second minus the first."""
    clash = set(comparison["scenario"]) & set(FIXED_COLUMNS)
    if clash:
        raise SopError(f"A scenario cannot be called {', '.join(sorted(clash))}: choose another "
                       "name.")
    columns = [column for column, _, _ in MEASURES]
    figures = comparison.set_index("scenario")[columns].T.astype(float)
    table = pd.DataFrame({
        "measure": [_measure_label(text, column, comparison) for column, text, _ in MEASURES],
        "unit": [currency if unit == MONEY else unit for _, _, unit in MEASURES]})
    for name in figures.columns:
        table[name] = figures[name].to_numpy()
    if len(figures.columns) == 2:
        table[DIFFERENCE] = (figures.iloc[:, 1] - figures.iloc[:, 0]).to_numpy()
        table["difference_unit"] = table["unit"]  # the difference signed, in the row's unit
    return table


def _measure_label(text: str, column: str, comparison: pd.DataFrame) -> str:
    """The measure in words, with the fiscal year its fiscal-year figures cover."""
    if column.startswith("fiscal_year"):
        return text.replace("Fiscal year", str(comparison["fiscal_year"].iloc[0]))
    return text


def plan_summary(result) -> pd.DataFrame:
    """A scenario result's balance summary per family (demand, supply, service)."""
    return balance_summary(balance(result.plan, result.money))


@STYLE
def plans_chart(summaries: dict[str, pd.DataFrame]):
    """Per family, demand and supply of each plan (name -> balance summary), side by side on
    the family's own scale, the plans named under their bars."""
    names = list(summaries)
    frames = [summaries[name].set_index("family") for name in names]
    families = list(frames[0].index)
    fig, axes = family_panels(len(families), cols=3, height=2.6)
    x, width = np.arange(len(names)), 0.38
    for ax, family in zip(axes, families):
        rows = [frame.loc[family] for frame in frames]
        for offset, column, colour, text in ((-width / 2, "demand", DEMAND, "Demand"),
                                             (width / 2, "supply", SUPPLY, "Supply")):
            values = [row[column] for row in rows]
            bars = ax.bar(x + offset, values, width, color=colour, label=text)
            ax.bar_label(bars, labels=[f"{v:,.0f}" for v in values], padding=2,
                         fontsize=TICK_SIZE)
        ax.set_xticks(x, [f"{textwrap.fill(name, 16)}\nservice {row['service_level']:.1%}"
                          for name, row in zip(names, rows)])
        ax.set_xlim(-0.7, len(names) - 0.3)
        ax.set_ylim(0, 1.25 * max(max(r["demand"], r["supply"]) for r in rows) or 1.0)
        units_axis(ax, "units")
        ax.set_title(f"{family} ({rows[0]['strategy']})")
    window = frames[0]["months"].iloc[0]
    fig.suptitle(f"Demand and supply per family, {window}: {' against '.join(names)} "
                 "(units, own scale each)")
    legend_below(fig, axes)
    return finish_figure(fig, _plans_alt(names, frames, window))


def _plans_alt(names: list[str], frames: list[pd.DataFrame], window: str) -> str:
    """Each family's demand and supply in each plan, in words."""
    said = "; ".join(
        f"{family}: " + ", ".join(
            f"{name} demand {frame.at[family, 'demand']:,.0f} and supply "
            f"{frame.at[family, 'supply']:,.0f}" for name, frame in zip(names, frames))
        for family in frames[0].index)
    return f"Demand and supply in units over {window}, {' against '.join(names)}. {said}."
