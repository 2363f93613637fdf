"""Rough-cut capacity: the load a supply plan puts on each key resource, month by month.

Load = units x hours per unit (bill_of_resources). A resource can work its available hours plus
at most its overtime hours; its status is "ok" within the available hours, "overtime" within
available plus overtime, "overload" beyond.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sop_lib.data.company import RESOURCE_CALENDAR, Company

TOLERANCE = 1e-6
FAMILIES_SHOWN = 5
OK, OVERTIME, OVERLOAD = "ok", "overtime", "overload"


def capacity_hours(company: Company) -> pd.Series:
    """Hours each resource can work in a month (available plus overtime), by resource."""
    resources = company.resources.set_index("resource")
    return resources["available_hours"] + resources["max_overtime_hours"]


def hours_per_unit(company: Company, families) -> pd.DataFrame:
    """Families x resources matrix of hours per unit (0 where a family skips a resource)."""
    return company.bill_of_resources.pivot_table(
        index="family", columns="resource", values="hours_per_unit", aggfunc="sum"
    ).reindex(index=pd.Index(families), columns=company.resources["resource"], fill_value=0.0
              ).fillna(0.0)


def load_by_family(company: Company, plan: pd.DataFrame, *,
                   column: str = "production") -> pd.DataFrame:
    """Hours each family's `column` units take on each resource: `family, resource, month, hours`.

    One row per plan row and resource of the family's bill of resources.
    Families without a bill of resources put no load anywhere.
    """
    rows = plan[["family", "month", column]].merge(
        company.bill_of_resources[["family", "resource", "hours_per_unit"]], on="family")
    rows["hours"] = rows[column] * rows["hours_per_unit"]
    return rows.groupby(["family", "resource", "month"], as_index=False)["hours"].sum(
    ).sort_values(["resource", "month", "family"], ignore_index=True)


CALENDAR_TABLE = RESOURCE_CALENDAR.name
HOURS = ["available_hours", "max_overtime_hours"]


def monthly_capacity(company: Company, months) -> pd.DataFrame:
    """Regular and overtime hours of every resource in every one of `months`.

    Columns `resource, month, available_hours, max_overtime_hours`, resources in the resources
    table's order, then months; calendar rows replace the resources table's hours.
    """
    resources = company.resources
    grid = pd.MultiIndex.from_product(
        [resources["resource"], pd.PeriodIndex(months, freq="M")], names=["resource", "month"])
    hours = resources.set_index("resource")[HOURS].reindex(grid.get_level_values("resource"))
    frame = pd.DataFrame(hours.to_numpy(dtype=float), index=grid, columns=HOURS)
    calendar = company.resource_calendar.set_index(["resource", "month"])
    frame.update(calendar[calendar.index.isin(grid)])
    return frame.reset_index()


def capacity_matrices(company: Company, resources: pd.Index,
                      months: pd.PeriodIndex) -> tuple[np.ndarray, np.ndarray]:
    """Available and maximum overtime hours as resources x months arrays, in the given order."""
    hours = monthly_capacity(company, months).set_index(["resource", "month"])
    grid = pd.MultiIndex.from_product([resources, months])
    return tuple(hours[h].reindex(grid).to_numpy(dtype=float).reshape(len(resources),
                                                                       len(months))
                 for h in HOURS)


def capacity_load(company: Company, plan: pd.DataFrame, *,
                  column: str = "production") -> pd.DataFrame:
    """Load against capacity per resource and month of the plan.

    Columns `resource, plant, month, load_hours, available_hours, max_overtime_hours,
    overtime_hours, utilisation, status`; one row per resource of the company and month of the
    plan. `column="required"` gives the unconstrained load, which shows where capacity runs short.
    `utilisation` is load / available hours (NaN when a resource has no available hours).
    """
    load = load_by_family(company, plan, column=column).groupby(
        ["resource", "month"])["hours"].sum()
    resources = company.resources
    months = pd.PeriodIndex(sorted(plan["month"].unique()), freq="M")
    grid = pd.MultiIndex.from_product([resources["resource"], months],
                                      names=["resource", "month"])
    frame = grid.to_frame(index=False).merge(resources[["resource", "plant"]], on="resource")
    frame = frame.merge(monthly_capacity(company, months), on=["resource", "month"])
    frame["load_hours"] = load.reindex(grid, fill_value=0.0).to_numpy()
    available, overtime = frame["available_hours"], frame["max_overtime_hours"]
    frame["overtime_hours"] = (frame["load_hours"] - available).clip(lower=0.0, upper=overtime)
    frame["utilisation"] = frame["load_hours"] / available.where(available > 0)
    frame["status"] = np.select(
        [frame["load_hours"] <= available + TOLERANCE,
         frame["load_hours"] <= available + overtime + TOLERANCE],
        [OK, OVERTIME], OVERLOAD)
    return frame[["resource", "plant", "month", "load_hours", "available_hours",
                  "max_overtime_hours", "overtime_hours", "utilisation", "status"]]


def overloads(load: pd.DataFrame, by_family: pd.DataFrame) -> pd.DataFrame:
    """The overloaded resource-months of `load`, worst first, with the families causing them.

    Columns `resource, plant, month, load_hours, capacity_hours, excess_hours, families`, where
    `families` reads like "Grills 820 h, Garden Tools 310 h" (largest first; past five
    families the rest are summed). `by_family` is `load_by_family` of the same plan and column
    as `load`.
    """
    rows = load[load["status"] == OVERLOAD].copy()
    rows["capacity_hours"] = rows["available_hours"] + rows["max_overtime_hours"]
    rows["excess_hours"] = rows["load_hours"] - rows["capacity_hours"]
    causes = by_family[by_family["hours"] > 0].sort_values(
        ["hours", "family"], ascending=[False, True])
    texts = {key: _family_text(group)
             for key, group in causes.groupby(["resource", "month"], sort=False)}
    rows["families"] = [texts.get(key, "") for key in zip(rows["resource"], rows["month"])]
    return rows.sort_values(["excess_hours", "resource", "month"],
                            ascending=[False, True, True], ignore_index=True)[
        ["resource", "plant", "month", "load_hours", "capacity_hours", "excess_hours", "families"]]


def _family_text(contributions: pd.DataFrame) -> str:
    """Families and their hours as planners read them: "Grills 820 h, Garden Tools 310 h"."""
    shown = contributions.iloc[:FAMILIES_SHOWN]
    named = [f"{family} {hours:,.0f} h" for family, hours in zip(shown["family"], shown["hours"])]
    rest = contributions["hours"].iloc[FAMILIES_SHOWN:]
    if len(rest):
        named.append(f"{len(rest)} more families {rest.sum():,.0f} h")
    return ", ".join(named)
