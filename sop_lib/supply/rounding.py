"""The production plan in whole units, rounded so that no drift builds up and capacity holds.

Month by month, each family makes its planned quantity plus what rounding carried over from the
months before, rounded down or up: so the total made to date is always within one unit of the
optimiser's. It rounds up (making ahead, which leaves room to round down in a busy month) unless
one more unit would take a resource the family uses past the first of its limits (available
hours, then available plus overtime hours) that the unrounded plan's load stays within, or an
MTO family past what is on order; families with the largest fractions are rounded up first.

Over a run of busy months the units carried can still add up to more than a limit leaves; then
`whole_plan` solves again with that limit lowered by the excess hours and one unit of the
heaviest family using the resource, so that the rounded plan keeps within every limit the
optimiser's plan keeps within (up to ROUNDS solves; the hours left unused are the price of
whole units).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from sop_lib.core.whole import EPSILON, whole_floor
from sop_lib.supply.costs import resource_hours
from sop_lib.supply.inputs import PlanInputs
from sop_lib.supply.optimiser import Problem, Solution, solve

ROUNDS = 4


def whole_plan(problem: Problem, inputs: PlanInputs) -> tuple[Solution, np.ndarray]:
    """The optimiser's solution of `problem` and its production in whole units (see the
    module notes)."""
    solution = solve(problem)
    for attempt in range(ROUNDS + 1):
        caps, regular = _caps(resource_hours(solution.values["production"], inputs)["load"],
                              inputs)
        whole = whole_production(solution.values["production"], inputs, caps)
        excess = np.maximum(resource_hours(whole, inputs)["load"] - caps, 0.0)
        if not excess.any() or attempt == ROUNDS:
            break
        cut = np.where(excess > 0, excess + inputs.hours.max(axis=0)[:, None], 0.0)
        problem = replace(
            problem, available=problem.available - np.where(regular, cut, 0.0),
            max_overtime=np.maximum(problem.max_overtime - np.where(regular, 0.0, cut), 0.0))
        solution = solve(problem)
    return solution, whole


def whole_production(production: np.ndarray, inputs: PlanInputs,
                     caps: np.ndarray) -> np.ndarray:
    """Families x months whole production of a plan's `production` that rounds up only within
    `caps` (resources x months hours) and, for MTO, within what is on order."""
    hours = inputs.hours
    on_order = np.where(inputs.mts[:, None], np.inf, whole_floor(
        inputs.opening_backlog[:, None] + np.cumsum(inputs.demand, axis=1)))
    whole, carry = np.empty_like(production), np.zeros(len(production))
    made_before = np.zeros(len(production))
    for t in range(production.shape[1]):
        wanted = production[:, t] + carry
        made = np.maximum(whole_floor(wanted), 0.0)
        load = made @ hours
        room = on_order[:, t] - made_before - made
        for f in np.argsort(made - wanted, kind="stable"):
            if (wanted[f] > made[f] + EPSILON and room[f] >= 1.0
                    and np.all(load + hours[f] <= caps[:, t])):
                made[f] += 1.0
                load += hours[f]
        whole[:, t], carry = made, wanted - made
        made_before += made
    return whole


def _caps(load: np.ndarray, inputs: PlanInputs) -> tuple[np.ndarray, np.ndarray]:
    """Resources x months: the first limit `load` stays within (inf beyond both), plus noise,
    and whether that is the available hours."""
    regular = inputs.available
    overtime = regular + inputs.max_overtime
    slack = 1e-6 * np.maximum(overtime, 1.0)
    within = load <= regular + slack
    caps = np.select([within, load <= overtime + slack], [regular + slack, overtime + slack],
                     np.inf)
    return caps, within
