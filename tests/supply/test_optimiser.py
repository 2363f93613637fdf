"""The optimiser on small programmes solved by hand: build ahead, overtime, backlog, overload."""

import numpy as np
import pytest

from sop_lib.supply.costs import CostRates
from sop_lib.supply.optimiser import Problem, solve


def problem(demand, *, hours=((1.0,),), available=(120.0,), max_overtime=(40.0,),
            regular=(30.0,), overtime=(45.0,), holding=(0.125,), late=(1.0,), below=(0.0,),
            end=None, overload=(1e4,), target=None, mts=(True,), opening_inventory=(0.0,),
            opening_backlog=(0.0,), lower=None, upper=None) -> Problem:
    """A problem of families x months `demand`; rates per family and per resource.

    `end` defaults to each family's hours at the overtime rate plus its late rate."""
    demand = np.array(demand, dtype=float)
    hours = np.array(hours, dtype=float)
    late = np.array(late, dtype=float)
    end = hours @ np.array(overtime) + late if end is None else np.array(end, dtype=float)
    rates = CostRates(holding=np.array(holding), late=late, below=np.array(below), end=end,
                      regular=np.array(regular), overtime=np.array(overtime),
                      overload=np.array(overload))
    return Problem(
        demand=demand, target=np.zeros_like(demand) if target is None else np.array(target, float),
        mts=np.array(mts), opening_inventory=np.array(opening_inventory, dtype=float),
        opening_backlog=np.array(opening_backlog, dtype=float),
        lower=np.zeros_like(demand) if lower is None else np.array(lower, dtype=float),
        upper=np.full_like(demand, np.inf) if upper is None else np.array(upper, dtype=float),
        hours=hours, available=np.array(available), max_overtime=np.array(max_overtime),
        rates=rates)


def test_builds_ahead_in_regular_hours_when_holding_is_cheaper_than_overtime():
    # March needs 150 of 120 regular hours. Holding costs 0.125 a unit-month, overtime 15 more
    # an hour than regular: make 20 in February's spare hours, 10 in January's (2 months held).
    solution = solve(problem([[100, 100, 150]]))
    assert solution.values["production"][0].tolist() == pytest.approx([110, 120, 120])
    assert solution.values["inventory"][0].tolist() == pytest.approx([10, 30, 0])
    assert solution.values["overtime"][0].tolist() == pytest.approx([0, 0, 0])
    assert solution.objective == pytest.approx(350 * 30 + (10 + 30) * 0.125)


def test_works_overtime_when_it_is_cheaper_than_holding():
    # Holding 1.2 a unit-month against an overtime premium of 0.5 an hour.
    solution = solve(problem([[100, 100, 150]], holding=(1.2,), overtime=(30.5,)))
    assert solution.values["production"][0].tolist() == pytest.approx([100, 100, 150])
    assert solution.values["overtime"][0].tolist() == pytest.approx([0, 0, 30])
    assert solution.objective == pytest.approx(320 * 30 + 30 * 30.5)


def test_builds_ahead_what_regular_hours_allow_and_works_overtime_for_the_rest():
    solution = solve(problem([[100, 100, 170]]))
    assert solution.values["production"][0].tolist() == pytest.approx([120, 120, 130])
    assert solution.values["overtime"][0].tolist() == pytest.approx([0, 0, 10])
    assert solution.objective == pytest.approx(360 * 30 + 10 * 45 + (20 + 40) * 0.125)


def test_ships_late_when_that_is_cheaper_than_overtime_or_holding():
    # February needs 30 more than its 120 regular hours. Holding 20 a month rules out building
    # ahead; a month late costs 1 a unit against the overtime premium of 15: 20 units wait for
    # March's spare regular hours, 10 are made on overtime.
    solution = solve(problem([[100, 150, 100]], holding=(20.0,)))
    assert solution.values["production"][0].tolist() == pytest.approx([100, 130, 120])
    assert solution.values["backlog"][0].tolist() == pytest.approx([0, 20, 0])
    assert solution.objective == pytest.approx(340 * 30 + 10 * 45 + 20 * 1)


