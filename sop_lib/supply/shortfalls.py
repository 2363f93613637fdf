"""Shortfalls explained: where capacity or a rule keeps the plan from chasing demand, and what
the plan does instead.

Compared with the unconstrained chase plan (`required`), per resource and month:
- required_hours: the load chasing demand would put on the resource; hours_beyond_regular and
  hours_beyond_overtime are that load beyond the available hours and beyond available + max
  overtime;
- units_not_made: the chase production the plan does not make in that month (it builds it
  ahead, draws target stock down or ships late instead), over the families using the
  resource;
- what the plan does instead: builds ahead (`built_ahead_units`: units made ahead of the chase
  plan by the end of the month before), works overtime, draws its target stock down
  (`below_target_units`), ships late (`late_units`: the month's demand left unshipped, the
  plan's shortfall) or, where production it may not change (time fence, level or chase rule,
  minimum production) does not fit, overloads the resource (`overload_hours`): a decision.
A resource-month is listed when chasing demand needs more than its regular hours, or the plan
works overtime or overloads it. A family-month that ships late with no listed resource behind
it gets a row of its own naming the cause (time fence, max production, level rate).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sop_lib.core.months import month_label
from sop_lib.data.company import Company
from sop_lib.supply.capacity import capacity_matrices, hours_per_unit
from sop_lib.supply.inputs import CHASE, LEVEL

TOLERANCE = 1e-6
EXPLANATION_COLUMNS = [
    "resource", "plant", "month", "families", "required_hours", "available_hours",
    "max_overtime_hours", "planned_hours", "hours_beyond_regular", "hours_beyond_overtime",
    "units_not_made", "overtime_hours", "built_ahead_units", "late_units", "below_target_units",
    "overload_hours", "response", "needs_decision"]
PLAN_NEEDS = ["family", "strategy", "plan_strategy", "month", "required", "production",
              "shortfall", "inventory", "target", "frozen"]


def explain_shortfalls(company: Company, plan: pd.DataFrame) -> pd.DataFrame:
    """The table of the module notes for a supply plan (`supply_plan_frame`'s frame).

    Columns EXPLANATION_COLUMNS, one row per listed resource-month (by resource and month),
    then one per unexplained late family-month (resource and plant empty, hours NaN). An
    unconstrained plan gives an empty frame with these columns.
    """
    wide = _Wide(plan[PLAN_NEEDS])
    hours = hours_per_unit(company, wide.families).to_numpy()
    resources = company.resources
    uses = hours > 0
    per_family = {
        "units_not_made": np.maximum(wide["required"] - wide["production"], 0.0),
        "late_units": wide["shortfall"],
        "built_ahead_units": _made_ahead(wide["production"] - wide["required"]),
        "below_target_units": np.where(wide.mts[:, None],
                                       np.maximum(wide["target"] - wide["inventory"], 0.0), 0.0),
    }
    summed = {name: uses.T.astype(float) @ values for name, values in per_family.items()}
    available, extra = capacity_matrices(company, resources["resource"], wide.months)
    required_hours = hours.T @ wide["required"]
    planned_hours = hours.T @ wide["production"]
    overtime = np.clip(planned_hours - available, 0.0, extra)
    overload = np.maximum(planned_hours - available - extra, 0.0)
    listed = ((required_hours > available + TOLERANCE) | (overtime > TOLERANCE)
              | (overload > TOLERANCE))
    r, t = np.nonzero(listed)
    figures = {name: values[r, t] for name, values in summed.items()}
    names = wide.families.to_numpy(dtype=object)
    users = [np.nonzero(uses[:, k])[0] for k in range(len(resources))]
    fixed = wide.fixed(company)
    table = pd.DataFrame({
        "resource": resources["resource"].to_numpy(dtype=object)[r],
        "plant": resources["plant"].to_numpy(dtype=object)[r],
        "month": pd.PeriodIndex(wide.months[t], freq="M"),
        "families": [_families_text(names[users[k]], hours[users[k], k]
                                    * wide["required"][users[k], m]) for k, m in zip(r, t)],
        "required_hours": required_hours[r, t], "available_hours": available[r, t],
        "max_overtime_hours": extra[r, t], "planned_hours": planned_hours[r, t],
        "hours_beyond_regular": np.maximum(required_hours[r, t] - available[r, t], 0.0),
        "hours_beyond_overtime": np.maximum(required_hours[r, t] - available[r, t] - extra[r, t],
                                            0.0),
        "overtime_hours": overtime[r, t], "overload_hours": overload[r, t], **figures,
        "response": [_response({name: values[i] for name, values in figures.items()},
                               overtime[k, m], overload[k, m],
                               names[users[k][fixed[users[k], m]]])
                     for i, (k, m) in enumerate(zip(r, t))],
        "needs_decision": (overload[r, t] > TOLERANCE) | (figures["late_units"] > TOLERANCE),
    })
    covered = (uses.astype(float) @ listed.astype(float)) > 0
    family_rows = pd.DataFrame(_family_rows(wide, company, per_family, covered),
                               columns=EXPLANATION_COLUMNS)
    frames = [frame for frame in (table, family_rows) if not frame.empty]
    if not frames:
        return table[EXPLANATION_COLUMNS]
    return pd.concat(frames, ignore_index=True)[EXPLANATION_COLUMNS].astype(
        {"month": pd.PeriodDtype("M"), "needs_decision": bool})


class _Wide:
    """The plan's columns as families x months arrays."""

    NUMBERS = ["required", "production", "shortfall", "inventory", "target", "frozen"]

    def __init__(self, plan: pd.DataFrame):
        wide = plan.pivot(index="family", columns="month", values=self.NUMBERS).sort_index()
        self.families = wide.index
        self.months = pd.PeriodIndex(wide["production"].columns, freq="M")
        self._arrays = {name: wide[name].to_numpy(dtype=float) for name in self.NUMBERS}
        first = plan.groupby("family", sort=True)[["strategy", "plan_strategy"]].first()
        self.mts = (first["strategy"] == "MTS").to_numpy()
        self.plan_strategy = first["plan_strategy"].to_numpy()

    def __getitem__(self, column: str) -> np.ndarray:
        return self._arrays[column]

    def fixed(self, company: Company) -> np.ndarray:
        """Family-months whose production the plan may not change: frozen, level or chase
        rules, or held at a minimum production above 0."""
        minimum = company.families.set_index("family")["min_production"].reindex(
            self.families).fillna(0.0).to_numpy()[:, None]
        at_minimum = (minimum > 0) & (self["production"] <= minimum + TOLERANCE)
        ruled = np.isin(self.plan_strategy, [LEVEL, CHASE])[:, None]
        return self["frozen"].astype(bool) | ruled | at_minimum


def _made_ahead(ahead_of_chase: np.ndarray) -> np.ndarray:
    """Units made ahead of the chase plan by the end of the month before each month."""
    cumulative = np.cumsum(ahead_of_chase, axis=1)
    before = np.concatenate([np.zeros((len(cumulative), 1)), cumulative[:, :-1]], axis=1)
    return np.maximum(before, 0.0)


def _families_text(names: np.ndarray, required_hours: np.ndarray) -> str:
    """The families using a resource, most required hours first."""
    return ", ".join(names[np.argsort(-required_hours, kind="stable")])


def _response(figures: dict, overtime: float, overload: float, fixed: np.ndarray) -> str:
    """What the plan does instead of chasing demand, as a planner reads it."""
    parts = []
    if figures["built_ahead_units"] > TOLERANCE:
        parts.append(f"builds {figures['built_ahead_units']:,.0f} units ahead in earlier months")
    if overtime > TOLERANCE:
        parts.append(f"works {overtime:,.0f} overtime hours")
    if figures["below_target_units"] > TOLERANCE:
        parts.append(f"runs {figures['below_target_units']:,.0f} units below the stock target")
    if figures["late_units"] > TOLERANCE:
        parts.append(f"ships {figures['late_units']:,.0f} units late")
    if overload > TOLERANCE:
        parts.append(f"needs {overload:,.0f} hours beyond maximum overtime for production it may "
                     f"not change ({', '.join(fixed) or 'none'}): decide on capacity or the plan")
    return "; ".join(parts) if parts else "the plan's own load fits the regular hours"


def _family_rows(wide: _Wide, company: Company, per_family: dict,
                 covered: np.ndarray) -> list[dict]:
    """Late family-months no listed resource explains, with their cause."""
    maximum = company.families.set_index("family")["max_production"].reindex(
        wide.families).to_numpy()
    production, frozen = wide["production"], wide["frozen"].astype(bool)
    rows = []
    for f, t in zip(*np.nonzero((per_family["late_units"] > TOLERANCE) & ~covered)):
        made = production[f, t]
        if frozen[f, t]:
            cause = f"production frozen at the plan of record ({made:,.0f} units)"
        elif made >= maximum[f] - TOLERANCE:
            cause = f"max production of {maximum[f]:,.0f} units a month"
        elif wide.plan_strategy[f] == LEVEL:
            cause = f"the level rate of {made:,.0f} units a month"
        else:
            cause = f"the least-cost plan for {month_label(wide.months[t])}"
        rows.append({
            "resource": "", "plant": "", "month": wide.months[t],
            "families": wide.families[f],
            **{name: values[f, t] for name, values in per_family.items()},
            "response": f"ships {per_family['late_units'][f, t]:,.0f} units late: {cause}",
            "needs_decision": True,
        })
    return rows
