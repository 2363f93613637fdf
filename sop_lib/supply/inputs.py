"""What the supply plan starts from: the demand to plan, the families' settings, the opening.

`read_inputs` checks the demand frame and the families it names and turns them into the
families x months arrays the targets, the strategies and the optimiser work on.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_lib.core.errors import SopError
from sop_lib.core.months import month_label, month_range
from sop_lib.data.company import Company
from sop_lib.supply.capacity import capacity_matrices, hours_per_unit

DEMAND_COLUMNS = ("family", "month", "consensus")
BAND_COLUMNS = ("p10", "p90")
OPTIMISED, LEVEL, CHASE = "optimised", "level", "chase"


@dataclass(frozen=True)
class PlanInputs:
    """The supply plan's inputs as arrays: F families (sorted) x T months, R resources."""

    families: pd.Index
    months: pd.PeriodIndex
    demand: np.ndarray              # F x T consensus units
    band: tuple[np.ndarray, np.ndarray] | None  # p10 and p90 (F x T), None without a band
    mts: np.ndarray                 # F, True for make-to-stock
    cover_days: np.ndarray          # F, target cover in days (MTS days, MTO weeks x 7)
    service_target: np.ndarray      # F
    plan_strategy: np.ndarray       # F, optimised | level | chase
    min_production: np.ndarray      # F, 0 without a minimum
    max_production: np.ndarray      # F, inf without a maximum
    opening_inventory: np.ndarray   # F, units (0 for MTO: they hold no finished stock)
    opening_backlog: np.ndarray     # F, units (0 for MTS: open orders are in the forecast)
    hours: np.ndarray               # F x R hours per unit
    resources: pd.DataFrame         # the company's resources, in the order of `hours`' columns
    available: np.ndarray           # R x T regular hours (resources table or its calendar)
    max_overtime: np.ndarray        # R x T overtime hours

    @property
    def strategy(self) -> np.ndarray:
        return np.where(self.mts, "MTS", "MTO")


def opening_position(company: Company) -> pd.DataFrame:
    """Per family: on-hand inventory at the last closed month and all open orders.

    Columns `family, strategy, opening_inventory, opening_backlog` (units), one row per family.
    """
    family_of = company.items.set_index("sku")["family"]
    inventory = company.inventory
    closing = inventory[inventory["month"] == company.last_closed_month]
    on_hand = closing.groupby(closing["sku"].map(family_of))["on_hand"].sum()
    orders = company.open_orders
    backlog = orders.groupby(orders["sku"].map(family_of))["quantity"].sum()
    families = company.families
    return pd.DataFrame({
        "family": families["family"].to_numpy(),
        "strategy": families["strategy"].to_numpy(),
        "opening_inventory": on_hand.reindex(families["family"]).fillna(0.0).to_numpy(),
        "opening_backlog": backlog.reindex(families["family"]).fillna(0.0).to_numpy(),
    })


def plan_start(position: pd.DataFrame) -> pd.DataFrame:
    """The position a plan starts from: MTS families open with zero backlog (their open orders
    are part of the forecast demand), MTO families with zero inventory (they ship what they make).
    """
    mts = position["strategy"] == "MTS"
    return position.assign(opening_backlog=position["opening_backlog"].where(~mts, 0.0),
                           opening_inventory=position["opening_inventory"].where(mts, 0.0))


def read_inputs(company: Company, demand: pd.DataFrame) -> PlanInputs:
    """Check `demand` (consensus units per family and month, optionally p10/p90) and the
    settings of its families; raise SopError naming the family, month and value at fault."""
    units, months = demand_matrix(demand)
    names = units.index
    settings = family_settings(company, names)
    start = plan_start(opening_position(company)).set_index("family").loc[names]
    mts = (settings["strategy"] == "MTS").to_numpy()
    hours = hours_per_unit(company, names)
    return PlanInputs(
        families=names, months=months, demand=units.to_numpy(),
        band=_band(demand, names, months),
        mts=mts,
        cover_days=np.where(mts, settings["inventory_target_days"].to_numpy(),
                            7.0 * settings["backlog_target_weeks"].to_numpy()),
        service_target=settings["service_target"].to_numpy(),
        plan_strategy=settings["plan_strategy"].to_numpy(),
        min_production=settings["min_production"].fillna(0.0).to_numpy(),
        max_production=settings["max_production"].fillna(np.inf).to_numpy(),
        opening_inventory=start["opening_inventory"].to_numpy(),
        opening_backlog=start["opening_backlog"].to_numpy(),
        hours=hours.to_numpy(),
        resources=company.resources.set_index("resource").loc[hours.columns].reset_index(),
        **dict(zip(("available", "max_overtime"),
                   capacity_matrices(company, hours.columns, months))),
    )


