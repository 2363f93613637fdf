"""Supply review: the operations plan per family toward its inventory or backlog target.

The plan is worked month by month for all families at once:

- MTS (make-to-stock) families plan toward an inventory target of `inventory_target_days`
  of forward demand (the average daily demand of the next three months; the last month of the
  horizon, with nothing ahead, uses its own demand). Required production covers the month's
  demand, clears any carried backlog and restores the target. MTS plans open with zero backlog:
  open MTS orders are already part of the forecast demand.
- MTO (make-to-order) families plan toward a backlog target of `backlog_target_weeks` of weekly
  demand (the average of the month and the next two). They ship what they make and hold no
  finished inventory (inventory is NaN). Their plans open with the open orders as backlog.
- Rough-cut capacity (available plus overtime hours per resource) cuts every family that uses an
  overloaded resource by the same factor, the tightest of its resources; the cut is carried as
  backlog and shown as `shortfall`.

`shortfall` is the part of the month's own demand still unshipped at month end beyond the backlog
the strategy means to hold (none for MTS, the target for MTO), oldest orders shipping first:
`clip(backlog - intended backlog, 0, demand)`. An unconstrained plan has no shortfall.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .capacity import capacity_hours, hours_per_unit
from .company import Company
from .errors import SopError
from .months import month_label, month_range

DAYS_PER_MONTH = 30.4
WEEKS_PER_MONTH = DAYS_PER_MONTH / 7
FORWARD_MONTHS = 3
TOLERANCE = 1e-6

DEMAND_COLUMNS = ("family", "month", "consensus")
PLAN_COLUMNS = ("family", "strategy", "month", "demand", "required", "production", "shipments",
                "shortfall", "inventory", "backlog", "target", "days_of_supply",
                "weeks_of_backlog", "constrained")


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


def plan_supply(company: Company, demand: pd.DataFrame) -> pd.DataFrame:
    """The supply plan for every family of `demand` (consensus units per family and month).

    One row per family and month, columns `family, strategy, month, demand, required,
    production, shipments, shortfall, inventory, backlog, target, days_of_supply,
    weeks_of_backlog, constrained`: `required` is the unconstrained production, `production`
    what capacity allows, `target` the inventory target (MTS) or backlog target (MTO) in units,
    `constrained` whether capacity cut production. The balance identities are checked.
    """
    units, months = _demand_matrix(demand)
    families = _family_settings(company, units.index)
    opening = _plan_start(opening_position(company)).set_index("family").loc[units.index]
    hours = hours_per_unit(company, units.index)
    capacity = capacity_hours(company).reindex(hours.columns).to_numpy()

    d = units.to_numpy()
    mts = (families["strategy"] == "MTS").to_numpy()
    forward_daily = _window_mean(d, 1, FORWARD_MONTHS) / DAYS_PER_MONTH
    forward_daily[:, -1] = d[:, -1] / DAYS_PER_MONTH
    weekly = _window_mean(d, 0, FORWARD_MONTHS) / WEEKS_PER_MONTH
    target = np.where(mts[:, None],
                      families["inventory_target_days"].to_numpy()[:, None] * forward_daily,
                      families["backlog_target_weeks"].to_numpy()[:, None] * weekly)
    flows = _roll_forward(d, target, mts=mts, opening=opening, hours=hours.to_numpy(),
                          capacity=capacity)

    intended_backlog = np.where(mts[:, None], 0.0, target)
    with np.errstate(divide="ignore", invalid="ignore"):
        days_of_supply = np.where(mts[:, None] & (forward_daily > 0),
                                  flows["inventory"] / forward_daily, np.nan)
        weeks_of_backlog = np.where(~mts[:, None] & (weekly > 0),
                                    flows["backlog"] / weekly, np.nan)
    matrices = {
        "demand": d, **flows,
        "shortfall": np.clip(flows["backlog"] - intended_backlog, 0.0, d),
        "inventory": np.where(mts[:, None], flows["inventory"], np.nan),
        "target": target, "days_of_supply": days_of_supply, "weeks_of_backlog": weeks_of_backlog,
        "constrained": flows["production"] < flows["required"],
    }
    count = len(months)
    plan = pd.DataFrame({
        "family": np.repeat(units.index.to_numpy(), count),
        "strategy": np.repeat(families["strategy"].to_numpy(), count),
        "month": pd.PeriodIndex(np.tile(months, len(units.index)), freq="M"),
        **{name: matrix.ravel() for name, matrix in matrices.items()},
    })[list(PLAN_COLUMNS)]
    check_balance(plan, opening=opening.reset_index())
    return plan


def _roll_forward(d: np.ndarray, target: np.ndarray, *, mts: np.ndarray, opening: pd.DataFrame,
                  hours: np.ndarray, capacity: np.ndarray) -> dict[str, np.ndarray]:
    """Month by month for all families: required, production, shipments, inventory, backlog."""
    flows = {name: np.empty_like(d) for name in
             ("required", "production", "shipments", "inventory", "backlog")}
    inventory = np.where(mts, opening["opening_inventory"].to_numpy(), 0.0)
    backlog = opening["opening_backlog"].to_numpy()
    for t in range(d.shape[1]):
        required = np.maximum(0.0, np.where(mts, d[:, t] + backlog + target[:, t] - inventory,
                                            backlog + d[:, t] - target[:, t]))
        production = required * _capacity_factor(required, hours, capacity)
        shipments = np.where(mts, np.minimum(d[:, t] + backlog, inventory + production),
                             production)
        inventory = inventory + production - shipments
        backlog = backlog + d[:, t] - shipments
        for name, value in (("required", required), ("production", production),
                            ("shipments", shipments), ("inventory", inventory),
                            ("backlog", backlog)):
            flows[name][:, t] = value
    return flows


def check_balance(plan: pd.DataFrame, *, opening: pd.DataFrame | None = None) -> None:
    """Raise SopError naming family and month where a plan breaks a balance identity.

    inventory_t = inventory_{t-1} + production_t - shipments_t (MTS rows) and
    backlog_t = backlog_{t-1} + demand_t - shipments_t (all rows), within 1e-6 units. `opening`
    (`family, strategy, opening_inventory, opening_backlog`, e.g. `opening_position(company)`)
    gives the position before each family's first month; without it the first month is not
    checked. MTS plans open with zero backlog whatever `opening` says (see the module notes).
    """
    plan = plan.sort_values(["family", "month"], kind="stable")
    _check_consecutive(plan)
    by_family = plan.groupby("family", sort=False)
    previous_inventory = by_family["inventory"].shift()
    previous_backlog = by_family["backlog"].shift()
    first = by_family.cumcount() == 0
    if opening is not None:
        start = _plan_start(opening).set_index("family")
        previous_inventory = previous_inventory.where(
            ~first, plan["family"].map(start["opening_inventory"]))
        previous_backlog = previous_backlog.where(
            ~first, plan["family"].map(start["opening_backlog"]))
    checked = ~first | (opening is not None)
    mts = checked & (plan["strategy"] == "MTS")
    problems = (
        _breaks(plan[mts], "inventory", previous_inventory[mts], plan["production"][mts])
        + _breaks(plan[checked], "backlog", previous_backlog[checked], plan["demand"][checked])
    )
    if problems:
        shown = problems[:10]
        more = f"\n... and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        raise SopError("The supply plan does not balance:\n" + "\n".join(shown) + more)


def _breaks(rows: pd.DataFrame, stock: str, previous: pd.Series, inflow: pd.Series) -> list[str]:
    """Messages for rows where stock != previous + inflow - shipments (NaN counts as a break)."""
    expected = previous + inflow - rows["shipments"]
    broken = ~((rows[stock] - expected).abs() <= TOLERANCE)
    inflow_name = "production" if stock == "inventory" else "demand"
    return [
        f"{stock} of family {family} in {month_label(month)}: {prior:g} + {inflow_name} {put:g}"
        f" - shipments {ship:g} = {want:g}, but the plan shows {got:g}"
        for family, month, prior, put, ship, want, got in zip(
            rows["family"][broken], rows["month"][broken], previous[broken], inflow[broken],
            rows["shipments"][broken], expected[broken], rows[stock][broken])
    ]


def _check_consecutive(plan: pd.DataFrame) -> None:
    """Raise SopError when a family's months repeat or skip a month."""
    for family, months in plan.groupby("family", sort=False)["month"]:
        expected = month_range(months.iloc[0], len(months))
        if not (months.to_numpy() == expected.to_numpy()).all():
            raise SopError(f"The supply plan of family {family} does not run month by month "
                           f"from {month_label(months.iloc[0])}: each month must appear once.")


