import numpy as np
import pytest

import sop_lib.supply.rounding as rounding
from sop_lib.supply.capacity import capacity_load
from sop_lib.supply.inputs import read_inputs
from sop_lib.supply.plan import supply_plan
from tests.supply.builders import (
    bill,
    demand_frame,
    item,
    make_company,
    mto,
    mts,
    resource,
    single_family,
)


def test_whole_production_carries_the_fractions_and_rounds_up_only_within_the_caps():
    company = single_family(mts("A", 0))
    inputs = read_inputs(company, demand_frame({"A": [1, 1, 1, 1, 1]}))
    production = np.array([[2.4, 2.4, 2.4, 2.4, 2.4]])
    roomy = np.full((1, 5), np.inf)
    # made ahead wherever allowed: 3, 2, 3, 2, 2 (running totals 3, 5, 8, 10, 12 against 2.4,
    # 4.8, 7.2, 9.6, 12)
    assert rounding.whole_production(production, inputs, roomy).tolist() == [[3, 2, 3, 2, 2]]
    tight = np.full((1, 5), 2.4)  # one unit per hour: no month may make more than 2.4
    whole = rounding.whole_production(production, inputs, tight)
    # 2, 2 (carrying 0.8), then 3.2 must make 3 (a unit or more behind is not allowed): the
    # excess `whole_plan` solves away; then 2 and 3
    assert whole.tolist() == [[2, 2, 3, 2, 3]]
    drift = np.abs(np.cumsum(whole) - np.cumsum(production))
    assert drift.max() < 1


def test_a_busy_run_is_solved_again_so_the_rounded_plan_keeps_within_capacity(monkeypatch):
    # 10.5 hours a month, no overtime, demand 12: the optimiser makes 10.5 every month, which
    # rounding alone cannot keep within 10.5 hours two months running.
    solves = []
    solve = rounding.solve
    monkeypatch.setattr(rounding, "solve", lambda problem: solves.append(1) or solve(problem))
    company = single_family(mts("A", 0), resources=[resource("R1", 10.5)])
    result = supply_plan(company, demand_frame({"A": [12, 12, 12, 12]}))
    plan = result.plan
    assert (plan["production"] == plan["production"].round()).all()
    assert (plan["production"] <= 10.5).all() and plan["production"].sum() >= 40
    load = capacity_load(company, plan)
    assert (load["status"] == "ok").all()
    assert plan["overtime_hours"].sum() == 0 and plan["overload_hours"].sum() == 0
    assert len(solves) > 1


def test_the_plan_stays_within_a_unit_of_the_optimisers_and_within_its_limits(monkeypatch):
    seen = []

    def spy(production, inputs, caps):
        whole = whole_production(production, inputs, caps)
        seen.append((production, whole))
        return whole

    whole_production = rounding.whole_production
    monkeypatch.setattr(rounding, "whole_production", spy)
    company = make_company(
        families=[mts("A", 20), mts("B", 10), mts("C", 0, plan_strategy="level")],
        items=[item("A1", "A"), item("B1", "B"), item("C1", "C")],
        resources=[resource("R1", 95.3, 7.7), resource("R2", 40.1)],
        bill_of_resources=[bill("A", "R1", 0.7), bill("B", "R1", 1.3), bill("B", "R2", 0.45),
                           bill("C", "R2", 0.9)])
    rng = np.random.default_rng(5)
    demand = {family: list(rng.random(12) * 60 + 10) for family in "ABC"}
    plan = supply_plan(company, demand_frame(demand)).plan
    production, whole = seen[-1]
    assert np.array_equal(plan["production"].to_numpy().reshape(3, 12), whole)
    assert (whole == np.round(whole)).all()
    assert np.abs(np.cumsum(whole, axis=1) - np.cumsum(production, axis=1)).max() < 1
    assert (plan["shipments"] == plan["shipments"].round()).all()
    limits = capacity_load(company, plan)
    hours = {"R1": (95.3, 103.0), "R2": (40.1, 40.1)}
    fractional = np.einsum("ft,fr->rt", production, np.array([[0.7, 0], [1.3, 0.45],
                                                              [0, 0.9]]))
    for r, (name, (regular, most)) in enumerate(hours.items()):
        rows = limits[limits["resource"] == name].reset_index()
        for t, row in rows.iterrows():
            for limit in (regular, most):
                if fractional[r, t] <= limit + 1e-6:
                    assert row["load_hours"] <= limit + 1e-6


@pytest.mark.parametrize("fraction", [0.0, 0.5])
def test_whole_production_never_makes_less_than_nothing(fraction):
    company = single_family(mts("A", 0))
    inputs = read_inputs(company, demand_frame({"A": [1, 1, 1]}))
    production = np.array([[0.6, 0.0, fraction]])
    whole = rounding.whole_production(production, inputs, np.full((1, 3), np.inf))
    assert (whole >= 0).all() and whole.tolist()[0][:2] == [1, 0]


def test_an_mto_family_rounds_up_only_what_is_on_order():
    # orders of 10.4 a month and no backlog wanted: 10, 10, 11, 10 (on order: 10.4, 20.8,
    # 31.2, 41.6 to date), shipped as made; the fraction of the orders waits, and is not late
    company = single_family(mto("B", 0))
    inputs = read_inputs(company, demand_frame({"B": [10.4] * 4}))
    whole = rounding.whole_production(np.full((1, 4), 10.4), inputs, np.full((1, 4), np.inf))
    assert whole.tolist() == [[10, 10, 11, 10]]
    plan = supply_plan(company, demand_frame({"B": [10.4] * 4})).plan
    assert plan["production"].tolist() == [10, 10, 11, 10]
    assert plan["shipments"].tolist() == [10, 10, 11, 10]
    assert plan["backlog"].tolist() == pytest.approx([0.4, 0.8, 0.2, 0.6])
    assert plan["shortfall"].tolist() == [0, 0, 0, 0]
