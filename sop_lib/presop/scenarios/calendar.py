"""Month-specific capacity: the Company's `resource_calendar` table.

The resources table gives each resource one number of regular and overtime hours for every month.
A scenario can change them for some months only (a shift added in spring, a shop down for a
month); those months go into `company.resource_calendar`, columns `resource, month,
available_hours, max_overtime_hours`: a row replaces the resource's hours in that month, months
without a row keep the resources table's hours. A change that covers every plan month changes
the resources table itself.

The supply plan and the rough-cut load read the calendar through
`capacity.monthly_capacity`.
"""
from __future__ import annotations

from dataclasses import replace

import pandas as pd

from sop_lib.data.company import RESOURCE_CALENDAR, Company
from sop_lib.supply.capacity import HOURS


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
    calendar = hours[differs & ~hours["resource"].isin(steady).to_numpy()].reset_index(drop=True)
    return replace(company, resources=resources.reset_index()[company.resources.columns],
                   resource_calendar=calendar[RESOURCE_CALENDAR.column_names])
