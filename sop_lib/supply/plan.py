"""Supply review: the operations plan per family toward its inventory or backlog target.

`supply_plan` makes the plan of every family and month at once:
1. targets (`targets`): MTS inventory targets in forward days of supply, floored by safety stock
   from the service target and the forecast band; MTO backlog targets in weeks of demand;
2. fixed production (`strategies`): inside the time fence (the first `frozen_months` months)
   every family keeps the plan of record's production, when there is one; outside it, `level`
   and `chase` families follow their rule;
3. the optimiser (`optimiser`, costs in `supply_costs`): one linear programme over all families,
   months and resources chooses the production of the `optimised` families (the default) at
   least cost, with the fixed families' production in it, so capacity is shared honestly;
4. the production is rounded to whole units (`rounding`: the total to date within one unit of
   the optimiser's, and no resource pushed past a limit by rounding), so that every figure
   after it is computed from the plan a scheduler can make;
5. the plan is rolled forward from the opening position in whole units
   (`strategies.roll_forward`: whole shipments, the fraction of a forecast left in the
   backlog), checked against the balance identities, costed, and explained (`shortfalls`).

MTS plans open with zero backlog (open MTS orders are already part of the forecast demand); MTO
plans open with the open orders as backlog and hold no finished inventory (inventory is NaN).
`required` is the unconstrained chase plan from the opening position (no capacity, fence or
limits): the load it would put on the resources shows where capacity runs short. `constrained`
marks optimised months outside the fence that make less than required while a resource the
family uses is at its regular hours. `shortfall` is the part of the month's own demand still
unshipped at month end beyond the backlog the strategy means to hold (none for MTS, the target
for MTO), oldest orders shipping first, in whole units (a fraction of a forecast carried in the
backlog is no late order): `clip(floor(backlog - intended backlog), 0, demand)`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_lib.core.errors import SopError
from sop_lib.core.months import month_label, month_range
from sop_lib.core.whole import whole_floor
from sop_lib.core.words import span_label
from sop_lib.data.company import Company
from sop_lib.supply.costs import (
    COST_COLUMNS,
    HOUR_COLUMNS,
    CostRates,
    cost_rates,
    cost_table,
    family_costs,
    resource_hours,
)
from sop_lib.supply.inputs import (
    CHASE,
    OPTIMISED,
    PlanInputs,
    opening_position,
    plan_start,
    read_inputs,
)
from sop_lib.supply.optimiser import Problem
from sop_lib.supply.rounding import whole_plan
from sop_lib.supply.shortfalls import explain_shortfalls
from sop_lib.supply.strategies import roll_forward, rule_production
from sop_lib.supply.targets import DAYS_PER_MONTH, Targets, compute_targets

__all__ = ["DAYS_PER_MONTH", "FORWARD_MONTHS", "PLAN_COLUMNS", "TOLERANCE", "WEEKS_PER_MONTH",
           "SupplyPlan", "check_balance", "opening_position", "supply_plan_frame", "supply_plan"]

TOLERANCE = 1e-6
# The three-month average demand window `family_sheet` still reads for the days of supply of
# closed months; the plan's own targets use run-out cover (`targets`).
FORWARD_MONTHS = 3
WEEKS_PER_MONTH = DAYS_PER_MONTH / 7
RECORD_COLUMNS = ("family", "month", "production")
PLAN_COLUMNS = ["family", "strategy", "month", "demand", "required", "production", "shipments",
                "shortfall", "inventory", "backlog", "target", "days_of_supply",
                "weeks_of_backlog", "constrained", "plan_strategy", "frozen", "safety_stock",
                *HOUR_COLUMNS, *COST_COLUMNS]


@dataclass(frozen=True)
class SupplyPlan:
    """The supply plan with its costs, its explanations and what the planner should know.

    plan: one row per family and month, PLAN_COLUMNS (see `supply_plan_frame`);
    costs: per family, `supply_costs.cost_table`;
    explanations: where capacity or a rule keeps the plan from chasing demand and what it does
    instead, `shortfalls.explain_shortfalls`;
    notes: sentences about the time fence and the inputs (no plan of record, no band, ...);
    objective: the optimiser's minimum (of its last solve, `rounding.whole_plan`) before
    rounding to whole units; the costs' `objective` column adds up the whole-unit plan's, which
    differs by the cost of the fractions rounded away.
    """

    plan: pd.DataFrame
    costs: pd.DataFrame
    explanations: pd.DataFrame
    notes: list[str]
    objective: float


def supply_plan_frame(company: Company, demand: pd.DataFrame, *,
                      plan_of_record: pd.DataFrame | None = None,
                      frozen_months: int | None = None) -> pd.DataFrame:
    """The plan frame of `supply_plan` (same arguments)."""
    return supply_plan(company, demand, plan_of_record=plan_of_record,
                       frozen_months=frozen_months).plan


def supply_plan(company: Company, demand: pd.DataFrame, *,
                plan_of_record: pd.DataFrame | None = None,
                frozen_months: int | None = None) -> SupplyPlan:
    """The supply plan of every family of `demand` (consensus units per family and month;
    with p10/p90 the targets get safety stock).

    `plan_of_record`: last cycle's plan (`family, month, production`, e.g. its archived
    plan.parquet; production NaN where it planned nothing; an optional `cycle` or `cycle_used`
    column names it in the notes); None when there is none, and then nothing is frozen.
    `frozen_months`: the time fence, default company.config's.

    The plan frame has PLAN_COLUMNS, one row per family and month: `required` is the
    unconstrained chase production, `production` and `shipments` the plan in whole units,
    `target` the inventory (MTS) or backlog (MTO) target in units, `constrained` whether
    capacity cut an optimised family below required, `plan_strategy` optimised, level or
    chase, `frozen` whether the month keeps the plan of record, `safety_stock` the floor of the
    MTS target; the hours are the family's share of its resources' regular, overtime and
    overload hours, the costs its share of the plan's costs and penalties (`supply_costs`).
    The balance identities are checked.
    """
    inputs = read_inputs(company, demand)
    goals = compute_targets(inputs)
    fence = frozen_months if frozen_months is not None else company.config.frozen_months
    frozen, notes = _fence(inputs, plan_of_record, fence)
    opening = {"opening_inventory": inputs.opening_inventory,
               "opening_backlog": inputs.opening_backlog}
    fixed = rule_production(inputs.demand, goals.target, mts=inputs.mts, rule=inputs.plan_strategy,
                            frozen=frozen, minimum=inputs.min_production,
                            maximum=inputs.max_production, **opening)
    notes += _cut_record_notes(inputs, frozen, fixed)
    required = rule_production(inputs.demand, goals.target, mts=inputs.mts,
                               rule=np.full(len(inputs.families), CHASE), **opening)
    rates = cost_rates(company, inputs)
    solution, whole = whole_plan(_problem(inputs, goals.target, fixed, rates), inputs)
    flows = roll_forward(whole, inputs.demand, mts=inputs.mts, whole=True, **opening)
    plan = _plan_frame(inputs, goals, flows, required=required, frozen=~np.isnan(frozen),
                       costs=family_costs(flows, goals.target, inputs, rates))
    check_balance(plan, opening=opening_position(company))
    return SupplyPlan(plan=plan, costs=cost_table(plan),
                      explanations=explain_shortfalls(company, plan),
                      notes=notes + goals.notes, objective=solution.objective)


def _problem(inputs: PlanInputs, target: np.ndarray, fixed: np.ndarray,
             rates: CostRates) -> Problem:
    """The optimiser's problem: fixed production as equal bounds, min/max elsewhere (an MTO
    minimum applies up to the month's new orders: it cannot make what nobody ordered)."""
    free = np.isnan(fixed)
    lower = np.where(inputs.mts[:, None], inputs.min_production[:, None],
                     np.minimum(inputs.min_production[:, None], inputs.demand))
    return Problem(
        demand=inputs.demand, target=target, mts=inputs.mts,
        opening_inventory=inputs.opening_inventory, opening_backlog=inputs.opening_backlog,
        lower=np.where(free, lower, fixed),
        upper=np.where(free, inputs.max_production[:, None], fixed),
        hours=inputs.hours, available=inputs.available, max_overtime=inputs.max_overtime,
        rates=rates)


