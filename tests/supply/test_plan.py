"""Supply plan: the plan frame, targets reached, strategies, time fence, costs, balance, errors."""

import numpy as np
import pandas as pd
import pytest

from sop_lib.core.errors import SopError
from sop_lib.data.company import CompanyConfig
from sop_lib.supply.plan import (
    PLAN_COLUMNS,
    check_balance,
    fence_end,
    opening_position,
    supply_plan,
    supply_plan_frame,
)
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


def assert_identities(plan: pd.DataFrame, opening_inventory: float, opening_backlog: float):
    """Every row: inventory and backlog roll forward from the month before."""
    inventory, backlog = opening_inventory, opening_backlog
    for row in plan.itertuples():
        if row.strategy == "MTS":
            assert row.inventory == pytest.approx(inventory + row.production - row.shipments,
                                                  abs=1e-9)
            inventory = row.inventory
        else:
            assert np.isnan(row.inventory)
        assert row.backlog == pytest.approx(backlog + row.demand - row.shipments, abs=1e-9)
        backlog = row.backlog


def test_plan_has_the_documented_columns_one_row_per_family_and_month():
    company = single_family(mts("A", 15.2))
    plan = supply_plan_frame(company, demand_frame({"A": [100, 120, 90, 60]}))
    assert list(plan.columns) == PLAN_COLUMNS
    assert PLAN_COLUMNS[:14] == [
        "family", "strategy", "month", "demand", "required", "production", "shipments",
        "shortfall", "inventory", "backlog", "target", "days_of_supply", "weeks_of_backlog",
        "constrained"]
    assert list(plan["month"].astype(str)) == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert plan["month"].dtype == "period[M]"
    assert plan["constrained"].dtype == bool and plan["frozen"].dtype == bool
    assert plan["plan_strategy"].tolist() == ["optimised"] * 4


def test_mts_plan_with_ample_capacity_holds_the_run_out_target():
    # 15.2 days = half a month: the target is half of next month's demand; the last month
    # repeats its own demand past the horizon (a horizon under a year): 60, 45, 30, 30.
    company = single_family(mts("A", 15.2), on_hand=50)
    plan = supply_plan_frame(company, demand_frame({"A": [100, 120, 90, 60]}))
    assert plan["target"].tolist() == pytest.approx([60, 45, 30, 30])
    # Jan: 100 + 60 - 50 = 110; Feb: 120 + 45 - 60; Mar: 90 + 30 - 45; Apr: 60 + 30 - 30.
    assert plan["production"].tolist() == pytest.approx([110, 105, 75, 60])
    assert plan["required"].tolist() == pytest.approx([110, 105, 75, 60])
    assert plan["shipments"].tolist() == pytest.approx([100, 120, 90, 60])
    assert plan["inventory"].tolist() == pytest.approx([60, 45, 30, 30])
    assert plan["backlog"].tolist() == pytest.approx([0, 0, 0, 0])
    assert plan["days_of_supply"].tolist() == pytest.approx([15.2] * 4)
    assert plan["shortfall"].tolist() == pytest.approx([0, 0, 0, 0])
    assert not plan["constrained"].any()
    assert plan["weeks_of_backlog"].isna().all()
    assert_identities(plan, 50, 0)


def test_mts_plan_runs_down_excess_inventory_before_producing():
    company = single_family(mts("A", 15.2), on_hand=300)
    plan = supply_plan_frame(company, demand_frame({"A": [100, 120, 90, 60]}))
    # Jan: 100 + 60 - 300 < 0 -> 0, inventory 200; Feb: 120 + 45 - 200 < 0 -> 0, inventory 80;
    # Mar: 90 + 30 - 80 = 40 -> inventory 30.
    assert plan["production"].tolist() == pytest.approx([0, 0, 40, 60])
    assert plan["inventory"].tolist() == pytest.approx([200, 80, 30, 30])
    # days of supply = inventory / daily demand of the next month (targets under a month)
    assert plan["days_of_supply"].tolist() == pytest.approx(
        [200 / (120 / 30.4), 80 / (90 / 30.4), 30 / (60 / 30.4), 30 / (60 / 30.4)])
    assert_identities(plan, 300, 0)


def test_mts_days_of_supply_is_nan_without_demand_ahead():
    company = single_family(mts("A", 30.4), on_hand=10)
    plan = supply_plan_frame(company, demand_frame({"A": [10, 0, 0]}))
    assert plan["target"].tolist() == [0, 0, 0]
    assert plan["inventory"].tolist() == [0, 0, 0]
    assert plan["days_of_supply"].isna().all()


