"""Planning rules: how stock and backlog roll forward, and the production of the rule strategies.

Positions. MTS: shipments = min(demand + backlog carried, inventory + production), then
inventory_t = inventory_{t-1} + production_t - shipments_t and backlog_t = backlog_{t-1} +
demand_t - shipments_t. MTO families hold no finished stock: they ship what they make, and
make at most what is on order (backlog carried + the month's demand). A whole-unit plan
makes and ships whole units; the fraction of a forecast it cannot ship stays in the backlog.

Rules, applied month by month from the opening position:
- frozen: inside the time fence a family makes what the plan of record says (an MTO family at
  most what is on order);
- chase: make what the month's demand and the target change need: MTS demand + backlog carried
  + target - inventory carried; MTO backlog carried + demand - target (never below 0);
- level: one constant rate per window of LEVEL_WINDOW months (from the first month after the
  fence; the last window may be shorter) that brings the position to the target at the
  window's last month: MTS (demand of the window + target - inventory + backlog) / months, MTO
  (backlog + demand of the window - target) / months. A year-long window lets the stock absorb a
  whole season. An MTO family makes the rate or what is on order, whichever is less.
Chase and level rates are kept within the family's min/max production; optimised families have
no rule (the optimiser decides their production outside the fence).
"""
from __future__ import annotations

import numpy as np

from sop_lib.core.whole import whole_floor
from sop_lib.supply.inputs import CHASE, LEVEL

LEVEL_WINDOW = 12


def step(inventory: np.ndarray, backlog: np.ndarray, production: np.ndarray,
         demand: np.ndarray, mts: np.ndarray, *, whole: bool = False):
    """One month for all families: (production, shipments, inventory, backlog) at month end.

    MTO production beyond what is on order is cut to it. `whole`: the plan makes and ships
    whole units (production must be whole): what is on order and what can ship are counted in
    whole units, and the fraction of demand left stays in the backlog."""
    units = whole_floor if whole else np.asarray
    production = np.where(mts, production, np.minimum(production, units(backlog + demand)))
    shipments = np.where(mts, np.minimum(units(demand + backlog), units(inventory + production)),
                         production)
    return (production, shipments, inventory + production - shipments,
            backlog + demand - shipments)


def roll_forward(production: np.ndarray, demand: np.ndarray, *, mts: np.ndarray,
                 opening_inventory: np.ndarray, opening_backlog: np.ndarray,
                 whole: bool = False) -> dict:
    """Families x months `production, shipments, inventory, backlog` of a production plan
    (`whole`: of whole units, see `step`)."""
    flows = {name: np.empty_like(demand) for name in
             ("production", "shipments", "inventory", "backlog")}
    inventory, backlog = opening_inventory, opening_backlog
    for t in range(demand.shape[1]):
        made, shipped, inventory, backlog = step(inventory, backlog, production[:, t],
                                                 demand[:, t], mts, whole=whole)
        flows["production"][:, t], flows["shipments"][:, t] = made, shipped
        flows["inventory"][:, t], flows["backlog"][:, t] = inventory, backlog
    return flows


def rule_production(demand: np.ndarray, target: np.ndarray, *, mts: np.ndarray,
                    opening_inventory: np.ndarray, opening_backlog: np.ndarray,
                    rule: np.ndarray, frozen: np.ndarray | None = None,
                    minimum: np.ndarray | None = None,
                    maximum: np.ndarray | None = None) -> np.ndarray:
    """Families x months production the rules fix (see the module notes); NaN where the
    optimiser decides (optimised families outside the fence).

    `rule` per family is chase, level or optimised; `frozen` (NaN where not frozen) holds the
    plan of record's production; `minimum` and `maximum` bound the chase and level rates.
    """
    families, count = demand.shape
    frozen = np.full(demand.shape, np.nan) if frozen is None else frozen
    minimum = np.zeros(families) if minimum is None else minimum
    maximum = np.full(families, np.inf) if maximum is None else maximum
    window_start = _window_starts(frozen)
    production = np.full(demand.shape, np.nan)
    rate = np.zeros(families)
    inventory, backlog = opening_inventory, opening_backlog
    for t in range(count):
        d = demand[:, t]
        chase = np.where(mts, d + backlog + target[:, t] - inventory, backlog + d - target[:, t])
        starts = (t - window_start >= 0) & ((t - window_start) % LEVEL_WINDOW == 0)
        if starts.any():
            end = np.minimum(t + LEVEL_WINDOW - (t - window_start) % LEVEL_WINDOW, count) - 1
            rate = np.where(starts, _level_rate(demand, target, t, end, mts, inventory, backlog),
                            rate)
        ruled = np.select([rule == CHASE, rule == LEVEL], [chase, rate], np.nan)
        ruled = np.clip(np.maximum(ruled, 0.0), minimum, maximum)
        wanted = np.where(np.isnan(frozen[:, t]), ruled, frozen[:, t])
        made, _, inventory, backlog = step(inventory, backlog, wanted, d, mts)
        production[:, t] = made
    return production


def _window_starts(frozen: np.ndarray) -> np.ndarray:
    """Per family, the first month after its frozen months."""
    return (~np.isnan(frozen)).cumprod(axis=1).sum(axis=1)


def _level_rate(demand, target, t, end, mts, inventory, backlog) -> np.ndarray:
    """The constant rate over months t..end[f] that ends the window at target."""
    months = end - t + 1
    columns = np.arange(demand.shape[1])
    inside = (columns[None, :] >= t) & (columns[None, :] <= end[:, None])
    window_demand = (demand * inside).sum(axis=1)
    at_end = target[np.arange(len(demand)), end]
    need = np.where(mts, window_demand + at_end - inventory + backlog,
                    backlog + window_demand - at_end)
    return need / months
