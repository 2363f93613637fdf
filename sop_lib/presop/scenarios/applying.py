"""Applying a scenario: the company and demand frames as the scenario would have them.

Changes apply in the order of the file, each on the result of the ones before (two demand changes
on one month compound). What each kind changes:
- demand: the consensus units and value of the family's SKUs (consensus frame) and of the family
  (demand frame) in the months, by the percent, and the family's forecast band (p10, p50, p90)
  with them, so the safety stock keeps the same relative uncertainty; the statistical forecast
  stays as the model made it.
- price: the unit price and consensus value of the family's SKUs, and the family's consensus
  value, in the months. items.unit_price stays: actual revenue is history.
- cost: the standard cost of the family's SKUs in items (every month: costs are not monthly).
- inventory_target / backlog_target: the family's target in families.
- capacity / overtime: the resources' regular or overtime hours in the months (see
  `sop_lib.presop.scenarios.calendar`); hours never go below 0.
"""
from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np
import pandas as pd

from sop_lib.core.errors import SopError
from sop_lib.core.words import span_label
from sop_lib.data.company import Company
from sop_lib.presop.scenarios.calendar import with_capacity
from sop_lib.presop.scenarios.model import CAPACITY, COST, DEMAND, OVERTIME, PRICE, Change, Scenario
from sop_lib.supply.capacity import monthly_capacity

TARGET_COLUMNS = {"days": "inventory_target_days", "weeks": "backlog_target_weeks"}
HOURS_COLUMNS = {CAPACITY: "available_hours", OVERTIME: "max_overtime_hours"}
SCALED = {DEMAND: ("consensus", "consensus_value", "p10", "p50", "p90"),
          PRICE: ("unit_price", "consensus_value")}


class ScenarioInputs(NamedTuple):
    """What the plan is made from, as a scenario has it."""

    company: Company
    demand: pd.DataFrame
    consensus: pd.DataFrame


def apply_scenario(company: Company, demand: pd.DataFrame, consensus: pd.DataFrame,
                   scenario: Scenario) -> ScenarioInputs:
    """The company, family demand and SKU consensus with the scenario's changes applied.

    `demand` has at least `family, month, consensus, consensus_value` (the demand review's
    `demand`, whose p10/p50/p90 band is scaled too when present), `consensus` the consensus
    frame's columns; the plan months are demand's months.
    Raises SopError when a change names a month outside them. The inputs are not modified.
    """
    months = pd.PeriodIndex(sorted(demand["month"].unique()), freq="M")
    _check_months(scenario, months)
    hours = monthly_capacity(company, months)
    items, families = company.items, company.families
    for change in scenario.changes:
        if change.kind in HOURS_COLUMNS:
            hours = _changed_hours(hours, change)
        elif change.kind in SCALED:
            demand, consensus = (_scaled(frame, change) for frame in (demand, consensus))
        elif change.kind == COST:
            items = _scaled_cost(items, change)
        else:
            families = _with_target(families, change)
    changed = with_capacity(replace(company, items=items, families=families), hours)
    return ScenarioInputs(changed, demand, consensus)


def _check_months(scenario: Scenario, months: pd.PeriodIndex) -> None:
    for position, change in enumerate(scenario.changes, start=1):
        outside = [m for m in change.months if m not in months]
        if outside:
            raise SopError(
                f"Scenario {scenario.name}, change {position} ({change.describe()}): "
                f"{outside[0].strftime('%Y-%m')} is outside the plan months "
                f"{span_label(months[0], months[-1])}; read the scenarios for this cycle and "
                "horizon.")


def _scaled(frame: pd.DataFrame, change: Change) -> pd.DataFrame:
    """A demand or consensus frame with the change's percent applied to its rows.

    demand scales units, value and the band; price scales the unit price and the value (of the
    columns the frame has).
    """
    rows = (frame["family"].isin(change.names) & frame["month"].isin(change.months)).to_numpy()
    factor = np.where(rows, 1 + change.amount / 100, 1.0)
    scaled = [c for c in SCALED[change.kind] if c in frame.columns]
    return frame.assign(**{column: frame[column] * factor for column in scaled})


def _scaled_cost(items: pd.DataFrame, change: Change) -> pd.DataFrame:
    factor = np.where(items["family"].isin(change.names), 1 + change.amount / 100, 1.0)
    return items.assign(standard_cost=items["standard_cost"] * factor)


def _with_target(families: pd.DataFrame, change: Change) -> pd.DataFrame:
    column = TARGET_COLUMNS[change.field]
    return families.assign(**{column: families[column].where(
        ~families["family"].isin(change.names), change.amount)})


def _changed_hours(hours: pd.DataFrame, change: Change) -> pd.DataFrame:
    """Resource-month hours with a capacity or overtime change applied (never below 0)."""
    column = HOURS_COLUMNS[change.kind]
    rows = hours["resource"].isin(change.names) & hours["month"].isin(change.months)
    value = hours[column] + change.amount if change.field == "add_hours" else change.amount
    return hours.assign(**{column: hours[column].where(~rows, np.maximum(value, 0.0))})