def fence_end(plan: pd.DataFrame) -> pd.Period:
    """The plan's first month outside the time fence: the month after the last one that keeps
    the plan of record (`frozen`), or the plan's first month when nothing is frozen."""
    frozen = plan.loc[plan["frozen"].astype(bool), "month"]
    return frozen.max() + 1 if len(frozen) else plan["month"].min()


def _fence(inputs: PlanInputs, record: pd.DataFrame | None,
           months: int) -> tuple[np.ndarray, list[str]]:
    """Families x months production frozen at the plan of record (NaN where not frozen)."""
    frozen = np.full(inputs.demand.shape, np.nan)
    if not 0 <= months <= 12 or int(months) != months:
        raise SopError(f"frozen_months is {months!r}; expected a whole number of months from "
                       "0 to 12.")
    fence = inputs.months[:int(months)]
    if len(fence) == 0:
        return frozen, ["No time fence (frozen_months is 0): every month is planned afresh."]
    if record is None:
        return frozen, [f"No plan of record from an earlier cycle: nothing is frozen (the "
                        f"{len(fence)}-month time fence applies once a plan is published)."]
    rows = _record_rows(record)
    rows = rows[rows["family"].isin(inputs.families) & rows["month"].isin(fence)]
    wide = rows.pivot(index="family", columns="month", values="production").reindex(
        index=inputs.families, columns=fence)
    frozen[:, :len(fence)] = wide.to_numpy()
    column = "cycle_used" if "cycle_used" in rows.columns else "cycle"
    cycles = sorted({month_label(pd.Period(c, "M"))
                     for c in rows.get(column, pd.Series(dtype=object)).dropna()})
    records = sorted(set(rows.get("record", pd.Series(dtype=object)).dropna()))
    source = (f" of cycle {', '.join(cycles)}" if cycles else "") + (
        f" ({', '.join(records)})" if records else "")
    notes = [f"{span_label(fence[0], fence[-1])} keep the production of the plan of "
             f"record{source} (time fence of {len(fence)} months)."]
    for family, row in wide.iterrows():
        gaps = row.index[row.isna()]
        if len(gaps):
            notes.append(f"Family {family} has no plan of record for "
                         f"{', '.join(month_label(m) for m in gaps)}: not frozen there.")
    return frozen, notes


