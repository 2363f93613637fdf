"""The optimised supply plan: one linear programme over all families and months (HiGHS).

Variables, per family f and month t: production p, inventory I (MTS), backlog B, units below
target u and units late l (MTO); per resource r and month t: regular hours g, overtime hours o
and overload hours v.
Minimise   sum holding x I + late x (B for MTS, l for MTO) + below x u
           (+ end x (late units + MTS u) in the last month)
         + sum regular rate x g + overtime rate x o + overload rate x v       (supply_costs)
subject to I_t - B_t = I_{t-1} - B_{t-1} + p_t - d_t   (MTO: I = 0, B_t = B_{t-1} + d_t - p_t)
           u_t >= target_t - I_t (MTS) or target_t - B_t (MTO)
           l_t >= B_t - target_t (MTO)
           sum_f hours_fr x p_ft = g_rt + o_rt + v_rt,  g <= available, o <= max overtime
           lower_ft <= p_ft <= upper_ft  (min/max production; equal where a rule fixes it).
Every variable is non-negative. Shipments follow from the positions (strategies.roll_forward):
holding stock and backlog at once only costs more, so the optimum never does. Backlog can always
absorb demand and v any fixed load, so the programme always has a solution; v > 0 means the
fixed production does not fit. HiGHS solves it by its interior point method with crossover (a
vertex solution; faster than its dual simplex on these staircase programmes, see
docs/performance.md).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from sop_lib.core.errors import SopError
from sop_lib.supply.costs import CostRates

FAMILY_BLOCKS = ("production", "inventory", "backlog", "below", "late")
RESOURCE_BLOCKS = ("regular", "overtime", "overload")


@dataclass(frozen=True)
class Problem:
    """The data of one optimisation: F families x T months, R resources."""

    demand: np.ndarray            # F x T
    target: np.ndarray            # F x T
    mts: np.ndarray               # F
    opening_inventory: np.ndarray  # F
    opening_backlog: np.ndarray   # F
    lower: np.ndarray             # F x T production bounds
    upper: np.ndarray             # F x T (inf: no limit)
    hours: np.ndarray             # F x R
    available: np.ndarray         # R x T (or R: the same every month)
    max_overtime: np.ndarray      # R x T (or R)
    rates: CostRates


@dataclass(frozen=True)
class Solution:
    """The optimal values: families x months per FAMILY_BLOCKS, resources x months per
    RESOURCE_BLOCKS, and the objective."""

    values: dict[str, np.ndarray]
    objective: float


class _Layout:
    """Positions of the variables in the solver's vector."""

    def __init__(self, families: int, resources: int, months: int):
        self.months = months
        sizes = [families * months] * len(FAMILY_BLOCKS) + [resources * months] * len(
            RESOURCE_BLOCKS)
        starts = np.concatenate([[0], np.cumsum(sizes)])
        self.start = dict(zip(FAMILY_BLOCKS + RESOURCE_BLOCKS, starts))
        self.shape = {name: (families if name in FAMILY_BLOCKS else resources, months)
                      for name in FAMILY_BLOCKS + RESOURCE_BLOCKS}
        self.size = int(starts[-1])

    def index(self, name: str) -> np.ndarray:
        """Rows x months array of the positions of block `name`."""
        rows, months = self.shape[name]
        return self.start[name] + np.arange(rows * months).reshape(rows, months)


def solve(problem: Problem) -> Solution:
    """The least-cost plan of `problem` (see the module notes)."""
    families, months = problem.demand.shape
    layout = _Layout(families, len(problem.available), months)
    low, high = _bounds(problem, layout)
    equal, at_most = _constraints(problem, layout)
    result = linprog(_objective(problem, layout), A_ub=at_most[0], b_ub=at_most[1],
                     A_eq=equal[0], b_eq=equal[1], bounds=np.column_stack([low, high]),
                     method="highs-ipm")
    if result.x is None:
        raise SopError(f"The supply optimiser found no plan ({result.message}); please report "
                       "this with the company folder.")
    x = np.clip(result.x, low, high)  # the solver may stray past a bound by its tolerance
    values = {name: x[layout.index(name)] for name in layout.start}
    return Solution(values=values, objective=float(result.fun))


