"""What a supply plan costs: the rates the optimiser weighs, and the breakdown of a plan.

Rates per family (unit price and standard cost: the simple averages over the family's SKUs):
- holding: standard cost x holding_cost_rate / 12 per unit of month-end inventory;
- late: unit price x backlog_cost_rate per unit-month late (MTS: every unit of backlog; MTO:
  backlog above the target order book);
- below target: per unit-month under the target. MTS: holding + half the late cost, so keeping
  the target stock is always cheaper than missing it, and missing it cheaper than shipping late
  while holding costs less than half the late cost, as it does unless a product sells far below
  its cost (the plan uses its target stock before it makes customers wait). MTO: the holding
  cost, for shipping ahead of the planned order book;
- end of horizon: each unit still late or (MTS) below target at the horizon's last month is
  also charged what making it later would cost (its hours at the dearer of the regular and
  overtime rate) plus one more month late, so the plan never leaves work past the horizon to
  save hours.
Rates per resource: regular and overtime cost per hour (resources), and overload, for hours
beyond maximum overtime that only fixed production (time fence, level, chase, minimum) can
force: OVERLOAD_MULTIPLE x the most a unit of any family using the resource could cost per hour
otherwise (late for the whole horizon and past it) or its dearer hourly rate, and at least 1 an
hour, so the plan always prefers backlog to it.

Hours: regular hours are a resource's load up to its available hours, overtime the load beyond
up to max_overtime_hours, overload the rest; a family's share of each is its share of the load.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_lib.core.errors import SopError
from sop_lib.data.company import Company
from sop_lib.supply.inputs import PlanInputs

BELOW_TARGET_LATE_SHARE = 0.5
OVERLOAD_MULTIPLE = 10.0
MONTHS_PER_YEAR = 12

COST_COLUMNS = ["regular_cost", "overtime_cost", "holding_cost", "backlog_cost",
                "below_target_penalty", "end_of_horizon_penalty", "overload_penalty"]
HOUR_COLUMNS = ["regular_hours", "overtime_hours", "overload_hours"]
MONEY = COST_COLUMNS[:4]
PENALTIES = COST_COLUMNS[4:]


@dataclass(frozen=True)
class CostRates:
    """Per family (F) and per resource (R) rates, in currency per unit-month or per hour."""

    holding: np.ndarray
    late: np.ndarray
    below: np.ndarray
    end: np.ndarray
    regular: np.ndarray
    overtime: np.ndarray
    overload: np.ndarray


def cost_rates(company: Company, inputs: PlanInputs) -> CostRates:
    """The rates of the module notes for the families and resources of `inputs`."""
    config = company.config
    prices = company.items.groupby("family")[["unit_price", "standard_cost"]].mean().reindex(
        inputs.families)
    unpriced = prices.index[prices.isna().any(axis=1)]
    if len(unpriced):
        raise SopError(f"Family {unpriced[0]} has no SKU with a unit price and standard cost in "
                       "items; the supply plan needs them to weigh holding and late costs.")
    holding = prices["standard_cost"].to_numpy() * config.holding_cost_rate / MONTHS_PER_YEAR
    late = prices["unit_price"].to_numpy() * config.backlog_cost_rate
    below = np.where(inputs.mts, holding + BELOW_TARGET_LATE_SHARE * late, holding)
    resources = inputs.resources
    regular = resources["regular_cost_per_hour"].to_numpy()
    overtime = resources["overtime_cost_per_hour"].to_numpy()
    end = inputs.hours @ np.maximum(regular, overtime) + late
    unit_worst = end + len(inputs.months) * (holding + late + below)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_hour = np.where(inputs.hours > 0, unit_worst[:, None] / inputs.hours, 0.0)
    overload = OVERLOAD_MULTIPLE * np.maximum(per_hour.max(axis=0, initial=0.0),
                                              np.maximum(regular, overtime))
    return CostRates(holding=holding, late=late, below=below, end=end, regular=regular,
                     overtime=overtime, overload=np.maximum(overload, 1.0))


def resource_hours(production: np.ndarray, inputs: PlanInputs) -> dict[str, np.ndarray]:
    """Per resource x month: `load`, `regular`, `overtime` and `overload` hours of a plan."""
    load = np.einsum("ft,fr->rt", production, inputs.hours)
    available, extra = inputs.available, inputs.max_overtime
    regular = np.minimum(load, available)
    overtime = np.clip(load - available, 0.0, extra)
    return {"load": load, "regular": regular, "overtime": overtime,
            "overload": np.maximum(load - available - extra, 0.0)}


def family_costs(flows: dict[str, np.ndarray], target: np.ndarray, inputs: PlanInputs,
                 rates: CostRates) -> dict[str, np.ndarray]:
    """Families x months hours and costs of a plan (`flows` as strategies.roll_forward gives).

    Keys: HOUR_COLUMNS and COST_COLUMNS; their sum over families and months is the objective the
    optimiser minimises.
    """
    production, mts = flows["production"], inputs.mts[:, None]
    hours = resource_hours(production, inputs)
    share = _load_shares(production, inputs.hours, hours["load"])
    result = {f"{kind}_hours": np.einsum("frt,rt->ft", share, hours[kind])
              for kind in ("regular", "overtime", "overload")}
    for kind, rate in (("regular", rates.regular), ("overtime", rates.overtime),
                       ("overload", rates.overload)):
        cost = np.einsum("frt,rt->ft", share, hours[kind] * rate[:, None])
        result[f"{kind}_{'penalty' if kind == 'overload' else 'cost'}"] = cost
    late, below = late_and_below(flows, target, mts)
    result["holding_cost"] = np.where(mts, flows["inventory"], 0.0) * rates.holding[:, None]
    result["backlog_cost"] = late * rates.late[:, None]
    result["below_target_penalty"] = below * rates.below[:, None]
    end = np.zeros_like(production)
    end[:, -1] = (late[:, -1] + np.where(inputs.mts, below[:, -1], 0.0)) * rates.end
    result["end_of_horizon_penalty"] = end
    return result


def late_and_below(flows: dict[str, np.ndarray], target: np.ndarray, mts: np.ndarray):
    """Units late (MTS: all backlog; MTO: backlog above target) and units below target (MTS:
    inventory under it; MTO: backlog under it) per family and month."""
    backlog = flows["backlog"]
    late = np.maximum(backlog - np.where(mts, 0.0, target), 0.0)
    below = np.maximum(target - np.where(mts, flows["inventory"], backlog), 0.0)
    return late, below


def cost_table(plan: pd.DataFrame) -> pd.DataFrame:
    """Per family, the plan's hours and costs summed over the horizon.

    Columns `family, strategy, plan_strategy, production` + HOUR_COLUMNS + COST_COLUMNS +
    `cost` (regular, overtime, holding and backlog: money the plan would spend or lose),
    `penalty` (below target, end of horizon and overload: weights that steer the plan, not
    money) and `objective` (cost + penalty, what the optimiser minimises).
    """
    table = plan.groupby(["family", "strategy", "plan_strategy"], sort=True, as_index=False)[
        ["production"] + HOUR_COLUMNS + COST_COLUMNS].sum()
    table["cost"] = table[MONEY].sum(axis=1)
    table["penalty"] = table[PENALTIES].sum(axis=1)
    table["objective"] = table["cost"] + table["penalty"]
    return table


def _load_shares(production: np.ndarray, hours: np.ndarray, load: np.ndarray) -> np.ndarray:
    """families x resources x months: each family's share of each resource's load."""
    family_load = np.einsum("ft,fr->frt", production, hours)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(load[None] > 0, family_load / load[None], 0.0)
