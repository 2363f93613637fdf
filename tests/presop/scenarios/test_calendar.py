"""Month-specific capacity: with_capacity puts hours into the resources table or the calendar."""
import pandas as pd

from sop_lib.data.company import RESOURCE_CALENDAR
from sop_lib.presop.scenarios.calendar import with_capacity
from sop_lib.supply.capacity import monthly_capacity
from tests.builders import company_from_rows

MONTHS = pd.period_range("2026-01", periods=4, freq="M")


def resource(name, available, overtime):
    return {"resource": name, "plant": "P1", "available_hours": available,
            "max_overtime_hours": overtime, "regular_cost_per_hour": 10.0,
            "overtime_cost_per_hour": 15.0}


def company(**rows):
    return company_from_rows(resources=[resource("R1", 100.0, 20.0), resource("R2", 50.0, 0.0)],
                             **rows)


def hours_with(changes):
    """monthly_capacity of the company with {(resource, month index): (available, overtime)}."""
    hours = monthly_capacity(company(), MONTHS)
    for (name, month), values in changes.items():
        row = (hours["resource"] == name) & (hours["month"] == MONTHS[month])
        hours.loc[row, ["available_hours", "max_overtime_hours"]] = values
    return hours


def calendar_rows(result):
    return list(result.resource_calendar.itertuples(index=False, name=None))


def test_unchanged_hours_leave_the_company_as_it_was():
    result = with_capacity(company(), monthly_capacity(company(), MONTHS))
    pd.testing.assert_frame_equal(result.resources, company().resources)
    assert result.resource_calendar.empty
    assert list(result.resource_calendar.columns) == RESOURCE_CALENDAR.column_names


def test_hours_changed_in_every_month_change_the_resources_table():
    result = with_capacity(company(), hours_with({("R2", m): (80.0, 5.0) for m in range(4)}))
    resources = result.resources.set_index("resource")
    assert resources.loc["R2", ["available_hours", "max_overtime_hours"]].tolist() == [80.0, 5.0]
    assert resources.loc["R1", "available_hours"] == 100.0
    assert result.resource_calendar.empty
    assert list(result.resources.columns) == list(company().resources.columns)


def test_hours_changed_in_some_months_become_calendar_rows_of_those_months():
    result = with_capacity(company(), hours_with({("R1", 1): (0.0, 20.0), ("R1", 2): (160.0, 0.0)}))
    pd.testing.assert_frame_equal(result.resources, company().resources)
    assert calendar_rows(result) == [("R1", MONTHS[1], 0.0, 20.0), ("R1", MONTHS[2], 160.0, 0.0)]
    for column in RESOURCE_CALENDAR.columns:
        expected = {"month": "period[M]", "resource": "str"}.get(column.name, "float64")
        assert result.resource_calendar[column.name].dtype == expected


def test_the_plan_reads_the_calendar_back_as_the_hours_given():
    hours = hours_with({("R1", 1): (0.0, 20.0), ("R2", 3): (10.0, 1.0)})
    result = with_capacity(company(), hours)
    pd.testing.assert_frame_equal(monthly_capacity(result, MONTHS), hours)


def test_calendar_rows_of_a_company_that_has_some_are_kept_or_replaced():
    calendar = [{"resource": "R1", "month": "2026-01", "available_hours": 0.0,
                 "max_overtime_hours": 0.0}]
    before = company(resource_calendar=calendar)
    kept = with_capacity(before, monthly_capacity(before, MONTHS))
    assert calendar_rows(kept) == [("R1", MONTHS[0], 0.0, 0.0)]
    hours = monthly_capacity(before, MONTHS)
    hours.loc[hours["resource"] == "R1", ["available_hours", "max_overtime_hours"]] = 90.0, 20.0
    replaced = with_capacity(before, hours)
    assert replaced.resource_calendar.empty
    assert replaced.resources["available_hours"].tolist() == [90.0, 50.0]


def test_the_company_given_is_left_as_it_was():
    before = company()
    with_capacity(before, hours_with({("R1", 0): (1.0, 1.0)}))
    pd.testing.assert_frame_equal(before.resources, company().resources)
    assert before.resource_calendar.empty
