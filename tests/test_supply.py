"""Supply plan: MTS and MTO rules, targets, capacity cuts, balance identities, opening position."""

import numpy as np
import pandas as pd
import pytest

from builders import company_from_rows
from sop_lib.company import Company
from sop_lib.errors import SopError
from sop_lib.supply import check_balance, opening_position, plan_supply

LAST_CLOSED = "2023-12"
BIG = 1e9


def make_company(**rows) -> Company:
    """A Company from dict rows per table; absent tables are empty. History ends LAST_CLOSED."""
    rows.setdefault("demand_history", [
        {"sku": item["sku"], "month": LAST_CLOSED, "bookings": 0, "shipments": 0}
        for item in rows.get("items", [])])
    return company_from_rows(**rows)


def mts(family, days, **extra):
    return {"family": family, "strategy": "MTS", "inventory_target_days": days,
            "service_target": 0.95, **extra}


def mto(family, weeks):
    return {"family": family, "strategy": "MTO", "backlog_target_weeks": weeks,
            "service_target": 0.95}


def item(sku, family):
    return {"sku": sku, "family": family, "unit_price": 10, "standard_cost": 6,
            "status": "active"}


def resource(name, available, overtime=0.0):
    return {"resource": name, "plant": "P1", "available_hours": available,
            "max_overtime_hours": overtime, "regular_cost_per_hour": 30,
            "overtime_cost_per_hour": 45}


def bill(family, name, hours):
    return {"family": family, "resource": name, "hours_per_unit": hours}


def demand_frame(units: dict, start="2024-01") -> pd.DataFrame:
    """Consensus demand as consensus.family_demand gives it: units per family from `start`."""
    rows = [{"family": family, "month": pd.Period(start, "M") + i, "statistical": value,
             "consensus": value, "consensus_value": 10.0 * value}
            for family, values in units.items() for i, value in enumerate(values)]
    frame = pd.DataFrame(rows)
    frame["month"] = frame["month"].astype("period[M]")
    return frame