def _plan_start(position: pd.DataFrame) -> pd.DataFrame:
    """The position a plan starts from: MTS families open with zero backlog."""
    return position.assign(opening_backlog=position["opening_backlog"].where(
        position["strategy"] != "MTS", 0.0))


def _demand_matrix(demand: pd.DataFrame) -> tuple[pd.DataFrame, pd.PeriodIndex]:
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
                       f"is {row['consensus']!r}; expected a number of units, 0 or more.")
    months = month_range(demand["month"].min(),
                         (demand["month"].max() - demand["month"].min()).n + 1)
    units = demand.pivot(index="family", columns="month", values="consensus").reindex(
        columns=months).sort_index()
    gaps = units.isna().stack()
    if gaps.any():
        family, month = gaps[gaps].index[0]
        raise SopError(f"The demand for the supply plan has no row for family {family} in "
                       f"{month_label(month)}; every family needs every month "
                       f"{month_label(months[0])} to {month_label(months[-1])}.")
    return units.astype(float), months


def _family_settings(company: Company, names: pd.Index) -> pd.DataFrame:
    """Strategy and targets of the planned families; raises SopError for unknown or incomplete."""
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
    return settings


def _window_mean(values: np.ndarray, offset: int, width: int) -> np.ndarray:
    """For each month t, the mean of months t+offset .. t+offset+width-1 inside the horizon.

    NaN where the window starts past the last month.
    """
    count = values.shape[1]
    means = np.full(values.shape, np.nan)
    for t in range(count - offset):
        means[:, t] = values[:, t + offset:t + offset + width].mean(axis=1)
    return means


def _capacity_factor(required: np.ndarray, hours: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Per family, the share of its required production the tightest resource it uses allows."""
    load = required @ hours
    with np.errstate(divide="ignore", invalid="ignore"):
        resource_factor = np.where(load > capacity, capacity / load, 1.0)
    return np.where(hours > 0, resource_factor, 1.0).min(axis=1, initial=1.0)