def test_mts_plan_opens_with_zero_backlog_whatever_the_open_orders():
    company = single_family(mts("A", 15.2), on_hand=50, open_orders=[("2024-01", 40)])
    plan = supply_plan_frame(company, demand_frame({"A": [100, 120, 90, 60]}))
    assert plan["production"].iloc[0] == pytest.approx(110)
    assert plan["backlog"].iloc[0] == 0


def test_mto_plan_holds_the_weeks_of_backlog_target():
    # 2 weeks = 14 days of next month's 304 units: 140 units, 2 weeks of 70 a week.
    company = single_family(mto("B", 2), open_orders=[("2024-01", 150), ("2024-03", 50)])
    plan = supply_plan_frame(company, demand_frame({"B": [304, 304, 304]}))
    assert plan["target"].tolist() == pytest.approx([140, 140, 140])
    # Jan: 200 + 304 - 140 = 364, then 304 a month.
    assert plan["production"].tolist() == pytest.approx([364, 304, 304])
    assert plan["shipments"].tolist() == pytest.approx([364, 304, 304])
    assert plan["backlog"].tolist() == pytest.approx([140, 140, 140])
    assert plan["weeks_of_backlog"].tolist() == pytest.approx([2, 2, 2])
    assert plan["inventory"].isna().all()
    assert plan["days_of_supply"].isna().all()
    assert plan["shortfall"].tolist() == [0, 0, 0]
    assert_identities(plan, np.nan, 200)


def test_mto_plan_lets_the_order_book_build_to_its_target_before_producing():
    # 8 weeks = 56 days of 304 units a month = 560 units.
    company = single_family(mto("B", 8), open_orders=[("2024-01", 10)])
    plan = supply_plan_frame(company, demand_frame({"B": [304, 304, 304]}))
    assert plan["target"].tolist() == pytest.approx([560, 560, 560])
    assert plan["production"].tolist() == pytest.approx([0, 58, 304])
    assert plan["backlog"].tolist() == pytest.approx([314, 560, 560])
    assert plan["shortfall"].tolist() == pytest.approx([0, 0, 0])


def test_optimised_plan_builds_ahead_and_the_rest_is_cost_accounted():
    # 120 regular hours, 40 overtime; a unit takes an hour. Holding 6 x 0.25 / 12 = 0.125 a
    # month is far cheaper than the overtime premium of 15 an hour: make the March peak early.
    company = single_family(mts("A", 0), resources=[resource("R1", 120, 40)])
    result = supply_plan(company, demand_frame({"A": [100, 100, 150]}))
    plan = result.plan
    assert plan["production"].tolist() == pytest.approx([110, 120, 120])
    assert plan["inventory"].tolist() == pytest.approx([10, 30, 0])
    assert plan["required"].tolist() == pytest.approx([100, 100, 150])
    assert plan["constrained"].tolist() == [False, False, True]
    assert plan["overtime_hours"].tolist() == pytest.approx([0, 0, 0])
    costs = result.costs.iloc[0]
    assert costs["regular_cost"] == pytest.approx(350 * 30)
    assert costs["holding_cost"] == pytest.approx((10 + 30) * 0.125)
    assert costs["objective"] == pytest.approx(10500 + 5)
    assert costs["penalty"] == pytest.approx(0)
    assert_identities(plan, 0, 0)


def test_overtime_hours_and_costs_are_shared_by_load():
    # R: 100 regular + 50 overtime hours. A takes 1 h a unit, B 2 h: 60 + 80 = 140 h.
    company = make_company(
        families=[mts("A", 0), mto("B", 0)], items=[item("A1", "A"), item("B1", "B")],
        resources=[resource("R", 100, 50)],
        bill_of_resources=[bill("A", "R", 1), bill("B", "R", 2)])
    result = supply_plan(company, demand_frame({"A": [60], "B": [40]}))
    plan = result.plan.set_index("family")
    assert plan["production"].tolist() == pytest.approx([60, 40])
    assert plan["overtime_hours"].tolist() == pytest.approx([40 * 60 / 140, 40 * 80 / 140])
    assert plan["regular_hours"].tolist() == pytest.approx([100 * 60 / 140, 100 * 80 / 140])
    assert plan["overtime_cost"].tolist() == pytest.approx([45 * 40 * 60 / 140,
                                                            45 * 40 * 80 / 140])
    assert result.costs["cost"].sum() == pytest.approx(100 * 30 + 40 * 45)