def _objective(problem: Problem, layout: _Layout) -> np.ndarray:
    rates, mts = problem.rates, problem.mts[:, None]
    months = layout.months
    end = np.zeros((len(problem.mts), months))
    end[:, -1] = rates.end

    def per_month(rate):
        return np.repeat(rate[:, None], months, axis=1)

    late = per_month(rates.late) + end
    cost = np.zeros(layout.size)
    cost[layout.index("inventory")] = per_month(rates.holding)
    cost[layout.index("backlog")] = np.where(mts, late, 0.0)
    cost[layout.index("late")] = np.where(mts, 0.0, late)
    cost[layout.index("below")] = per_month(rates.below) + np.where(mts, end, 0.0)
    for name, rate in (("regular", rates.regular), ("overtime", rates.overtime),
                       ("overload", rates.overload)):
        cost[layout.index(name)] = per_month(rate)
    return cost


def _bounds(problem: Problem, layout: _Layout) -> tuple[np.ndarray, np.ndarray]:
    low, high = np.zeros(layout.size), np.full(layout.size, np.inf)
    mts = problem.mts[:, None]
    low[layout.index("production")] = problem.lower
    high[layout.index("production")] = problem.upper
    high[layout.index("inventory")] = np.where(mts, np.inf, 0.0)
    high[layout.index("late")] = np.where(mts, 0.0, np.inf)
    high[layout.index("regular")] = _per_month(problem.available, layout.months)
    high[layout.index("overtime")] = _per_month(problem.max_overtime, layout.months)
    return low, high


class _Rows:
    """Collects constraint rows: each call adds one row per cell of a families x months mask."""

    def __init__(self):
        self.rows, self.columns, self.values, self.low, self.high = [], [], [], [], []
        self.count = 0

    def add(self, cells: np.ndarray, terms, low: np.ndarray, high: np.ndarray) -> None:
        """Rows sum(coefficient x variable) within [low, high] for the True `cells`; a
        term's position -1 (the month before the first) is left out."""
        row = np.full(cells.shape, -1)
        row[cells] = self.count + np.arange(cells.sum())
        for positions, coefficient in terms:
            keep = cells & (positions >= 0)
            self.rows.append(row[keep])
            self.columns.append(positions[keep])
            self.values.append(np.full(keep.sum(), coefficient))
        self.low.append(low[cells])
        self.high.append(high[cells])
        self.count += int(cells.sum())

    def split(self, size: int):
        """(matrix, right-hand side) of the equalities, and of the rest as `<=` rows."""
        matrix = sparse.csr_array(
            (np.concatenate(self.values), (np.concatenate(self.rows),
                                           np.concatenate(self.columns))),
            shape=(self.count, size))
        low, high = np.concatenate(self.low), np.concatenate(self.high)
        equal = low == high
        below, above = ~equal & np.isfinite(high), ~equal & np.isfinite(low)
        return ((matrix[equal], low[equal]),
                (sparse.vstack([matrix[below], -matrix[above]], format="csr"),
                 np.concatenate([high[below], -low[above]])))


def _constraints(problem: Problem, layout: _Layout):
    """The balance, target, late and capacity rows of the module notes, split as `_Rows.split`."""
    mts = problem.mts[:, None]
    p, inventory, backlog, below, late = (layout.index(name) for name in FAMILY_BLOCKS)
    every = np.ones(problem.demand.shape, dtype=bool)
    opening = np.zeros_like(problem.demand)
    opening[:, 0] = problem.opening_inventory - problem.opening_backlog
    balance = opening - problem.demand
    none = np.full_like(balance, np.inf)
    rows = _Rows()
    rows.add(every, [(inventory, 1.0), (backlog, -1.0), (_previous(inventory), -1.0),
                     (_previous(backlog), 1.0), (p, -1.0)], balance, balance)
    rows.add(every, [(below, 1.0), (np.where(mts, inventory, backlog), 1.0)],
             problem.target, none)
    rows.add(every & ~mts, [(backlog, 1.0), (late, -1.0)], -none, problem.target)
    zero = np.zeros((1, layout.months))
    for r, by_family in enumerate(problem.hours.T):
        terms = [(p[f:f + 1], by_family[f]) for f in np.nonzero(by_family)[0]]
        terms += [(layout.index(name)[r:r + 1], -1.0) for name in RESOURCE_BLOCKS]
        rows.add(zero == 0, terms, zero, zero)
    return rows.split(layout.size)


def _per_month(hours: np.ndarray, months: int) -> np.ndarray:
    """Hours per resource as resources x months, from R x T or R (every month alike)."""
    hours = np.asarray(hours, dtype=float)
    return np.broadcast_to(hours.reshape(len(hours), -1), (len(hours), months))


def _previous(index: np.ndarray) -> np.ndarray:
    """Each cell's position in the month before; -1 in the first month (the opening)."""
    shifted = np.full_like(index, -1)
    shifted[:, 1:] = index[:, :-1]
    return shifted