def single_family(family_row, *, on_hand=0.0, open_orders=(), resources=None, bills=None):
    """A one-family company with SKU X1 and an unconstraining resource unless told otherwise."""
    name = family_row["family"]
    return make_company(
        families=[family_row],
        items=[item("X1", name)],
        inventory=[{"sku": "X1", "month": LAST_CLOSED, "on_hand": on_hand}],
        open_orders=[{"sku": "X1", "due_month": month, "quantity": qty}
                     for month, qty in open_orders],
        resources=resources or [resource("R1", BIG)],
        bill_of_resources=bills or [bill(name, "R1", 1.0)],
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
    plan = plan_supply(company, demand_frame({"A": [100, 120, 90, 60]}))
    assert list(plan.columns) == [
        "family", "strategy", "month", "demand", "required", "production", "shipments",
        "shortfall", "inventory", "backlog", "target", "days_of_supply", "weeks_of_backlog",
        "constrained"]
    assert list(plan["month"].astype(str)) == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert plan["month"].dtype == "period[M]"
    assert plan["constrained"].dtype == bool


def test_mts_plan_builds_to_the_forward_days_of_supply_target():
    # target = 15.2 days x mean of the next 3 months / 30.4 = half of that mean;
    # the last month has nothing ahead and uses its own demand.
    company = single_family(mts("A", 15.2), on_hand=50)
    plan = plan_supply(company, demand_frame({"A": [100, 120, 90, 60]}))
    assert plan["target"].tolist() == pytest.approx([45, 37.5, 30, 30])
    # Jan: 100 + 45 - 50 = 95; Feb: 120 + 37.5 - 45; Mar: 90 + 30 - 37.5; Apr: 60 + 30 - 30.
    assert plan["production"].tolist() == pytest.approx([95, 112.5, 82.5, 60])
    assert plan["shipments"].tolist() == pytest.approx([100, 120, 90, 60])
    assert plan["inventory"].tolist() == pytest.approx([45, 37.5, 30, 30])
    assert plan["backlog"].tolist() == pytest.approx([0, 0, 0, 0])
    assert plan["days_of_supply"].tolist() == pytest.approx([15.2] * 4)
    assert plan["shortfall"].tolist() == [0, 0, 0, 0]
    assert not plan["constrained"].any()
    assert plan["weeks_of_backlog"].isna().all()
    assert_identities(plan, 50, 0)


def test_mts_plan_runs_down_excess_inventory_before_producing():
    company = single_family(mts("A", 15.2), on_hand=300)
    plan = plan_supply(company, demand_frame({"A": [100, 120, 90, 60]}))
    # Jan: 100 + 45 - 300 < 0 -> 0, inventory 200; Feb: 120 + 37.5 - 200 < 0 -> 0, inventory 80;
    # Mar: 90 + 30 - 80 = 40 -> inventory 30.
    assert plan["production"].tolist() == pytest.approx([0, 0, 40, 60])
    assert plan["inventory"].tolist() == pytest.approx([200, 80, 30, 30])
    # days of supply = inventory / (forward monthly demand / 30.4)
    assert plan["days_of_supply"].tolist() == pytest.approx(
        [200 / (90 / 30.4), 80 / (75 / 30.4), 30 / (60 / 30.4), 30 / (60 / 30.4)])
    assert_identities(plan, 300, 0)


def test_mts_days_of_supply_is_nan_without_demand_ahead():
    company = single_family(mts("A", 30.4), on_hand=10)
    plan = plan_supply(company, demand_frame({"A": [10, 0, 0]}))
    assert plan["target"].tolist() == [0, 0, 0]
    assert plan["inventory"].tolist() == [0, 0, 0]
    assert plan["days_of_supply"].isna().all()


def test_mts_plan_opens_with_zero_backlog_whatever_the_open_orders():
    company = single_family(mts("A", 15.2), on_hand=50, open_orders=[("2024-01", 40)])
    plan = plan_supply(company, demand_frame({"A": [100, 120, 90, 60]}))
    assert plan["production"].iloc[0] == pytest.approx(95)
    assert plan["backlog"].iloc[0] == 0


def test_mto_plan_holds_the_weeks_of_backlog_target():
    # weekly demand = mean of months t..t+2 / (30.4 / 7): 70, 70, 35, 70 -> targets x 2 weeks.
    company = single_family(mto("B", 2), open_orders=[("2024-01", 150), ("2024-03", 50)])
    plan = plan_supply(company, demand_frame({"B": [304, 608, 0, 304]}))
    assert plan["target"].tolist() == pytest.approx([140, 140, 70, 140])
    # Jan: 200 + 304 - 140; Feb: 140 + 608 - 140; Mar: 140 + 0 - 70; Apr: 70 + 304 - 140.
    assert plan["production"].tolist() == pytest.approx([364, 608, 70, 234])
    assert plan["shipments"].tolist() == pytest.approx([364, 608, 70, 234])
    assert plan["backlog"].tolist() == pytest.approx([140, 140, 70, 140])
    assert plan["weeks_of_backlog"].tolist() == pytest.approx([2, 2, 2, 2])
    assert plan["inventory"].isna().all()
    assert plan["days_of_supply"].isna().all()
    assert plan["shortfall"].tolist() == [0, 0, 0, 0]
    assert_identities(plan, np.nan, 200)


def test_mto_plan_does_not_produce_when_backlog_is_below_target():
    company = single_family(mto("B", 2), open_orders=[("2024-01", 10)])
    plan = plan_supply(company, demand_frame({"B": [304, 304, 304]}))
    # target 2 weeks x 70 = 140: Jan 10 + 304 - 140 = 174, then 304 each month.
    assert plan["production"].tolist() == pytest.approx([174, 304, 304])
    company = single_family(mto("B", 8), open_orders=[("2024-01", 10)])
    plan = plan_supply(company, demand_frame({"B": [304, 304, 304]}))
    # target 8 weeks x 70 = 560: backlog builds to it before production starts.
    assert plan["production"].tolist() == pytest.approx([0, 58, 304])
    assert plan["backlog"].tolist() == pytest.approx([314, 560, 560])


def shared_resource_company(r2_available=BIG):
    """A (MTS, no target) uses R1 1 h and R2 1 h per unit; B (MTO, no target) uses R1 2 h."""
    return make_company(
        families=[mts("A", 0), mto("B", 0)],
        items=[item("A1", "A"), item("B1", "B")],
        inventory=[{"sku": "A1", "month": LAST_CLOSED, "on_hand": 0},
                   {"sku": "B1", "month": LAST_CLOSED, "on_hand": 0}],
        resources=[resource("R1", 80, 20), resource("R2", r2_available)],
        bill_of_resources=[bill("A", "R1", 1), bill("A", "R2", 1), bill("B", "R1", 2)],
    )


def test_capacity_cut_factor_is_shared_by_the_families_of_a_resource():
    plan = plan_supply(shared_resource_company(), demand_frame({"A": [60, 20], "B": [30, 10]}))
    a, b = plan[plan["family"] == "A"], plan[plan["family"] == "B"]
    # Jan: R1 load 60 x 1 + 30 x 2 = 120 h > 100 h -> both cut by 100 / 120.
    assert a["production"].tolist() == pytest.approx([50, 30])
    assert b["production"].tolist() == pytest.approx([25, 15])
    assert a["constrained"].tolist() == [True, False]
    assert b["constrained"].tolist() == [True, False]
    # The cut is carried: A backlog 10 is recovered in Feb (required 20 + 10), B backlog 5.
    assert a["required"].tolist() == pytest.approx([60, 30])
    assert b["required"].tolist() == pytest.approx([30, 15])
    assert a["backlog"].tolist() == pytest.approx([10, 0])
    assert b["backlog"].tolist() == pytest.approx([5, 0])
    assert a["shortfall"].tolist() == pytest.approx([10, 0])
    assert b["shortfall"].tolist() == pytest.approx([5, 0])
    assert_identities(a, 0, 0)
    assert_identities(b, np.nan, 0)


def test_capacity_cut_uses_the_tightest_resource_of_each_family():
    company = shared_resource_company(r2_available=40)
    plan = plan_supply(company, demand_frame({"A": [60], "B": [30]}))
    # R2 allows A 40 / 60; R1 allows 100 / 120: A takes the tighter, B only uses R1.
    assert plan["production"].tolist() == pytest.approx([40, 25])


def test_opening_position_sums_the_skus_of_each_family():
    company = make_company(
        families=[mts("A", 10), mto("B", 2)],
        items=[item("A1", "A"), item("A2", "A"), item("B1", "B")],
        inventory=[{"sku": "A1", "month": LAST_CLOSED, "on_hand": 10},
                   {"sku": "A1", "month": "2023-11", "on_hand": 999},
                   {"sku": "A2", "month": LAST_CLOSED, "on_hand": 5},
                   {"sku": "B1", "month": LAST_CLOSED, "on_hand": 3}],
        open_orders=[{"sku": "A1", "due_month": "2024-01", "quantity": 4},
                     {"sku": "A2", "due_month": "2024-03", "quantity": 6},
                     {"sku": "B1", "due_month": "2024-02", "quantity": 7}],
    )
    position = opening_position(company)
    assert list(position.columns) == ["family", "strategy", "opening_inventory",
                                      "opening_backlog"]
    assert position.to_dict("records") == [
        {"family": "A", "strategy": "MTS", "opening_inventory": 15.0, "opening_backlog": 10.0},
        {"family": "B", "strategy": "MTO", "opening_inventory": 3.0, "opening_backlog": 7.0},
    ]


@pytest.mark.parametrize("stock", ["inventory", "backlog"])
def test_check_balance_names_family_and_month_of_a_break(stock):
    company = single_family(mts("A", 15.2), on_hand=50)
    plan = plan_supply(company, demand_frame({"A": [100, 120, 90, 60]}))
    plan.loc[2, stock] += 0.01
    with pytest.raises(SopError, match=f"{stock} of family A in 2024-03"):
        check_balance(plan)


def test_check_balance_checks_the_first_month_against_the_opening():
    company = single_family(mto("B", 2), open_orders=[("2024-01", 200)])
    plan = plan_supply(company, demand_frame({"B": [304, 608, 0, 304]}))
    check_balance(plan, opening=opening_position(company))
    check_balance(plan)
    plan["backlog"] -= 1
    check_balance(plan)  # without the opening, the rows after the first still balance
    with pytest.raises(SopError, match="backlog of family B in 2024-01"):
        check_balance(plan, opening=opening_position(company))


def test_check_balance_tolerates_rounding_below_a_millionth():
    company = single_family(mts("A", 15.2), on_hand=50)
    plan = plan_supply(company, demand_frame({"A": [100, 120, 90, 60]}))
    plan.loc[3, "inventory"] += 1e-9
    check_balance(plan)


def test_demand_for_an_unknown_family_is_refused():
    company = single_family(mts("A", 10))
    with pytest.raises(SopError, match="family Z, which is not in families"):
        plan_supply(company, demand_frame({"A": [1, 2], "Z": [1, 2]}))


def test_demand_with_a_missing_month_is_refused():
    company = make_company(families=[mts("A", 10), mto("B", 2)],
                           items=[item("A1", "A"), item("B1", "B")],
                           resources=[resource("R1", BIG)],
                           bill_of_resources=[bill("A", "R1", 1), bill("B", "R1", 1)])
    demand = demand_frame({"A": [1, 2, 3], "B": [1, 2, 3]})
    demand = demand.drop(index=4)
    with pytest.raises(SopError, match="no row for family B in 2024-02"):
        plan_supply(company, demand)