def test_level_and_chase_families_follow_their_rule_in_the_plan():
    company = make_company(
        families=[mts("L", 0, plan_strategy="level"),
                  mts("C", 0, plan_strategy="chase", max_production=50)],
        items=[item("L1", "L"), item("C1", "C")],
        inventory=[{"sku": "L1", "month": LAST_CLOSED, "on_hand": 30}],
        resources=[resource("R", BIG)],
        bill_of_resources=[bill("L", "R", 1), bill("C", "R", 1)])
    result = supply_plan(company, demand_frame({"L": [10, 20, 30, 40], "C": [40, 70, 40, 40]}))
    plan = result.plan
    level, chase = plan[plan["family"] == "L"], plan[plan["family"] == "C"]
    # level: (100 units of demand + target 0 - 30 on hand) / 4 months = 17.5, in whole units
    # made a half unit ahead, then behind (running totals 18, 35, 53, 70).
    assert level["production"].tolist() == [18, 17, 18, 17]
    assert level["inventory"].tolist() == pytest.approx([38, 35, 23, 0])
    # chase within max 50: 40, 50 (20 late), 40 + 20 -> 50 (10 late), 40 + 10 = 50.
    assert chase["production"].tolist() == pytest.approx([40, 50, 50, 50])
    assert chase["backlog"].tolist() == pytest.approx([0, 20, 10, 0])
    assert chase["shortfall"].tolist() == pytest.approx([0, 20, 10, 0])
    assert chase["required"].tolist() == pytest.approx([40, 70, 40, 40])
    assert not plan["constrained"].any()  # rules, not capacity, set these
    assert set(result.costs["plan_strategy"]) == {"level", "chase"}
    assert_identities(level, 30, 0)
    assert_identities(chase, 0, 0)


def test_min_production_makes_stock_and_max_production_builds_ahead():
    company = single_family(mts("A", 0, min_production=50))
    plan = supply_plan_frame(company, demand_frame({"A": [20, 20, 100]}))
    assert plan["production"].tolist() == pytest.approx([50, 50, 50])
    assert plan["inventory"].tolist() == pytest.approx([30, 60, 10])
    company = single_family(mts("A", 0, max_production=60))
    plan = supply_plan_frame(company, demand_frame({"A": [40, 40, 100]}))
    assert plan["production"].tolist() == pytest.approx([60, 60, 60])
    assert plan["inventory"].tolist() == pytest.approx([20, 40, 0])
    assert plan["backlog"].tolist() == pytest.approx([0, 0, 0])


def fenced_company():
    return make_company(
        families=[mts("A", 0), mto("B", 0), mts("N", 0)],
        items=[item("A1", "A"), item("B1", "B"), item("N1", "N")],
        open_orders=[{"sku": "B1", "due_month": "2024-01", "quantity": 20}],
        resources=[resource("R", BIG)],
        bill_of_resources=[bill("A", "R", 1), bill("B", "R", 1), bill("N", "R", 1)])


def test_frozen_months_keep_the_plan_of_record():
    # B's record of 100 in January is more than its 20 + 30 on order: it makes 50.
    result = supply_plan(
        fenced_company(), demand_frame({"A": [40] * 4, "B": [30] * 4, "N": [10] * 4}),
        plan_of_record=record([("A", "2024-01", 50), ("A", "2024-02", 60), ("A", "2024-03", 99),
                               ("B", "2024-01", 100), ("B", "2024-02", 5)]))
    plan = result.plan
    a, b, n = (plan[plan["family"] == f] for f in "ABN")
    assert a["frozen"].tolist() == [True, True, False, False]  # the fence is 2 months
    assert a["production"].tolist() == pytest.approx([50, 60, 10, 40])
    assert a["inventory"].tolist() == pytest.approx([10, 30, 0, 0])
    assert b["frozen"].tolist() == [True, True, False, False]
    assert b["production"].tolist() == pytest.approx([50, 5, 55, 30])
    assert b["shortfall"].tolist() == pytest.approx([0, 25, 0, 0])
    assert n["frozen"].tolist() == [False] * 4
    assert n["production"].tolist() == pytest.approx([10] * 4)
    assert result.notes[:3] == [
        "2024-01 to 2024-02 keep the production of the plan of record (time fence of 2 "
        "months).",
        "Family N has no plan of record for 2024-01, 2024-02: not frozen there.",
        "Family B: the plan of record makes 100 units in 2024-01 but only 50 are on order; "
        "the plan makes those."]
    assert_identities(a, 0, 0)
    assert_identities(b, np.nan, 20)


