"""Month-specific capacity: an optional `resource_calendar` table on the Company.

The resources table gives each resource one number of regular and overtime hours for every month.
A scenario can change them for some months only (a shift added in spring, a shop down for a
month); those months go into `company.tables["resource_calendar"]`, columns `resource, month,
available_hours, max_overtime_hours`: a row replaces the resource's hours in that month, months
without a row keep the resources table's hours. A change that covers every plan month changes
the resources table itself.

`calendar_load` gives the rough-cut load against the calendar's hours with the existing
`capacity.capacity_load`, one month of the calendar at a time. The supply plan honours the
calendar once `sop_lib.supply` reads it (see `supply_reads_calendar`).
"""
from __future__ import annotations

from dataclasses import replace

import pandas as pd

from .. import capacity
from ..company import Company

CALENDAR_TABLE = "resource_calendar"
HOURS = ["available_hours", "max_overtime_hours"]
CALENDAR_COLUMNS = ["resource", "month", *HOURS]


def resource_calendar(company: Company) -> pd.DataFrame:
    """The company's calendar rows (an empty calendar when it has none)."""
    calendar = company.tables.get(CALENDAR_TABLE)
    if calendar is None:
        return pd.DataFrame({"resource": pd.Series(dtype=str),
                             "month": pd.Series(dtype="period[M]"),
                             **{h: pd.Series(dtype=float) for h in HOURS}})
    return calendar[CALENDAR_COLUMNS]


def monthly_capacity(company: Company, months) -> pd.DataFrame:
    """Regular and overtime hours of every resource in every one of `months`.

    Columns `resource, month, available_hours, max_overtime_hours`, resources in the resources
    table's order, then months; calendar rows replace the resources table's hours.
    """
    resources = company.resources
    grid = pd.MultiIndex.from_product(
        [resources["resource"], pd.PeriodIndex(months, freq="M")], names=["resource", "month"])
    hours = resources.set_index("resource")[HOURS].reindex(grid.get_level_values("resource"))
    frame = pd.DataFrame(hours.to_numpy(), index=grid, columns=HOURS)
    calendar = resource_calendar(company).set_index(["resource", "month"])
    frame.update(calendar[calendar.index.isin(grid)])
    return frame.reset_index()


def with_capacity(company: Company, hours: pd.DataFrame) -> Company:
    """The company working `hours` (monthly_capacity's columns, every resource and plan month).

    A resource with the same hours in every month gets them in the resources table; the months
    of the others that differ from the resources table become calendar rows.
    """
    by_resource = hours.groupby("resource", sort=False)[HOURS]
    uniform = by_resource.nunique().eq(1).all(axis=1)
    resources = company.resources.set_index("resource")
    steady = uniform[uniform].index
    resources.loc[steady, HOURS] = by_resource.first().loc[steady].to_numpy()
    usual = resources[HOURS].reindex(hours["resource"]).to_numpy()
    differs = (hours[HOURS].to_numpy() != usual).any(axis=1)
    calendar = hours[differs & ~hours["resource"].isin(steady).to_numpy()]
    tables = {**company.tables, "resources": resources.reset_index()[company.resources.columns],
              CALENDAR_TABLE: calendar.reset_index(drop=True)[CALENDAR_COLUMNS]}
    return replace(company, tables=tables)


def calendar_load(company: Company, plan: pd.DataFrame, *,
                  column: str = "production") -> pd.DataFrame:
    """`capacity.capacity_load` against the hours of each month, calendar rows included.

    Same columns and row order as capacity_load: resources in the resources table's order, then
    months.
    """
    calendar = resource_calendar(company)
    special = sorted(set(calendar["month"]) & set(plan["month"]))
    parts = [capacity.capacity_load(company, plan[~plan["month"].isin(special)], column=column)]
    for month in special:
        hours = monthly_capacity(company, [month]).set_index("resource")[HOURS]
        resources = company.resources.assign(
            **{h: company.resources["resource"].map(hours[h]).to_numpy() for h in HOURS})
        that_month = replace(company, tables={**company.tables, "resources": resources})
        parts.append(capacity.capacity_load(that_month, plan[plan["month"] == month],
                                            column=column))
    order = {name: position for position, name in enumerate(company.resources["resource"])}
    return pd.concat(parts, ignore_index=True).sort_values(
        ["resource", "month"], key=lambda s: s.map(order) if s.name == "resource" else s,
        ignore_index=True)


def supply_reads_calendar() -> bool:
    """Whether the supply plan cuts production with the calendar's hours.

    It does once `sop_lib.capacity` provides `monthly_capacity` and `supply.plan_supply` plans
    with it; until then the plan uses the resources table's hours in every month.
    """
    return hasattr(capacity, "monthly_capacity")