def test_demand_beyond_capacity_runs_at_full_overtime_and_carries_backlog_to_the_end():
    # 150 a month against 100 + 20 hours: 30 late in January, 60 at the end (charged the end
    # rate 45 + 1 a unit on top of the month late).
    solution = solve(problem([[150, 150]], available=(100.0,), max_overtime=(20.0,)))
    assert solution.values["production"][0].tolist() == pytest.approx([120, 120])
    assert solution.values["backlog"][0].tolist() == pytest.approx([30, 60])
    assert solution.values["overload"][0].tolist() == pytest.approx([0, 0])
    assert solution.objective == pytest.approx(200 * 30 + 40 * 45 + (30 + 60) * 1 + 60 * 46)


def test_fixed_production_beyond_capacity_overloads_the_resource():
    solution = solve(problem([[200]], available=(100.0,), max_overtime=(20.0,), lower=[[200]],
                             upper=[[200]]))
    assert solution.values["production"][0].tolist() == pytest.approx([200])
    assert solution.values["overload"][0].tolist() == pytest.approx([80])
    assert solution.objective == pytest.approx(100 * 30 + 20 * 45 + 80 * 1e4)


def test_load_is_production_times_hours_within_available_plus_overtime():
    demand = [[80, 120, 60], [30, 50, 90]]
    hours = [[1.0, 0.5], [2.0, 0.0]]
    solution = solve(problem(demand, hours=hours, available=(150.0, 40.0),
                             max_overtime=(30.0, 10.0), regular=(30.0, 30.0),
                             overtime=(45.0, 45.0), holding=(0.1, 0.1), late=(1.0, 1.0),
                             below=(0.0, 0.0), overload=(1e4, 1e4), mts=(True, False),
                             opening_inventory=(0.0, 0.0), opening_backlog=(0.0, 0.0)))
    values = solution.values
    load = np.array(hours).T @ values["production"]
    used = values["regular"] + values["overtime"] + values["overload"]
    assert used == pytest.approx(load)
    assert (values["regular"] <= np.array([[150.0], [40.0]]) + 1e-9).all()
    assert (values["overtime"] <= np.array([[30.0], [10.0]]) + 1e-9).all()
    assert values["overload"] == pytest.approx(np.zeros((2, 3)))


def test_shared_capacity_goes_to_the_family_dearest_to_leave_short():
    # 100 hours for A (1 h, late + end = 1 + 31 a unit, saves 30 of labour: 2 an hour) and
    # B (2 h, 5 + 65 a unit, saves 60: 5 an hour): A gives up the 20 hours.
    solution = solve(problem([[60], [30]], hours=[[1.0], [2.0]], available=(100.0,),
                             max_overtime=(0.0,), holding=(0.1, 0.1), late=(1.0, 5.0),
                             below=(0.0, 0.0), end=(31.0, 65.0), mts=(True, True),
                             opening_inventory=(0.0, 0.0), opening_backlog=(0.0, 0.0)))
    assert solution.values["production"][:, 0].tolist() == pytest.approx([40, 30])
    assert solution.objective == pytest.approx(100 * 30 + 20 * (1 + 31))


def test_mto_pulls_orders_forward_rather_than_ship_late():
    # 150 hours a month, no overtime; the order book (target 50) is pulled below its target in
    # January (0.125 a unit) so February's 200 orders do not ship late.
    solution = solve(problem([[100, 200]], available=(150.0,), max_overtime=(0.0,),
                             below=(0.125,), target=[[50, 50]], mts=(False,),
                             opening_backlog=(50.0,)))
    assert solution.values["production"][0].tolist() == pytest.approx([150, 150])
    assert solution.values["backlog"][0].tolist() == pytest.approx([0, 50])
    assert solution.values["below"][0].tolist() == pytest.approx([50, 0])
    assert solution.values["late"][0].tolist() == pytest.approx([0, 0])
    assert solution.objective == pytest.approx(300 * 30 + 50 * 0.125)


def test_max_production_is_respected_by_building_ahead():
    solution = solve(problem([[40, 40, 100]], available=(1e6,), upper=[[60, 60, 60]]))
    assert solution.values["production"][0].tolist() == pytest.approx([60, 60, 60])
    assert solution.values["inventory"][0].tolist() == pytest.approx([20, 40, 0])


def test_below_target_stock_is_restored_when_it_is_dearer_than_holding():
    solution = solve(problem([[100, 100]], available=(1e6,), below=(0.5,), target=[[30, 30]]))
    assert solution.values["production"][0].tolist() == pytest.approx([130, 100])
    assert solution.values["below"][0].tolist() == pytest.approx([0, 0])