def test_the_fence_follows_frozen_months_and_names_the_record_cycle():
    demand = demand_frame({"A": [40] * 3, "B": [30] * 3, "N": [10] * 3})
    kept = record([("A", "2024-01", 50), ("A", "2024-02", 60)]).assign(
        cycle=pd.Period("2023-12", "M"))
    plan = supply_plan_frame(fenced_company(), demand, plan_of_record=kept, frozen_months=1)
    # January frozen at 50 leaves 10 in stock: February makes 30.
    assert plan[plan["family"] == "A"]["production"].tolist() == pytest.approx([50, 30, 40])
    result = supply_plan(fenced_company(), demand, plan_of_record=kept, frozen_months=0)
    assert not result.plan["frozen"].any()
    assert result.notes[0] == "No time fence (frozen_months is 0): every month is planned afresh."
    result = supply_plan(fenced_company(), demand, plan_of_record=kept)
    assert result.notes[0].startswith("2024-01 to 2024-02 keep the production of the plan of "
                                      "record of cycle 2023-12")


def test_nothing_is_frozen_without_a_plan_of_record():
    result = supply_plan(fenced_company(), demand_frame({"A": [40] * 3, "B": [30] * 3,
                                                         "N": [10] * 3}))
    assert not result.plan["frozen"].any()
    assert result.plan[result.plan["family"] == "A"]["production"].tolist() == pytest.approx(
        [40, 40, 40])
    assert result.notes[0] == ("No plan of record from an earlier cycle: nothing is frozen (the "
                               "2-month time fence applies once a plan is published).")


def test_fence_end_is_the_month_after_the_last_frozen_one():
    demand = demand_frame({"A": [40] * 4, "B": [30] * 4, "N": [10] * 4})
    kept = record([("A", "2024-01", 50), ("A", "2024-02", 60), ("B", "2024-01", 30)])
    fenced = supply_plan_frame(fenced_company(), demand, plan_of_record=kept)
    assert fence_end(fenced) == pd.Period("2024-03", "M")           # A keeps 2 months
    one = supply_plan_frame(fenced_company(), demand, plan_of_record=kept, frozen_months=1)
    assert fence_end(one) == pd.Period("2024-02", "M")
    free = supply_plan_frame(fenced_company(), demand)                    # no plan of record
    assert not free["frozen"].any()
    assert fence_end(free) == pd.Period("2024-01", "M")             # the plan's first month


def test_a_plan_of_record_without_production_for_a_month_leaves_it_free():
    kept = record([("A", "2024-01", 70), ("A", "2024-02", np.nan)])
    plan = supply_plan_frame(fenced_company(), demand_frame({"A": [40] * 3, "B": [30] * 3,
                                                       "N": [10] * 3}), plan_of_record=kept)
    a = plan[plan["family"] == "A"]
    assert a["frozen"].tolist() == [True, False, False]
    assert a["production"].tolist() == pytest.approx([70, 10, 40])


@pytest.mark.parametrize(("rows", "message"), [
    (pd.DataFrame({"family": ["A"], "month": ["2024-01"]}),
     "plan of record lacks column\\(s\\) production"),
    (record([("A", "2024-01", -5)]), "production -5 for family A in 2024-01"),
    (record([("A", "2024-01", 5), ("A", "2024-01", 6)]), "family A in 2024-01 more than once"),
])
def test_a_broken_plan_of_record_is_refused(rows, message):
    with pytest.raises(SopError, match=message):
        supply_plan_frame(fenced_company(), demand_frame({"A": [40], "B": [30], "N": [10]}),
                          plan_of_record=rows)


def test_frozen_months_out_of_range_are_refused():
    with pytest.raises(SopError, match="frozen_months is 13"):
        supply_plan_frame(fenced_company(), demand_frame({"A": [40], "B": [30], "N": [10]}),
                          frozen_months=13)


def test_every_row_balances_in_a_plan_short_of_capacity():
    company = make_company(
        families=[mts("A", 30.4), mto("B", 2), mts("L", 10, plan_strategy="level")],
        items=[item("A1", "A"), item("B1", "B"), item("L1", "L")],
        inventory=[{"sku": "A1", "month": LAST_CLOSED, "on_hand": 80}],
        open_orders=[{"sku": "B1", "due_month": "2024-01", "quantity": 35}],
        resources=[resource("R1", 150, 30), resource("R2", 90)],
        bill_of_resources=[bill("A", "R1", 1), bill("B", "R1", 0.5), bill("B", "R2", 1),
                           bill("L", "R2", 0.25)])
    plan = supply_plan_frame(company, demand_frame({"A": [120, 200, 90, 150, 60],
                                              "B": [80, 60, 140, 70, 90],
                                              "L": [40, 40, 200, 40, 40]}))
    opening = {"A": (80, 0), "B": (np.nan, 35), "L": (0, 0)}
    for family, rows in plan.groupby("family"):
        assert_identities(rows, *opening[family])
    check_balance(plan, opening=opening_position(company))
    assert (plan["production"] >= -1e-9).all() and (plan["shipments"] >= -1e-9).all()
    assert (plan["backlog"] >= -1e-9).all()


