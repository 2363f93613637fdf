"""Supply costs: the rates from items, resources and company.yaml, and a plan's breakdown."""

import numpy as np
import pytest

from sop_lib.data.company import CompanyConfig
from sop_lib.supply.costs import COST_COLUMNS, HOUR_COLUMNS, cost_rates
from sop_lib.supply.inputs import read_inputs
from sop_lib.supply.plan import supply_plan
from tests.supply.builders import (
    LAST_CLOSED,
    bill,
    demand_frame,
    item,
    make_company,
    mto,
    mts,
    resource,
)


def priced_company():
    return make_company(
        config=CompanyConfig("T", "EUR", holding_cost_rate=0.24, backlog_cost_rate=0.1),
        families=[mts("A", 0), mto("B", 1)],
        items=[item("A1", "A"), {**item("A2", "A"), "unit_price": 20, "standard_cost": 8},
               item("B1", "B")],
        resources=[resource("R", 100, 10)],
        bill_of_resources=[bill("A", "R", 2), bill("B", "R", 1)])


def test_rates_come_from_the_families_average_price_and_cost():
    company = priced_company()
    rates = cost_rates(company, read_inputs(company, demand_frame({"A": [1, 2, 3],
                                                                   "B": [1, 2, 3]})))
    # A: price (10 + 20) / 2 = 15, cost (6 + 8) / 2 = 7. B: price 10, cost 6.
    assert rates.holding.tolist() == pytest.approx([7 * 0.24 / 12, 6 * 0.24 / 12])
    assert rates.late.tolist() == pytest.approx([1.5, 1.0])
    # MTS below target: holding + half the late cost; MTO: holding.
    assert rates.below.tolist() == pytest.approx([0.14 + 0.75, 0.12])
    # end of horizon: hours at the dearer rate (45) + one month late.
    assert rates.end.tolist() == pytest.approx([2 * 45 + 1.5, 45 + 1.0])
    # overload: 10 x the most a unit could cost per hour otherwise (A: (91.5 + 3 x 2.53) / 2;
    # B: 46 + 3 x 1.24 per hour) or the overtime rate, whichever is more.
    worst = max((91.5 + 3 * (0.14 + 1.5 + 0.89)) / 2, 46 + 3 * (0.12 + 1.0 + 0.12), 45)
    assert rates.overload.tolist() == pytest.approx([10 * worst])


def test_cost_table_adds_up_the_plan_and_matches_the_optimiser():
    company = make_company(
        families=[mts("A", 30.4), mto("B", 2), mts("C", 10, plan_strategy="chase")],
        items=[item("A1", "A"), item("B1", "B"), item("C1", "C")],
        inventory=[{"sku": "A1", "month": LAST_CLOSED, "on_hand": 40}],
        open_orders=[{"sku": "B1", "due_month": "2024-01", "quantity": 30}],
        resources=[resource("R1", 120, 20), resource("R2", 60, 5)],
        bill_of_resources=[bill("A", "R1", 1), bill("B", "R1", 0.5), bill("B", "R2", 1),
                           bill("C", "R2", 0.5)])
    result = supply_plan(company, demand_frame({"A": [90, 150, 60, 100],
                                                "B": [40, 70, 30, 50],
                                                "C": [20, 30, 40, 20]}))
    costs = result.costs
    assert list(costs.columns) == ["family", "strategy", "plan_strategy", "production",
                                   *HOUR_COLUMNS, *COST_COLUMNS, "cost", "penalty",
                                   "objective"]
    totals = result.plan.groupby("family")[["production", *HOUR_COLUMNS, *COST_COLUMNS]].sum()
    assert costs.set_index("family")[totals.columns].to_numpy() == pytest.approx(
        totals.to_numpy())
    assert costs["cost"].tolist() == pytest.approx(
        costs[["regular_cost", "overtime_cost", "holding_cost", "backlog_cost"]].sum(axis=1))
    # the whole-unit plan costs what the optimiser's fractional minimum does, give or take the
    # fractions of a unit rounded away (here 12 of 25,968)
    assert result.objective - 1e-6 <= costs["objective"].sum() <= result.objective * 1.001
    # the hours shared out add up to the load: production x hours per unit
    hours = {"A": 1.0, "B": 1.5, "C": 0.5}
    plan = result.plan
    assert plan[HOUR_COLUMNS].sum(axis=1).to_numpy() == pytest.approx(
        (plan["production"] * plan["family"].map(hours)).to_numpy())
    assert np.isfinite(costs["objective"]).all()