def demand_matrix(demand: pd.DataFrame) -> tuple[pd.DataFrame, pd.PeriodIndex]:
    """Consensus units as a families x months matrix, with its months; checks the frame."""
    missing = [c for c in DEMAND_COLUMNS if c not in demand.columns]
    if missing:
        raise SopError(f"The demand for the supply plan lacks column(s) {', '.join(missing)}; "
                       f"expected {', '.join(DEMAND_COLUMNS)}.")
    if demand.empty:
        raise SopError("The demand for the supply plan is empty: no family to plan.")
    duplicated = demand[demand.duplicated(["family", "month"])]
    if not duplicated.empty:
        row = duplicated.iloc[0]
        raise SopError(f"The demand for the supply plan has family {row['family']} in "
                       f"{month_label(row['month'])} more than once.")
    bad = demand[~(demand["consensus"] >= 0)]
    if not bad.empty:
        row = bad.iloc[0]
        raise SopError(f"The demand for family {row['family']} in {month_label(row['month'])} "
                       f"is {_shown(row['consensus'])}; expected a number of units, 0 or more.")
    months = month_range(demand["month"].min(),
                         (demand["month"].max() - demand["month"].min()).n + 1)
    units = _wide(demand, "consensus", months)
    gaps = units.isna().stack()
    if gaps.any():
        family, month = gaps[gaps].index[0]
        raise SopError(f"The demand for the supply plan has no row for family {family} in "
                       f"{month_label(month)}; every family needs every month "
                       f"{month_label(months[0])} to {month_label(months[-1])}.")
    return units.astype(float), months


def family_settings(company: Company, names: pd.Index) -> pd.DataFrame:
    """The planned families' rows of `families` (empty plan_strategy read as optimised);
    raises SopError for an unknown family, a missing target or min above max production."""
    families = company.families.set_index("family")
    unknown = names.difference(families.index)
    if len(unknown):
        raise SopError(f"The demand names family {unknown[0]}, which is not in families.")
    settings = families.loc[names]
    for strategy, column in (("MTS", "inventory_target_days"), ("MTO", "backlog_target_weeks")):
        lacking = settings[(settings["strategy"] == strategy) & settings[column].isna()]
        if not lacking.empty:
            raise SopError(f"Family {lacking.index[0]} is {strategy} but has no {column} in "
                           "families; the supply plan needs it.")
    crossed = settings[settings["min_production"] > settings["max_production"]]
    if not crossed.empty:
        family = crossed.index[0]
        raise SopError(f"Family {family} has min_production {crossed['min_production'].iloc[0]:g}"
                       f" above max_production {crossed['max_production'].iloc[0]:g} in "
                       "families; expected min_production <= max_production.")
    strategy = settings["plan_strategy"].fillna("").str.strip().str.lower()
    return settings.assign(plan_strategy=strategy.where(strategy != "", OPTIMISED))


def _wide(demand: pd.DataFrame, column: str, months: pd.PeriodIndex) -> pd.DataFrame:
    return demand.pivot(index="family", columns="month", values=column).reindex(
        columns=months).sort_index()


def _band(demand: pd.DataFrame, names: pd.Index,
          months: pd.PeriodIndex) -> tuple[np.ndarray, np.ndarray] | None:
    """p10 and p90 as families x months arrays (NaN where a row has none); None without them."""
    if not all(column in demand.columns for column in BAND_COLUMNS):
        return None
    low, high = (_wide(demand, column, months).reindex(names).to_numpy(dtype=float)
                 for column in BAND_COLUMNS)
    return low, high


def _shown(units: float) -> str:
    """A demand value as a planner reads it: "-1", "2.5" or "empty"."""
    return "empty" if pd.isna(units) else f"{units:g}"