def test_safety_stock_floors_the_target_in_the_plan():
    company = single_family(mts("A", 0))
    demand = demand_frame({"A": [100, 100, 100]}).assign(p10=lambda f: f["consensus"] - 64.0776,
                                                         p90=lambda f: f["consensus"] + 64.0776)
    plan = supply_plan_frame(company, demand)
    # sigma = 128.1552 / (2 x 1.28155) = 50; z(0.95) = 1.64485: 82.24 units of safety stock.
    assert plan["safety_stock"].tolist() == pytest.approx([82.2427] * 3, abs=1e-3)
    assert plan["target"].tolist() == pytest.approx([82.2427] * 3, abs=1e-3)
    # 182.24 units to make in whole units: 183 (rounding up keeps the stock at its target)
    assert plan["production"].tolist() == [183, 100, 100]


@pytest.mark.parametrize("stock", ["inventory", "backlog"])
def test_check_balance_names_family_and_month_of_a_break(stock):
    company = single_family(mts("A", 15.2), on_hand=50)
    plan = supply_plan_frame(company, demand_frame({"A": [100, 120, 90, 60]}))
    plan.loc[2, stock] += 0.01
    with pytest.raises(SopError, match=f"{stock} of family A in 2024-03"):
        check_balance(plan)


def test_check_balance_checks_the_first_month_against_the_opening():
    company = single_family(mto("B", 2), open_orders=[("2024-01", 200)])
    plan = supply_plan_frame(company, demand_frame({"B": [304, 608, 0, 304]}))
    check_balance(plan, opening=opening_position(company))
    check_balance(plan)
    plan["backlog"] -= 1
    check_balance(plan)  # without the opening, the rows after the first still balance
    with pytest.raises(SopError, match="backlog of family B in 2024-01"):
        check_balance(plan, opening=opening_position(company))


def test_check_balance_tolerates_rounding_below_a_millionth():
    company = single_family(mts("A", 15.2), on_hand=50)
    plan = supply_plan_frame(company, demand_frame({"A": [100, 120, 90, 60]}))
    plan.loc[3, "inventory"] += 1e-9
    check_balance(plan)


def test_demand_for_an_unknown_family_is_refused():
    company = single_family(mts("A", 10))
    with pytest.raises(SopError, match="family Z, which is not in families"):
        supply_plan_frame(company, demand_frame({"A": [1, 2], "Z": [1, 2]}))


def test_demand_with_a_missing_month_is_refused():
    company = make_company(families=[mts("A", 10), mto("B", 2)],
                           items=[item("A1", "A"), item("B1", "B")],
                           resources=[resource("R1", BIG)],
                           bill_of_resources=[bill("A", "R1", 1), bill("B", "R1", 1)])
    demand = demand_frame({"A": [1, 2, 3], "B": [1, 2, 3]})
    demand = demand.drop(index=4)
    with pytest.raises(SopError, match="no row for family B in 2024-02"):
        supply_plan_frame(company, demand)


def test_min_production_above_max_is_refused():
    company = single_family(mts("A", 10, min_production=80, max_production=50))
    with pytest.raises(SopError, match="Family A has min_production 80 above max_production 50"):
        supply_plan_frame(company, demand_frame({"A": [1, 2]}))


def test_holding_and_backlog_rates_come_from_company_yaml():
    # Dear holding (2.4 a year: 1.2 a unit-month) and an overtime premium of 0.5 an hour:
    # overtime beats building ahead.
    company = single_family(mts("A", 0), config=CompanyConfig("T", "EUR", holding_cost_rate=2.4),
                            resources=[resource("R1", 120, 40, overtime_cost=30.5)])
    result = supply_plan(company, demand_frame({"A": [100, 100, 150]}))
    assert result.plan["production"].tolist() == pytest.approx([100, 100, 150])
    assert result.plan["overtime_hours"].tolist() == pytest.approx([0, 0, 30])
    assert result.costs["objective"].iloc[0] == pytest.approx(320 * 30 + 30 * 30.5)
