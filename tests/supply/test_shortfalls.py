"""Shortfalls explained: resource, months, hours and units short, and what the plan does."""

import pandas as pd
import pytest

from sop_lib.supply.plan import supply_plan, supply_plan_frame
from sop_lib.supply.shortfalls import EXPLANATION_COLUMNS, explain_shortfalls
from tests.supply.builders import (
    BIG,
    LAST_CLOSED,
    bill,
    demand_frame,
    item,
    make_company,
    mto,
    mts,
    record,
    resource,
    single_family,
)


def test_demand_far_beyond_capacity_is_explained_month_by_month():
    company = single_family(mts("A", 0), resources=[resource("Press", 100, 20)],
                            bills=[bill("A", "Press", 1)])
    table = supply_plan(company, demand_frame({"A": [500, 500, 500]})).explanations
    assert list(table.columns) == EXPLANATION_COLUMNS
    assert table["resource"].tolist() == ["Press"] * 3
    assert table["month"].astype(str).tolist() == ["2024-01", "2024-02", "2024-03"]
    assert table["families"].tolist() == ["A"] * 3
    assert table["required_hours"].tolist() == pytest.approx([500] * 3)
    assert table["hours_beyond_regular"].tolist() == pytest.approx([400] * 3)
    assert table["hours_beyond_overtime"].tolist() == pytest.approx([380] * 3)
    assert table["units_not_made"].tolist() == pytest.approx([380] * 3)
    assert table["overtime_hours"].tolist() == pytest.approx([20] * 3)
    # the month's own demand left unshipped: 380, then all 500 (the backlog grows to 1,140)
    assert table["late_units"].tolist() == pytest.approx([380, 500, 500])
    assert table["response"].tolist() == [
        "works 20 overtime hours; ships 380 units late",
        "works 20 overtime hours; ships 500 units late",
        "works 20 overtime hours; ships 500 units late"]
    assert table["needs_decision"].tolist() == [True] * 3


def test_fixed_production_beyond_capacity_is_an_overload_needing_a_decision():
    company = make_company(
        families=[mts("A", 0), mts("C", 0, plan_strategy="chase")],
        items=[item("A1", "A"), item("C1", "C")],
        resources=[resource("R", 100, 20)],
        bill_of_resources=[bill("A", "R", 1), bill("C", "R", 2)])
    result = supply_plan(company, demand_frame({"A": [50, 50], "C": [10, 80]}))
    # February: chase C needs 160 hours of the 120 there are; A gives way entirely.
    a = result.plan[result.plan["family"] == "A"]
    assert a["production"].tolist() == pytest.approx([100, 0])
    row = result.explanations.set_index(result.explanations["month"].astype(str)).loc["2024-02"]
    assert row["families"] == "C, A"  # most required hours first
    assert row["overload_hours"] == pytest.approx(40)
    assert row["built_ahead_units"] == pytest.approx(50)
    assert row["response"] == (
        "builds 50 units ahead in earlier months; works 20 overtime hours; needs 40 hours "
        "beyond maximum overtime for production it may not change (C): decide on capacity or "
        "the plan")
    assert row["needs_decision"]


def test_building_ahead_is_an_explanation_without_a_decision():
    company = single_family(mts("A", 0), resources=[resource("R1", 120, 40)])
    table = supply_plan(company, demand_frame({"A": [100, 100, 150]})).explanations
    assert table["month"].astype(str).tolist() == ["2024-03"]
    assert table["units_not_made"].tolist() == pytest.approx([30])
    assert table["built_ahead_units"].tolist() == pytest.approx([30])
    assert table["response"].tolist() == ["builds 30 units ahead in earlier months"]
    assert table["needs_decision"].tolist() == [False]


def test_late_months_without_a_capacity_cause_name_their_rule():
    company = make_company(
        families=[mts("L", 0, plan_strategy="level"), mto("F", 0),
                  mts("M", 0, max_production=50)],
        items=[item("L1", "L"), item("F1", "F"), item("M1", "M")],
        inventory=[{"sku": "L1", "month": LAST_CLOSED, "on_hand": 0}],
        resources=[resource("R", BIG)],
        bill_of_resources=[bill("L", "R", 1), bill("F", "R", 1), bill("M", "R", 1)])
    # L levels at 30 a month; F's record makes 10 of January's 30 orders; M makes at most 50,
    # builds 20 ahead and is still 10 short in March.
    result = supply_plan(company, demand_frame({"L": [10, 70, 10], "F": [30, 30, 30],
                                                "M": [40, 40, 80]}),
                         plan_of_record=record([("F", "2024-01", 10), ("F", "2024-02", 50)]))
    table = result.explanations
    assert (table["resource"] == "").all()
    assert list(zip(table["families"], table["month"].astype(str), table["response"])) == [
        ("F", "2024-01", "ships 20 units late: production frozen at the plan of record "
                         "(10 units)"),
        ("L", "2024-02", "ships 20 units late: the level rate of 30 units a month"),
        ("M", "2024-03", "ships 10 units late: max production of 50 units a month"),
    ]
    assert table["late_units"].tolist() == pytest.approx([20, 20, 10])
    assert table["required_hours"].isna().all()


def test_a_plan_within_regular_hours_needs_no_explanation():
    company = single_family(mts("A", 30.4), on_hand=10)
    plan = supply_plan_frame(company, demand_frame({"A": [100, 120, 90]}))
    table = explain_shortfalls(company, plan)
    assert table.empty
    assert list(table.columns) == EXPLANATION_COLUMNS


def test_explains_any_plan_against_its_required_production():
    company = single_family(mts("A", 0), resources=[resource("R1", 100, 10)])
    plan = supply_plan_frame(company, demand_frame({"A": [90, 90]}))
    squeezed = plan.assign(production=[105.0, 80.0], shortfall=[0.0, 0.0])
    table = explain_shortfalls(company, squeezed)
    assert table["month"].astype(str).tolist() == ["2024-01"]
    assert table["overtime_hours"].tolist() == pytest.approx([5])
    assert table["response"].tolist() == ["works 5 overtime hours"]
    assert isinstance(table["month"].dtype, pd.PeriodDtype)