def _record_rows(record: pd.DataFrame) -> pd.DataFrame:
    """The plan of record's rows with a production (NaN: no plan for that family and month);
    checks the frame."""
    missing = [c for c in RECORD_COLUMNS if c not in record.columns]
    if missing:
        raise SopError(f"The plan of record lacks column(s) {', '.join(missing)}; expected "
                       f"{', '.join(RECORD_COLUMNS)}.")
    rows = record.assign(month=pd.PeriodIndex(record["month"], freq="M"),
                         production=record["production"].astype(float))
    rows = rows[rows["production"].notna()]
    bad = rows[~(rows["production"] >= 0)]
    if not bad.empty:
        row = bad.iloc[0]
        raise SopError(f"The plan of record has production {row['production']:g} for family "
                       f"{row['family']} in {month_label(row['month'])}; expected 0 or more.")
    if rows.duplicated(["family", "month"]).any():
        row = rows[rows.duplicated(["family", "month"])].iloc[0]
        raise SopError(f"The plan of record has family {row['family']} in "
                       f"{month_label(row['month'])} more than once.")
    return rows


def _cut_record_notes(inputs: PlanInputs, frozen: np.ndarray, fixed: np.ndarray) -> list[str]:
    """Notes for frozen MTO production cut to what is on order."""
    cut = ~np.isnan(frozen) & (fixed < frozen - TOLERANCE)
    return [f"Family {inputs.families[f]}: the plan of record makes {frozen[f, t]:,.0f} units in "
            f"{month_label(inputs.months[t])} but only {fixed[f, t]:,.0f} are on order; the "
            "plan makes those." for f, t in zip(*np.nonzero(cut))]


def _plan_frame(inputs: PlanInputs, goals: Targets, flows: dict, *, required: np.ndarray,
                frozen: np.ndarray, costs: dict) -> pd.DataFrame:
    """The plan as one row per family and month, PLAN_COLUMNS."""
    mts = inputs.mts[:, None]
    daily = goals.forward_daily
    intended = np.where(mts, 0.0, goals.target)
    with np.errstate(divide="ignore", invalid="ignore"):
        days_of_supply = np.where(mts & (daily > 0), flows["inventory"] / daily, np.nan)
        weeks_of_backlog = np.where(~mts & (daily > 0), flows["backlog"] / (7.0 * daily), np.nan)
    matrices = {
        "demand": inputs.demand, "required": required, **flows,
        "shortfall": np.clip(whole_floor(flows["backlog"] - intended), 0.0, inputs.demand),
        "inventory": np.where(mts, flows["inventory"], np.nan),
        "target": goals.target, "days_of_supply": days_of_supply,
        "weeks_of_backlog": weeks_of_backlog,
        "constrained": _constrained(inputs, flows["production"], required, frozen),
        "frozen": frozen, "safety_stock": goals.safety_stock, **costs,
    }
    count, families = len(inputs.months), len(inputs.families)
    return pd.DataFrame({
        "family": np.repeat(inputs.families.to_numpy(), count),
        "strategy": np.repeat(inputs.strategy, count),
        "month": pd.PeriodIndex(np.tile(inputs.months, families), freq="M"),
        "plan_strategy": np.repeat(inputs.plan_strategy, count),
        **{name: matrix.ravel() for name, matrix in matrices.items()},
    })[PLAN_COLUMNS]


def _constrained(inputs: PlanInputs, production: np.ndarray, required: np.ndarray,
                 frozen: np.ndarray) -> np.ndarray:
    """Optimised months outside the fence below required (in whole units) while a resource
    the family uses is at its regular hours (to within a unit of each family using it)."""
    load = resource_hours(production, inputs)["load"]
    # rounding to whole units may leave up to a unit of each family using the resource unmade
    unit = inputs.hours.sum(axis=0)[:, None] + TOLERANCE * np.maximum(inputs.available, 1.0)
    full = (load >= inputs.available - unit).astype(float)
    tight = ((inputs.hours > 0).astype(float) @ full) > 0
    optimised = (inputs.plan_strategy == OPTIMISED)[:, None] & ~frozen
    short = production < whole_floor(required) - TOLERANCE * np.maximum(required, 1.0)
    return optimised & short & tight


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
        start = plan_start(opening).set_index("family")
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
